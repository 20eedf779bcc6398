using ApprovalOrchestrator.Server.Hosting;

namespace ApprovalOrchestrator.Server.Web;

/// <summary>The web console: Razor Pages under <c>/</c>, folders by capability, each folder behind its role.</summary>
public static class ConsoleSetup
{
    public static IServiceCollection AddConsole(this IServiceCollection services)
    {
        services.AddConsoleAuth();
        services.AddRazorPages(o =>
            {
                o.RootDirectory = "/Web/Pages";
                o.Conventions.AuthorizeFolder("/", ConsoleAuth.Reader);
                o.Conventions.AuthorizeFolder("/Inbox", ConsoleAuth.Approver);
                o.Conventions.AuthorizeFolder("/Tasks", ConsoleAuth.Approver);
                o.Conventions.AuthorizeFolder("/Audit", ConsoleAuth.AuditReader);
                o.Conventions.AuthorizeFolder("/Operations", ConsoleAuth.AuditReader);
                o.Conventions.AuthorizeFolder("/Definitions", ConsoleAuth.Admin);
                o.Conventions.AllowAnonymousToPage("/Account/SignIn");
            })
            // Tests host the server from their own entry assembly: name ours so its compiled pages are found.
            .AddApplicationPart(typeof(ServerApp).Assembly);
        return services;
    }

    public static void UseConsoleHeaders(this WebApplication app) =>
        app.Use(async (context, next) =>
        {
            if (!context.Request.Path.StartsWithSegments("/api") && !context.Request.Path.StartsWithSegments("/health"))
            {
                // No inline script or style anywhere in the console, so the policy can be strict; no framing (clickjacking
                // an Approve button is the obvious attack on a page like this).
                var headers = context.Response.Headers;
                headers.ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";
                headers.XFrameOptions = "DENY";
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "same-origin";
            }

            await next();
        });

    public static void MapConsole(this WebApplication app)
    {
        app.MapConsoleAssets();
        app.MapRazorPages();
    }
}
