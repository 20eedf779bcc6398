using System.Globalization;
using System.Net.Mail;
using System.Text;
using System.Text.Json;

namespace ApprovalOrchestrator.Runtime.Notifications;

/// <summary>The e-mail for an approval.requested / approval.escalated event: redacted text and a one-time link to the task.</summary>
internal static class ApprovalMail
{
    public static MailMessage Build(SmtpOptions smtp, string recipient, string kind, JsonElement data, string link)
    {
        var risk = data.GetProperty("risk").GetString();
        var group = data.GetProperty("group").GetString();
        var subject = kind == NotificationKinds.ApprovalEscalated
            ? $"Escalated to {group}: {risk} request waits for approval"
            : $"Approval needed ({group}): {risk} request";
        var body = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"A {risk} request waits for a decision by {group} (tier {data.GetProperty("tier").GetInt32()}, {data.GetProperty("requiredApprovals").GetInt32()} approval(s) needed).")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"Requester: {data.GetProperty("requester").GetString()}")
            .AppendLine(CultureInfo.InvariantCulture, $"Agent:     {data.GetProperty("agentId").GetString()}")
            .AppendLine(CultureInfo.InvariantCulture, $"Due:       {data.GetProperty("dueAt").GetDateTimeOffset():u}")
            .AppendLine(CultureInfo.InvariantCulture, $"Why:       {data.GetProperty("reason").GetString()}")
            .AppendLine()
            .AppendLine(data.GetProperty("text").GetString())
            .AppendLine()
            .AppendLine("Review it (sign-in required; the link works once):")
            .AppendLine(link)
            .ToString();
        var message = new MailMessage(smtp.From, recipient, subject, body) { BodyEncoding = Encoding.UTF8, SubjectEncoding = Encoding.UTF8 };
        return message;
    }
}
