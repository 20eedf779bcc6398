using ApprovalOrchestrator.Runtime.Storage;
using ApprovalOrchestrator.Runtime.Storage.Sqlite;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Data.Sqlite;

namespace ApprovalOrchestrator.Server.Web;

/// <summary>
/// The keys that protect console session cookies and antiforgery tokens live with the data: beside the SQLite file
/// (owner-only folder), or, when several servers share a PostgreSQL database, in it (<see cref="DatabaseKeyRing"/>), so a
/// cookie issued by one node is read by every other behind the load balancer. Otherwise ASP.NET falls back to the user
/// profile, or to memory, and every restart (or every other node) would sign everyone out.
/// </summary>
public static class ConsoleKeys
{
    public static IServiceCollection AddConsoleKeys(this IServiceCollection services, IConfiguration configuration)
    {
        var protection = services.AddDataProtection().SetApplicationName("ApprovalOrchestrator");
        if (StorageRegistration.ProviderOf(configuration) != StorageOptions.Sqlite)
        {
            services.AddOptions<KeyManagementOptions>().Configure<Database, TimeProvider>((o, database, clock) => o.XmlRepository = new DatabaseKeyRing(database, clock));
            return services;
        }

        var database = new SqliteConnectionStringBuilder(
            SqliteDatabase.Normalize(configuration.GetConnectionString("Approvals") ?? StorageOptions.DefaultConnectionString)).DataSource;
        var folder = Path.Combine(Path.GetDirectoryName(database)!, "console-keys");
        Directory.CreateDirectory(folder);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        protection.PersistKeysToFileSystem(new DirectoryInfo(folder));
        return services;
    }
}
