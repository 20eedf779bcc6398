namespace ApprovalOrchestrator.Core.Definitions;

/// <summary>
/// What a word that mixes scripts (Latin and Cyrillic letters in one word, say: the shape of a look-alike attack) does to a
/// classification: raise it to at least amber, or red, or nothing. Definition key <c>classification.onMixedScript</c>.
/// </summary>
public enum MixedScriptAction
{
    Amber,
    Red,
    Ignore,
}

public static class MixedScript
{
    public static readonly IReadOnlyDictionary<string, MixedScriptAction> Names = new Dictionary<string, MixedScriptAction>(StringComparer.Ordinal)
    {
        ["amber"] = MixedScriptAction.Amber,
        ["red"] = MixedScriptAction.Red,
        ["ignore"] = MixedScriptAction.Ignore,
    };

    public static string Name(MixedScriptAction action) => action.ToString().ToLowerInvariant();

    /// <summary>The least risk a mixed-script word leads to, or null for <see cref="MixedScriptAction.Ignore"/>.</summary>
    public static RiskLevel? Risk(MixedScriptAction action) => action switch
    {
        MixedScriptAction.Amber => RiskLevel.Amber,
        MixedScriptAction.Red => RiskLevel.Red,
        _ => null,
    };
}
