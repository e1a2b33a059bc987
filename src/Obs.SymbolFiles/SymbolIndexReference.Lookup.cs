namespace Obs.SymbolFiles;

public abstract partial class SymbolIndexReference
{
    /// <summary>
    /// Looks up a module-relative address: the FUNC that covers it, with its source line and
    /// the chain of inlined calls; else a PUBLIC by the fallback rule (see
    /// <see cref="TryFindFunction"/>). False when neither applies.
    /// </summary>
    /// <exception cref="ObjectDisposedException">This reference has been disposed.</exception>
    /// <exception cref="SymbolIndexFormatException">A saved index's records are corrupt.</exception>
    public bool TryLookup(ulong address, out SymbolLookupResult result)
    {
        var core = Enter();
        try
        {
            return core.TryLookup(this, address, out result);
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>
    /// Finds the function at a module-relative address: the FUNC whose range covers it; else the
    /// nearest PUBLIC at or below it, provided no FUNC starts between that PUBLIC and the address
    /// (rust-minidump's and Breakpad's rule). PUBLIC records at address 0 are never used, as in
    /// Breakpad, whose resolver ignores them (they are placeholders such as Mach-O's
    /// <c>_mh_execute_header</c> or ntdll's zero-address publics).
    /// </summary>
    /// <exception cref="ObjectDisposedException">This reference has been disposed.</exception>
    /// <exception cref="SymbolIndexFormatException">A saved index's records are corrupt.</exception>
    public bool TryFindFunction(ulong address, out SymbolFunction function)
    {
        var core = Enter();
        try
        {
            return core.TryFindFunction(this, address, out function);
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>
    /// The PUBLIC record nearest at or below an address, whatever FUNC records say (the raw
    /// query behind the fallback rule of <see cref="TryFindFunction"/>).
    /// </summary>
    /// <exception cref="ObjectDisposedException">This reference has been disposed.</exception>
    public bool TryFindNearestPublic(ulong address, out SymbolFunction publicSymbol)
    {
        var core = Enter();
        try
        {
            return core.TryFindNearestPublic(this, address, out publicSymbol);
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>
    /// The STACK CFI rules in force at an address: the covering <c>STACK CFI INIT</c> rules
    /// followed by every <c>STACK CFI</c> row of that block at or below the address, in address
    /// order, one per line (later rules override earlier ones for the same register); the input
    /// of <see cref="CfiEvaluator"/>.
    /// </summary>
    /// <exception cref="ObjectDisposedException">This reference has been disposed.</exception>
    /// <exception cref="SymbolIndexFormatException">A saved index's records are corrupt.</exception>
    public bool TryFindCfiRules(ulong address, out CfiRules rules)
    {
        var core = Enter();
        try
        {
            return core.TryFindCfiRules(this, address, out rules);
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>
    /// The STACK WIN record covering an address: a FrameData (type 4) record if one covers it,
    /// else an FPO (type 0) record, as Breakpad and rust-minidump prefer; the program of a
    /// FrameData record is the input of <see cref="StackWinEvaluator"/>.
    /// </summary>
    /// <exception cref="ObjectDisposedException">This reference has been disposed.</exception>
    public bool TryFindStackWin(ulong address, out StackWinFrameInfo info)
    {
        var core = Enter();
        try
        {
            return core.TryFindStackWin(this, address, out info);
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>
    /// The size of the parameters a function at this address takes on the stack: from STACK WIN
    /// FrameData, else FPO, else the FUNC record (rust-minidump's order).
    /// </summary>
    /// <exception cref="ObjectDisposedException">This reference has been disposed.</exception>
    /// <exception cref="SymbolIndexFormatException">A saved index's records are corrupt.</exception>
    public bool TryGetParameterSize(ulong address, out uint parameterSize)
    {
        var core = Enter();
        try
        {
            return core.TryGetParameterSize(address, out parameterSize);
        }
        finally
        {
            Exit();
        }
    }
}
