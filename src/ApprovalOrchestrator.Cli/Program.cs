using System.CommandLine;
using ApprovalOrchestrator.Cli.Approvals;
using ApprovalOrchestrator.Cli.Identity;
using ApprovalOrchestrator.Cli.Publish;

var root = new RootCommand("aoctl: talk to ApprovalOrchestrator as an integrating system (publish, over RabbitMQ) or as an approver (the HTTP verbs, with a bearer token).")
{
    Connection.Server,
    Connection.Token,
    PublishCommand.Create(),
    TokenCommand.Create(),
    LoginCommand.Create(),
    TasksCommand.Create(),
    TasksCommand.CreateShow(),
    DecideCommand.Create("approve"),
    DecideCommand.Create("reject"),
    DelegateCommand.Create(),
    DelegateCommand.CreateList(),
    WithdrawCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
