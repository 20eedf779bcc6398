using System.Net;
using System.Text;
using System.Text.Json;
using ApprovalOrchestrator.Integration.Tests.Notifications;
using ApprovalOrchestrator.Integration.Tests.Support;
using ApprovalOrchestrator.Runtime.Notifications.Slack;

namespace ApprovalOrchestrator.Integration.Tests.Adversarial;

/// <summary>
/// Attacks on the Slack interactivity endpoint, against the real server with a real posted message: forged, unsigned,
/// stale, future, replayed and tampered requests get 401 and a security event and decide nothing; verified clicks by
/// people who may not decide (unmapped Slack users, the requester, another group, an outdated message, a reject without
/// a reason) are refused by the same rules as the HTTP API, and nothing is recorded.
/// </summary>
public sealed class SlackInteractionTests : IAsyncLifetime
{
    private readonly ShiftedClock _clock = new();
    private SlackScenario _s = null!;

    private OrchestratorHost Host => _s.Host;

    private Guid RequestId => _s.RequestId;

    private Guid TaskId => _s.TaskId;

    private string ApproveValue => _s.ApproveValue;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _s = await SlackScenario.StartAsync(SlackKit.Amber, ShiftedClock.Install(_clock));

    public async ValueTask DisposeAsync() => await _s.DisposeAsync();

    private byte[] ApproveBody(string user = "U0TINA") => SlackKit.Form(SlackKit.Payload(user, SlackActions.Approve, ApproveValue));

    private static string Now => SlackKit.UnixSeconds(DateTimeOffset.UtcNow);

