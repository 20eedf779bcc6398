namespace ApprovalOrchestrator.Testing.ScaleOut;

/// <summary>
/// The server settings a test or benchmark puts its server(s) on: a PostgreSQL database, a RabbitMQ prefix, the fake
/// Gateway. One place for the keys, so a cluster, a benchmark store and a benchmark server spell them alike.
/// </summary>
public static class ClusterSettings
{
    /// <summary>The data directory holds what a server on PostgreSQL keeps locally (keys, checkpoints), here the run's folder.</summary>
    public static Dictionary<string, string?> Postgres(string connectionString, string dataDirectory) => new()
    {
        ["Storage:Provider"] = "postgres",
        ["ConnectionStrings:Approvals"] = connectionString,
        ["Storage:DataDirectory"] = dataDirectory,
    };

    /// <summary>A name prefix of the run's own on the shared broker (<see cref="RabbitMqUrl.NewPrefix"/>).</summary>
    public static Dictionary<string, string?> RabbitMq(string url, string prefix) => new()
    {
        ["Bus:Transport"] = "RabbitMq",
        ["Bus:RabbitMq:Url"] = url,
        ["Bus:RabbitMq:Prefix"] = prefix,
    };

    public static Dictionary<string, string?> Gateway(string baseUrl, string token) => new()
    {
        ["Gateway:BaseUrl"] = baseUrl,
        ["Gateway:Token"] = token,
    };

    /// <summary>
    /// Nodes check in with the Quartz cluster every second (default 5), so a dead node's acquired timers are recovered in
    /// seconds.
    /// </summary>
    public static Dictionary<string, string?> QuickQuartzCheckin() => new() { ["Quartz:ClusterCheckinSeconds"] = "1" };
}
