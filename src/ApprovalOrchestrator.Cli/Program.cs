using System.CommandLine;
using ApprovalOrchestrator.Cli.Approvals;
using ApprovalOrchestrator.Cli.Bindings;
using ApprovalOrchestrator.Cli.Audit;
using ApprovalOrchestrator.Cli.Controls;
using ApprovalOrchestrator.Cli.Definitions;
using ApprovalOrchestrator.Cli.Identity;
using ApprovalOrchestrator.Cli.Publish;

var root = new RootCommand("aoctl: talk to ApprovalOrchestrator as an integrating system (publish, over RabbitMQ), as an approver, or as an admin (the HTTP verbs, with a bearer token).")
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
    DelegateCommand.CreateRevoke(),
    WithdrawCommand.Create(),
    DefinitionsCommand.Create(),
    BindingsCommand.Create(),
    AuditCommand.Create(),
    ControlsCommand.CreateHalt(),
    ControlsCommand.CreateResume(),
    ControlsCommand.CreateList(),
};
return await root.Parse(args).InvokeAsync();
