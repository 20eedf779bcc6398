using ApprovalOrchestrator.LocalIdentity;
using ApprovalOrchestrator.Server.Identity;

namespace ApprovalOrchestrator.Server.Demo;

/// <summary>
/// The people of the story, with tokens minted by the local key exactly as <c>aoctl token issue</c> would: Riley asks (and
/// is a security officer too, to show that nobody approves their own request), Tina leads a team, Sam and Olivia are
/// security officers, Audrey audits.
/// </summary>
public sealed class DemoCast(LocalTokenIssuer tokens, Uri server) : IDisposable
{
    public DemoApi Riley { get; } = new("riley", tokens.Issue("riley", ["security-officers"], [Roles.Submitter, Roles.Approver]), server);

    public DemoApi Tina { get; } = new("tina", tokens.Issue("tina", ["team-leads"], [Roles.Approver]), server);

    public DemoApi Sam { get; } = new("sam", tokens.Issue("sam", ["security-officers"], [Roles.Approver]), server);

    public DemoApi Olivia { get; } = new("olivia", tokens.Issue("olivia", ["security-officers"], [Roles.Approver]), server);

    public DemoApi Audrey { get; } = new("audrey", tokens.Issue("audrey", [], [Roles.Auditor]), server);

    public void Dispose()
    {
        foreach (var person in new[] { Riley, Tina, Sam, Olivia, Audrey })
        {
            person.Dispose();
        }
    }
}
