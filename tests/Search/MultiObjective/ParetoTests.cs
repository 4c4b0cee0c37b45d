using Apollo.Search.MultiObjective;
using FsCheck.Xunit;

namespace Apollo.Search.Tests.MultiObjective;

public sealed class ParetoTests
{
    [Fact]
    public void Dominance_is_strict_somewhere_and_weak_everywhere()
    {
        Assert.True(Pareto.Dominates([2.0, 1.0], [1.0, 1.0]));
        Assert.False(Pareto.Dominates([1.0, 1.0], [1.0, 1.0]));
        Assert.False(Pareto.Dominates([2.0, 0.0], [1.0, 1.0]));
        Assert.Throws<ArgumentException>(() => Pareto.Dominates([1.0], [1.0, 2.0]));
    }

    [Fact]
    public void Worked_example_of_fronts_and_crowding()
    {
        // (4,1), (3,3), (1,4) are mutually non-dominated; (2,2) is dominated by (3,3) only;
        // (1,1) by everything else.
        double[][] p = [[4, 1], [2, 2], [3, 3], [1, 1], [1, 4]];
        var fronts = Pareto.NonDominatedSort(p);
        Assert.Equal([[0, 2, 4], [1], [3]], fronts.Select(f => f.ToArray()).ToArray());
        // On front 0, (3,3) sits between (4,1) and (1,4): (4 − 1)/3 + (4 − 1)/3 = 2; the extremes are +∞.
        var crowding = Pareto.CrowdingDistance(p, fronts[0]);
        Assert.Equal([double.PositiveInfinity, 2.0, double.PositiveInfinity], crowding);
        Assert.Equal([0, 2, 4], Pareto.NonDominated(p));
    }

    [Property(MaxTest = 200)]
    public bool Fronts_partition_the_points_and_each_is_dominated_only_by_earlier_ones(int seed)
    {
        var rng = new Random(seed);
        var d = 1 + rng.Next(4);
        var points = Enumerable.Range(0, rng.Next(0, 40))
            .Select(_ => Enumerable.Range(0, d).Select(_ => (double)rng.Next(6)).ToArray()).ToList();
        var fronts = Pareto.NonDominatedSort(points);
        var all = fronts.SelectMany(f => f).Order().ToList();
        if (!all.SequenceEqual(Enumerable.Range(0, points.Count)))
        {
            return false;
        }

        // Peeling by brute force: front k is what nothing outside fronts < k dominates.
        var left = Enumerable.Range(0, points.Count).ToList();
        foreach (var front in fronts)
        {
            var expected = left.Where(i => !left.Any(j => Pareto.Dominates(points[j], points[i]))).ToList();
            if (!expected.SequenceEqual(front))
            {
                return false;
            }

            left = left.Except(front).ToList();
        }

        return left.Count == 0 && Pareto.NonDominated(points).SequenceEqual(fronts.Count > 0 ? fronts[0] : []);
    }

    [Property(MaxTest = 200)]
    public bool Crowding_is_infinite_at_the_extremes_and_finite_inside(int seed)
    {
        var rng = new Random(seed);
        // Distinct points on a line of slope −1 are mutually non-dominated.
        var xs = Enumerable.Range(0, 3 + rng.Next(20)).Select(_ => rng.NextDouble()).Distinct().Order().ToList();
        var points = xs.Select(x => new[] { x, 1 - x }).ToList();
        var front = Enumerable.Range(0, points.Count).Reverse().ToList();
        var cd = Pareto.CrowdingDistance(points, front);
        var inner = cd.Skip(1).SkipLast(1).ToList();
        // Inside, each objective contributes the neighbour gap over the range: twice the x gap over the x range.
        var range = xs[^1] - xs[0];
        var expected = Enumerable.Range(1, xs.Count - 2).Reverse().Select(i => 2 * (xs[i + 1] - xs[i - 1]) / range);
        return double.IsPositiveInfinity(cd[0]) && double.IsPositiveInfinity(cd[^1])
            && inner.Zip(expected, (a, b) => Math.Abs(a - b) < 1e-12).All(x => x);
    }
}
