namespace ApprovalOrchestrator.Core.Guardrails;

/// <summary>
/// A definition's <c>guardrails</c>: an action per detector id (<see cref="Default"/> for the ids not listed), what to
/// do with findings in the Gateway's answer, and the approve route <c>require-approval</c> sends a request to when its
/// own route would execute it. A route may override any of it (<see cref="GuardrailOverride"/>).
/// </summary>
public sealed record GuardrailPolicy(
    IReadOnlyDictionary<string, GuardrailAction> Detectors,
    GuardrailAction Default,
    ResponseAction Response,
    string ApprovalRoute)
{
    /// <summary>The route used by <c>require-approval</c> when the definition names none.</summary>
    public const string DefaultApprovalRoute = "amber";

    public GuardrailAction ActionFor(string detectorId) =>
        Detectors.TryGetValue(detectorId, out var action) ? action : Default;

    /// <summary>Detector ids whose findings are replaced in what is sent.</summary>
    public IReadOnlySet<string> Redacted(IEnumerable<string> ids) =>
        ids.Where(id => ActionFor(id) == GuardrailAction.Redact).ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// Detector ids screened in the Gateway's answer: every one the policy does not <c>allow</c> outgoing. A value the
    /// definition would not let out is not let back in either.
    /// </summary>
    public IReadOnlySet<string> Screened(IEnumerable<string> ids) =>
        ids.Where(id => ActionFor(id) != GuardrailAction.Allow).ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// This policy with a route's override laid over it. Precedence: the route's entry for the detector, the definition's
    /// entry, the route's default, the definition's default. Routes may not loosen a definition's <c>block</c> (the parser
    /// refuses it), so a blocked detector stays blocked on every route.
    /// </summary>
    public GuardrailPolicy With(GuardrailOverride? route)
    {
        if (route is null)
        {
            return this;
        }

        var detectors = new Dictionary<string, GuardrailAction>(Detectors, StringComparer.Ordinal);
        foreach (var (id, action) in route.Detectors)
        {
            detectors[id] = action;
        }

        return new GuardrailPolicy(detectors, route.Default ?? Default, route.Response ?? Response, ApprovalRoute);
    }
}

/// <summary>A route's <c>guardrails</c>: per-detector actions and, optionally, another default and response action.</summary>
public sealed record GuardrailOverride(
    IReadOnlyDictionary<string, GuardrailAction> Detectors,
    GuardrailAction? Default,
    ResponseAction? Response);
