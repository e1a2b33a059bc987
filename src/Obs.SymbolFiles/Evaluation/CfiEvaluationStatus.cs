namespace Obs.SymbolFiles;

/// <summary>The outcome of <see cref="CfiEvaluator.Evaluate{TContext}"/>.</summary>
/// <remarks>
/// Every value except <see cref="Success"/> means the frame cannot be unwound with these rules.
/// The expression failures (from <see cref="InvalidNumber"/> on) are reported for the <c>.cfa</c>
/// or <c>.ra</c> rule; the same failure in any other register's rule only leaves that register
/// unrecovered.
/// </remarks>
public enum CfiEvaluationStatus
{
    /// <summary>The CFA and the return address were recovered.</summary>
    Success = 0,

    /// <summary>No <c>.cfa:</c> rule.</summary>
    MissingCfaRule,

    /// <summary>No <c>.ra:</c> rule.</summary>
    MissingReturnAddressRule,

    /// <summary>
    /// The rule text is not a sequence of <c>REG: EXPR</c> pairs: an expression token before the
    /// first <c>REG:</c> of a line, or an empty register name.
    /// </summary>
    SyntaxError,

    /// <summary>More distinct registers than <see cref="CfiEvaluator.MaxRules"/>.</summary>
    TooManyRules,

    /// <summary>A token that starts like a decimal number but is not a valid 64-bit signed integer.</summary>
    InvalidNumber,

    /// <summary>An operator found fewer operands than it needs.</summary>
    StackUnderflow,

    /// <summary>An expression pushed more than <see cref="CfiEvaluator.MaxStackDepth"/> values.</summary>
    ExpressionTooDeep,

    /// <summary>An expression left no value.</summary>
    EmptyExpression,

    /// <summary>An expression left more than one value.</summary>
    LeftoverValues,

    /// <summary>Division or modulo by zero.</summary>
    DivisionByZero,

    /// <summary>The right operand of <c>@</c> (align) is not a power of two.</summary>
    InvalidAlignment,

    /// <summary>The expression uses <c>.undef</c>: the value is deliberately unrecoverable.</summary>
    UndefinedValue,

    /// <summary>The <c>.cfa</c> rule refers to <c>.cfa</c>, which is not known while it is being computed.</summary>
    CfaUnavailable,

    /// <summary>The context does not know the register or has no value for it.</summary>
    UnknownRegister,

    /// <summary>A <c>^</c> dereference read memory that is not available.</summary>
    MemoryReadFailed,
}
