using Microsoft.Extensions.Options;

namespace ApprovalOrchestrator.Runtime.Notifications;

/// <summary>Fails the start on a receiver that could never be reached or verified, naming the setting.</summary>
internal sealed class NotificationsOptionsValidator : IValidateOptions<NotificationsOptions>
{
    public ValidateOptionsResult Validate(string? name, NotificationsOptions options)
    {
        var problems = options.Problems().ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
