namespace ApprovalOrchestrator.LocalIdentity;

/// <summary>
/// Creates a secret file once, owner-only from the first byte, and never half-written: the content goes to a temporary
/// file beside it, which is then linked into place only if nothing is there yet. Servers starting together on one shared
/// folder (the compose replicas) therefore all read the one key the first of them wrote, never an empty or partial file.
/// </summary>
public static class OwnerOnlyFile
{
    public const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Writes <paramref name="content"/> to <paramref name="path"/> unless the file exists; false when another process was first.</summary>
    public static bool CreateOnce(string path, string content)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temporary = full + "." + Guid.NewGuid().ToString("N") + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly;
        }

        try
        {
            using (var stream = new FileStream(temporary, options))
            using (var writer = new StreamWriter(stream))
            {
                writer.Write(content);
            }

            try
            {
                // Without overwrite, .NET links the file into place on Unix: it fails if the target exists, never replaces it.
                File.Move(temporary, full, overwrite: false);
                return true;
            }
            catch (IOException) when (File.Exists(full))
            {
                return false;
            }
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>Narrows the file to owner-only if the umask or a copy widened it.</summary>
    public static void RestrictToOwner(string path)
    {
        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & ~OwnerOnly) != 0)
        {
            File.SetUnixFileMode(path, OwnerOnly);
        }
    }
}
