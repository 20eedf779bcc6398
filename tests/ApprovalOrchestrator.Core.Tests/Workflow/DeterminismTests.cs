using ApprovalOrchestrator.Core.Workflow;
using static ApprovalOrchestrator.Core.Tests.Workflow.WorkflowKit;

namespace ApprovalOrchestrator.Core.Tests.Workflow;

public class DeterminismTests
{
    public static TheoryData<string> Texts => [GreenText, AmberText, RedText, BlockedText];

    [Theory]
    [MemberData(nameof(Texts))]
    public void Classifying_the_same_state_twice_gives_equal_results(string text)
    {
        var started = Started(text);
        var first = Step(started, new Classified(Classify(text)), T1);
        var second = Step(started, new Classified(Classify(text)), T1);

        Assert.Equal(Render(first), Render(second));
        Assert.Equal(first.State.Tasks.Select(t => t.Id), second.State.Tasks.Select(t => t.Id));
        Assert.Equal(first.State.Tasks.Select(t => t.TimerToken), second.State.Tasks.Select(t => t.TimerToken));
    }

    [Fact]
    public void Task_ids_derive_from_the_instance_id()
    {
        var task = Classified(AmberText).Tasks[0];
        Assert.Equal(DeterministicId.Create(TheInstanceId, "task/0"), task.Id);

        var otherId = Guid.Parse("11111111-2222-3333-4444-555555555555");
        var other = WorkflowStateMachine.Start(otherId, Request(AmberText), Ref, T0).State;
        var otherTask = Applied(other, new Classified(Classify(AmberText)), T1).Tasks[0];
        Assert.Equal(DeterministicId.Create(otherId, "task/0"), otherTask.Id);
        Assert.NotEqual(task.Id, otherTask.Id);
        Assert.NotEqual(task.TimerToken, otherTask.TimerToken);
    }

    [Fact]
    public void DeterministicId_is_stable_and_separates_scopes_and_names()
    {
        var a = DeterministicId.Create(TheInstanceId, "task/0");
        Assert.Equal(a, DeterministicId.Create(TheInstanceId, "task/0"));
        Assert.NotEqual(a, DeterministicId.Create(TheInstanceId, "task/1"));
        Assert.NotEqual(a, DeterministicId.Create(Guid.Empty, "task/0"));
        Assert.Equal('5', a.ToString("D")[14]); // version 5 style
        Assert.Contains(a.ToString("D")[19], "89ab"); // RFC 4122 variant
    }

    [Fact]
    public void Replaying_a_whole_history_gives_equal_results_at_every_step()
    {
        var first = Replay();
        var second = Replay();
        Assert.Equal(first.Count, second.Count);
        for (var i = 0; i < first.Count; i++)
        {
            Assert.Equal(first[i], second[i]);
        }

        // The rendering is sensitive to content, so the comparison above cannot pass vacuously.
        Assert.Equal(first.Count, first.Distinct().Count());
    }

    [Fact]
    public void The_rendering_differs_when_only_the_clock_differs()
    {
        var started = Started(AmberText);
        var a = Step(started, new Classified(Classify(AmberText)), T1);
        var b = Step(started, new Classified(Classify(AmberText)), T1.AddSeconds(1));
        Assert.NotEqual(Render(a), Render(b));
    }

    private static List<string> Replay()
    {
        var steps = new List<string>();
        var start = WorkflowStateMachine.Start(TheInstanceId, Request(RedText), Ref, T0);
        steps.Add(Render(start));
        var state = start.State;
        WorkflowEvent[] events =
        [
            new Classified(Classify(RedText)),
            Approve(FirstTaskId, "carol", "security-officers"),
            Approve(FirstTaskId, "dave", "security-officers"),
            new ExecutionStarting("run-A"),
            new ExecutionStarting("run-B", new ExpiredLease("run-A", T1.AddMinutes(30), T1.AddMinutes(29))),
            new ExecutionFinished(2, Result(ExecutionResultKind.Succeeded)),
        ];
        var now = T1;
        foreach (var e in events)
        {
            var step = Step(state, e, now);
            Assert.Equal(StepOutcome.Applied, step.Outcome);
            steps.Add(Render(step));
            state = step.State;
            now = now.AddMinutes(7);
        }

        Assert.Equal(InstanceStatus.Executed, state.Status);
        return steps;
    }
}
