using ApprovalOrchestrator.Application;
using ApprovalOrchestrator.Application.Controls;
using ApprovalOrchestrator.Runtime.Operations;
using ApprovalOrchestrator.Server.Web.Rendering;
using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Mvc;

namespace ApprovalOrchestrator.Server.Web.Pages.Operations;

/// <summary>
/// The operations dashboard (auditors and admins): what waits, how fast decisions come, what escalated or expired, and
/// the kill switch (the halts in force; admins halt and resume here, through the same use cases as the API).
/// </summary>
public sealed class IndexModel(OperationsQueries queries, IExecutionControls controls, HaltExecution halt, ResumeExecution resume) : ConsolePage
{
    /// <summary>How often the page's script asks for a fresh set of charts.</summary>
    public const int PollSeconds = 5;

    public IHtmlContent Charts { get; private set; } = HtmlString.Empty;

    public IReadOnlyList<HaltRecord> Halts { get; private set; } = [];

    [BindProperty]
    public string? Scope { get; set; }

    [BindProperty]
    public string? Target { get; set; }

    [BindProperty]
    public string? Reason { get; set; }

    [BindProperty]
    public string? HaltId { get; set; }

    public async Task OnGetAsync()
    {
        Charts = OperationsCharts.Render(await queries.SnapshotAsync());
        Halts = (await controls.InForceAsync()).Select(HaltRecord.Of).ToList();
    }

    /// <summary>What the page's script polls: the charts alone, as an HTML fragment it swaps in.</summary>
    public async Task<IActionResult> OnGetPollAsync()
    {
        var fragment = OperationsCharts.Render(await queries.SnapshotAsync());
        using var writer = new StringWriter();
        fragment.WriteTo(writer, System.Text.Encodings.Web.HtmlEncoder.Default);
        return Content(writer.ToString(), "text/html; charset=utf-8");
    }

    public async Task<IActionResult> OnPostHaltAsync()
    {
        var target = string.IsNullOrWhiteSpace(Target) || Scope == "all" ? null : Target;
        var result = await halt.HandleAsync(Me.AsActor(), new HaltInput(Scope, target, Reason));
        return await AfterAsync(result.Refusal, result.Value is { } h ? $"Halted {Describe(h)}: nothing it covers starts executing until it is resumed." : "");
    }

    public async Task<IActionResult> OnPostResumeAsync()
    {
        var result = await resume.HandleAsync(Me.AsActor(), new ResumeInput(HaltId, null, null, Reason));
        return await AfterAsync(result.Refusal, result.Value is { } r ? $"Resumed {Describe(r.Halt)}; {r.Released} halted requests released in order." : "");
    }

    public static string Describe(HaltRecord h) => h.Target is null ? "everything" : $"{h.Scope} {h.Target}";

    private async Task<IActionResult> AfterAsync(Refusal? refusal, string done)
    {
        if (refusal is not null)
        {
            Flash = refusal switch
            {
                { Kind: RefusalKind.Invalid, Errors: [var first, ..] } => $"The {first.Field} {first.Message}",
                _ => refusal.Detail,
            };
            FlashIsError = true;
            if (refusal.IsSecurityEvent)
            {
                await RecordRefusalAsync(refusal.SecurityNote ?? refusal.Detail);
            }
        }
        else
        {
            Flash = done;
            FlashIsError = false;
        }

        return LocalRedirect("/operations#controls");
    }
}
