using System.Diagnostics;
using ApprovalOrchestrator.Core.Classification;
using ApprovalOrchestrator.Core.Workflow;
using ApprovalOrchestrator.Runtime.Bindings;
using ApprovalOrchestrator.Runtime.Engine;
using ApprovalOrchestrator.Runtime.Execution;
using ApprovalOrchestrator.Runtime.Messaging;
using ApprovalOrchestrator.Runtime.Storage;
using Dapper;
using Microsoft.Extensions.DependencyInjection;

namespace ApprovalOrchestrator.Benchmarks;

/// <summary>
/// Writes N amber requests awaiting approval straight into the store, in large transactions, with the engine's own row
/// writers and the state machine's own results: what the submit step and then the classify step commit for each (the
/// instance, its task, the audit events and their signed-log leaves, the timer row and key, the inbox claim; the outbox
/// and notification rows are written and then deleted, as the dispatchers do once they are sent). Only the per-step transaction
/// and the bus hop are skipped, so a million take minutes instead of hours.
/// </summary>
internal static class PendingSeeder
{
    /// <summary>Reference request 2 (REFERENCE.md): the typical amber one.</summary>
    public const string Text = "Draft an email to finance asking for confirmation of the Q1 cloud budget.";

    public const int Requesters = 1000;

    /// <summary>Where seeding time went: the state machine and classifier (CPU only), the row writers (SQL, JSON, hashing), commits.</summary>
    public sealed class Split
    {
        public TimeSpan Decide;
        public TimeSpan Write;
        public TimeSpan Commit;
        public WorkflowInstance? Last;

        /// <summary>What storing one pending state costs: its sizes, and the time to write and read it as JSON text and compressed.</summary>
        public string StateCost()
        {
            if (Last is not { } state)
            {
                return "";
            }

            const int Rounds = 2000;
            var text = InstanceState.Serialize(state);
            var compressed = InstanceState.Compress(state);
            double Micros(Action run)
            {
                run();
                var started = Stopwatch.GetTimestamp();
                for (var i = 0; i < Rounds; i++)
                {
                    run();
                }

                return Stopwatch.GetElapsedTime(started).TotalMicroseconds / Rounds;
            }

            return $"JSON {System.Text.Encoding.UTF8.GetByteCount(text)} B (the previous release's {System.Text.Encoding.UTF8.GetByteCount(Json.Serialize(state))} B), "
                + $"compressed {compressed.Length} B; write {Micros(() => InstanceState.Serialize(state)):0} µs as text, {Micros(() => InstanceState.Compress(state)):0} µs compressed; "
                + $"read {Micros(() => InstanceState.Decode(text)):0} µs / {Micros(() => InstanceState.Decode(compressed)):0} µs";
        }

        public override string ToString()
        {
            var all = (Decide + Write + Commit).TotalSeconds;
            return $"state machine + classifier {Decide.TotalSeconds / all:P0}, row writers {Write.TotalSeconds / all:P0}, commits {Commit.TotalSeconds / all:P0}";
        }
    }

    public static async Task<Split> SeedAsync(IServiceProvider services, int count, int batch, Action<int, TimeSpan> progress)
    {
        var split = new Split();
        var database = services.GetRequiredService<Database>();
        var selection = await services.GetRequiredService<WorkflowSelector>().SelectAsync("main", null, null);
        var published = selection.Definition ?? throw new InvalidOperationException("No default workflow to seed requests of.");
        var clock = Stopwatch.StartNew();
        for (var done = 0; done < count;)
        {
            var size = Math.Min(batch, count - done);
            var first = done;
            var committing = 0L;
            await database.InTransactionAsync(async (connection, tx) =>
            {
                for (var i = first; i < first + size; i++)
                {
                    await SeedOneAsync(connection, tx, published, i, split);
                }

                // What the dispatchers would have done by now: the outbox deletes what it published, and an event no
                // receiver wants (the benchmark configures none) is deleted at fan-out.
                await connection.ExecuteAsync("DELETE FROM outbox WHERE dispatched_at IS NULL", transaction: tx);
                await connection.ExecuteAsync("DELETE FROM notification_events WHERE fanned_out_at IS NULL", transaction: tx);
                committing = Stopwatch.GetTimestamp();
            });
            split.Commit += Stopwatch.GetElapsedTime(committing);
            done += size;
            progress(done, clock.Elapsed);
        }

        return split;
    }

    private static async Task SeedOneAsync(System.Data.Common.DbConnection connection, System.Data.IDbTransaction tx, Runtime.Definitions.PublishedDefinition published, int i, Split split)
    {
        var started = Stopwatch.GetTimestamp();
        var request = new AgentRequest($"bench-{i:D7}", $"requester{i % Requesters:D4}", "main", Text, null, null);
        var now = DateTimeOffset.UtcNow;

        // The submit step (WorkflowEngine.SubmitAsync).
        var start = WorkflowStateMachine.Start(Guid.CreateVersion7(now), request, published.Ref, now);
        var decide = Stopwatch.GetElapsedTime(started);
        await InstanceRepository.InsertAsync(connection, tx, start.State, WorkflowEngine.Fingerprint(request, published.Ref.Id));
        await Runtime.Telemetry.TraceContextRows.SaveAsync(connection, tx, start.State.Id);
        await WorkflowEngine.ApplyEffectsAsync(connection, tx, start.State, start.Effects, now);
        await Outbox.AddAsync(connection, tx, OutcomeMessages.Accepted(start.State), now, DeterministicId.Create(start.State.Id, "accepted"));
        var classify = DeterministicId.Create(start.State.Id, "classify");
        await Outbox.AddAsync(connection, tx, new ClassifyRequest(start.State.Id), now, classify);

        // The classify step (ClassifyConsumer through WorkflowEngine.ApplyAsync).
        await Inbox.TryClaimAsync(connection, tx, new InboxKey("classify", classify), now);
        var instance = start.State;
        var classifying = Stopwatch.GetTimestamp();
        var classified = Classifier.Classify(
            new PolicyInput(instance.Request.Text, instance.Request.Requester, instance.Request.AgentId, null, null, null, null),
            published.Definition,
            instance.Definition);
        var step = WorkflowStateMachine.Apply(instance, published.Definition, new Classified(classified), now);
        if (step.State.Status != InstanceStatus.AwaitingApproval)
        {
            throw new InvalidOperationException($"The reference amber request came out {step.State.Status}, not awaiting approval.");
        }

        decide += Stopwatch.GetElapsedTime(classifying);

        await InstanceRepository.UpdateAsync(connection, tx, step.State, instance.Version);
        split.Last = step.State;
        await ExecutionLeases.FollowAsync(connection, tx, instance, step, now, TimeSpan.FromMinutes(2));
        await WorkflowEngine.ApplyEffectsAsync(connection, tx, step.State, step.Effects, now);
        split.Decide += decide;
        split.Write += Stopwatch.GetElapsedTime(started) - decide;
    }
}
