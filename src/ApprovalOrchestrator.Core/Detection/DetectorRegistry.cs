using ApprovalOrchestrator.Core.Detection.Detectors;

namespace ApprovalOrchestrator.Core.Detection;

/// <summary>
/// The registry. The order is the specificity rank used when findings overlap: a structure with a checksum or a
/// fixed prefix outranks a format, and a format outranks the entropy heuristic.
/// </summary>
public static class DetectorRegistry
{
    public static IReadOnlyList<IDetector> All { get; } =
    [
        new PrivateKeyDetector(),
        new CloudCredentialDetector(),
        new JwtDetector(),
        new ApiKeyDetector(),
        new IbanDetector(),
        new PaymentCardDetector(),
        new SpanishDniDetector(),
        new FinnishHetuDetector(),
        new SwedishPersonnummerDetector(),
        new DutchBsnDetector(),
        new AadhaarDetector(),
        new EmailDetector(),
        new Ipv6Detector(),
        new Ipv4Detector(),
        new PhoneDetector(),
        new HighEntropyDetector(),
    ];

    private static readonly Dictionary<string, int> Ranks =
        All.Select((d, i) => (d.Id, i)).ToDictionary(x => x.Id, x => x.i, StringComparer.Ordinal);

    public static IReadOnlyCollection<string> Ids { get; } = All.Select(d => d.Id).ToArray();

    public static bool IsKnown(string id) => Ranks.ContainsKey(id);

    public static IDetector Get(string id) => All[Ranks[id]];

    /// <summary>Lower is more specific.</summary>
    internal static int Rank(string id) => Ranks[id];
}
