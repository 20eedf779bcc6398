namespace ApprovalOrchestrator.Core.Detection;

/// <summary>The ids policies may name. Stable: renaming one breaks published definitions.</summary>
public static class DetectorIds
{
    public const string Email = "email";
    public const string Phone = "phone";
    public const string Iban = "iban";
    public const string PaymentCard = "payment-card";
    public const string NationalIdSpain = "national-id.es";
    public const string NationalIdNetherlands = "national-id.nl";
    public const string NationalIdFinland = "national-id.fi";
    public const string NationalIdSweden = "national-id.se";
    public const string NationalIdIndia = "national-id.in";
    public const string Ipv4 = "ipv4";
    public const string Ipv6 = "ipv6";
    public const string Jwt = "jwt";
    public const string ApiKey = "api-key";
    public const string HighEntropy = "high-entropy";
    public const string PrivateKey = "private-key";
    public const string CloudCredential = "cloud-credential";
}
