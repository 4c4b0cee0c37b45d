using Apollo.Search.MultiObjective;
using FsCheck.Xunit;

namespace Apollo.Search.Tests.MultiObjective;

public sealed class HypervolumeTests
{
    [Fact]
    public void Worked_examples_in_two_and_three_dimensions()
    {
        // Two boxes [0,3]×[0,1] and [0,1]×[0,2] overlap in [0,1]×[0,1]: 3 + 2 − 1 = 4.
        Assert.Equal(4.0, Hypervolume.Of([[3.0, 1.0], [1.0, 2.0]], [0.0, 0.0]));
        // The same shifted by a reference at (−1, −1): boxes 4×2 and 2×3 overlapping in 2×2: 8 + 6 − 4.
        Assert.Equal(10.0, Hypervolume.Of([[3.0, 1.0], [1.0, 2.0]], [-1.0, -1.0]));
        // Unit cube plus a 2×1×1 slab overlapping it in the unit cube: 1 + 2 − 1.
        Assert.Equal(2.0, Hypervolume.Of([[1.0, 1.0, 1.0], [2.0, 1.0, 1.0]], [0.0, 0.0, 0.0]));
        // A point on or below the reference in any objective adds nothing.
        Assert.Equal(0.0, Hypervolume.Of([[0.0, 5.0], [-1.0, 2.0]], [0.0, 0.0]));
        Assert.Equal(0.0, Hypervolume.Of(Array.Empty<double[]>(), [0.0, 0.0, 0.0]));
    }

    [Property(MaxTest = 300)]
    public bool Two_dimensional_volume_equals_the_counted_grid_cells(int seed) => MatchesGrid(seed, 2);

    [Property(MaxTest = 300)]
    public bool Three_dimensional_volume_equals_the_counted_grid_cells(int seed) => MatchesGrid(seed, 3);

    [Property(MaxTest = 100)]
    public bool Four_dimensional_volume_equals_the_counted_grid_cells(int seed) => MatchesGrid(seed, 4);

    [Property(MaxTest = 100)]
    public bool Order_repeats_and_dominated_points_change_nothing(int seed)
    {
        var rng = new Random(seed);
        var d = 2 + rng.Next(2);
        var points = RandomPoints(rng, d, 1 + rng.Next(12), 8);
        var reference = new double[d];
        var hv = Hypervolume.Of(points, reference);
        var shuffled = points.OrderBy(_ => rng.Next()).ToList();
        shuffled.Add(points[0]);
        shuffled.Add(points[0].Select(v => v - 1.0).ToArray());
        return hv == Hypervolume.Of(shuffled, reference);
    }

    [Fact]
    public void Three_dimensional_sweep_matches_slicing_on_a_few_thousand_points()
    {
        // Random points on the sphere's positive octant are mutually non-dominated, the sweep's worst case.
        var rng = new Random(5);
        var points = Enumerable.Range(0, 3000).Select(_ =>
        {
            var v = new[] { rng.NextDouble(), rng.NextDouble(), rng.NextDouble() };
            var norm = Math.Sqrt(v.Sum(x => x * x));
            return v.Select(x => x / norm).ToArray();
        }).ToList();
        var sweep = Hypervolume.Of(points, [0.0, 0.0, 0.0]);
        // Slicing along z with exact 2-D areas is an independent computation of the same volume.
        var byZ = points.OrderByDescending(p => p[2]).ToList();
        var sliced = 0.0;
        for (var i = 0; i < byZ.Count; i++)
        {
            var below = i + 1 < byZ.Count ? byZ[i + 1][2] : 0.0;
            sliced += Hypervolume.Of(byZ.Take(i + 1).Select(p => new[] { p[0], p[1] }).ToList(), [0.0, 0.0]) * (byZ[i][2] - below);
        }

        Assert.Equal(sliced, sweep, 1e-9);
        // The octant of the unit sphere has volume π/6 and 3,000 points cover most of it.
        Assert.InRange(sweep, 0.45, Math.PI / 6);
    }

