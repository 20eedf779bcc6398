using System.Text;
using System.Text.Json;
using ApprovalOrchestrator.Core.Detection;
using ApprovalOrchestrator.Core.Tests.TestSupport;

namespace ApprovalOrchestrator.Core.Tests.Detection;

/// <summary>
/// Precision and recall per detector over the labelled corpus (Corpus/corpus.jsonl, written by Corpus/make_corpus.py).
/// A finding counts only with the exact detector and the exact span the label gives.
/// </summary>
public class DetectorCorpusTests
{
    private sealed record Label(string Id, string Value);

    private sealed record Line(int Number, string Text, IReadOnlyList<Label> Expect, string Kind, IReadOnlyList<Label>? Observed);

    private static readonly Lazy<IReadOnlyList<Line>> Corpus = new(Load);

    /// <summary>
    /// Exact on every line but the documented limits (kind <c>known-false-positive</c> / <c>known-miss</c>, labelled
    /// with the truth): those count in the second table and must give exactly their <c>observed</c> findings, so the
    /// docs stay true when a detector changes (then relabel the line).
    /// </summary>
    [Fact]
    public void Every_detector_is_exact_on_the_labelled_corpus()
    {
        var asserted = new Tally();
        var all = new Tally();
        var mistakes = new StringBuilder();
        foreach (var line in Corpus.Value)
        {
            var expected = Spans(line);
            var actual = Scanner.Scan(line.Text).ToHashSet();
            var known = line.Kind.StartsWith("known-", StringComparison.Ordinal);
            all.Add(expected, actual);
            if (!known)
            {
                asserted.Add(expected, actual);
            }

            var documented = known ? Spans(line, line.Observed!) : expected;
            if (!documented.SetEquals(actual))
            {
                mistakes.AppendLine(known
                    ? $"line {line.Number} ({line.Kind}) no longer behaves as documented: observed [{Show(line.Text, documented)}] got [{Show(line.Text, actual)}]; update the line and docs/guardrails.md"
                    : $"line {line.Number} ({line.Kind}): expected [{Show(line.Text, expected)}] got [{Show(line.Text, actual)}]");
            }
        }

        var lines = Corpus.Value.Count;
        var knownLines = Corpus.Value.Count(l => l.Kind.StartsWith("known-", StringComparison.Ordinal));
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{lines - knownLines} lines without the known limits\n{asserted}\n{lines} lines with them\n{all}");
        Assert.True(mistakes.Length == 0, $"{asserted}\n{mistakes}");
    }

    /// <summary>True positives, false positives and false negatives per detector, exact spans.</summary>
    private sealed class Tally
    {
        private readonly Dictionary<string, int[]> _counts = DetectorRegistry.Ids.ToDictionary(id => id, _ => new int[3], StringComparer.Ordinal);

        public void Add(HashSet<Finding> expected, HashSet<Finding> actual)
        {
            foreach (var f in actual)
            {
                _counts[f.DetectorId][expected.Contains(f) ? 0 : 1]++;
            }

            foreach (var f in expected.Where(f => !actual.Contains(f)))
            {
                _counts[f.DetectorId][2]++;
            }
        }

        public override string ToString()
        {
            var table = new StringBuilder("detector            TP   FP   FN  precision  recall\n");
            foreach (var (id, s) in _counts)
            {
                table.AppendLine($"{id,-18} {s[0],4} {s[1],4} {s[2],4}  {Ratio(s[0], s[0] + s[1]),9}  {Ratio(s[0], s[0] + s[2]),6}");
            }

            var tp = _counts.Values.Sum(s => s[0]);
            var fp = _counts.Values.Sum(s => s[1]);
            var fn = _counts.Values.Sum(s => s[2]);
            return table.Append($"{"all",-18} {tp,4} {fp,4} {fn,4}  {Ratio(tp, tp + fp),9}  {Ratio(tp, tp + fn),6}").ToString();
        }
    }

    [Fact]
    public void The_corpus_has_positives_for_every_detector_and_a_body_of_negatives()
    {
        var positives = Corpus.Value.SelectMany(l => l.Expect).GroupBy(l => l.Id).ToDictionary(g => g.Key, g => g.Count());
        foreach (var id in DetectorRegistry.Ids)
        {
            Assert.True(positives.GetValueOrDefault(id) >= 5, $"{id}: {positives.GetValueOrDefault(id)} positives");
        }

        Assert.True(Corpus.Value.Count >= 400);
        Assert.True(Corpus.Value.Count(l => l.Expect.Count == 0) >= 150);
    }

    private static HashSet<Finding> Spans(Line line) => Spans(line, line.Expect);

    private static HashSet<Finding> Spans(Line line, IReadOnlyList<Label> labels)
    {
        var spans = new HashSet<Finding>();
        var from = 0;
        foreach (var label in labels)
        {
            var at = line.Text.IndexOf(label.Value, from, StringComparison.Ordinal);
            Assert.True(at >= 0, $"line {line.Number}: label '{label.Value}' is not in the text");
            spans.Add(new Finding(label.Id, at, label.Value.Length));
            from = at + label.Value.Length;
        }

        return spans;
    }

    private static string Show(string text, IEnumerable<Finding> findings) =>
        string.Join(", ", findings.OrderBy(f => f.Start).Select(f => $"{f.DetectorId}:'{text.Substring(f.Start, f.Length)}'"));

    private static string Ratio(int a, int b) => b == 0 ? "-" : $"{100.0 * a / b:0.0}%";

    private static List<Label> Labels(JsonElement array) =>
        array.EnumerateArray().Select(e => new Label(e.GetProperty("id").GetString()!, e.GetProperty("value").GetString()!)).ToList();

    private static IReadOnlyList<Line> Load()
    {
        var lines = new List<Line>();
        var number = 0;
        foreach (var raw in RepoFiles.Read("tests/ApprovalOrchestrator.Core.Tests/Detection/Corpus/corpus.jsonl").Split('\n'))
        {
            number++;
            if (raw.Length == 0)
            {
                continue;
            }

            using var doc = JsonDocument.Parse(raw);
            var root = doc.RootElement;
            var observed = root.TryGetProperty("observed", out var o) ? Labels(o) : null;
            lines.Add(new Line(number, root.GetProperty("text").GetString()!, Labels(root.GetProperty("expect")), root.GetProperty("kind").GetString()!, observed));
        }

        return lines;
    }
}
