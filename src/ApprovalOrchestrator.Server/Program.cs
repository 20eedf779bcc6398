using ApprovalOrchestrator.Server.Demo;
using ApprovalOrchestrator.Server.Hosting;

if (args.Length > 0 && args[0] == "demo")
{
    return await DemoCommand.RunAsync(args[1..]);
}

var app = ServerApp.Build(args);
await ServerApp.InitializeAsync(app.Services, app.Environment.ContentRootPath);
await app.RunAsync();
return 0;
