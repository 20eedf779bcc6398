using System.Text.Json;
using System.Text.Json.Serialization;
using ApprovalOrchestrator.Runtime.Storage;

namespace ApprovalOrchestrator.Server.Hosting;

/// <summary>Request bodies are read strictly: an unknown or misspelt field is an error naming it, not silently dropped.</summary>
public static class ApiJson
{
    public static readonly JsonSerializerOptions Strict = new(Json.Options)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        PropertyNameCaseInsensitive = true,
    };
}
