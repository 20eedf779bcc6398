namespace ApprovalOrchestrator.Runtime.Storage;

/// <summary>Where the database lives: <c>ConnectionStrings:Approvals</c>, default a file under <c>data/</c>.</summary>
public sealed class StorageOptions
{
    public const string DefaultConnectionString = "Data Source=data/approvals.db";

    public string ConnectionString { get; set; } = DefaultConnectionString;
}
