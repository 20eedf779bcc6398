using System.Security.Claims;
using ApprovalOrchestrator.Runtime.Notifications;
using ApprovalOrchestrator.Server.Web;
using Microsoft.AspNetCore.Authentication;

namespace ApprovalOrchestrator.Server.Notifications;

/// <summary>
/// <c>GET /tasks/{id}?mail=&lt;code&gt;</c>, the link in an approval e-mail. Signed out, the request goes on to the page,
/// which sends the person to sign in and back here (the code untouched). Signed in to the console, the code is consumed
/// (once, before it expires, for that task only) and recorded as opened from the mail by that person; then the browser is
/// redirected to the plain <c>/tasks/{id}</c>, so the code leaves the address bar and history. The code never
/// authenticates anyone and grants nothing: the page's own authorization decides what the person sees.
/// </summary>
public static class MailLinkMiddleware
{
    public static void UseMailLinks(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (HttpMethods.IsGet(context.Request.Method)
            && context.Request.Query.TryGetValue(MailLinks.QueryParameter, out var codes)
            && TaskId(context.Request.Path) is { } taskId)
        {
            var session = await context.AuthenticateAsync(ConsoleAuth.Scheme);
            if (session.Succeeded && session.Principal?.FindFirstValue(Identity.Caller.UserClaim) is { Length: > 0 } user)
            {
                var use = await context.RequestServices.GetRequiredService<MailLinks>().ConsumeAsync(codes.ToString(), taskId, user);
                context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(MailLinkMiddleware))
                    .LogInformation("Mailed link for task {TaskId} followed by {User}: {Use}", taskId, user, use);
                context.Response.Redirect($"/tasks/{taskId}");
                return;
            }
        }

        await next(context);
    });

    private static Guid? TaskId(PathString path)
    {
        var value = path.Value ?? "";
        return value.StartsWith("/tasks/", StringComparison.Ordinal) && Guid.TryParse(value["/tasks/".Length..], out var id) ? id : null;
    }
}
