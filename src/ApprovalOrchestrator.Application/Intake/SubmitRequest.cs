using ApprovalOrchestrator.Application.Identity;
using ApprovalOrchestrator.Application.Workflow;
using ApprovalOrchestrator.Core.Intake;
using ApprovalOrchestrator.Core.Workflow;

namespace ApprovalOrchestrator.Application.Intake;

/// <summary>A request accepted: the orchestrator's instance, the client's id for it, and whether it had been submitted before.</summary>
public sealed record Submitted(InstanceId Instance, ClientRequestId ClientRequestId, string Status, bool Duplicate);

/// <summary>
/// "Submit an agent request": <c>POST /api/requests</c> and <c>SubmitAgentRequest</c> on the bus. Intake's field rules
/// (<see cref="RequestValidator"/>), who the requester is, and what a reused client request id means, in one place.
/// </summary>
public sealed class SubmitRequest(IWorkflowSteps steps)
{
    /// <summary>
    /// <paramref name="submitter"/> is the verified caller (HTTP), or null on the bus, where the broker's permissions
    /// admit the publisher and the message names its requester. <paramref name="requestIdRequired"/>: a bus message must
    /// carry its own client request id (redeliveries find their instance by it); over HTTP one is made up when missing.
    /// </summary>
    public async Task<Result<Submitted>> HandleAsync(SubmitCommand command, Actor? submitter, bool requestIdRequired, CancellationToken cancellationToken = default)
    {
        if (submitter is not null)
        {
            if (!submitter.Is(UserRoles.Submitter))
            {
                return Refusal.Forbidden($"requires role {UserRoles.Submitter}");
            }

            // The requester is the token's subject. Naming someone else would let a person launder their own request
            // through another name and then approve it, so a different requester is refused rather than trusted.
            if (command.Requester is { } named && !string.Equals(named, submitter.User, StringComparison.Ordinal))
            {
                return Refusal.Forbidden($"requester '{named}' is not the authenticated user; omit it or send '{submitter.User}'");
            }

            command = command with { Requester = submitter.User };
        }

        if (RequestValidator.Validate(command, requestIdRequired) is { Count: > 0 } errors)
        {
            return Refusal.Invalid(errors);
        }

        var started = await steps.StartAsync(command, submitter?.Groups, cancellationToken);
        return started.Kind switch
        {
            StartKind.Invalid => Refusal.Invalid(started.Errors),
            StartKind.Forbidden => Refusal.Forbidden(string.Join(" ", started.Errors.Select(e => $"{e.Field} {e.Message}")), started.Errors),
            StartKind.Conflict => Refusal.Conflict(
                "requestId already used",
                $"You already submitted requestId '{command.ClientRequestId}' with different content (request {started.ConflictingInstance}). Use a new requestId for a new request.",
                extensions: new Dictionary<string, object?> { ["existingId"] = started.ConflictingInstance!.Value.Value },
                // Without the instance id: a bus publisher names the requester itself, so it must not learn more than "taken".
                errors: [new FieldError("requestId", $"'{command.ClientRequestId}' was already submitted by this requester with different content; use a new requestId for a new request.")]),
            _ => new Submitted(
                new InstanceId(started.Instance!.Id),
                new ClientRequestId(started.Instance.Request.ClientRequestId),
                started.Instance.Status.ToWire(),
                Duplicate: started.Kind == StartKind.Existing),
        };
    }
}
