using ApprovalOrchestrator.Runtime.Storage;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Data.Sqlite;

namespace ApprovalOrchestrator.Server.Web;

/// <summary>
/// The keys that protect console session cookies and antiforgery tokens live beside the database (owner-only folder),
/// like the token signing key: otherwise ASP.NET falls back to the user profile, or to memory when that is not writable,
/// and every restart would sign everyone out. Several processes sharing one database share the keys too.
/// </summary>
public static class ConsoleKeys
{
    public static IServiceCollection AddConsoleKeys(this IServiceCollection services, IConfiguration configuration)
    {
        var database = new SqliteConnectionStringBuilder(
            SqliteDatabase.Normalize(configuration.GetConnectionString("Approvals") ?? StorageOptions.DefaultConnectionString)).DataSource;
        var folder = Path.Combine(Path.GetDirectoryName(database)!, "console-keys");
        Directory.CreateDirectory(folder);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        services.AddDataProtection()
            .SetApplicationName("ApprovalOrchestrator")
            .PersistKeysToFileSystem(new DirectoryInfo(folder));
        return services;
    }
}
