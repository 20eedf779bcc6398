using System.Net;
using ApprovalOrchestrator.Runtime.Identity;
using ApprovalOrchestrator.Server.Web.SignInLink;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace ApprovalOrchestrator.Server.Hosting;

/// <summary>
/// What a newcomer needs on start: one line saying where the server listens and how to sign in, and, on the embedded
/// default only (local signing key, every address loopback), a single-use sign-in link for the local admin. Written to
/// standard output, not the log: the link is a credential and must not end up in log storage.
/// </summary>
public static class StartupBanner
{
    public static void Print(WebApplication app, TextWriter output)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];
        var first = addresses.FirstOrDefault() ?? ServerApp.DefaultUrl;
        var auth = app.Services.GetRequiredService<IOptions<AuthOptions>>().Value;
        var how = !string.IsNullOrWhiteSpace(auth.Authority)
            ? $"sign in with a token from {auth.Authority}"
            : auth.UsesLocalKey
                ? "sign in with a token from `aoctl token issue` (docs/auth.md)"
                : "sign in with a token signed by one of the configured Auth:SigningKeys";
        output.WriteLine($"ApprovalOrchestrator is listening on {string.Join(", ", addresses)}: console at {first.TrimEnd('/')}/, API at {first.TrimEnd('/')}/api; {how}.");
        if (auth.UsesLocalKey && addresses.Count > 0 && addresses.All(IsLoopback))
        {
            var links = app.Services.GetRequiredService<SignInLinks>();
            links.Enable();
            output.WriteLine($"Sign in as {LocalAdmin.User} (single use, expires in {SignInLinks.Lifetime.TotalMinutes:0} minutes): {first.TrimEnd('/')}{SignInLinkEndpoint.Path}?code={links.Issue()}");
        }
    }

    /// <summary>127.0.0.0/8, ::1 or localhost; a wildcard (0.0.0.0, [::], *, +) or any other host is not.</summary>
    public static bool IsLoopback(string address)
    {
        if (!Uri.TryCreate(address, UriKind.Absolute, out var uri))
        {
            return false;
        }

        return uri.IsLoopback && (uri.Host == "localhost" || IPAddress.TryParse(uri.Host, out _));
    }
}
