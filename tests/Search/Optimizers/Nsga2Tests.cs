using Apollo.Configuration;
using Apollo.Search.MultiObjective;
using Apollo.Search.Optimizers;
using Apollo.Search.Space;
using Apollo.Testing;

namespace Apollo.Search.Tests.Optimizers;

public sealed class Nsga2Tests : OptimizerContract
{
    protected override IOptimizer Create(SearchSpace space, int seed) => new Nsga2(space, seed, new Nsga2Options(Population: 16));

    [Fact]
    public void Options_are_parsed_and_checked()
    {
        var options = OptimizerRegistry.Default.Parse("nsga2", YamlNode.Parse("population: 40\ncrossover_rate: 0.8\nmutation_probability: 0.05\nmutation: local", "search.yaml"));
        Assert.Equal(new Nsga2Options(40, 0.8, 0.05, Mutation.Local), options);
        Assert.Throws<ConfigException>(() => OptimizerRegistry.Default.Parse("nsga2", YamlNode.Parse("mutation: gaussian", "search.yaml")));
        var defaults = Assert.IsType<Nsga2Options>(OptimizerRegistry.Default.Parse("nsga2", null));
        Assert.Equal(1.0 / 6, defaults.MutationProbabilityFor(6));
        var e = Assert.Throws<ConfigException>(() => OptimizerRegistry.Default.Parse("nsga2", YamlNode.Parse("population: 1", "search.yaml")));
        Assert.Equal("population", e.Field);
        Assert.Throws<ConfigException>(() => OptimizerRegistry.Default.Parse("nsga2", YamlNode.Parse("tournament_size: 2", "search.yaml")));
        Assert.Equal("nsga2", OptimizerRegistry.Default.Create("nsga2", SyntheticObjectives.Small, 1, options).Name);
    }

    [Fact]
    public void Survivors_are_whole_fronts_then_the_least_crowded_and_never_infeasible_before_feasible()
    {
        var space = new SearchSpace([new SearchParameter("a", Enumerable.Range(0, 20).Select(i => (double)i).ToList())]);
        DesignPoint P(int i) => new([i]);
        Observation Feasible(int i, double f1, double f2) => new(P(i), 1, true, "t", [f1, f2]);
        Observation Infeasible(int i) => new(P(i), 0, false, "t");

        var opt = new Nsga2(space, 1, new Nsga2Options(Population: 4));
        opt.Observe([Feasible(0, 1, 0), Feasible(1, 0, 1), Infeasible(2), Feasible(3, 0.5, 0.5)]);
        // Three feasible points fill three places; the infeasible one takes the fourth.
        Assert.Equal([P(0), P(1), P(3), P(2)], opt.Parents);

        // (2, 2) dominates every parent: it is front 0, the three others front 1, and the infeasible
        // points (old and new) rank after them all.
        opt.Observe([Feasible(4, 2, 2), Infeasible(5), Infeasible(6), Feasible(7, 0.1, 0.1)]);
        Assert.Equal([P(4), P(0), P(1), P(3)], opt.Parents);

        // A front of four with room for three: the extremes (+∞) stay, and the more crowded of the
        // two inner points goes.
        var three = new Nsga2(space, 1, new Nsga2Options(Population: 3));
        three.Observe([Feasible(10, 0, 3), Feasible(11, 1, 2), Feasible(12, 1.1, 1.9), Feasible(13, 3, 0)]);
        // Crowding: (1, 2) sits between (0, 3) and (1.1, 1.9): 1.1/3 + 1.1/3 ≈ 0.73; (1.1, 1.9) between
        // (1, 2) and (3, 0): 2/3 + 2/3 ≈ 1.33, so (1, 2) is the one dropped.
        Assert.Equal([P(10), P(12), P(13)], three.Parents.OrderBy(p => p[0]));
    }

