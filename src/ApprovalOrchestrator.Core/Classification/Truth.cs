namespace ApprovalOrchestrator.Core.Classification;

/// <summary>
/// The value of a condition: holds, does not hold, or could not be decided (a regex timed out, a number could not be read,
/// a value only equals the operand as a look-alike). Combined with Kleene's three-valued logic, so <c>not</c> of an
/// indeterminate condition stays indeterminate; a rule whose condition is indeterminate is applied when it would raise
/// the risk (fail closed), see <see cref="Classifier"/>.
/// </summary>
internal enum Truth
{
    False,
    True,
    Unknown,
}

internal static class TruthLogic
{
    public static Truth Of(bool value) => value ? Truth.True : Truth.False;

    public static Truth Not(Truth t) => t switch
    {
        Truth.True => Truth.False,
        Truth.False => Truth.True,
        _ => Truth.Unknown,
    };

    /// <summary>True if any is true; else unknown if any is unknown; else false.</summary>
    public static Truth Or(Truth a, Truth b) =>
        a == Truth.True || b == Truth.True ? Truth.True : a == Truth.Unknown || b == Truth.Unknown ? Truth.Unknown : Truth.False;

    /// <summary>False if any is false; else unknown if any is unknown; else true.</summary>
    public static Truth And(Truth a, Truth b) =>
        a == Truth.False || b == Truth.False ? Truth.False : a == Truth.Unknown || b == Truth.Unknown ? Truth.Unknown : Truth.True;
}
