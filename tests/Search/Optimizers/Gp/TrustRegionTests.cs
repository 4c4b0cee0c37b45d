using Apollo.Search.Optimizers.Gp;

namespace Apollo.Search.Tests.Optimizers.Gp;

public sealed class TrustRegionTests
{
    [Theory]
    [InlineData(10, 1, 10)] // ⌈max(4, 10)⌉
    [InlineData(10, 16, 1)] // ⌈max(0.25, 0.625)⌉
    [InlineData(2, 1, 4)]
    [InlineData(10, 4, 3)] // ⌈2.5⌉
    public void Failure_tolerance_is_turbos(int dimensions, int batch, int expected) =>
        Assert.Equal(expected, new TrustRegion(dimensions).FailureTolerance(batch));

    [Fact]
    public void Expands_after_three_successes_and_halves_after_tau_fail_failures()
    {
        var region = new TrustRegion(4); // τ_fail = 4 for single points
        Assert.Equal(0.8, region.Length);
        region.Record(true, 1);
        region.Record(true, 1);
        Assert.Equal(0.8, region.Length);
        region.Record(true, 1);
        Assert.Equal(1.6, region.Length);
        for (var i = 0; i < 3; i++)
        {
            region.Record(true, 1);
        }

        Assert.Equal(1.6, region.Length); // capped at L_max
        for (var i = 0; i < 3; i++)
        {
            region.Record(false, 1);
        }

        Assert.Equal(1.6, region.Length);
        region.Record(true, 1); // a success resets the failure count
        for (var i = 0; i < 3; i++)
        {
            region.Record(false, 1);
        }

        Assert.Equal(1.6, region.Length);
        region.Record(false, 1);
        Assert.Equal(0.8, region.Length);
    }

    [Fact]
    public void Collapses_below_the_minimum_and_restarts_fresh()
    {
        // With batches of 16 in 10-D τ_fail = 1: 0.8 → 0.4 → … → 0.00625 < 2⁻⁷ after 7 failures.
        var region = new TrustRegion(10);
        var collapsed = Enumerable.Range(0, 7).Select(_ => region.Record(false, 16)).ToList();
        Assert.Equal([false, false, false, false, false, false, true], collapsed);
        region.Restart();
        Assert.Equal((0.8, 0, 0, 1), (region.Length, region.Successes, region.Failures, region.Restarts));
    }

    [Fact]
    public void Improvement_needs_a_relative_margin()
    {
        Assert.False(TrustRegion.Improves(2.0019, 2.0));
        Assert.True(TrustRegion.Improves(2.0021, 2.0));
        Assert.True(TrustRegion.Improves(0.5, double.NegativeInfinity));
    }

    [Fact]
    public void Box_sides_follow_the_lengthscales_and_are_clipped_to_the_grid()
    {
        var region = new TrustRegion(2);
        // Lengthscales 0.1 and 0.4: geometric mean 0.2, weights ½ and 2; L = 0.8 → half-sides 0.2 and 0.8 of the range.
        var box = region.Box([50, 3], [101, 11], [Math.Log(0.1), Math.Log(0.4)]);
        Assert.Equal((30, 70), box[0]);
        Assert.Equal((0, 10), box[1]); // 3 ± 8 clipped
        for (var i = 0; i < 10; i++)
        {
            Assert.False(region.Record(false, 2));
        }

        // τ_fail = 2: five halvings to L = 0.025, half-sides 1.25 · 0.5 and 0.25 · 2 of a step: the centre alone.
        Assert.Equal([(50, 50), (3, 3)], region.Box([50, 3], [101, 11], [Math.Log(0.1), Math.Log(0.4)]));
    }
}
