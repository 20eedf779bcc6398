using ApprovalOrchestrator.Core.Detection;
using static ApprovalOrchestrator.Core.Tests.Detection.DetectionKit;

namespace ApprovalOrchestrator.Core.Tests.Adversarial;

/// <summary>
/// An agent (or a prompt it was fed) disguises PII or a secret so the detectors miss it and it reaches the model.
/// Each case is a disguise we undo; the ones we do not are listed in docs/guardrails.md.
/// </summary>
public class DetectorEvasionTests
{
    [Theory]
    [InlineData("bob\u200B@example.com", "email")]
    [InlineData("4111\u200C1111\u200C1111\u200C1111", "payment-card")]
    [InlineData("AKIA\u2060IOSFODNN7EXAMPLE", "api-key")]
    [InlineData("DE89\u00AD3704\u00AD0044\u00AD0532\u00AD0130\u00AD00", "iban")]
    [InlineData("+44\u200B20 7946\u200D 0958", "phone")]
    [InlineData("gh\u200Bp_wWPw5k4aXcaT4fNP0UcnZwJUVFk6LO0pINUx", "api-key")]
    public void Zero_width_and_soft_hyphen_characters_inside_a_value_are_seen_through_and_redacted(string value, string id)
    {
        var text = $"see {value} now";
        var result = PlaceholderRedactor.Redact(text, RedactionPolicy.All, new RedactionState());
        Assert.Equal($"see [{id}#1] now", result.Text);
    }

    [Theory]
    [InlineData("４１１１ １１１１ １１１１ １１１１", "payment-card")] // full-width digits
    [InlineData("٤١١١١١١١١١١١١١١١", "payment-card")] // Arabic-Indic digits
    [InlineData("४१११ ११११ ११११ ११११", "payment-card")] // Devanagari digits
    [InlineData("ｊｏｈｎ＠ｅｘａｍｐｌｅ．ｃｏｍ", "email")]
    [InlineData("john﹫example.com", "email")] // small commercial at
    [InlineData("ＡＫＩＡＩＯＳＦＯＤＮＮ７ＥＸＡＭＰＬＥ", "api-key")]
    [InlineData("＋４４ ２０ ７９４６ ０９５８", "phone")]
    public void Full_width_and_other_script_digits_are_read_as_ascii(string value, string id) =>
        AssertSingle($"value {value} end", id, value);

    [Theory]
    [InlineData("4111\u00A01111\u00A01111\u00A01111", "payment-card")] // no-break spaces
    [InlineData("4111\u2009\u0031111\u20091111\u20091111", "payment-card")] // thin spaces
    [InlineData("555\u2011123\u20114567", "phone")] // non-breaking hyphens
    [InlineData("+1\u202F555\u2013123\u20134567", "phone")] // narrow no-break space, en dashes
    [InlineData("DE89\u00A03704\u00A00044\u00A00532\u00A00130\u00A000", "iban")]
    public void Typographic_spaces_and_dashes_do_not_break_a_number(string value, string id) =>
        AssertSingle($"value {value} end", id, value);

    [Theory]
    [InlineData("john [at] example [dot] com")]
    [InlineData("john (at) example (dot) com")]
    [InlineData("john{at}example{dot}com")]
    [InlineData("john [AT] example [DOT] co [DOT] uk")]
    public void Bracketed_at_and_dot_spellings_are_still_addresses(string value) => AssertSingle($"mail {value} today", "email", value);

    [Fact]
    public void A_private_key_with_json_escaped_newlines_is_still_a_private_key()
    {
        const string key = "-----BEGIN OPENSSH PRIVATE KEY-----\\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\\n-----END OPENSSH PRIVATE KEY-----";
        AssertSingle($"{{\"file\": \"{key}\"}}", "private-key", key);
    }

    [Fact]
    public void A_private_key_cut_off_before_its_end_line_is_redacted_to_the_end()
    {
        const string text = "cat id_rsa: -----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA1c7+9z5Pad7Oej";
        var result = PlaceholderRedactor.Redact(text, RedactionPolicy.All, new RedactionState());
        Assert.Equal("cat id_rsa: [private-key#1]", result.Text);
    }

    [Fact]
    public void A_secret_split_between_text_and_arguments_keeps_one_placeholder_per_value()
    {
        // The same card in the text and in two arguments, spelled three ways: one placeholder, counted once.
        var state = new RedactionState();
        var a = PlaceholderRedactor.Redact("refund 4111 1111 1111 1111", RedactionPolicy.All, state).Text;
        var b = PlaceholderRedactor.Redact("4111-1111-1111-1111", RedactionPolicy.All, state).Text;
        var c = PlaceholderRedactor.Redact("４１１１１１１１１１１１１１１１", RedactionPolicy.All, state).Text;
        Assert.Equal(["refund [payment-card#1]", "[payment-card#1]", "[payment-card#1]"], [a, b, c]);
        Assert.Equal(1, state.Counts["payment-card"]);
    }

    /// <summary>
    /// Random text from the characters the detectors care about (digits, separators, prefixes, brackets, letters that
    /// start keys and check letters): a detector that throws would fail the whole scan, so none may.
    /// </summary>
    [Fact]
    public void Random_inputs_from_the_detectors_alphabet_never_throw()
    {
        string[] pieces =
        [
            "0", "1", "4", "9", "00", "12", "2026", "4111", " ", " ", "-", ".", "(", ")", "+", ":", "/", "@", "_", "=", "#", ",",
            "\n", "\"", "[at]", "AKIA", "ghp_", "sk-", "eyJ", "-----BEGIN PRIVATE KEY-----", "-----END", "DE89", "X", "Z", "A",
            "key=", "phone ", "BSN ", "aadhaar ", "version ", "::", "ff", "\u200B", "４", "٤", "é",
        ];
        var random = new Random(13);
        for (var i = 0; i < 20_000; i++)
        {
            var text = string.Concat(Enumerable.Range(0, random.Next(1, 40)).Select(_ => pieces[random.Next(pieces.Length)]));
            var findings = Scanner.ScanAll(text);
            Assert.All(findings, f => Assert.True(f.Start >= 0 && f.Length > 0 && f.End <= text.Length, $"{f} in '{text}'"));
            PlaceholderRedactor.Redact(text, RedactionPolicy.All, new RedactionState());
        }
    }

    /// <summary>
    /// Inputs shaped to make a backtracking matcher explode (long near-matches for every pattern). The detectors are
    /// linear by construction (non-backtracking regexes, single-pass scans): each finishes well within the bound; a
    /// quadratic path would take minutes on these sizes.
    /// </summary>
    [Theory]
    [InlineData("a.", 100_000)]
    [InlineData("a@", 100_000)]
    [InlineData("1 ", 100_000)]
    [InlineData("1-", 100_000)]
    [InlineData("-----BEGIN PRIVATE KEY-----", 5_000)]
    [InlineData("eyJhbGciOiJub25lIn0.", 10_000)]
    [InlineData("a:", 100_000)]
    [InlineData("+(0)", 50_000)]
    [InlineData("Ab1", 70_000)]
    [InlineData("aws_secret_access_key=", 10_000)]
    public async Task Inputs_built_to_cause_catastrophic_backtracking_scan_in_linear_time(string unit, int repeat)
    {
        var text = string.Concat(Enumerable.Repeat(unit, repeat));
        var scan = Task.Run(() => Scanner.ScanAll(text), TestContext.Current.CancellationToken);
        var finished = await Task.WhenAny(scan, Task.Delay(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken));
        Assert.True(finished == scan, $"{text.Length} chars of '{unit}' did not scan in 30 s");
        await scan;
    }
}
