using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ApprovalOrchestrator.Core.Intake;

/// <summary>Intake's explicit scope: what a well-formed request is. Reports every problem at once.</summary>
public static partial class RequestValidator
{
    public const int MaxTextBytes = 32 * 1024;
    public const int MaxIdLength = 200;
    public const string DefaultAgentId = "main";

    public static IReadOnlyList<FieldError> Validate(SubmitCommand command, bool requestIdRequired = false)
    {
        var errors = new List<FieldError>();
        if (string.IsNullOrWhiteSpace(command.ClientRequestId))
        {
            if (requestIdRequired)
            {
                errors.Add(new("requestId", "is required (it makes resubmission idempotent)."));
            }
        }
        else if (command.ClientRequestId.Length > MaxIdLength)
        {
            errors.Add(new("requestId", $"must be at most {MaxIdLength} characters."));
        }

        if (string.IsNullOrWhiteSpace(command.Requester))
        {
            errors.Add(new("requester", "is required."));
        }
        else if (command.Requester.Length > MaxIdLength)
        {
            errors.Add(new("requester", $"must be at most {MaxIdLength} characters."));
        }

        if (string.IsNullOrWhiteSpace(command.Text))
        {
            errors.Add(new("text", "is required and must not be empty."));
        }
        else if (Encoding.UTF8.GetByteCount(command.Text) > MaxTextBytes)
        {
            errors.Add(new("text", $"must be at most {MaxTextBytes} bytes (UTF-8); got {Encoding.UTF8.GetByteCount(command.Text)}."));
        }

        if (command.AgentId is not null && !Identifier().IsMatch(command.AgentId))
        {
            errors.Add(new("agentId", "must be 1-64 characters of letters, digits, '.', '_' or '-'."));
        }

        if (command.Workflow is not null && !Identifier().IsMatch(command.Workflow))
        {
            errors.Add(new("workflow", "must be 1-64 characters of letters, digits, '.', '_' or '-'."));
        }

        if (command.Tool is { } tool)
        {
            if (string.IsNullOrWhiteSpace(tool.Name))
            {
                errors.Add(new("tool.name", "is required when a tool is given."));
            }
            else if (!Identifier().IsMatch(tool.Name))
            {
                errors.Add(new("tool.name", "must be 1-64 characters of letters, digits, '.', '_' or '-'."));
            }

            if (tool.Action is not null && !Identifier().IsMatch(tool.Action))
            {
                errors.Add(new("tool.action", "must be 1-64 characters of letters, digits, '.', '_' or '-'."));
            }

            if (tool.Args is { } args && args.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null or JsonValueKind.Undefined))
            {
                errors.Add(new("tool.args", "must be a JSON object."));
            }
        }

        return errors;
    }

    /// <summary>Whether <paramref name="value"/> is an identifier as intake accepts them (agent, workflow, tool and action names).</summary>
    public static bool IsIdentifier(string value) => Identifier().IsMatch(value);

    // \z, not $: '$' also matches before a final newline, so "sessions_list\n" would pass as an identifier.
    [GeneratedRegex(@"^[A-Za-z0-9._-]{1,64}\z", RegexOptions.CultureInvariant)]
    private static partial Regex Identifier();
}
