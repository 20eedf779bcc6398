using System.CommandLine;
using System.Diagnostics;
using ApprovalOrchestrator.Cli.Bus;
using ApprovalOrchestrator.Contracts.V1;

namespace ApprovalOrchestrator.Cli.Publish;

/// <summary>
/// <c>aoctl publish</c>: publishes SubmitAgentRequest messages and prints the orchestrator's events for them until every
/// request completed or was rejected (exit 0), or the timeout passed (exit 2). Errors exit 1.
/// </summary>
public static class PublishCommand
{
    public const int Ended = 0;
    public const int Failed = 1;
    public const int TimedOut = 2;

    // Connecting is quick on a healthy broker; beyond this the user is better served by an error than by a hang.
    private static readonly TimeSpan s_connectTimeout = TimeSpan.FromSeconds(10);

    public static Command Create()
    {
        var url = new Option<string>("--url") { Description = "The broker (amqp://user:password@host:port/vhost).", DefaultValueFactory = _ => "amqp://guest:guest@127.0.0.1:5672/" };
        var prefix = new Option<string>("--prefix") { Description = "The server's Bus:RabbitMq:Prefix (prepended to exchange names).", DefaultValueFactory = _ => "" };
        var file = new Option<FileInfo?>("--file") { Description = "JSONL: one SubmitAgentRequest body (camelCase) per line; requestId and requester optional." };
        var reference = new Option<bool>("--reference") { Description = "Publish the five reference requests (green, amber, three red)." };
        var count = new Option<int?>("--count") { Description = "Publish exactly N requests, cycling through the file or reference set with unique requestIds." };
        var requester = new Option<string>("--requester") { Description = "Requester for the reference requests and for file lines without one.", DefaultValueFactory = _ => "agent-cli" };
        var timeout = new Option<TimeSpan>("--timeout")
        {
            Description = "Stop waiting after this long (e.g. 30s, 2m), counted from the connection to the broker.",
            DefaultValueFactory = _ => TimeSpan.FromSeconds(60),
            CustomParser = result =>
            {
                var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
                if (Duration.TryParse(text, out var value))
                {
                    return value;
                }

                result.AddError($"--timeout '{text}' is not a positive duration (e.g. 500ms, 30s, 2m).");
                return default;
            },
        };
        var json = new Option<bool>("--json") { Description = "Print one JSON object per event (time, event, requestId, message) instead of text." };

        var command = new Command("publish", "Publish agent requests to the orchestrator over RabbitMQ and print their events as they arrive.")
        {
            url, prefix, file, reference, count, requester, timeout, json,
        };
        command.Validators.Add(result =>
        {
            if ((result.GetValue(file) is null) == !result.GetValue(reference))
            {
                result.AddError("Give exactly one of --file <requests.jsonl> or --reference.");
            }

            if (result.GetValue(count) is < 1)
            {
                result.AddError("--count must be at least 1.");
            }
        });
        command.SetAction((parse, cancellationToken) => RunAsync(
            new Settings(parse.GetValue(url)!, parse.GetValue(prefix) ?? "", parse.GetValue(file), parse.GetValue(count), parse.GetValue(requester)!, parse.GetValue(timeout), parse.GetValue(json)),
            cancellationToken));
        return command;
    }

    private sealed record Settings(string Url, string Prefix, FileInfo? File, int? Count, string Requester, TimeSpan Timeout, bool Json);

    private static async Task<int> RunAsync(Settings settings, CancellationToken cancellationToken)
    {
        IReadOnlyList<SubmitAgentRequest> requests;
        BrokerAddress address;
        try
        {
            address = BrokerAddress.Parse(settings.Url);
            var templates = settings.File is { } f ? RequestFile.Load(f.FullName, settings.Requester) : RequestFile.Reference(settings.Requester);
            requests = RequestFile.Expand(templates, settings.Count ?? templates.Count, Guid.NewGuid().ToString("N")[..8]);
        }
        catch (Exception ex) when (ex is RequestFileException or FormatException)
        {
            Console.Error.WriteLine($"aoctl: {ex.Message}");
            return Failed;
        }

        // Events go to stdout; our own status lines to stderr, so --json output stays one JSON object per line.
        var tracker = new Tracker(Console.Out, settings.Json);
        EventBus bus;
        try
        {
            bus = await EventBus.StartAsync(address, settings.Prefix, tracker.OnEvent, s_connectTimeout, cancellationToken);
        }
        catch (BrokerUnreachableException ex)
        {
            Console.Error.WriteLine($"aoctl: {ex.Message}");
            return Failed;
        }

        await using (bus)
        {
            var clock = Stopwatch.StartNew();
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(settings.Timeout);
            tracker.Expect(requests.Select(r => r.RequestId));
            try
            {
                // Several publishes in flight: each waits for the broker's confirm, one at a time would be slow.
                await Parallel.ForEachAsync(
                    requests,
                    new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = deadline.Token },
                    async (request, ct) => await bus.PublishAsync(request, ct));
                Console.Error.WriteLine($"aoctl: published {requests.Count} request(s) to {address} (prefix '{settings.Prefix}'); waiting up to {settings.Timeout} for their events.");
                await Output.Progress.WaitAsync(tracker.AllEnded, Output.Progress.Every, () =>
                {
                    var open = tracker.Open();
                    return $"waiting ({clock.Elapsed.TotalSeconds:0} s of {settings.Timeout.TotalSeconds:0} s): {open.Waiting} of {requests.Count} request(s) open " +
                        $"({open.AwaitingApproval} awaiting approval, {open.Accepted} in progress, {open.NotAccepted} not yet accepted)";
                }, settings.Json, deadline.Token);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
                return Stopped(tracker, requests.Count, settings.Timeout, interrupted: cancellationToken.IsCancellationRequested);
            }

            Console.Error.WriteLine($"aoctl: all {requests.Count} request(s) ended in {clock.Elapsed.TotalSeconds:0.0} s: {tracker.Completed} completed, {tracker.Rejected} rejected.");
            return Ended;
        }
    }

    private static int Stopped(Tracker tracker, int total, TimeSpan timeout, bool interrupted)
    {
        var open = tracker.Open();
        var why = interrupted ? "interrupted" : $"timed out after {timeout}";
        Console.Error.WriteLine(
            $"aoctl: {why}: {open.Waiting} of {total} request(s) still waiting ({open.AwaitingApproval} awaiting approval, " +
            $"{open.Accepted} accepted and in progress, {open.NotAccepted} not yet accepted).");
        if (open.AwaitingApproval > 0)
        {
            Console.Error.WriteLine(
                "aoctl: requests awaiting approval do not complete by themselves: an approver must decide them " +
                "(the orchestrator's tasks API, or a SubmitApprovalDecision message), or they expire when their deadline passes.");
        }

        if (open.NotAccepted > 0)
        {
            Console.Error.WriteLine("aoctl: requests never accepted: is the orchestrator running on this broker, with the same --prefix as its Bus:RabbitMq:Prefix?");
        }

        return interrupted ? 130 : TimedOut;
    }
}
