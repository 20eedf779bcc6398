using System.Globalization;
using System.Net;
using System.Text;
using ApprovalOrchestrator.Runtime.Operations;
using Microsoft.AspNetCore.Html;

namespace ApprovalOrchestrator.Server.Web.Rendering;

/// <summary>
/// The operations dashboard as server-rendered SVG (presentation attributes only, so the console's no-inline-style CSP
/// holds). Every bar carries its number as text and in <c>data-*</c> attributes, and colours only repeat what the labels say.
/// </summary>
public static class OperationsCharts
{
    private const string Font = "font-family=\"system-ui, sans-serif\" font-size=\"12\"";
    private const string Axis = "#59636e";

    public static IHtmlContent Render(OperationsSnapshot s)
    {
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"<p class=\"muted\" data-testid=\"ops-at\">As of {E(TimeLeft.Display(s.At))} · <span data-testid=\"ops-halt\" data-halted=\"{(s.Halt.Halted ? "true" : "false")}\">{E(s.Halt.Text)}</span></p>");
        Section(html, "ops-pending", $"Pending approvals by risk and age ({s.PendingTotal} open)", Pending(s));
        Section(html, "ops-latency-group", "Approval latency per group, last 24 h (median and p90)", Latency(s.LatencyByGroup, "group"));
        Section(html, "ops-latency-tier", "Time to decision per tier, last 24 h (median and p90)", Latency(s.LatencyByTier, "tier"));
        Section(html, "ops-hourly", "Last 24 h per hour", Hourly(s));
        Section(html, "ops-oldest", "Oldest waiting tasks", Oldest(s));
        return new HtmlString(html.ToString());
    }

    private static void Section(StringBuilder html, string id, string heading, string body) =>
        html.Append(CultureInfo.InvariantCulture, $"<section class=\"ops-chart\" data-testid=\"{id}\"><h2>{E(heading)}</h2>{body}</section>");

    private static string Pending(OperationsSnapshot s)
    {
        const int left = 40, top = 10, plotW = 520, plotH = 160, width = 700, height = 220;
        var bands = TimeBuckets.AgeBands;
        var totals = Enumerable.Range(0, bands.Count).Select(b => s.Pending.Sum(p => p.PerAgeBand[b])).ToList();
        var max = ChartGeometry.NiceMax(totals.Count == 0 ? 0 : totals.Max());
        var svg = Open(width, height, "Open approval tasks per age band, stacked by risk");
        AxisY(svg, left, top, plotW, plotH, max);
        var columns = ChartGeometry.Columns(totals.Select(t => (double)t).ToList(), left, top, plotW, plotH, max, 0.3);
        for (var b = 0; b < bands.Count; b++)
        {
            var col = columns[b];
            double y = top + plotH;
            foreach (var risk in s.Pending)
            {
                var n = risk.PerAgeBand[b];
                if (n == 0)
                {
                    continue;
                }

                var h = ChartGeometry.Length(n, plotH, max);
                y -= h;
                svg.Append(CultureInfo.InvariantCulture, $"<rect class=\"bar\" data-risk=\"{E(risk.Risk)}\" data-band=\"{E(bands[b].Label)}\" data-count=\"{n}\" x=\"{N(col.X)}\" y=\"{N(y)}\" width=\"{N(col.Width)}\" height=\"{N(h)}\" fill=\"{RiskFill(risk.Risk)}\" stroke=\"{RiskStroke(risk.Risk)}\"><title>{E(risk.Risk)}, {E(bands[b].Label)}: {n}</title></rect>");
            }

            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{N(col.X + (col.Width / 2))}\" y=\"{top + plotH + 16}\" text-anchor=\"middle\">{E(bands[b].Label)}</text>");
            if (totals[b] > 0)
            {
                svg.Append(CultureInfo.InvariantCulture, $"<text class=\"total\" x=\"{N(col.X + (col.Width / 2))}\" y=\"{N(col.Y - 4)}\" text-anchor=\"middle\">{totals[b]}</text>");
            }
        }

        var ly = top + 10;
        foreach (var risk in s.Pending)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{left + plotW + 20}\" y=\"{ly - 9}\" width=\"10\" height=\"10\" fill=\"{RiskFill(risk.Risk)}\" stroke=\"{RiskStroke(risk.Risk)}\"/><text class=\"legend\" x=\"{left + plotW + 36}\" y=\"{ly}\">{E(risk.Risk)} ({risk.PerAgeBand.Sum()})</text>");
            ly += 18;
        }

        if (s.Pending.Count == 0)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left + (plotW / 2)}\" y=\"{top + (plotH / 2)}\" text-anchor=\"middle\" fill=\"{Axis}\">No approvals waiting</text>");
        }

        return svg.Append("</svg>").ToString();
    }

    private static string Latency(IReadOnlyList<LatencySummary> rows, string what)
    {
        if (rows.Count == 0)
        {
            return $"<p class=\"muted\">No decisions in the last 24 h.</p>";
        }

        const int label = 130, plotW = 420, rowH = 34, top = 8, width = 760;
        var height = top + (rows.Count * rowH) + 8;
        var max = rows.Max(r => r.P90.TotalSeconds);
        var svg = Open(width, height, $"Median and p90 time to decision per {what}");
        for (var i = 0; i < rows.Count; i++)
        {
            var r = rows[i];
            var y = top + (i * rowH);
            var p90 = ChartGeometry.Length(r.P90.TotalSeconds, plotW, max);
            var median = ChartGeometry.Length(r.Median.TotalSeconds, plotW, max);
            svg.Append(CultureInfo.InvariantCulture, $"<g class=\"latency\" data-key=\"{E(r.Key)}\" data-decisions=\"{r.Decisions}\" data-median-seconds=\"{N(r.Median.TotalSeconds)}\" data-p90-seconds=\"{N(r.P90.TotalSeconds)}\">");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{label - 8}\" y=\"{y + 17}\" text-anchor=\"end\">{E(r.Key)}</text>");
            svg.Append(CultureInfo.InvariantCulture, $"<rect class=\"p90\" x=\"{label}\" y=\"{y + 4}\" width=\"{N(Math.Max(p90, 1))}\" height=\"18\" fill=\"#ddf4ff\" stroke=\"#0969da\"><title>p90 {Durations.Format(r.P90)}</title></rect>");
            svg.Append(CultureInfo.InvariantCulture, $"<rect class=\"median\" x=\"{label}\" y=\"{y + 8}\" width=\"{N(Math.Max(median, 1))}\" height=\"10\" fill=\"#0969da\"><title>median {Durations.Format(r.Median)}</title></rect>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{N(label + plotW + 10)}\" y=\"{y + 17}\">median {Durations.Format(r.Median)} · p90 {Durations.Format(r.P90)} · {r.Decisions} decision{(r.Decisions == 1 ? "" : "s")}</text>");
            svg.Append("</g>");
        }

        return svg.Append("</svg>").ToString();
    }

    private static string Hourly(OperationsSnapshot s)
    {
        var html = new StringBuilder();
        foreach (var series in new[] { s.Completions, s.Escalations, s.Expiries })
        {
            const int left = 40, top = 8, plotW = 600, plotH = 60, width = 700, height = 100;
            var max = ChartGeometry.NiceMax(series.Counts.Count == 0 ? 0 : series.Counts.Max());
            var svg = Open(width, height, $"{series.Name} per hour over the last 24 h: {series.Total}");
            AxisY(svg, left, top, plotW, plotH, max);
            var columns = ChartGeometry.Columns(series.Counts.Select(c => (double)c).ToList(), left, top, plotW, plotH, max);
            for (var i = 0; i < columns.Count; i++)
            {
                var hour = s.Hours[i].UtcDateTime.ToString("HH':00'", CultureInfo.InvariantCulture);
                if (series.Counts[i] > 0)
                {
                    var c = columns[i];
                    svg.Append(CultureInfo.InvariantCulture, $"<rect class=\"bar\" data-hour=\"{hour}\" data-count=\"{series.Counts[i]}\" x=\"{N(c.X)}\" y=\"{N(c.Y)}\" width=\"{N(c.Width)}\" height=\"{N(c.Height)}\" fill=\"{SeriesFill(series.Name)}\"><title>{hour} UTC: {series.Counts[i]} {E(series.Name)}</title></rect>");
                }

                if (i % 6 == 0 || i == columns.Count - 1)
                {
                    svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{N(columns[i].X + (columns[i].Width / 2))}\" y=\"{top + plotH + 14}\" text-anchor=\"middle\" fill=\"{Axis}\">{hour}</text>");
                }
            }

            svg.Append("</svg>");
            html.Append(CultureInfo.InvariantCulture, $"<figure class=\"ops-series\" data-series=\"{E(series.Name)}\" data-total=\"{series.Total}\"><figcaption>{E(Capitalise(series.Name))}: <strong>{series.Total}</strong></figcaption>{svg}</figure>");
        }

        return html.ToString();
    }

    private static string Oldest(OperationsSnapshot s)
    {
        if (s.Oldest.Count == 0)
        {
            return "<p class=\"muted\">Nothing is waiting.</p>";
        }

        var html = new StringBuilder("<table><thead><tr><th scope=\"col\">Waiting</th><th scope=\"col\">Risk</th><th scope=\"col\">Group</th><th scope=\"col\">Tier</th><th scope=\"col\">Due</th><th scope=\"col\">Request</th></tr></thead><tbody>");
        foreach (var t in s.Oldest)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr data-task=\"{t.TaskId}\"><td>{Durations.Format(s.At - t.OpenedAt)}</td><td>{E(t.Risk ?? "unclassified")}</td><td>{E(t.Group)}</td><td>{t.Tier + 1}</td><td>{E(TimeLeft.Display(t.DueAt))}</td><td><a href=\"/requests/{t.RequestId}\"><code>{t.RequestId}</code></a></td></tr>");
        }

        return html.Append("</tbody></table>").ToString();
    }

    private static StringBuilder Open(int width, int height, string title)
    {
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\" {Font}><title>{E(title)}</title>");
        return svg;
    }

    private static void AxisY(StringBuilder svg, int left, int top, int plotW, int plotH, double max)
    {
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{left}\" y1=\"{top + plotH}\" x2=\"{left + plotW}\" y2=\"{top + plotH}\" stroke=\"{Axis}\"/>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left - 6}\" y=\"{top + 4}\" text-anchor=\"end\" fill=\"{Axis}\">{N(max)}</text><text x=\"{left - 6}\" y=\"{top + plotH}\" text-anchor=\"end\" fill=\"{Axis}\">0</text>");
    }

    private static string RiskFill(string risk) => risk switch { "red" => "#ffe1de", "amber" => "#fff1c2", "green" => "#dafbe1", _ => "#eaeef2" };

    private static string RiskStroke(string risk) => risk switch { "red" => "#b3261e", "amber" => "#8a5a00", "green" => "#1a7f37", _ => Axis };

    private static string SeriesFill(string name) => name switch { "escalations" => "#8a5a00", "expiries" => "#b3261e", _ => "#1a7f37" };

    private static string Capitalise(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];

    private static string N(double v) => Math.Round(v, 1).ToString(CultureInfo.InvariantCulture);

    private static string E(string s) => WebUtility.HtmlEncode(s);
}
