using ApprovalOrchestrator.Runtime.Engine;
using Microsoft.Data.Sqlite;

namespace ApprovalOrchestrator.Runtime.Messaging;

/// <summary>Failures that may pass if the same message is tried again a little later; everything else faults at once.</summary>
public static class TransientFaults
{
    public static bool IsTransient(Exception ex) => ex switch
    {
        ConcurrencyException => true,
        SqliteException { SqliteErrorCode: 5 or 6 } => true, // SQLITE_BUSY, SQLITE_LOCKED
        HttpRequestException => true,
        TimeoutException => true,
        _ => ex.InnerException is { } inner && IsTransient(inner),
    };
}
