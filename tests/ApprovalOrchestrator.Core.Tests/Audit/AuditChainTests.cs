using ApprovalOrchestrator.Core.Audit;

namespace ApprovalOrchestrator.Core.Tests.Audit;

public class AuditChainTests
{
    private static readonly Guid InstanceId = Guid.Parse("6f1c2a4e-8b3d-4c5e-9a7f-0123456789ab");
    private static readonly DateTimeOffset T0 = new(2025, 3, 3, 9, 0, 0, TimeSpan.Zero);

    /// <summary>Links records (sequence, previous hash, hash) the way the store appends them.</summary>
    private static List<AuditRecord> Chain(params (string Kind, string Actor, string Data)[] events)
    {
        var records = new List<AuditRecord>();
        var previous = AuditChain.Genesis;
        for (var i = 0; i < events.Length; i++)
        {
            records.Add(Link(events[i].Kind, events[i].Actor, T0.AddMinutes(i), events[i].Data, i + 1, previous));
            previous = records[^1].Hash;
        }

        return records;
    }

    private static AuditRecord Link(string kind, string actor, DateTimeOffset at, string data, int sequence, string previous)
    {
        var hash = AuditChain.ComputeHash(previous, InstanceId, sequence, kind, actor, at, "agent-action-approval", 1, "sha256:x", data);
        return new AuditRecord(InstanceId, sequence, kind, actor, at, "agent-action-approval", 1, "sha256:x", data, previous, hash);
    }

    /// <summary>Recomputes a record's own hash after it was altered, as a careful forger would.</summary>
    private static AuditRecord Rehash(AuditRecord r) => r with
    {
        Hash = AuditChain.ComputeHash(r.PreviousHash, r.InstanceId, r.Sequence, r.Kind, r.Actor, r.At, r.DefinitionId, r.DefinitionVersion, r.DefinitionHash, r.DataJson),
    };

    private static List<AuditRecord> Three() => Chain(
        ("received", "alice", """{"text":"Send the invoice"}"""),
        ("classified", "system:policy", """{"risk":"amber"}"""),
        ("decision", "bob", """{"verdict":"approve"}"""));

    [Fact]
    public void An_intact_chain_verifies()
    {
        var chain = Three();
        Assert.Equal(AuditChain.Genesis, chain[0].PreviousHash);
        Assert.Equal(chain[0].Hash, chain[1].PreviousHash);
        Assert.Equal(chain[1].Hash, chain[2].PreviousHash);
        Assert.All(chain, r => Assert.Matches("^sha256:[0-9a-f]{64}$", r.Hash));
        Assert.Equal(3, chain.Select(r => r.Hash).Distinct().Count());
        Assert.Null(AuditChain.FindBreak(chain));
    }

    [Fact]
    public void An_empty_chain_verifies()
    {
        Assert.Null(AuditChain.FindBreak([]));
    }

