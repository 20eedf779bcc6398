namespace ApprovalOrchestrator.Runtime.Notifications.Slack;

/// <summary>A secret given inline (configuration or environment) or as a file re-read at every use, so a rotated file applies at once.</summary>
internal static class SecretSetting
{
    public static string? Read(string inline, string file, string fileSetting, out string? problem)
    {
        problem = null;
        if (!string.IsNullOrWhiteSpace(inline))
        {
            return inline.Trim();
        }

        if (string.IsNullOrWhiteSpace(file))
        {
            return null;
        }

        try
        {
            var text = File.ReadAllText(file).Trim();
            if (text.Length == 0)
            {
                problem = $"{fileSetting} ({file}) is empty.";
                return null;
            }

            return text;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The path and the reason, never the content.
            problem = $"{fileSetting} could not be read: {ex.Message}";
            return null;
        }
    }
}
