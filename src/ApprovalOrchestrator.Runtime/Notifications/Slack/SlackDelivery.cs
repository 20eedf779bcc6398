using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ApprovalOrchestrator.Runtime.Requests;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ApprovalOrchestrator.Runtime.Notifications.Slack;

/// <summary>
/// One attempt to post an approval message to Slack, for the <see cref="NotificationDispatcher"/> (which owns retries,
/// backoff and dead letters). The message is built at delivery time from the task as approvers see it now, so its
/// buttons carry the task's current action hash. Returns null when Slack accepted it, else the reason, which never
/// holds the URL or the token.
/// </summary>
public sealed class SlackDelivery(
    RequestQueries queries,
    IHttpClientFactory httpClients,
    IOptions<NotificationsOptions> options,
    ILogger<SlackDelivery> logger)
{
    public async Task<string?> PostAsync(string kind, string eventBody, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var slack = settings.Slack;
        if (!slack.Enabled)
        {
            return "Slack is no longer configured";
        }

        Guid taskId;
        (string? Text, string? Reason)? redacted;
        using (var data = JsonDocument.Parse(eventBody))
        {
            var root = data.RootElement;
            taskId = root.GetProperty("taskId").GetGuid();
            redacted = slack.ExactAction ? null : (root.GetProperty("text").GetString(), root.GetProperty("reason").GetString());
        }

        if (await queries.GetTaskAsync(taskId) is not { } found)
        {
            return $"task {taskId} not found";
        }

        if (found.View.Status != "open")
        {
            // Decided (or expired) before the message went out: a message with buttons would only invite refusals.
            logger.LogInformation("Slack message for task {TaskId} not posted: the task is {Status}", taskId, found.View.Status);
            return null;
        }

        var message = SlackMessage.Build(kind, found.View, slack.Interactive, slack.PublicBaseUrl, redacted);
        var url = slack.TargetUrl;
        string? token = null;
        if (!string.IsNullOrWhiteSpace(slack.PostMessageUrl))
        {
            message["channel"] = slack.Channel;
            token = slack.BotTokenValue(out var problem);
            if (token is null)
            {
                return problem ?? "no Slack bot token configured";
            }
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(message.ToJsonString(), Encoding.UTF8, "application/json") };
        request.Options.Set(SlackChannel.Untraced, true);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.Timeout);
        try
        {
            using var response = await httpClients.CreateClient(SlackChannel.HttpClientName).SendAsync(request, timeout.Token);
            var answer = await response.Content.ReadAsStringAsync(timeout.Token);
            return Scrub(Outcome(response, answer, token is not null), url, token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"no answer from Slack within {settings.Timeout.TotalSeconds:0.#} s";
        }
        catch (HttpRequestException ex)
        {
            return Scrub($"{ex.GetType().Name}: {ex.Message}", url, token);
        }
    }

    /// <summary>
    /// An incoming webhook answers 200 <c>ok</c>; chat.postMessage answers 200 with <c>{"ok": false, "error": …}</c> when
    /// it refuses, so a 200 alone is not success there.
    /// </summary>
    private static string? Outcome(HttpResponseMessage response, string answer, bool postMessage)
    {
        if (!response.IsSuccessStatusCode)
        {
            return $"Slack answered HTTP {(int)response.StatusCode} {response.ReasonPhrase}: {Clip(answer)}";
        }

        if (!postMessage)
        {
            return null;
        }

        try
        {
            using var json = JsonDocument.Parse(answer);
            var root = json.RootElement;
            return root.ValueKind == JsonValueKind.Object && root.TryGetProperty("ok", out var ok) && ok.ValueKind == JsonValueKind.True
                ? null
                : $"Slack refused the message: {(root.ValueKind == JsonValueKind.Object && root.TryGetProperty("error", out var error) ? error.ToString() : Clip(answer))}";
        }
        catch (JsonException)
        {
            return $"Slack answered 200 without a JSON result: {Clip(answer)}";
        }
    }

    private static string Clip(string text) => text.Length <= 200 ? text : text[..200] + "…";

    [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(text))]
    private static string? Scrub(string? text, string url, string? token)
    {
        if (text is null)
        {
            return null;
        }

        text = text.Replace(url, "[slack url]", StringComparison.Ordinal);
        return string.IsNullOrEmpty(token) ? text : text.Replace(token, "[redacted]", StringComparison.Ordinal);
    }
}
