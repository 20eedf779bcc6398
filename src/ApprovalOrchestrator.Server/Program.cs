using ApprovalOrchestrator.Runtime.Storage;
using ApprovalOrchestrator.Server.Demo;
using ApprovalOrchestrator.Server.Hosting;

switch (args.FirstOrDefault())
{
    case "demo":
        return await DemoCommand.RunAsync(args[1..]);
    case "help" or "--help" or "-h" or "-?":
        Console.WriteLine(ServerUsage.Text);
        return 0;
}

var app = ServerApp.Build(args);
try
{
    await ServerApp.InitializeAsync(app.Services, app.Environment.ContentRootPath);
}
catch (DatabaseInUseException ex)
{
    Console.Error.WriteLine($"ApprovalOrchestrator: {ex.Message}.");
    return 1;
}

await app.StartAsync();
StartupBanner.Print(app, Console.Out);
await app.WaitForShutdownAsync();
return 0;
