using ApprovalOrchestrator.Core.Intake;
using ApprovalOrchestrator.Core.Workflow;
using ApprovalOrchestrator.Runtime;
using ApprovalOrchestrator.Runtime.Engine;
using ApprovalOrchestrator.Runtime.Requests;
using ApprovalOrchestrator.Server.Hosting;

namespace ApprovalOrchestrator.Server.Demo;

/// <summary>
/// <c>demo</c>: runs the five reference requests through the real engine on the configured database (no HTTP listener),
/// prints what happened to each, and leaves the ones that need approval waiting in the task list.
/// Run it while the server is stopped, or point it at another database: one process should own a SQLite file.
/// </summary>
public static class DemoCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(args);
        // The demo prints its own table; only problems should interrupt it.
        builder.Logging.AddFilter((_, level) => level >= LogLevel.Warning);
        builder.Services.AddApprovalOrchestrator(builder.Configuration);
        using var host = builder.Build();
        await ServerApp.InitializeAsync(host.Services, builder.Environment.ContentRootPath);
        await host.StartAsync();

        var engine = host.Services.GetRequiredService<WorkflowEngine>();
        var queries = host.Services.GetRequiredService<RequestQueries>();
        var run = DateTimeOffset.UtcNow.ToString("yyyyMMddHHmmss");
        var ids = new List<Guid>();
        for (var i = 0; i < ReferenceRequests.Texts.Count; i++)
        {
            var result = await engine.SubmitAsync(new SubmitCommand($"demo-{run}-{i + 1}", "demo-user", null, ReferenceRequests.Texts[i], null, null));
            ids.Add(result.Instance!.Id);
        }

        var views = await WaitUntilSettledAsync(queries, ids, TimeSpan.FromSeconds(30));
        Console.WriteLine($"{"#",-2} {"risk",-6} {"status",-18} {"matched terms",-28} request");
        for (var i = 0; i < views.Count; i++)
        {
            var v = views[i];
            Console.WriteLine($"{i + 1,-2} {v.Risk ?? "-",-6} {v.Status,-18} {Truncate(string.Join(", ", v.MatchedTerms), 28),-28} {v.Text}");
        }

        var waiting = views.Count(v => v.Status == InstanceStatus.AwaitingApproval.ToWire());
        Console.WriteLine();
        Console.WriteLine($"{waiting} request(s) wait for approval: start the server and see GET /api/tasks?status=open.");
        await host.StopAsync();
        return 0;
    }

    private static async Task<List<RequestView>> WaitUntilSettledAsync(RequestQueries queries, IReadOnlyList<Guid> ids, TimeSpan deadline)
    {
        var until = DateTimeOffset.UtcNow + deadline;
        while (true)
        {
            var views = new List<RequestView>();
            foreach (var id in ids)
            {
                views.Add((await queries.GetAsync(id))!);
            }

            if (views.All(v => v.Status is not ("received" or "executing")) || DateTimeOffset.UtcNow > until)
            {
                return views;
            }

            await Task.Delay(100);
        }
    }

    private static string Truncate(string s, int length) => s.Length <= length ? s : s[..(length - 1)] + "…";
}
