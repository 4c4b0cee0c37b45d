using Apollo.Configuration;
using Apollo.Search.Optimizers;
using Apollo.Search.Space;
using Apollo.Testing;

namespace Apollo.Search.Tests.Optimizers;

/// <summary>The contract on its 76,800-point space (under grid's limit), plus exhaustiveness, order and the size limit.</summary>
public sealed class GridSearchTests : OptimizerContract
{
    protected override IOptimizer Create(SearchSpace space, int seed) => new GridSearch(space);

    protected override bool SeedChangesSuggestions => false;

    protected override long? MaxSpacePoints => GridSearch.MaxPoints;

    private static SearchSpace Tiny { get; } = new([new SearchParameter("a", [1, 2, 3]), new SearchParameter("b", [10, 20]), new SearchParameter("c", [5, 6])]);

    [Fact]
    public void Visits_every_point_once_in_key_order_then_suggests_nothing()
    {
        var grid = new GridSearch(Tiny);
        var points = grid.Suggest(5).Concat(grid.Suggest(100)).Select(s => s.Point).ToList();
        Assert.Equal(Enumerable.Range(0, 12).Select(k => Tiny.Decode(k)), points);
        Assert.Empty(grid.Suggest(1));
        // The last parameter varies fastest.
        Assert.Equal([10.0, 6.0], Tiny.Values(points[1]).Skip(1).Select(v => v.Value));
    }

    [Fact]
    public void Observed_points_are_skipped_as_on_a_resume()
    {
        var grid = new GridSearch(Tiny);
        grid.Observe([new Observation(Tiny.Decode(0), 1, true, "stored"), new Observation(Tiny.Decode(2), 0, false, "stored")]);
        var keys = grid.Suggest(100).Select(s => Tiny.Encode(s.Point)).ToList();
        Assert.Equal(Enumerable.Range(0, 12).Select(k => (long)k).Except([0L, 2L]), keys);
    }

    [Fact]
    public void A_space_above_the_limit_is_refused_with_its_size()
    {
        var big = new SearchSpace(Enumerable.Range(0, 7).Select(i => new SearchParameter($"p{i}", Enumerable.Range(0, 8).Select(v => (double)v).ToList())).ToList());
        var e = Assert.Throws<ConfigException>(() => new GridSearch(big));
        Assert.Contains("2,097,152 points, more than grid's limit of 1,000,000", e.Message, StringComparison.Ordinal);
        Assert.Equal("grid", OptimizerRegistry.Default.Create("grid", SyntheticObjectives.Small, 1).Name);
    }
}
