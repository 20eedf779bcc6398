using ApprovalOrchestrator.Runtime.Engine;
using ApprovalOrchestrator.Runtime.Storage;

namespace ApprovalOrchestrator.Runtime.Messaging;

/// <summary>Failures that may pass if the same message is tried again a little later; everything else faults at once.</summary>
public static class TransientFaults
{
    public static bool IsTransient(Exception ex) => ex switch
    {
        ConcurrencyException => true,
        _ when SqlDialect.AnyTransient(ex) || SqlDialect.AnyUniqueViolation(ex) => true, // busy/serialization, or a racing writer took the key first
        HttpRequestException => true,
        TimeoutException => true,
        _ => ex.InnerException is { } inner && IsTransient(inner),
    };
}
