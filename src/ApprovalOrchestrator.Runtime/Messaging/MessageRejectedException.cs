namespace ApprovalOrchestrator.Runtime.Messaging;

/// <summary>
/// A message that can never succeed (it failed validation). Thrown from a consumer so MassTransit moves the message to the
/// queue's <c>_error</c> queue with <see cref="Exception.Message"/> in the <c>MT-Fault-Message</c> header; never retried.
/// </summary>
public sealed class MessageRejectedException(string reason) : Exception(reason);
