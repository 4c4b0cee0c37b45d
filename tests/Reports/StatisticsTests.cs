using Apollo.Reports;

namespace Apollo.Reports.Tests;

public sealed class StatisticsTests
{
    // Expected values are numpy.quantile's default ("linear", Hyndman and Fan type 7) on the same data.
    [Theory]
    [InlineData(0.0, 1.0)]
    [InlineData(0.25, 1.75)]
    [InlineData(0.5, 2.5)]
    [InlineData(0.75, 3.25)]
    [InlineData(1.0, 4.0)]
    public void Quantiles_interpolate_linearly_like_numpy(double q, double expected) =>
        Assert.Equal(expected, Statistics.Quantile([1.0, 2.0, 3.0, 4.0], q), 12);

    [Fact]
    public void Median_of_an_odd_count_is_the_middle_value_one_value_is_itself_and_empty_is_nan()
    {
        Assert.Equal(5.0, Statistics.Median([1.0, 5.0, 9.0]));
        Assert.Equal(2.0, Statistics.Quantile([2.0], 0.9));
        Assert.True(double.IsNaN(Statistics.Median([])));
    }
}