    [Fact]
    public void A_replayed_history_continues_as_the_uninterrupted_run()
    {
        // Resume: a fresh optimizer with the same seed, fed the same calls, must go on identically.
        var space = Zdt.Space(6);
        var first = new Nsga2(space, 3, new Nsga2Options(Population: 20));
        var calls = new List<IReadOnlyList<Observation>>();
        for (var round = 0; round < 12; round++)
        {
            var results = first.Suggest(7).Select(s => Zdt.Evaluate(space, s.Point, Zdt.One)).ToList();
            calls.Add(results);
            first.Observe(results);
        }

        var replay = new Nsga2(space, 3, new Nsga2Options(Population: 20));
        foreach (var results in calls)
        {
            Assert.Equal(results.Select(r => r.Point), replay.Suggest(results.Count).Select(s => s.Point));
            replay.Observe(results);
        }

        Assert.True(first.Generations >= 3);
        Assert.Equal(first.Suggest(30).Select(s => s.Point), replay.Suggest(30).Select(s => s.Point));
    }

    [Fact]
    public void Covers_more_of_the_two_objective_front_than_random_search()
    {
        // Reward against −"area" on the synthetic problem, 600 trials, 6 seeds each: the hypervolume
        // of what each run found, reference (0, −10), below every feasible point. Measured over these
        // seeds: nsga2 13.8–17.7 (median 15.3), random 9.9–15.2 (median 11.3); the medians are
        // separated by about twice random's interquartile spread.
        var space = SyntheticObjectives.Small;
        double[] reference = [0, -10];
        double Run(IOptimizer optimizer)
        {
            var found = new List<IReadOnlyList<double>>();
            for (var done = 0; done < 600; done += 20)
            {
                var results = optimizer.Suggest(20).Select(s => SyntheticObjectives.EvaluateTwoObjectives(space, s.Point, s.Proposer)).ToList();
                optimizer.Observe(results);
                found.AddRange(results.Where(r => r.Feasible).Select(r => r.Objectives!));
            }

            return Hypervolume.Of(found, reference);
        }

        var nsga2 = Enumerable.Range(0, 6).Select(s => Run(new Nsga2(space, s, new Nsga2Options(Population: 40)))).ToList();
        var random = Enumerable.Range(0, 6).Select(s => Run(new RandomSearch(space, s))).ToList();
        Assert.True(EvolutionTests.Median(nsga2) > EvolutionTests.Median(random), $"nsga2 {string.Join(", ", nsga2)} vs random {string.Join(", ", random)}");
    }

    [Theory]
    [InlineData(1, 30, Mutation.Local)]
    [InlineData(2, 30, Mutation.Local)]
    [InlineData(1, 9, Mutation.Uniform)]
    [InlineData(2, 9, Mutation.Uniform)]
    public void Reaches_95_percent_of_the_true_fronts_hypervolume_on_zdt(int problem, int variables, Mutation mutation)
    {
        // ZDT1 (convex front) and ZDT2 (concave) of Zitzler, Deb & Thiele 2000 on a grid of 101 levels
        // per variable, 10,000 evaluations (100 generations of 100), reference (1.1, 1.1) in
        // minimization terms; the median of seeds 0–8 must reach 95% of the analytic front's
        // hypervolume. The best front the grid holds (101 values of f1) has 99.4% (ZDT1) and 99.1%
        // (ZDT2). Measured over seeds 0–9:
        // - 30 variables (ZDT's usual size), local mutation: ZDT1 98.4–99.3%; ZDT2 92.9–98.8%, two
        //   seeds below 95% (the concave front's spread is sometimes lost early), median 98.5%.
        //   Uniform mutation, evolution's operator, gets only 85–93% and 61–74%: a uniform resample
        //   is a long jump on a 101-level grid, so children rarely improve a nearly converged parent.
        // - 9 variables, uniform mutation (the default operators): ZDT1 98.2–99.4%, ZDT2 98.7–99.1%.
        // A median over 9 seeds tolerates four bad seeds, so 95% tests the algorithm, not a seed's
        // luck; random search reaches at most 14% (ZDT1, 9 variables) and 0% (ZDT2: nothing inside
        // the reference box). About 0.1 s a run.
        Func<double[], (double F1, double F2)> f = problem == 1 ? Zdt.One : Zdt.Two;
        var space = Zdt.Space(variables);
        var front = Hypervolume.Of(Zdt.TrueFront(f), Zdt.Reference);
        var ratios = Enumerable.Range(0, 9).Select(seed =>
        {
            var optimizer = new Nsga2(space, seed, new Nsga2Options(Mutation: mutation));
            var found = new List<IReadOnlyList<double>>();
            for (var done = 0; done < 10_000; done += 100)
            {
                var results = optimizer.Suggest(100).Select(s => Zdt.Evaluate(space, s.Point, f)).ToList();
                optimizer.Observe(results);
                found.AddRange(results.Select(r => r.Objectives!));
            }

            return Hypervolume.Of(found, Zdt.Reference) / front;
        }).ToList();
        Assert.True(EvolutionTests.Median(ratios) >= 0.95, $"ZDT{problem}, {variables} variables, {mutation}: {string.Join(", ", ratios.Select(r => r.ToString("P1", System.Globalization.CultureInfo.InvariantCulture)))}");
    }

