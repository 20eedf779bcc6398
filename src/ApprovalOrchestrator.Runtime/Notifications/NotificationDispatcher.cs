using System.Data.Common;
using System.Text;
using System.Text.Json;
using ApprovalOrchestrator.Runtime.Notifications.Slack;
using ApprovalOrchestrator.Runtime.Storage;
using Dapper;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ApprovalOrchestrator.Runtime.Notifications;

/// <summary>
/// Turns committed notification events into one delivery per configured receiver (an event no receiver wants is
/// deleted), then delivers the due ones: a 2xx answer marks it delivered; anything else (status, timeout, refused
/// connection) schedules the next attempt with doubling backoff, and after <see cref="NotificationsOptions.MaxAttempts"/>
/// the delivery is dead-lettered with the reason.
/// Delivery is at least once: receivers dedup on <c>X-AO-Event-Id</c>.
/// </summary>
public sealed class NotificationDispatcher(
    Database database,
    IHttpClientFactory httpClients,
    MailLinks mailLinks,
    SlackDelivery slack,
    IOptions<NotificationsOptions> options,
    TimeProvider clock,
    ILogger<NotificationDispatcher> logger) : BackgroundService
{
    public const string HttpClientName = "notifications";
    private const int Batch = 50;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await FanOutAsync();
                await DeliverDueAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Notification dispatch failed; retrying");
            }

            await Task.Delay(options.Value.PollInterval, clock, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>One delivery row per (event, receiver that wants it); idempotent, so a crash midway only repeats the inserts.</summary>
    public Task<int> FanOutAsync() =>
        database.InTransactionAsync(async (connection, tx) =>
        {
            var events = (await connection.QueryAsync<(long Seq, string Id, string Kind)>(
                "SELECT seq, id, kind FROM notification_events WHERE fanned_out_at IS NULL ORDER BY seq LIMIT 200", transaction: tx)).ToList();
            if (events.Count == 0)
            {
                return 0;
            }

            var now = Timestamps.ToText(clock.GetUtcNow());
            var unwanted = new List<long>();
            foreach (var (seq, id, kind) in events)
            {
                var channels = await ChannelsAsync(connection, tx, id, kind);
                foreach (var channel in channels)
                {
                    await connection.ExecuteAsync(
                        "INSERT INTO notification_deliveries (event_id, channel, next_attempt_at) VALUES (@id, @channel, @now) ON CONFLICT (event_id, channel) DO NOTHING",
                        new { id, channel, now }, tx);
                }

                if (channels.Count == 0)
                {
                    unwanted.Add(seq);
                }
            }

            // An event no receiver wants is never read again: deleted rather than kept as a copy of the request.
            // (The rest are read by their deliveries, dead letters included.)
            var wanted = events.Select(e => e.Seq).Except(unwanted).ToArray();
            if (wanted.Length > 0)
            {
                await connection.ExecuteAsync($"UPDATE notification_events SET fanned_out_at = @now WHERE {database.Sql.In("seq", "@seqs")}", new { now, seqs = wanted }, tx);
            }

            if (unwanted.Count > 0)
            {
                await connection.ExecuteAsync($"DELETE FROM notification_events WHERE {database.Sql.In("seq", "@seqs")}", new { seqs = unwanted.ToArray() }, tx);
            }

            return events.Count;
        });

    private async Task<IReadOnlyList<string>> ChannelsAsync(System.Data.IDbConnection connection, System.Data.IDbTransaction tx, string id, string kind)
    {
        var channels = options.Value.Webhooks.Where(h => h.Wants(kind)).Select(h => h.Channel).ToList();
        if (options.Value.Slack.Enabled && kind is NotificationKinds.ApprovalRequested or NotificationKinds.ApprovalEscalated)
        {
            channels.Add(SlackChannel.Name);
        }

        var smtp = options.Value.Smtp;
        if (smtp.Enabled && kind is NotificationKinds.ApprovalRequested or NotificationKinds.ApprovalEscalated)
        {
            var body = await connection.ExecuteScalarAsync<string>("SELECT body FROM notification_events WHERE id = @id", new { id }, tx);
            using var data = JsonDocument.Parse(body!);
            var group = data.RootElement.GetProperty("group").GetString() ?? "";
            channels.AddRange(smtp.RecipientsFor(group).Select(a => EmailChannel.Prefix + a));
        }

        return channels;
    }

    public async Task<int> DeliverDueAsync(CancellationToken cancellationToken)
    {
        List<Due> due;
        await using (var connection = await database.OpenAsync())
        {
            due = (await connection.QueryAsync<Due>(
                """
                SELECT d.seq AS Seq, d.event_id AS EventId, d.channel AS Channel, d.attempts AS Attempts, e.kind AS Kind, e.body AS Body, e.created_at AS CreatedAt
                FROM notification_deliveries d JOIN notification_events e ON e.id = d.event_id
                WHERE d.status = 'pending' AND d.next_attempt_at <= @now ORDER BY d.next_attempt_at, d.seq LIMIT @Batch
                """,
                new { now = Timestamps.ToText(clock.GetUtcNow()), Batch })).ToList();
        }

        foreach (var delivery in due)
        {
            var error = await AttemptAsync(delivery, cancellationToken);
            await RecordAsync(delivery, error);
        }

        return due.Count;
    }

    private Task<string?> AttemptAsync(Due delivery, CancellationToken cancellationToken) =>
        delivery.Channel == SlackChannel.Name ? slack.PostAsync(delivery.Kind, delivery.Body, cancellationToken)
        : delivery.Channel.StartsWith(EmailChannel.Prefix, StringComparison.Ordinal) ? MailAsync(delivery, delivery.Channel[EmailChannel.Prefix.Length..], cancellationToken)
        : PostAsync(delivery, cancellationToken);

    private async Task<string?> MailAsync(Due delivery, string recipient, CancellationToken cancellationToken)
    {
        var smtp = options.Value.Smtp;
        if (!smtp.Enabled)
        {
            return "e-mail is no longer configured";
        }

        using var data = JsonDocument.Parse(delivery.Body);
        var taskId = data.RootElement.GetProperty("taskId").GetGuid();
        // A fresh code per attempt: one that never reached the recipient simply expires unused.
        var code = await mailLinks.IssueAsync(taskId, recipient, smtp.LinkLifetime);
        var link = $"{smtp.PublicBaseUrl.TrimEnd('/')}/tasks/{taskId}?{MailLinks.QueryParameter}={code}";
        using var message = ApprovalMail.Build(smtp, recipient, delivery.Kind, data.RootElement, link);
        message.Headers.Add(WebhookSignature.EventIdHeader, delivery.EventId);
        using var client = new System.Net.Mail.SmtpClient(smtp.Host, smtp.Port) { EnableSsl = smtp.EnableSsl, Timeout = (int)options.Value.Timeout.TotalMilliseconds };
        try
        {
            await client.SendMailAsync(message, cancellationToken);
            return null;
        }
        catch (Exception ex) when (ex is System.Net.Mail.SmtpException or InvalidOperationException or IOException or System.Net.Sockets.SocketException)
        {
            return $"{ex.GetType().Name}: {ex.Message}";
        }
    }

    private async Task<string?> PostAsync(Due delivery, CancellationToken cancellationToken)
    {
        var hook = options.Value.Webhooks.FirstOrDefault(h => h.Channel == delivery.Channel);
        if (hook is null)
        {
            return "the receiver is no longer configured";
        }

        var body = Envelope(delivery);
        using var request = new HttpRequestMessage(HttpMethod.Post, hook.Url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add(WebhookSignature.Header, WebhookSignature.Sign(hook.Secret, clock.GetUtcNow(), body));
        request.Headers.Add(WebhookSignature.EventIdHeader, delivery.EventId);
        request.Headers.Add(WebhookSignature.EventHeader, delivery.Kind);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.Timeout);
        try
        {
            using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            return response.IsSuccessStatusCode ? null : $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}";
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"no answer within {options.Value.Timeout.TotalSeconds:0.#} s";
        }
        catch (HttpRequestException ex)
        {
            return $"{ex.GetType().Name}: {ex.Message}";
        }
    }

    private Task RecordAsync(Due delivery, string? error) =>
        database.InTransactionAsync(async (connection, tx) =>
        {
            var now = clock.GetUtcNow();
            if (error is null)
            {
                return await connection.ExecuteAsync(
                    "UPDATE notification_deliveries SET status = 'delivered', attempts = attempts + 1, delivered_at = @now, last_error = NULL WHERE seq = @Seq",
                    new { now = Timestamps.ToText(now), delivery.Seq }, tx);
            }

            var attempts = (int)delivery.Attempts + 1;
            var settings = options.Value;
            if (attempts >= settings.MaxAttempts)
            {
                logger.LogError("Notification {EventId} to {Channel} is dead-lettered after {Attempts} attempts: {Reason}", delivery.EventId, delivery.Channel, attempts, error);
                return await connection.ExecuteAsync(
                    "UPDATE notification_deliveries SET status = 'dead', attempts = @attempts, last_error = @error, dead_at = @now WHERE seq = @Seq",
                    new { attempts, error, now = Timestamps.ToText(now), delivery.Seq }, tx);
            }

            logger.LogWarning("Notification {EventId} to {Channel} failed (attempt {Attempts}): {Reason}", delivery.EventId, delivery.Channel, attempts, error);
            return await connection.ExecuteAsync(
                "UPDATE notification_deliveries SET attempts = @attempts, last_error = @error, next_attempt_at = @next WHERE seq = @Seq",
                new { attempts, error, next = Timestamps.ToText(now + settings.BackoffAfter(attempts)), delivery.Seq }, tx);
        });

    private static string Envelope(Due delivery)
    {
        using var data = JsonDocument.Parse(delivery.Body);
        return Json.Serialize(new { Id = delivery.EventId, Type = delivery.Kind, CreatedAt = Timestamps.Parse(delivery.CreatedAt), Data = data.RootElement });
    }

    private sealed record Due(long Seq, string EventId, string Channel, long Attempts, string Kind, string Body, string CreatedAt);
}
