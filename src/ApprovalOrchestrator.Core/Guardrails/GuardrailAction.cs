namespace ApprovalOrchestrator.Core.Guardrails;

/// <summary>What a definition does with a detector's findings in what is sent to the Gateway.</summary>
public enum GuardrailAction
{
    /// <summary>Sent as is.</summary>
    Allow,

    /// <summary>Replaced by a request-stable placeholder (<c>[email#1]</c>) before anything leaves the orchestrator.</summary>
    Redact,

    /// <summary>Sent as is, but only after people approved it: an execute route becomes the policy's approval route.</summary>
    RequireApproval,

    /// <summary>The request is blocked; nothing is sent.</summary>
    Block,
}

/// <summary>What happens to findings in the Gateway's answer before it is stored, published or shown.</summary>
public enum ResponseAction
{
    /// <summary>Findings are replaced by placeholders (numbered on from the request's).</summary>
    Redact,

    /// <summary>An answer with any finding is not kept at all: only the detector ids and counts are.</summary>
    Withhold,

    /// <summary>The answer is kept as the Gateway sent it.</summary>
    Allow,
}

/// <summary>The wire names used in definitions, audit records and the API.</summary>
public static class GuardrailNames
{
    public static readonly IReadOnlyDictionary<string, GuardrailAction> Actions = new Dictionary<string, GuardrailAction>(StringComparer.Ordinal)
    {
        ["allow"] = GuardrailAction.Allow,
        ["redact"] = GuardrailAction.Redact,
        ["require-approval"] = GuardrailAction.RequireApproval,
        ["block"] = GuardrailAction.Block,
    };

    public static readonly IReadOnlyDictionary<string, ResponseAction> ResponseActions = new Dictionary<string, ResponseAction>(StringComparer.Ordinal)
    {
        ["redact"] = ResponseAction.Redact,
        ["withhold"] = ResponseAction.Withhold,
        ["allow"] = ResponseAction.Allow,
    };

    public static string Of(GuardrailAction action) => action switch
    {
        GuardrailAction.Allow => "allow",
        GuardrailAction.Redact => "redact",
        GuardrailAction.RequireApproval => "require-approval",
        GuardrailAction.Block => "block",
        _ => throw new ArgumentOutOfRangeException(nameof(action), action, null),
    };

    public static string Of(ResponseAction action) => action switch
    {
        ResponseAction.Redact => "redact",
        ResponseAction.Withhold => "withhold",
        ResponseAction.Allow => "allow",
        _ => throw new ArgumentOutOfRangeException(nameof(action), action, null),
    };
}
