using ApprovalOrchestrator.Runtime.Identity;

namespace ApprovalOrchestrator.Server.Identity;

/// <summary>
/// <c>token --key FILE --user U [--groups a,b] [--roles r,s] [--hours N]</c>: mints a local token with the embedded
/// default's key file (until aoctl has <c>token issue</c>). Prints only the token.
/// </summary>
public static class TokenCommand
{
    public static int Run(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            options[args[i].TrimStart('-')] = args[i + 1];
        }

        if (!options.TryGetValue("user", out var user) || !options.TryGetValue("key", out var key))
        {
            Console.Error.WriteLine("usage: token --key data/signing.key --user alice [--groups team-leads] [--roles approver,submitter] [--hours 8]");
            return 2;
        }

        static string[] List(Dictionary<string, string> o, string name) =>
            o.TryGetValue(name, out var v) ? v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : [];

        var hours = options.TryGetValue("hours", out var h) ? double.Parse(h, System.Globalization.CultureInfo.InvariantCulture) : 8;
        Console.WriteLine(LocalTokenIssuer.FromKeyFile(key).Issue(user, List(options, "groups"), List(options, "roles"), TimeSpan.FromHours(hours)));
        return 0;
    }
}
