using System.Net.Http.Headers;

namespace ApprovalOrchestrator.Runtime.Execution;

/// <summary>Delay before the next chat attempt: exponential from the base, or the Gateway's Retry-After on 429/503; always capped.</summary>
internal static class GatewayBackoff
{
    public static TimeSpan Compute(GatewayOptions options, int failedAttempt, int? httpStatus, RetryConditionHeaderValue? retryAfter, DateTimeOffset now)
    {
        TimeSpan delay;
        if (httpStatus is 429 or 503 && FromRetryAfter(retryAfter, now) is { } asked)
        {
            delay = asked;
        }
        else
        {
            // 2^(n-1) * base; the exponent is clamped so a large attempt count cannot overflow.
            var factor = Math.Pow(2, Math.Min(failedAttempt - 1, 30));
            delay = TimeSpan.FromTicks((long)Math.Min(options.RetryBaseDelay.Ticks * factor, TimeSpan.MaxValue.Ticks / 2.0));
        }

        if (delay > options.MaxRetryDelay)
        {
            delay = options.MaxRetryDelay;
        }

        return delay < TimeSpan.Zero ? TimeSpan.Zero : delay;
    }

    private static TimeSpan? FromRetryAfter(RetryConditionHeaderValue? retryAfter, DateTimeOffset now)
    {
        if (retryAfter?.Delta is { } delta)
        {
            return delta;
        }

        if (retryAfter?.Date is { } date)
        {
            var wait = date - now;
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }
}
