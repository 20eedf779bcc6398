using ApprovalOrchestrator.Runtime.Operations;
using ApprovalOrchestrator.Server.Web.Rendering;
using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Mvc;

namespace ApprovalOrchestrator.Server.Web.Pages.Operations;

/// <summary>The operations dashboard (auditors and admins): what waits, how fast decisions come, what escalated or expired.</summary>
public sealed class IndexModel(OperationsQueries queries) : ConsolePage
{
    /// <summary>How often the page's script asks for a fresh set of charts.</summary>
    public const int PollSeconds = 5;

    public IHtmlContent Charts { get; private set; } = HtmlString.Empty;

    public async Task OnGetAsync() => Charts = OperationsCharts.Render(await queries.SnapshotAsync());

    /// <summary>What the page's script polls: the charts alone, as an HTML fragment it swaps in.</summary>
    public async Task<IActionResult> OnGetPollAsync()
    {
        var fragment = OperationsCharts.Render(await queries.SnapshotAsync());
        using var writer = new StringWriter();
        fragment.WriteTo(writer, System.Text.Encodings.Web.HtmlEncoder.Default);
        return Content(writer.ToString(), "text/html; charset=utf-8");
    }
}
