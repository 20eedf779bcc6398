using ApprovalOrchestrator.Core.Definitions;

namespace ApprovalOrchestrator.Core.Tests.Definitions;

public sealed class YamlPathLocatorTests
{
    private const string Source = """
        id: x
        routes:
          amber:
            action: approve
            tiers:
              - { group: team-leads, requiredApprovals: 1, timeout: PT4H }
              - group: managers
                timeout: soon
        """;

    [Theory]
    [InlineData("id", 1)]
    [InlineData("routes.amber.action", 4)]
    [InlineData("routes.amber.tiers[0].timeout", 6)]
    [InlineData("routes.amber.tiers[1].timeout", 8)]
    [InlineData("routes.amber.tiers[1].requiredApprovals", 7)]
    [InlineData("routes.red", 2)]
    public void Finds_the_line_of_a_path(string path, int line) =>
        Assert.Equal(line, YamlPathLocator.LineOf(Source, new DefinitionError(path, "x")));

    [Fact]
    public void A_syntax_error_carries_its_line()
    {
        var parsed = DefinitionParser.Parse("id: x\nroutes: [\n  a: b\n");
        Assert.NotNull(YamlPathLocator.LineOf("", parsed.Errors[0]));
    }

    [Fact]
    public void A_parser_error_maps_to_the_line_written()
    {
        var source = TestSupport.RepoFiles.Read("workflows/agent-action-approval.yaml")
            .Replace("timeout: PT8H }", "timeout: eight hours }", StringComparison.Ordinal);
        var parsed = DefinitionParser.Parse(source);
        var error = Assert.Single(parsed.Errors);
        var line = YamlPathLocator.LineOf(source, error)!.Value;
        Assert.Contains("eight hours", source.Split('\n')[line - 1], StringComparison.Ordinal);
    }
}