    /// <summary>ZDT problems as maximization of (−f1, −f2) over a grid on [0, 1]^n.</summary>
    internal static class Zdt
    {
        public static readonly double[] Reference = [-1.1, -1.1];

        /// <summary>[0, 1]^n on 101 levels (30 variables: about 1.4e60 points, a space without keys).</summary>
        public static SearchSpace Space(int variables) =>
            new(Enumerable.Range(0, variables).Select(i => new SearchParameter($"x{i}", Enumerable.Range(0, 101).Select(k => k / 100.0).ToList())).ToList());

        /// <summary>ZDT1: f2 = g·(1 − √(f1/g)); the front (g = 1) is f2 = 1 − √f1.</summary>
        public static (double F1, double F2) One(double[] x) => Objectives(x, (f1, g) => g * (1 - Math.Sqrt(f1 / g)));

        /// <summary>ZDT2: f2 = g·(1 − (f1/g)²); the front is f2 = 1 − f1².</summary>
        public static (double F1, double F2) Two(double[] x) => Objectives(x, (f1, g) => g * (1 - (f1 / g) * (f1 / g)));

        /// <summary>Every point is feasible; the reward (unused by nsga2) is 1.</summary>
        public static Observation Evaluate(SearchSpace space, DesignPoint point, Func<double[], (double F1, double F2)> f)
        {
            var x = space.Values(point).Select(kv => kv.Value).ToArray();
            var (f1, f2) = f(x);
            return new Observation(point, 1, true, "nsga2", [-f1, -f2]);
        }

        /// <summary>The analytic front (g = 1) sampled at 100,001 values of f1.</summary>
        public static List<IReadOnlyList<double>> TrueFront(Func<double[], (double F1, double F2)> f) =>
            Enumerable.Range(0, 100_001).Select(i =>
            {
                var x = new double[2];
                x[0] = i / 100_000.0;
                var (f1, f2) = f(x);
                return (IReadOnlyList<double>)[-f1, -f2];
            }).ToList();

        private static (double, double) Objectives(double[] x, Func<double, double, double> f2)
        {
            var g = 1 + 9 * x.Skip(1).Sum() / (x.Length - 1);
            return (x[0], f2(x[0], g));
        }
    }
}

/// <summary>The contract again with local (polynomial) mutation, whose steps must also stay on the grid and leave taken points.</summary>
public sealed class Nsga2LocalMutationTests : OptimizerContract
{
    protected override IOptimizer Create(SearchSpace space, int seed) => new Nsga2(space, seed, new Nsga2Options(Population: 16, Mutation: Mutation.Local));
}
