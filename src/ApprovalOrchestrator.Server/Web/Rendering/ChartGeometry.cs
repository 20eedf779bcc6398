namespace ApprovalOrchestrator.Server.Web.Rendering;

/// <summary>A rectangle in SVG user units.</summary>
public readonly record struct Rect(double X, double Y, double Width, double Height);

/// <summary>
/// Pure geometry for the dashboard's bar charts: a "nice" axis maximum and where each bar goes. No SVG text here, so it
/// can be tested on numbers alone.
/// </summary>
public static class ChartGeometry
{
    /// <summary>The smallest of 1, 2, 5 × 10ⁿ at or above <paramref name="max"/> (at least 1), so axis ticks read well.</summary>
    public static double NiceMax(double max)
    {
        if (max <= 1)
        {
            return 1;
        }

        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(max)));
        foreach (var step in new[] { 1, 2, 5, 10 })
        {
            if (step * magnitude >= max)
            {
                return step * magnitude;
            }
        }

        return 10 * magnitude;
    }

    /// <summary>
    /// Vertical bars for <paramref name="values"/> side by side across a plot of <paramref name="width"/> ×
    /// <paramref name="height"/> whose top-left corner is (<paramref name="x0"/>, <paramref name="y0"/>), scaled to
    /// <paramref name="axisMax"/>; a gap of <paramref name="gapRatio"/> of each slot separates neighbours. Zero draws nothing tall.
    /// </summary>
    public static IReadOnlyList<Rect> Columns(IReadOnlyList<double> values, double x0, double y0, double width, double height, double axisMax, double gapRatio = 0.2)
    {
        if (values.Count == 0)
        {
            return [];
        }

        var slot = width / values.Count;
        var barWidth = slot * (1 - gapRatio);
        return values.Select((v, i) =>
        {
            var h = axisMax <= 0 ? 0 : Math.Clamp(v / axisMax, 0, 1) * height;
            return new Rect(x0 + (i * slot) + ((slot - barWidth) / 2), y0 + height - h, barWidth, h);
        }).ToList();
    }

    /// <summary>A bar of <paramref name="value"/> growing right from <paramref name="x0"/>, on a scale where <paramref name="axisMax"/> fills <paramref name="width"/>.</summary>
    public static double Length(double value, double width, double axisMax) =>
        axisMax <= 0 ? 0 : Math.Clamp(value / axisMax, 0, 1) * width;
}
