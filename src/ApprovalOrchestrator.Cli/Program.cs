using System.CommandLine;
using ApprovalOrchestrator.Cli.Publish;

var root = new RootCommand("aoctl: talk to ApprovalOrchestrator over RabbitMQ, as an integrating system would.")
{
    PublishCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
