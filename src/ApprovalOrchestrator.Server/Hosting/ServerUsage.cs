namespace ApprovalOrchestrator.Server.Hosting;

/// <summary>What <c>--help</c> prints: the server's verbs and the settings people change first.</summary>
public static class ServerUsage
{
    public const string Text = """
        ApprovalOrchestrator server

        Usage:
          ApprovalOrchestrator.Server [--urls=URL] [--Section:Key=value ...]   run the server (default http://127.0.0.1:5080)
          ApprovalOrchestrator.Server demo [--leave-waiting] [--Section:Key=value ...]
                                                     the reference story on this database, through the real rules
          ApprovalOrchestrator.Server help           this text

        Settings (command line, appsettings.json or environment, e.g. ConnectionStrings__Approvals):
          --ConnectionStrings:Approvals="Data Source=data/approvals.db"   the SQLite file (embedded default)
          --Workflows:Directory=workflows                                  workflow definitions imported at start
          --Gateway:BaseUrl=http://127.0.0.1:18789 --Gateway:Token=...     execute for real (dry-run without)
          --Bus:Transport=RabbitMq --Bus:RabbitMq:Url=amqp://...           the bus (in-process by default)
          --Auth:Authority=https://idp.example                             verify tokens from an OIDC provider

        Docs: README.md, docs/auth.md (signing in), docs/bus.md, docs/definitions.md.
        """;
}
