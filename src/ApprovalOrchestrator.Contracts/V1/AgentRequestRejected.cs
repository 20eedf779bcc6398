namespace ApprovalOrchestrator.Contracts.V1;

/// <summary>
/// Event: a <see cref="SubmitAgentRequest"/> was refused before any workflow started (invalid fields, unknown workflow, or a
/// requestId already used for different content). The message itself is moved to <c>ao-intake_error</c> with the same reason.
/// </summary>
/// <param name="RequestId">The requestId as sent, if there was one.</param>
/// <param name="Errors">Every problem found, one per field.</param>
/// <param name="Reason">All of it in one line, as also written to the error queue's <c>MT-Fault-Message</c> header.</param>
public sealed record AgentRequestRejected(string? RequestId, IReadOnlyList<ValidationError> Errors, string Reason);

/// <summary>One problem with one field of a message.</summary>
/// <param name="Field">The field as the message names it (camelCase JSON path, e.g. <c>tool.name</c>).</param>
/// <param name="Message">What is wrong with it.</param>
public sealed record ValidationError(string Field, string Message);
