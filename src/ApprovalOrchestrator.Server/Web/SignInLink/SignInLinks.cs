using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace ApprovalOrchestrator.Server.Web.SignInLink;

/// <summary>
/// Single-use sign-in codes for the local admin of the embedded default, printed once at start-up (as notebook servers
/// do). Only the SHA-256 of a code is kept, in memory: a restart invalidates every code, and nothing on disk can be
/// replayed. The embedded default is one process, so memory is the right place.
/// </summary>
public sealed class SignInLinks(TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    private readonly ConcurrentDictionary<string, DateTimeOffset> _pending = new(StringComparer.Ordinal);

    /// <summary>Set once the start-up banner decided this server may print a link; until then every code is refused.</summary>
    public bool Enabled { get; private set; }

    public void Enable() => Enabled = true;

    /// <summary>A fresh 256-bit code, valid once for <see cref="Lifetime"/>.</summary>
    public string Issue()
    {
        var code = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        _pending[Hash(code)] = clock.GetUtcNow() + Lifetime;
        return code;
    }

    /// <summary>True once per issued, unexpired code; the code is spent either way.</summary>
    public bool TryRedeem(string? code)
    {
        if (string.IsNullOrEmpty(code) || code.Length > 128)
        {
            return false;
        }

        return _pending.TryRemove(Hash(code), out var expires) && clock.GetUtcNow() < expires;
    }

    private static string Hash(string code) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(code)));
}
