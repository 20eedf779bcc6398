using ApprovalOrchestrator.Runtime.Operations;
using ApprovalOrchestrator.Server.Web.Rendering;

namespace ApprovalOrchestrator.Integration.Tests.Operations;

/// <summary>The dashboard's pure arithmetic: nearest-rank percentiles, age bands, hourly buckets and bar geometry.</summary>
public sealed class ChartMathTests
{
    private static TimeSpan[] Seconds(params int[] s) => s.Select(x => TimeSpan.FromSeconds(x)).ToArray();

    [Fact]
    public void Percentiles_use_the_nearest_rank_so_every_value_shown_was_observed()
    {
        var values = Seconds(50, 10, 40, 20, 30, 60, 70, 80, 90, 100);
        Assert.Equal(TimeSpan.FromSeconds(50), Percentiles.Of(values, 50));
        Assert.Equal(TimeSpan.FromSeconds(90), Percentiles.Of(values, 90));
        Assert.Equal(TimeSpan.FromSeconds(100), Percentiles.Of(values, 100));
        Assert.Equal(TimeSpan.FromSeconds(10), Percentiles.Of(values, 1));
    }

    [Fact]
    public void Percentiles_of_few_values_are_the_values_themselves()
    {
        Assert.Null(Percentiles.Of([], 50));
        Assert.Equal(TimeSpan.FromSeconds(7), Percentiles.Of(Seconds(7), 50));
        Assert.Equal(TimeSpan.FromSeconds(7), Percentiles.Of(Seconds(7), 90));
        // Three decisions: the median is the middle one, the p90 the slowest (not an interpolated blend).
        Assert.Equal(TimeSpan.FromSeconds(20), Percentiles.Of(Seconds(30, 10, 20), 50));
        Assert.Equal(TimeSpan.FromSeconds(30), Percentiles.Of(Seconds(30, 10, 20), 90));
        Assert.Equal(TimeSpan.FromSeconds(10), Percentiles.Of(Seconds(10, 20), 50));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(101)]
    public void A_percentile_outside_0_to_100_is_refused(double p) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Percentiles.Of(Seconds(1), p));

    [Theory]
    [InlineData(-30, 0)] // a clock slightly behind: counts as new
    [InlineData(0, 0)]
    [InlineData(14 * 60 + 59, 0)]
    [InlineData(15 * 60, 1)]
    [InlineData(3599, 1)]
    [InlineData(3600, 2)]
    [InlineData(4 * 3600, 3)]
    [InlineData(24 * 3600 - 1, 3)]
    [InlineData(24 * 3600, 4)]
    [InlineData(30 * 24 * 3600, 4)]
    public void Waiting_times_fall_into_their_age_band(int seconds, int band) =>
        Assert.Equal(band, TimeBuckets.AgeBand(TimeSpan.FromSeconds(seconds)));

    [Fact]
    public void The_last_24_hours_are_whole_hours_ending_with_the_current_one()
    {
        var now = new DateTimeOffset(2026, 12, 2, 12, 34, 56, TimeSpan.Zero);
        var hours = TimeBuckets.HourStarts(now, 24);
        Assert.Equal(24, hours.Count);
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 13, 0, 0, TimeSpan.Zero), hours[0]);
        Assert.Equal(new DateTimeOffset(2026, 12, 2, 12, 0, 0, TimeSpan.Zero), hours[^1]);
    }

    [Fact]
    public void Instants_are_counted_in_their_hour_and_those_outside_the_window_are_dropped()
    {
        var now = new DateTimeOffset(2026, 12, 2, 12, 34, 0, TimeSpan.Zero);
        var hours = TimeBuckets.HourStarts(now, 24);
        var counts = TimeBuckets.CountPerHour(hours,
        [
            now, now.AddMinutes(-34), // both in the current hour (12:00 exactly belongs to it)
            now.AddMinutes(-35), // 11:59 → the hour before
            hours[0], // first instant of the window
            hours[0].AddTicks(-1), // just before the window
            now.AddHours(2), // in the future
        ]);
        Assert.Equal(2, counts[^1]);
        Assert.Equal(1, counts[^2]);
        Assert.Equal(1, counts[0]);
        Assert.Equal(4, counts.Sum());
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 1)]
    [InlineData(3, 5)]
    [InlineData(7, 10)]
    [InlineData(10, 10)]
    [InlineData(11, 20)]
    [InlineData(42, 50)]
    [InlineData(120, 200)]
    public void The_axis_maximum_is_a_round_number_at_or_above_the_largest_value(double max, double nice) =>
        Assert.Equal(nice, ChartGeometry.NiceMax(max));

    [Fact]
    public void Columns_share_the_width_and_grow_up_from_the_baseline_in_proportion()
    {
        var bars = ChartGeometry.Columns([0, 5, 10], x0: 40, y0: 10, width: 300, height: 100, axisMax: 10, gapRatio: 0.2);
        Assert.Equal(3, bars.Count);
        Assert.All(bars, b => Assert.Equal(80, b.Width, 6));
        Assert.Equal(50, bars[0].X, 6); // slot 100 wide, bar 80, centred
        Assert.Equal(150, bars[1].X, 6);
        Assert.Equal((0, 110d), (bars[0].Height, bars[0].Y));
        Assert.Equal((50, 60d), (bars[1].Height, bars[1].Y));
        Assert.Equal((100, 10d), (bars[2].Height, bars[2].Y));
        Assert.All(bars, b => Assert.Equal(110, b.Y + b.Height, 6)); // one baseline
    }

    [Fact]
    public void Bars_never_leave_the_plot()
    {
        Assert.Equal(100, ChartGeometry.Length(15, 100, 10));
        Assert.Equal(0, ChartGeometry.Length(-3, 100, 10));
        Assert.Equal(0, ChartGeometry.Length(5, 100, 0));
        Assert.Empty(ChartGeometry.Columns([], 0, 0, 100, 100, 1));
    }

    [Theory]
    [InlineData(0, "0s")]
    [InlineData(-5, "0s")]
    [InlineData(45, "45s")]
    [InlineData(125, "2m 05s")]
    [InlineData(3 * 3600 + 59 * 60, "3h 59m")]
    [InlineData(26 * 3600, "1d 2h")]
    public void Durations_read_like_a_person_would_say_them(int seconds, string text) =>
        Assert.Equal(text, Durations.Format(TimeSpan.FromSeconds(seconds)));
}
