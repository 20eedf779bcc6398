using System.Text.Json;

namespace ApprovalOrchestrator.Cli.Identity;

/// <summary>
/// <c>~/.config/aoctl/config.json</c> (<c>$HOME</c>): <c>{"server", "token"}</c> saved by <c>aoctl login</c>. It holds a
/// bearer token, so it is written owner-only (0600) in an owner-only folder (0700).
/// </summary>
public sealed record ConfigFile(string? Server, string? Token)
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerOnlyFolder = OwnerOnly | UnixFileMode.UserExecute;
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static string DefaultPath =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config", "aoctl", "config.json");

    /// <summary>The saved settings, or empty ones when there is no file yet.</summary>
    public static ConfigFile Load(string? path = null)
    {
        path ??= DefaultPath;
        if (!File.Exists(path))
        {
            return new ConfigFile(null, null);
        }

        try
        {
            return JsonSerializer.Deserialize<ConfigFile>(File.ReadAllText(path), s_json) ?? new ConfigFile(null, null);
        }
        catch (JsonException ex)
        {
            throw new CliException($"{path} is not valid JSON ({ex.Message}); run `aoctl login` to write it again.");
        }
    }

    public void Save(string? path = null)
    {
        path ??= DefaultPath;
        var folder = Path.GetDirectoryName(path)!;
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
        }
        else
        {
            Directory.CreateDirectory(folder, OwnerOnlyFolder);
        }

        // Written beside and renamed: a reader never sees half a file, and the token is never in a file wider than 0600.
        var temporary = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly;
        }

        using (var stream = new FileStream(temporary, options))
        {
            JsonSerializer.Serialize(stream, this, s_json);
        }

        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temporary, OwnerOnly); // an older temporary file may have been wider
        }

        File.Move(temporary, path, overwrite: true);
    }
}

/// <summary>A usage or configuration problem: printed as one line, exit code 1.</summary>
public sealed class CliException(string message) : Exception(message);