    /// <summary>The request was refused as unauthenticated, recorded as a security event, and nothing was decided.</summary>
    private async Task AssertRefused401Async(HttpResponseMessage response, string reason)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains(await SlackKit.SecurityEventsAsync(Host), e => e.Status == 401 && e.Reason.Contains(reason, StringComparison.Ordinal));
        await AssertNothingDecidedAsync();
    }

    private async Task AssertNothingDecidedAsync()
    {
        Assert.Empty(await SlackKit.DecisionsAsync(Host, RequestId));
        Assert.Equal("open", (await Host.GetTaskAsync(TaskId)).GetProperty("status").GetString());
    }

    private async Task<string> EphemeralAsync(string user, string action, string value, string? reason = null)
    {
        var (response, body) = await SlackKit.ClickAsync(Host, user, action, value, reason);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ephemeral", body.GetProperty("response_type").GetString());
        return body.GetProperty("text").GetString()!;
    }

    [Fact]
    public async Task A_request_signed_with_another_secret_is_refused_401()
    {
        var body = ApproveBody();
        var (response, _) = await SlackKit.PostAsync(Host, body, Now, SlackKit.Signature("some-other-apps-signing-secret", Now, body));
        await AssertRefused401Async(response, "signature does not match");
    }

    [Fact]
    public async Task A_request_without_a_signature_header_is_refused_401()
    {
        var (response, _) = await SlackKit.PostAsync(Host, ApproveBody(), Now, signature: null);
        await AssertRefused401Async(response, "missing X-Slack-Signature");
    }

    [Fact]
    public async Task A_request_without_a_timestamp_header_is_refused_401()
    {
        var body = ApproveBody();
        var (response, _) = await SlackKit.PostAsync(Host, body, timestamp: null, SlackKit.Signature(SlackKit.SigningSecret, Now, body));
        await AssertRefused401Async(response, "missing X-Slack-Request-Timestamp");
    }

    [Theory]
    [InlineData("v1=")]           // another scheme's prefix
    [InlineData("")]              // the bare hex, no version
    [InlineData("V0=")]           // prefix case changed
    public async Task A_signature_with_the_right_mac_but_a_mangled_prefix_is_refused_401(string prefix)
    {
        var body = ApproveBody();
        var timestamp = Now;
        var mac = SlackKit.Signature(SlackKit.SigningSecret, timestamp, body)["v0=".Length..];
        var (response, _) = await SlackKit.PostAsync(Host, body, timestamp, prefix + mac);
        await AssertRefused401Async(response, "signature does not match");
    }

    [Fact]
    public async Task A_signature_in_upper_case_hex_or_truncated_is_refused_401()
    {
        var body = ApproveBody();
        var timestamp = Now;
        var good = SlackKit.Signature(SlackKit.SigningSecret, timestamp, body);
        var (upper, _) = await SlackKit.PostAsync(Host, body, timestamp, "v0=" + good[3..].ToUpperInvariant());
        var (truncated, _) = await SlackKit.PostAsync(Host, body, timestamp, good[..^2]);
        await AssertRefused401Async(upper, "signature does not match");
        await AssertRefused401Async(truncated, "signature does not match");
    }

    [Fact]
    public async Task A_correctly_signed_request_older_than_five_minutes_is_refused_401_as_stale()
    {
        var body = ApproveBody();
        var old = SlackKit.UnixSeconds(DateTimeOffset.UtcNow.AddMinutes(-5).AddSeconds(-5));
        var (response, _) = await SlackKit.PostAsync(Host, body, old, SlackKit.Signature(SlackKit.SigningSecret, old, body));
        await AssertRefused401Async(response, "stale request");
    }

    [Fact]
    public async Task A_correctly_signed_request_dated_more_than_five_minutes_ahead_is_refused_401()
    {
        var body = ApproveBody();
        var ahead = SlackKit.UnixSeconds(DateTimeOffset.UtcNow.AddMinutes(5).AddSeconds(5));
        var (response, _) = await SlackKit.PostAsync(Host, body, ahead, SlackKit.Signature(SlackKit.SigningSecret, ahead, body));
        await AssertRefused401Async(response, "in the future");
    }

    [Fact]
    public async Task Freshness_is_judged_by_the_servers_clock_a_request_fresh_by_the_senders_clock_is_stale_when_the_server_is_ten_minutes_on()
    {
        _clock.Advance(TimeSpan.FromMinutes(10));
        var body = ApproveBody();
        var timestamp = Now;
        var (response, _) = await SlackKit.PostAsync(Host, body, timestamp, SlackKit.Signature(SlackKit.SigningSecret, timestamp, body));
        await AssertRefused401Async(response, "stale request");
    }

    [Theory]
    [InlineData("1.7e9")]
    [InlineData("-60")]
    [InlineData("1796212800.5")]
    [InlineData("99999999999999999999")]
    public async Task A_timestamp_that_is_not_plain_unix_seconds_is_refused_401(string timestamp)
    {
        var body = ApproveBody();
        var (response, _) = await SlackKit.PostAsync(Host, body, timestamp, SlackKit.Signature(SlackKit.SigningSecret, timestamp, body));
        await AssertRefused401Async(response, "not a Unix time");
    }

    [Fact]
    public async Task A_replayed_signed_request_is_refused_401_and_counts_once()
    {
        var body = SlackKit.Form(SlackKit.Payload("U0TINA", SlackActions.Reject, ApproveValue, reason: "No."));
        var timestamp = Now;
        var signature = SlackKit.Signature(SlackKit.SigningSecret, timestamp, body);

        var (first, _) = await SlackKit.PostAsync(Host, body, timestamp, signature);
        var (replay, _) = await SlackKit.PostAsync(Host, body, timestamp, signature);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, replay.StatusCode);
        Assert.Contains(await SlackKit.SecurityEventsAsync(Host), e => e.Status == 401 && e.Reason.Contains("replayed request", StringComparison.Ordinal));
        Assert.Single(await SlackKit.DecisionsAsync(Host, RequestId));
    }

    [Fact]
    public async Task A_replay_is_refused_even_after_a_restart_the_seen_signatures_are_in_the_database()
    {
        var body = ApproveBody("U0MALLORY"); // refused as unmapped, but the signature is spent all the same
        var timestamp = Now;
        var signature = SlackKit.Signature(SlackKit.SigningSecret, timestamp, body);
        Assert.Equal(HttpStatusCode.OK, (await SlackKit.PostAsync(Host, body, timestamp, signature)).Response.StatusCode);

        var path = Host.DatabasePath;
        await Host.DisposeAsync();
        _s.Host = await OrchestratorHost.StartAsync(path, SlackKit.Settings(_s.Slack));
        var (replay, _) = await SlackKit.PostAsync(Host, body, timestamp, signature);

        Assert.Equal(HttpStatusCode.Unauthorized, replay.StatusCode);
    }

    [Fact]
    public async Task A_body_changed_after_signing_to_another_user_or_button_is_refused_401()
    {
        var timestamp = Now;
        var signed = SlackKit.Payload("U0MALLORY", SlackActions.OpenConsole, null);
        var signature = SlackKit.Signature(SlackKit.SigningSecret, timestamp, SlackKit.Form(signed));
        var tampered = SlackKit.Form(SlackKit.Payload("U0TINA", SlackActions.Approve, ApproveValue));

        var (response, _) = await SlackKit.PostAsync(Host, tampered, timestamp, signature);
        await AssertRefused401Async(response, "signature does not match");
    }

    [Fact]
    public async Task A_second_payload_field_appended_after_signing_is_refused_401()
    {
        var timestamp = Now;
        var body = ApproveBody("U0MALLORY");
        var signature = SlackKit.Signature(SlackKit.SigningSecret, timestamp, body);
        var appended = body.Concat(Encoding.UTF8.GetBytes("&payload=" + Uri.EscapeDataString(SlackKit.Payload("U0TINA", SlackActions.Approve, ApproveValue)))).ToArray();

        var (response, _) = await SlackKit.PostAsync(Host, appended, timestamp, signature);
        await AssertRefused401Async(response, "signature does not match");
    }

    [Fact]
    public async Task A_timestamp_moved_forward_after_signing_is_refused_401()
    {
        var body = ApproveBody();
        var signedAt = SlackKit.UnixSeconds(DateTimeOffset.UtcNow.AddMinutes(-4));
        var (response, _) = await SlackKit.PostAsync(Host, body, Now, SlackKit.Signature(SlackKit.SigningSecret, signedAt, body));
        await AssertRefused401Async(response, "signature does not match");
    }

    [Fact]
    public async Task An_unmapped_Slack_user_is_refused_and_recorded_even_when_their_username_is_a_real_approvers()
    {
        var body = SlackKit.Form(SlackKit.Payload("U0MALLORY", SlackActions.Approve, ApproveValue, userName: "tina"));
        var timestamp = Now;
        var (response, answer) = await SlackKit.PostAsync(Host, body, timestamp, SlackKit.Signature(SlackKit.SigningSecret, timestamp, body));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("Refused: your Slack account is not mapped", answer.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Contains(await SlackKit.SecurityEventsAsync(Host), e => e.Status == 403 && e.Actor == "slack:U0MALLORY");
        await AssertNothingDecidedAsync();
    }

    [Fact]
    public async Task The_requester_approving_their_own_request_through_Slack_is_refused_by_separation_of_duties()
    {
        // alice submitted the request and is a team lead in the directory: her Slack click must not count.
        var text = await EphemeralAsync("U0ALICE", SlackActions.Approve, ApproveValue);

        Assert.StartsWith("Refused:", text, StringComparison.Ordinal);
        Assert.Contains("requester", text, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(await SlackKit.SecurityEventsAsync(Host), e => e.Status == 403 && e.Actor == "alice" && e.Reason.StartsWith("slack:U0ALICE", StringComparison.Ordinal));
        await AssertNothingDecidedAsync();
    }

    [Fact]
    public async Task A_mapped_approver_outside_the_tasks_group_is_refused()
    {
        // mo is a manager: the task waits for team leads. Slack says nothing about groups; the directory does.
        var text = await EphemeralAsync("U0MO", SlackActions.Approve, ApproveValue);

        Assert.StartsWith("Refused:", text, StringComparison.Ordinal);
        Assert.Contains(await SlackKit.SecurityEventsAsync(Host), e => e.Status == 403 && e.Actor == "mo");
        await AssertNothingDecidedAsync();
    }

    [Fact]
    public async Task A_button_carrying_another_action_hash_an_outdated_message_is_refused_and_the_current_one_still_works()
    {
        var stale = new SlackButtonValue(TaskId, "sha256:" + new string('0', 64)).Encode();

        var text = await EphemeralAsync("U0TINA", SlackActions.Approve, stale);

        Assert.Contains("the action changed since this message was posted", text, StringComparison.Ordinal);
        await AssertNothingDecidedAsync();
        Assert.StartsWith("Approved by tina", (await SlackKit.ClickAsync(Host, "U0TINA", SlackActions.Approve, ApproveValue)).Body.GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_button_pointing_at_another_task_with_this_tasks_hash_is_refused()
    {
        var otherRequest = await Host.SubmitOkAsync("Email the customer the new contract.");
        var otherTask = await Host.OpenTaskIdAsync(otherRequest);
        var spliced = new SlackButtonValue(otherTask, await Host.ActionHashAsync(TaskId)).Encode();

        var text = await EphemeralAsync("U0TINA", SlackActions.Approve, spliced);

        Assert.Contains("the action changed", text, StringComparison.Ordinal);
        Assert.Empty(await SlackKit.DecisionsAsync(Host, otherRequest));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("   ")]
    public async Task Reject_without_a_reason_is_refused_with_a_clear_message_and_the_task_stays_open(string? reason)
    {
        var text = await EphemeralAsync("U0TOM", SlackActions.Reject, _s.RejectValue, reason);

        Assert.StartsWith("Not rejected: a rejection needs a reason", text, StringComparison.Ordinal);
        await AssertNothingDecidedAsync();
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"t\":\"00000000-0000-0000-0000-000000000000\",\"h\":\"sha256:x\"}")]
    [InlineData("{\"t\":\"3f0c3f0c-3f0c-3f0c-3f0c-3f0c3f0c3f0c\"}")]
    public async Task A_button_value_that_names_no_task_and_hash_decides_nothing(string value)
    {
        var text = await EphemeralAsync("U0TINA", SlackActions.Approve, value);

        Assert.StartsWith("Refused:", text, StringComparison.Ordinal);
        await AssertNothingDecidedAsync();
    }

    [Fact]
    public async Task A_signed_body_without_a_payload_field_is_a_problem_naming_payload()
    {
        var body = Encoding.UTF8.GetBytes("data=" + Uri.EscapeDataString("{}"));
        var timestamp = Now;
        var (response, problem) = await SlackKit.PostAsync(Host, body, timestamp, SlackKit.Signature(SlackKit.SigningSecret, timestamp, body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(problem.GetProperty("errors").TryGetProperty("payload", out _), problem.ToString());
        await AssertNothingDecidedAsync();
    }

    [Fact]
    public async Task A_refusal_never_echoes_the_signing_secret()
    {
        var body = ApproveBody();
        var (response, _) = await SlackKit.PostAsync(Host, body, Now, "v0=" + new string('a', 64));
        var events = await SlackKit.SecurityEventsAsync(Host);

        Assert.DoesNotContain(SlackKit.SigningSecret, await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.All(events, e => Assert.DoesNotContain(SlackKit.SigningSecret, JsonSerializer.Serialize(e), StringComparison.Ordinal));
    }
}
