using ApprovalOrchestrator.Core.Definitions;

namespace ApprovalOrchestrator.Runtime.Definitions;

/// <summary>A published definition version, parsed.</summary>
public sealed record PublishedDefinition(DefinitionRef Ref, WorkflowDefinition Definition, string Author, string? Comment, DateTimeOffset CreatedAt);

/// <summary>One published version as listed: who published it and when, and whether (and by whom) it was retracted.</summary>
public sealed record DefinitionVersionInfo(
    string Id,
    int Version,
    string Hash,
    string Author,
    string? Comment,
    DateTimeOffset CreatedAt,
    DateTimeOffset? RetractedAt,
    string? RetractedBy,
    string? RetractComment)
{
    public bool IsRetracted => RetractedAt is not null;

    /// <summary>Imported from a workflow file at startup rather than published by a person.</summary>
    public bool IsImported => Author.StartsWith(DefinitionCatalog.ImportAuthorPrefix, StringComparison.Ordinal);
}

/// <summary>A saved draft: its source as written and the problems found in it when it was saved.</summary>
public sealed record DefinitionDraft(
    Guid DraftId,
    string? DefinitionId,
    string Hash,
    string Source,
    IReadOnlyList<DefinitionError> Errors,
    IReadOnlyList<DefinitionError> Warnings,
    string Author,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public bool IsValid => Errors.Count == 0;
}

/// <summary>One row of the definition audit (table <c>definition_events</c>).</summary>
public sealed record DefinitionEvent(
    long Seq,
    string Kind,
    string? DefinitionId,
    int? Version,
    Guid? DraftId,
    string Hash,
    string Author,
    string? Comment,
    DateTimeOffset At,
    string Data);

/// <summary>The kinds of <see cref="DefinitionEvent"/>.</summary>
public static class DefinitionEventKinds
{
    public const string DraftSaved = "draft-saved";
    public const string DraftDeleted = "draft-deleted";
    public const string Published = "published";
    public const string Retracted = "retracted";
    public const string Reverted = "reverted";
}

/// <summary>What a startup import did with one file.</summary>
public enum ImportOutcome
{
    /// <summary>Published as a new version.</summary>
    Imported,

    /// <summary>The newest version already has this content.</summary>
    UpToDate,

    /// <summary>A person published a newer version: the file is not imported over it.</summary>
    Conflict,
}

/// <summary>The result of <see cref="DefinitionCatalog.ImportAsync"/>; <see cref="Newest"/> is the newest version before the import.</summary>
public sealed record ImportResult(ImportOutcome Outcome, DefinitionRef? Ref, DefinitionVersionInfo? Newest);

public sealed class DefinitionInvalidException(IReadOnlyList<DefinitionError> errors)
    : Exception("The definition is invalid: " + string.Join("; ", errors))
{
    public IReadOnlyList<DefinitionError> Errors { get; } = errors;
}

/// <summary>The named version or draft does not exist.</summary>
public sealed class DefinitionNotFoundException(string message) : Exception(message);