    [Fact]
    public void Mismatched_or_non_finite_input_is_refused()
    {
        Assert.Throws<ArgumentException>(() => Hypervolume.Of([[1.0, 2.0, 3.0]], [0.0, 0.0]));
        Assert.Throws<ArgumentException>(() => Hypervolume.Of([[1.0, double.NaN]], [0.0, 0.0]));
        Assert.Throws<ArgumentException>(() => Hypervolume.Of([[1.0, 1.0]], [0.0, double.NegativeInfinity]));
    }

    /// <summary>
    /// Integer points in [−2, 6]^d and an integer reference in [−2, 1]^d: the volume is the number of
    /// unit cells [c, c + 1] above the reference that some point dominates, counted one by one.
    /// </summary>
    private static bool MatchesGrid(int seed, int d)
    {
        var rng = new Random(seed);
        var points = RandomPoints(rng, d, rng.Next(1, d == 4 ? 8 : 15), 8).Select(p => p.Select(v => v - 2).ToArray()).ToList();
        var reference = Enumerable.Range(0, d).Select(_ => (double)rng.Next(-2, 2)).ToArray();
        var cells = 0;
        var c = reference.ToArray();
        while (true)
        {
            if (points.Any(p => p.Zip(c, (v, lo) => v >= lo + 1).All(x => x)))
            {
                cells++;
            }

            // Odometer over the cells' lower corners from the reference up to 5.
            var m = 0;
            while (m < d && ++c[m] > 5)
            {
                c[m] = reference[m];
                m++;
            }

            if (m == d)
            {
                break;
            }
        }

        return Hypervolume.Of(points, reference) == cells;
    }

    private static List<double[]> RandomPoints(Random rng, int d, int n, int range) =>
        Enumerable.Range(0, n).Select(_ => Enumerable.Range(0, d).Select(_ => (double)rng.Next(range + 1)).ToArray()).ToList();

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Equals_a_brute_force_count_of_grid_cells_on_random_small_sets(int dimensions)
    {
        // Brute force: the sorted distinct coordinates (and the reference) cut space into boxes; a box is dominated iff
        // some point is at least its upper corner in every objective. Summing the dominated boxes is exact.
        var rng = new Random(17);
        for (var round = 0; round < 200; round++)
        {
            var n = rng.Next(1, 8);
            var reference = Enumerable.Range(0, dimensions).Select(_ => rng.NextDouble() - 0.5).ToArray();
            var points = Enumerable.Range(0, n)
                .Select(_ => (IReadOnlyList<double>)Enumerable.Range(0, dimensions).Select(_ => Math.Round(rng.NextDouble() * 4, 1) - 1).ToArray())
                .ToList();
            var cuts = Enumerable.Range(0, dimensions)
                .Select(d => points.Select(p => p[d]).Append(reference[d]).Where(v => v >= reference[d]).Distinct().Order().ToArray())
                .ToArray();
            double brute = 0;
            foreach (var cell in Cells(cuts.Select(c => c.Length - 1).ToArray()))
            {
                var upper = cell.Select((i, d) => cuts[d][i + 1]).ToArray();
                if (points.Any(p => upper.Select((u, d) => p[d] >= u).All(x => x)))
                {
                    brute += cell.Select((i, d) => cuts[d][i + 1] - cuts[d][i]).Aggregate(1.0, (a, b) => a * b);
                }
            }

            Assert.Equal(brute, Hypervolume.Of(points, reference), 9);
        }
    }

    /// <summary>Every index tuple of a grid with <paramref name="sizes"/> cells per dimension.</summary>
    private static IEnumerable<int[]> Cells(int[] sizes)
    {
        if (sizes.Any(s => s <= 0))
        {
            yield break;
        }

        var index = new int[sizes.Length];
        while (true)
        {
            yield return (int[])index.Clone();
            var d = 0;
            while (d < sizes.Length && ++index[d] == sizes[d])
            {
                index[d++] = 0;
            }

            if (d == sizes.Length)
            {
                yield break;
            }
        }
    }
}
