namespace ApprovalOrchestrator.Runtime.Notifications;

/// <summary><c>Notifications:Smtp:*</c>: e-mail for approval requests and escalations (plain SMTP; off while Host is empty).</summary>
public sealed class SmtpOptions
{
    public string Host { get; set; } = "";

    public int Port { get; set; } = 25;

    public bool EnableSsl { get; set; }

    public string From { get; set; } = "";

    /// <summary>Addresses told about every task.</summary>
    public List<string> To { get; set; } = [];

    /// <summary><c>Groups:&lt;group&gt;:0..n</c>: addresses told about that group's tasks.</summary>
    public Dictionary<string, List<string>> Groups { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The console's address as people reach it, e.g. <c>https://approvals.example.com</c>: links are built on it.</summary>
    public string PublicBaseUrl { get; set; } = "";

    /// <summary>How long a mailed link's one-time code is honoured.</summary>
    public TimeSpan LinkLifetime { get; set; } = TimeSpan.FromHours(24);

    public bool Enabled => !string.IsNullOrWhiteSpace(Host);

    public IEnumerable<string> RecipientsFor(string group) =>
        To.Concat(Groups.GetValueOrDefault(group) ?? []).Select(a => a.Trim()).Where(a => a.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase);
}
