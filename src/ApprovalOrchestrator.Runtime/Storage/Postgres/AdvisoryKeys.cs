using System.Security.Cryptography;
using System.Text;

namespace ApprovalOrchestrator.Runtime.Storage.Postgres;

/// <summary>Stable 64-bit advisory-lock keys derived from a name, the same on every node and every release.</summary>
internal static class AdvisoryKeys
{
    public static long For(string name) =>
        BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes("approval-orchestrator:" + name)), 0);
}
