using System.Xml.Linq;
using ApprovalOrchestrator.Runtime.Storage;
using Dapper;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace ApprovalOrchestrator.Server.Web;

/// <summary>The console's data-protection key ring in the shared database (table <c>console_keys</c>), one row per key.</summary>
internal sealed class DatabaseKeyRing(Database database, TimeProvider clock) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var connection = database.Open();
        return connection.Query<string>("SELECT xml FROM console_keys ORDER BY created_at, name").Select(XElement.Parse).ToList();
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var connection = database.Open();
        // Two nodes creating the first key at once both store theirs; the key ring holds several keys anyway.
        connection.Execute(
            "INSERT INTO console_keys (name, xml, created_at) VALUES (@name, @xml, @at) ON CONFLICT (name) DO NOTHING",
            new { name = friendlyName, xml = element.ToString(SaveOptions.DisableFormatting), at = Timestamps.ToText(clock.GetUtcNow()) });
    }
}
