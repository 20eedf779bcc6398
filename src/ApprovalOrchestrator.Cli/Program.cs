using System.CommandLine;
using ApprovalOrchestrator.Cli.Definitions;
using ApprovalOrchestrator.Cli.Publish;

var root = new RootCommand("aoctl: talk to ApprovalOrchestrator: requests over RabbitMQ (publish), definitions over HTTP.")
{
    PublishCommand.Create(),
    DefinitionsCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
