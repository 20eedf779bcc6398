using System.Net;

namespace ApprovalOrchestrator.Server.Web;

/// <summary>A plain page for refusals decided before a page runs (wrong role): same stylesheet, no layout logic.</summary>
public static class ConsoleErrorPage
{
    public static async Task WriteAsync(HttpContext context, int status, string title, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/html; charset=utf-8";
        var t = WebUtility.HtmlEncode(title);
        var m = WebUtility.HtmlEncode(message);
        await context.Response.WriteAsync($$"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{{t}} · Approval Orchestrator</title><link rel="stylesheet" href="{{ConsoleAssets.StylesheetPath}}"></head>
            <body><header class="top"><a class="brand" href="/">Approval Orchestrator</a></header>
            <main id="main" class="page"><h1>{{t}}</h1><p class="notice notice-error" role="alert">{{m}}</p>
            <p><a href="/">Back to the start page</a> · <a href="{{ConsoleAuth.SignInPath}}">Sign in as someone else</a></p></main></body></html>
            """);
    }
}
