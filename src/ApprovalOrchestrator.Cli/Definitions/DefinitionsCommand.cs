using ApprovalOrchestrator.Cli.Http;
using ApprovalOrchestrator.Cli.Identity;
using ApprovalOrchestrator.Cli.Output;
using System.CommandLine;
using System.Text.Json;

namespace ApprovalOrchestrator.Cli.Definitions;

/// <summary>
/// <c>aoctl definitions …</c>: workflow definitions over the HTTP API (admin to change, auditor or admin to read).
/// Exit 0 on success, 1 on an error or an invalid definition.
/// </summary>
public static class DefinitionsCommand
{
    public const int Ok = 0;
    public const int Failed = 1;

    internal static readonly Option<bool> JsonOption = new("--json") { Description = "Print the server's JSON answer instead of text.", Recursive = true };

    public static Command Create()
    {
        var command = new Command("definitions", "List, show, validate, diff, what-if, publish and revert workflow definitions over HTTP.")
        {
            JsonOption,
        };
        command.Subcommands.Add(ListCommand());
        command.Subcommands.Add(ShowCommand());
        command.Subcommands.Add(ValidateCommand());
        command.Subcommands.Add(DiffCommand());
        command.Subcommands.Add(WhatIfCommand());
        command.Subcommands.Add(PublishCommand());
        command.Subcommands.Add(RevertCommand());
        return command;
    }

    private static Command ListCommand()
    {
        var command = new Command("list", "Every definition and its versions (latest marked *).");
        command.SetAction((parse, ct) => RunAsync(parse, async api =>
        {
            var list = await api.GetAsync("api/definitions", ct);
            return Print(parse, list, () => DefinitionsText.List(Console.Out, list));
        }));
        return command;
    }

    private static Command ShowCommand()
    {
        var id = new Argument<string>("id") { Description = "The definition id." };
        var version = new Option<string>("--version") { Description = "A version number (default: latest, the newest not retracted).", DefaultValueFactory = _ => "latest" };
        var source = new Option<bool>("--source") { Description = "Print the source as published instead of the summary." };
        var command = new Command("show", "One version: who published it, its rules and routes.") { id, version, source };
        command.SetAction((parse, ct) => RunAsync(parse, async api =>
        {
            var detail = await api.GetAsync($"api/definitions/{Uri.EscapeDataString(parse.GetValue(id)!)}/versions/{Uri.EscapeDataString(parse.GetValue(version)!)}", ct);
            return Print(parse, detail, () =>
            {
                if (parse.GetValue(source))
                {
                    Console.Out.Write(detail.GetProperty("source").GetString());
                }
                else
                {
                    DefinitionsText.Show(Console.Out, detail);
                }
            });
        }));
        return command;
    }

    private static Command ValidateCommand()
    {
        var file = FileArgument();
        var command = new Command("validate", "Validate a definition file against the server (its group directory included). Exit 1 when invalid.") { file };
        command.SetAction((parse, ct) => RunAsync(parse, async api =>
        {
            var (source, isJson) = Read(parse.GetValue(file)!);
            var result = await api.PostSourceAsync("api/definitions/validate", source, isJson, ct);
            Print(parse, result, () => DefinitionsText.Validation(Console.Out, parse.GetValue(file)!.Name, result));
            return result.GetProperty("valid").GetBoolean() ? Ok : Failed;
        }));
        return command;
    }

    private static Command DiffCommand()
    {
        var id = new Argument<string>("id") { Description = "The definition id." };
        var from = new Argument<string>("from") { Description = "A version number, 'latest' or 'draft:<draftId>'." };
        var to = new Argument<string>("to") { Description = "A version number, 'latest' or 'draft:<draftId>'." };
        var command = new Command("diff", "What changed between two versions: rules added, removed or changed; routes; other settings.") { id, from, to };
        command.SetAction((parse, ct) => RunAsync(parse, async api =>
        {
            var path = $"api/definitions/{Uri.EscapeDataString(parse.GetValue(id)!)}/diff?from={Uri.EscapeDataString(parse.GetValue(from)!)}&to={Uri.EscapeDataString(parse.GetValue(to)!)}";
            var diff = await api.GetAsync(path, ct);
            return Print(parse, diff, () => DefinitionsText.Diff(Console.Out, diff));
        }));
        return command;
    }

    private static Command WhatIfCommand()
    {
        var file = FileArgument();
        var last = new Option<int>("--last") { Description = "How many recorded requests to replay, newest first (1-10000).", DefaultValueFactory = _ => 1000 };
        var command = new Command("whatif", "Replay recorded requests under a definition file and count those that would change risk or route.") { file, last };
        command.SetAction((parse, ct) => RunAsync(parse, async api =>
        {
            var (source, isJson) = Read(parse.GetValue(file)!);
            var report = await api.PostSourceAsync($"api/definitions/whatif?last={parse.GetValue(last)}", source, isJson, ct);
            return Print(parse, report, () => DefinitionsText.WhatIf(Console.Out, report));
        }));
        return command;
    }

    private static Command PublishCommand()
    {
        var file = FileArgument();
        var comment = CommentOption();
        var command = new Command("publish", "Publish a definition file as the next version (admin). Refused, with every error, when invalid.") { file, comment };
        command.SetAction((parse, ct) => RunAsync(parse, async api =>
        {
            var (source, isJson) = Read(parse.GetValue(file)!);
            var result = await api.PostSourceAsync($"api/definitions/publish?comment={Uri.EscapeDataString(parse.GetValue(comment)!)}", source, isJson, ct);
            return Print(parse, result, () => DefinitionsText.Published(Console.Out, result));
        }));
        return command;
    }

    private static Command RevertCommand()
    {
        var id = new Argument<string>("id") { Description = "The definition id." };
        var version = new Argument<int>("version") { Description = "The earlier version to publish again as a new version." };
        var comment = CommentOption();
        var command = new Command("revert", "Publish a copy of an earlier version as the next version (admin).") { id, version, comment };
        command.SetAction((parse, ct) => RunAsync(parse, async api =>
        {
            var result = await api.PostAsync(
                $"api/definitions/{Uri.EscapeDataString(parse.GetValue(id)!)}/versions/{parse.GetValue(version)}/revert", new { comment = parse.GetValue(comment) }, ct);
            return Print(parse, result, () => DefinitionsText.Published(Console.Out, result));
        }));
        return command;
    }

    private static Argument<FileInfo> FileArgument() => new("file") { Description = "A definition file (YAML, or JSON when it ends in .json)." };

    internal static Option<string> CommentOption() => new("--comment") { Description = "Why it changes (required; recorded with the version).", Required = true };

    private static (string Source, bool IsJson) Read(FileInfo file) =>
        (File.ReadAllText(file.FullName), file.Extension.Equals(".json", StringComparison.OrdinalIgnoreCase));

    /// <summary>The server's JSON with <paramref name="json"/> (default: this command's <c>--json</c>), else the text.</summary>
    internal static int Print(ParseResult parse, JsonElement answer, Action text, Option<bool>? json = null)
    {
        if (parse.GetValue(json ?? JsonOption))
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(answer));
        }
        else
        {
            text();
        }

        return Ok;
    }

    /// <summary>The server and token resolved like every HTTP verb (options, environment, `aoctl login`'s file); failures as one line.</summary>
    internal static Task<int> RunAsync(ParseResult parse, Func<ApiClient, Task<int>> action) =>
        Verb.RunAsync(async () =>
        {
            using var api = Connection.Open(parse);
            return await action(api);
        });
}