    [Fact]
    public void ComputeHash_is_deterministic_and_covers_the_previous_hash()
    {
        var a = AuditChain.ComputeHash(AuditChain.Genesis, InstanceId, 1, "received", "alice", T0, "d", 1, "sha256:x", "{}");
        var b = AuditChain.ComputeHash(AuditChain.Genesis, InstanceId, 1, "received", "alice", T0, "d", 1, "sha256:x", "{}");
        var c = AuditChain.ComputeHash("sha256:other", InstanceId, 1, "received", "alice", T0, "d", 1, "sha256:x", "{}");
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 2)]
    [InlineData(2, 3)]
    public void Editing_a_records_data_breaks_it(int index, int expectedSequence)
    {
        var chain = Three();
        chain[index] = chain[index] with { DataJson = """{"tampered":true}""" };
        Assert.Equal(expectedSequence, AuditChain.FindBreak(chain));
    }

    public static TheoryData<string> EditedFields => ["kind", "actor", "at", "definitionId", "definitionVersion", "definitionHash", "instanceId"];

    [Theory]
    [MemberData(nameof(EditedFields))]
    public void Editing_any_hashed_field_of_the_middle_record_breaks_it(string field)
    {
        var chain = Three();
        var r = chain[1];
        chain[1] = field switch
        {
            "kind" => r with { Kind = "escalated" },
            "actor" => r with { Actor = "mallory" },
            "at" => r with { At = r.At.AddSeconds(1) },
            "definitionId" => r with { DefinitionId = "other" },
            "definitionVersion" => r with { DefinitionVersion = 2 },
            "definitionHash" => r with { DefinitionHash = "sha256:y" },
            "instanceId" => r with { InstanceId = Guid.Empty },
            _ => throw new ArgumentOutOfRangeException(nameof(field)),
        };
        Assert.Equal(2, AuditChain.FindBreak(chain));
    }

    [Fact]
    public void The_same_instant_in_another_offset_still_verifies()
    {
        // Stores may hand timestamps back in local offset; the hash uses the UTC instant.
        var chain = Three();
        chain[1] = chain[1] with { At = chain[1].At.ToOffset(TimeSpan.FromHours(2)) };
        Assert.Null(AuditChain.FindBreak(chain));
    }

    [Fact]
    public void Editing_data_and_recomputing_that_records_hash_breaks_the_next_link()
    {
        var chain = Three();
        chain[1] = Rehash(chain[1] with { DataJson = """{"risk":"green"}""" });
        Assert.Equal(3, AuditChain.FindBreak(chain));
    }

    [Fact]
    public void Reordering_the_stored_list_reports_the_record_out_of_place()
    {
        var chain = Three();
        (chain[1], chain[2]) = (chain[2], chain[1]);
        Assert.Equal(3, AuditChain.FindBreak(chain)); // position 2 holds sequence 3
    }

    [Fact]
    public void Reordering_by_swapping_sequence_numbers_reports_the_first_position()
    {
        // A store reads in sequence order, so swapping two events means renumbering them.
        var chain = Three();
        var second = chain[1];
        var third = chain[2];
        chain[1] = third with { Sequence = 2 };
        chain[2] = second with { Sequence = 3 };
        Assert.Equal(2, AuditChain.FindBreak(chain));
    }

    [Fact]
    public void Deleting_the_middle_record_reports_the_first_record_after_the_gap()
    {
        var chain = Three();
        chain.RemoveAt(1);
        Assert.Equal(3, AuditChain.FindBreak(chain));
    }

    [Fact]
    public void Deleting_the_middle_record_and_renumbering_still_breaks_at_the_gap()
    {
        var chain = Three();
        chain.RemoveAt(1);
        chain[1] = Rehash(chain[1] with { Sequence = 2 });
        Assert.Equal(2, AuditChain.FindBreak(chain)); // its previous hash still names the deleted record
    }

    [Fact]
    public void Deleting_the_first_record_reports_the_new_first()
    {
        var chain = Three();
        chain.RemoveAt(0);
        Assert.Equal(2, AuditChain.FindBreak(chain));
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 2)]
    [InlineData(2, 3)]
    public void Changing_a_stored_hash_breaks_that_record(int index, int expectedSequence)
    {
        var chain = Three();
        chain[index] = chain[index] with { Hash = "sha256:" + new string('f', 64) };
        Assert.Equal(expectedSequence, AuditChain.FindBreak(chain));
    }

    [Fact]
    public void Changing_a_previous_hash_breaks_that_record()
    {
        var chain = Three();
        chain[2] = chain[2] with { PreviousHash = chain[0].Hash };
        Assert.Equal(3, AuditChain.FindBreak(chain));
    }

    [Fact]
    public void Only_the_first_break_is_reported()
    {
        var chain = Three();
        chain[1] = chain[1] with { Actor = "mallory" };
        chain[2] = chain[2] with { DataJson = "{}" };
        Assert.Equal(2, AuditChain.FindBreak(chain));
    }
}
