namespace Obs.SymbolFiles;

/// <summary>The outcome of <see cref="StackWinEvaluator.EvaluateFrameData{TMemory}"/>.</summary>
public enum StackWinEvaluationStatus
{
    /// <summary>The program ran to its end with an empty stack.</summary>
    Success = 0,

    /// <summary>A token that starts like a decimal number but is not a valid 64-bit signed integer.</summary>
    InvalidNumber,

    /// <summary>An operator found fewer operands than it needs.</summary>
    StackUnderflow,

    /// <summary>The program pushed more than <see cref="StackWinEvaluator.MaxStackDepth"/> entries.</summary>
    ExpressionTooDeep,

    /// <summary>The program ended with values or names left on the stack.</summary>
    LeftoverValues,

    /// <summary>Division or modulo by zero.</summary>
    DivisionByZero,

    /// <summary>The right operand of <c>@</c> (align) is not a power of two.</summary>
    InvalidAlignment,

    /// <summary>A variable was read before anything assigned it and it is not one of the seeded values.</summary>
    UndefinedVariable,

    /// <summary>The target of <c>=</c> is a value, or a name that does not start with <c>$</c>.</summary>
    InvalidAssignmentTarget,

    /// <summary>The program assigned more distinct variables than <see cref="StackWinEvaluator.MaxVariables"/>.</summary>
    TooManyVariables,

    /// <summary>A <c>^</c> dereference read memory that is not available.</summary>
    MemoryReadFailed,
}
