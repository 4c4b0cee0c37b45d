using Apollo.Search.Optimizers;
using Apollo.Search.Space;

namespace Apollo.Testing;

/// <summary>
/// Small synthetic problems for optimizer tests and benchmarks. They mimic the accelerator
/// objective's shape without knowing anything about accelerators: a smooth reward with one
/// peak on the grid, an "area" budget (a weighted sum of normalized parameters) and a
/// "capacity" constraint (two parameters must jointly be large enough) that make a large part of
/// the space infeasible (reward 0). The optimum sits close to the area boundary, as in Apollo.
/// </summary>
public static class SyntheticObjectives
{
    private static readonly double[] AreaWeights = [1.0, 1.0, 0.6, 0.8, 0.4, 0.5, 0.3, 0.3, 0.2, 0.2];
    // Grid-exact on Small (5/7 of 8 values, ...) so that the peak itself is a grid point.
    private static readonly double[] Target = [5.0 / 7, 3.0 / 7, 0.6, 4.0 / 9, 0.5, 1.0 / 3, 0.5, 1.0 / 3, 0.5, 0.6];

    /// <summary>6 parameters with 8, 8, 6, 10, 5, 4 values (76,800 points).</summary>
    public static SearchSpace Small { get; } = Grid([8, 8, 6, 10, 5, 4]);

    /// <summary>10 parameters with the value counts of the default accelerator space (452,760,000 points).</summary>
    public static SearchSpace TenDim { get; } = Grid([10, 10, 7, 10, 7, 11, 7, 4, 5, 6]);

    /// <summary>The best reward on <see cref="Small"/> (at <see cref="Optimum"/>).</summary>
    public static double SmallOptimum => Reward(Small.Normalize(Optimum(Small))) ?? 0;

    /// <summary>The grid point nearest the peak (feasible by construction; asserted in tests).</summary>
    public static DesignPoint Optimum(SearchSpace space) =>
        new(Enumerable.Range(0, space.Dimensions)
            .Select(d => (int)Math.Round(Target[d] * (space.Cardinality(d) - 1)))
            .ToArray());

    /// <summary>Evaluates a point; infeasible points get reward 0.</summary>
    public static Observation Evaluate(SearchSpace space, DesignPoint point, string proposer = "test")
    {
        var r = Reward(space.Normalize(point));
        return new Observation(point, r ?? 0, r is not null, proposer);
    }

    /// <summary>
    /// Evaluates a point for a two-objective study: the reward as <see cref="Evaluate"/> gives it, and
    /// for feasible points the objectives (reward, −area) — both maximized, so the trade-off is
    /// reward against the "area" the constraint bounds, as in a throughput-versus-area study.
    /// </summary>
    public static Observation EvaluateTwoObjectives(SearchSpace space, DesignPoint point, string proposer = "test")
    {
        var x = space.Normalize(point);
        var r = Reward(x);
        return new Observation(point, r ?? 0, r is not null, proposer, r is { } v ? [v, -Area(x)] : null);
    }

    /// <summary>Reward at normalized coordinates, or null when infeasible.</summary>
    public static double? Reward(double[] x)
    {
        var area = Area(x);
        var budget = 0.0;
        for (var d = 0; d < x.Length; d++)
        {
            budget += AreaWeights[d] * Target[d];
        }

        if (area > budget + 0.05)
        {
            return null; // over the "area budget"
        }

        if (x[2] + x[3] < 0.5)
        {
            return null; // "capacity": not enough memory between the two parameters
        }

        var dist = 0.0;
        for (var d = 0; d < x.Length; d++)
        {
            var t = (x[d] - Target[d]) / (d < 2 ? 0.35 : 0.6);
            dist += t * t;
        }

        return 0.1 + 2.0 * Math.Exp(-dist);
    }

    /// <summary>
    /// Runs an ask/tell loop for <paramref name="trials"/> evaluations in batches of
    /// <paramref name="batch"/> and returns the best reward found (0 if nothing feasible).
    /// </summary>
    public static double Run(IOptimizer optimizer, SearchSpace space, int trials, int batch)
    {
        var best = 0.0;
        var done = 0;
        while (done < trials)
        {
            var suggestions = optimizer.Suggest(Math.Min(batch, trials - done));
            if (suggestions.Count == 0)
            {
                break;
            }

            var results = suggestions.Select(s => Evaluate(space, s.Point, s.Proposer)).ToList();
            optimizer.Observe(results);
            best = Math.Max(best, results.Max(r => r.Reward));
            done += suggestions.Count;
        }

        return best;
    }

    private static double Area(double[] x)
    {
        var area = 0.0;
        for (var d = 0; d < x.Length; d++)
        {
            area += AreaWeights[d] * x[d];
        }

        return area;
    }

    private static SearchSpace Grid(int[] counts) =>
        new(counts.Select((n, d) => new SearchParameter($"p{d}", Enumerable.Range(0, n).Select(i => (double)(1 << Math.Min(i, 20))).ToList())).ToList());
}
