using ApprovalOrchestrator.Runtime.Notifications;

namespace ApprovalOrchestrator.Integration.Tests.Adversarial;

/// <summary>
/// Attacks on the webhook signature a receiver checks with <see cref="WebhookSignature.Verify"/>: every forged, altered,
/// replayed or malformed delivery is refused.
/// </summary>
public sealed class WebhookSignatureForgeryTests
{
    private const string Secret = "receiver-secret-0123456789";
    private const string Body = """{"id":"e1","type":"approval.requested","data":{"taskId":"t1"}}""";
    private static readonly DateTimeOffset s_now = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_genuine_signature_inside_the_window_is_accepted()
    {
        Assert.True(WebhookSignature.Verify(Secret, WebhookSignature.Sign(Secret, s_now, Body), Body, s_now.AddSeconds(30)));
    }

    [Fact]
    public void An_altered_body_is_refused()
    {
        var header = WebhookSignature.Sign(Secret, s_now, Body);
        Assert.False(WebhookSignature.Verify(Secret, header, Body.Replace("t1", "t2", StringComparison.Ordinal), s_now));
    }

    [Fact]
    public void A_signature_made_with_another_secret_is_refused()
    {
        Assert.False(WebhookSignature.Verify(Secret, WebhookSignature.Sign("attacker-secret-0123456789", s_now, Body), Body, s_now));
    }

    [Fact]
    public void A_captured_delivery_replayed_after_the_window_is_refused()
    {
        var header = WebhookSignature.Sign(Secret, s_now, Body);
        Assert.False(WebhookSignature.Verify(Secret, header, Body, s_now + WebhookSignature.ReplayWindow + TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void A_timestamp_moved_forward_to_reopen_the_window_breaks_the_mac_and_is_refused()
    {
        var header = WebhookSignature.Sign(Secret, s_now, Body);
        var later = s_now.AddHours(1);
        var moved = header.Replace($"t={s_now.ToUnixTimeSeconds()}", $"t={later.ToUnixTimeSeconds()}", StringComparison.Ordinal);
        Assert.False(WebhookSignature.Verify(Secret, moved, Body, later));
    }

    [Fact]
    public void A_signature_dated_far_in_the_future_is_refused()
    {
        var future = s_now.AddHours(1);
        Assert.False(WebhookSignature.Verify(Secret, WebhookSignature.Sign(Secret, future, Body), Body, s_now));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("v1=00")]
    [InlineData("t=1796212800")]
    [InlineData("t=-5,v1=00")]
    [InlineData("t=abc,v1=00")]
    [InlineData("t=1796212800,v1=")]
    [InlineData("t=1796212800,v1=zz")]
    public void A_missing_or_malformed_header_is_refused(string? header)
    {
        Assert.False(WebhookSignature.Verify(Secret, header, Body, s_now));
    }

    [Fact]
    public void A_body_signed_for_another_timestamp_cannot_be_spliced_into_a_fresh_header()
    {
        // The MAC covers "t.body": a valid v1 for one body and time does not verify with a different t.
        var old = WebhookSignature.Sign(Secret, s_now.AddMinutes(-30), Body);
        var v1 = old.Split(',')[1];
        Assert.False(WebhookSignature.Verify(Secret, $"t={s_now.ToUnixTimeSeconds()},{v1}", Body, s_now));
    }
}
