using ApprovalOrchestrator.Core.Classification;
using ApprovalOrchestrator.Core.Definitions;

namespace ApprovalOrchestrator.Core.Tests.TestSupport;

/// <summary>The shipped reference policy, parsed once, and a shortcut to classify plain text with it.</summary>
internal static class ReferencePolicy
{
    public const string Path = "workflows/agent-action-approval.yaml";

    private static readonly Lazy<(WorkflowDefinition Definition, Classifier Classifier, DefinitionRef Ref)> Loaded = new(() =>
    {
        var source = RepoFiles.Read(Path);
        var definition = RepoFiles.LoadDefinition(Path);
        return (definition, new Classifier(definition), new DefinitionRef(definition.Id, 1, DefinitionHash.Compute(source)));
    });

    public static WorkflowDefinition Definition => Loaded.Value.Definition;

    public static DefinitionRef Ref => Loaded.Value.Ref;

    public static ClassificationResult Classify(string text) => Classify(new PolicyInput(text, "alice", "main"));

    public static ClassificationResult Classify(PolicyInput input) => Loaded.Value.Classifier.Classify(input, Loaded.Value.Ref);
}
