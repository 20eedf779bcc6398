using System.Text;
using System.Text.Json;
using ApprovalOrchestrator.Core.Intake;

namespace ApprovalOrchestrator.Core.Tests.Intake;

public class RequestValidatorTests
{
    private static readonly SubmitCommand Valid = new("req-1", "alice", "main", "Summarize the governance policy.", null, null);

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement;

    private static string[] Fields(IReadOnlyList<FieldError> errors) => errors.Select(e => e.Field).ToArray();

    [Fact]
    public void A_well_formed_request_has_no_errors()
    {
        Assert.Empty(RequestValidator.Validate(Valid));
        Assert.Empty(RequestValidator.Validate(Valid, requestIdRequired: true));
    }

    [Fact]
    public void Optional_fields_may_be_missing()
    {
        Assert.Empty(RequestValidator.Validate(Valid with { ClientRequestId = null, AgentId = null, Workflow = null, Tool = null }));
    }

    [Fact]
    public void A_well_formed_tool_request_has_no_errors()
    {
        var tool = new SubmitTool("files.write", "append", Json("""{"path":"notes.txt"}"""));
        Assert.Empty(RequestValidator.Validate(Valid with { Tool = tool, Workflow = "agent-action-approval" }));
        Assert.Empty(RequestValidator.Validate(Valid with { Tool = new SubmitTool("shell", null, null) }));
        Assert.Empty(RequestValidator.Validate(Valid with { Tool = new SubmitTool("shell", null, Json("null")) }));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void The_requester_is_required(string? requester)
    {
        var error = Assert.Single(RequestValidator.Validate(Valid with { Requester = requester }));
        Assert.Equal("requester", error.Field);
        Assert.Contains("required", error.Message);
    }

    [Fact]
    public void A_requester_over_200_characters_is_refused()
    {
        Assert.Empty(RequestValidator.Validate(Valid with { Requester = new string('a', 200) }));
        Assert.Equal(["requester"], Fields(RequestValidator.Validate(Valid with { Requester = new string('a', 201) })));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" \t\n ")]
    public void The_text_must_not_be_empty_or_whitespace(string? text)
    {
        var error = Assert.Single(RequestValidator.Validate(Valid with { Text = text }));
        Assert.Equal("text", error.Field);
    }

    [Fact]
    public void Text_up_to_32_KiB_is_accepted_and_one_byte_more_is_refused()
    {
        Assert.Equal(32 * 1024, RequestValidator.MaxTextBytes);
        Assert.Empty(RequestValidator.Validate(Valid with { Text = new string('a', 32 * 1024) }));

        var error = Assert.Single(RequestValidator.Validate(Valid with { Text = new string('a', 32 * 1024 + 1) }));
        Assert.Equal("text", error.Field);
        Assert.Contains("32768", error.Message);
        Assert.Contains("32769", error.Message);
    }

    [Theory]
    [InlineData("é", 2)] // two UTF-8 bytes, one UTF-16 char
    [InlineData("€", 3)] // three bytes, one char
    [InlineData("😀", 4)] // four bytes, two chars (a surrogate pair)
    public void The_text_limit_counts_UTF8_bytes_not_characters(string character, int bytesPerCharacter)
    {
        Assert.Equal(bytesPerCharacter, Encoding.UTF8.GetByteCount(character));
        var fits = string.Concat(Enumerable.Repeat(character, 32 * 1024 / bytesPerCharacter));
        var tooLong = fits + character;
        Assert.True(tooLong.Length < 32 * 1024); // far fewer chars than the limit, yet over it in bytes

        Assert.Empty(RequestValidator.Validate(Valid with { Text = fits }));
        var error = Assert.Single(RequestValidator.Validate(Valid with { Text = tooLong }));
        Assert.Equal("text", error.Field);
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("slash/agent")]
    [InlineData("ünicode")]
    public void A_bad_agent_id_is_refused(string agentId)
    {
        var error = Assert.Single(RequestValidator.Validate(Valid with { AgentId = agentId }));
        Assert.Equal("agentId", error.Field);
    }

    [Fact]
    public void The_agent_id_may_be_up_to_64_identifier_characters()
    {
        Assert.Empty(RequestValidator.Validate(Valid with { AgentId = "Agent_1.beta-2" }));
        Assert.Empty(RequestValidator.Validate(Valid with { AgentId = new string('a', 64) }));
        Assert.Equal(["agentId"], Fields(RequestValidator.Validate(Valid with { AgentId = new string('a', 65) })));
    }

    [Fact]
    public void A_bad_workflow_name_is_refused()
    {
        Assert.Equal(["workflow"], Fields(RequestValidator.Validate(Valid with { Workflow = "../etc" })));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void A_tool_without_a_name_is_refused(string? name)
    {
        var error = Assert.Single(RequestValidator.Validate(Valid with { Tool = new SubmitTool(name, "run", null) }));
        Assert.Equal("tool.name", error.Field);
        Assert.Contains("required", error.Message);
    }

    [Fact]
    public void A_tool_name_or_action_that_is_not_an_identifier_is_refused()
    {
        Assert.Equal(["tool.name"], Fields(RequestValidator.Validate(Valid with { Tool = new SubmitTool("rm -rf", null, null) })));
        Assert.Equal(["tool.action"], Fields(RequestValidator.Validate(Valid with { Tool = new SubmitTool("shell", "run now", null) })));
    }

    [Theory]
    [InlineData("[1, 2]")]
    [InlineData("\"ls -la\"")]
    [InlineData("42")]
    [InlineData("true")]
    public void Tool_args_that_are_not_an_object_are_refused(string args)
    {
        var error = Assert.Single(RequestValidator.Validate(Valid with { Tool = new SubmitTool("shell", "run", Json(args)) }));
        Assert.Equal("tool.args", error.Field);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void The_request_id_is_required_only_when_asked(string? requestId)
    {
        Assert.Empty(RequestValidator.Validate(Valid with { ClientRequestId = requestId }));
        var error = Assert.Single(RequestValidator.Validate(Valid with { ClientRequestId = requestId }, requestIdRequired: true));
        Assert.Equal("requestId", error.Field);
    }

    [Fact]
    public void A_request_id_over_200_characters_is_refused()
    {
        Assert.Empty(RequestValidator.Validate(Valid with { ClientRequestId = new string('r', 200) }));
        Assert.Equal(["requestId"], Fields(RequestValidator.Validate(Valid with { ClientRequestId = new string('r', 201) })));
    }

    [Fact]
    public void Every_problem_is_reported_at_once_with_its_field()
    {
        var command = new SubmitCommand(
            ClientRequestId: " ",
            Requester: "",
            AgentId: "bad agent",
            Text: "\n",
            Tool: new SubmitTool(null, "bad action", Json("[]")),
            Workflow: "bad workflow");

        var errors = RequestValidator.Validate(command, requestIdRequired: true);

        Assert.Equal(["requestId", "requester", "text", "agentId", "workflow", "tool.name", "tool.action", "tool.args"], Fields(errors));
        Assert.All(errors, e => Assert.False(string.IsNullOrWhiteSpace(e.Message)));
        Assert.Equal("requester: is required.", errors[1].ToString());
    }
}
