using Apollo.Search.Optimizers;
using Apollo.Search.Space;
using Apollo.Testing;

namespace Apollo.Search.Tests.Optimizers;

/// <summary>
/// The protocol every <see cref="IOptimizer"/> must keep (Optuna-style sampler contract). Each
/// optimizer's test class inherits it and supplies <see cref="Create"/>.
/// </summary>
public abstract class OptimizerContract
{
    protected abstract IOptimizer Create(SearchSpace space, int seed);

    /// <summary>Trials used by the longer contract runs; subclasses with costly models may lower it.</summary>
    protected virtual int RunLength => 200;

    /// <summary>
    /// Whether another seed gives other suggestions. An optimizer whose order is fixed by the space alone (grid)
    /// overrides this to false, and the contract then asserts that the seed changes nothing.
    /// </summary>
    protected virtual bool SeedChangesSuggestions => true;

    /// <summary>
    /// The largest space the optimizer accepts (grid: it enumerates), or null for none. With a limit, a space above
    /// it must be refused at construction with a <see cref="Apollo.Configuration.ConfigException"/> that gives its size.
    /// </summary>
    protected virtual long? MaxSpacePoints => null;

    private static SearchSpace Space => SyntheticObjectives.Small;

    [Fact]
    public void Suggestions_stay_in_the_space()
    {
        var opt = Create(Space, 1);
        for (var round = 0; round < 6; round++)
        {
            var s = opt.Suggest(8);
            Assert.Equal(8, s.Count);
            Assert.All(s, x => Assert.True(Space.Contains(x.Point)));
            Assert.All(s, x => Assert.False(string.IsNullOrEmpty(x.Proposer)));
            opt.Observe(s.Select(x => SyntheticObjectives.Evaluate(Space, x.Point, x.Proposer)).ToList());
        }
    }

    [Fact]
    public void An_a_priori_constraint_is_never_violated_and_batches_stay_full()
    {
        // About a third of the grid passes (the corner x0 + x1 <= 0.8 of the unit square), as the area budget
        // lets through only part of the template's grid; observations come only from suggested points.
        static bool Admissible(DesignPoint p)
        {
            var x = Space.Normalize(p);
            return x[0] + x[1] <= 0.8;
        }

        var constrained = Space.WithConstraint(Admissible);
        var opt = Create(constrained, 5);
        for (var round = 0; round < 8; round++)
        {
            var s = opt.Suggest(8);
            Assert.Equal(8, s.Count);
            Assert.All(s, x => Assert.True(Admissible(x.Point), $"{x.Proposer} suggested {x.Point}, which the constraint refuses"));
            opt.Observe(s.Select(x => SyntheticObjectives.Evaluate(constrained, x.Point, x.Proposer)).ToList());
        }
    }

    [Fact]
    public void Same_seed_and_calls_give_the_same_suggestions()
    {
        var a = Trace(Create(Space, 42));
        var b = Trace(Create(Space, 42));
        Assert.Equal(a, b);
        var c = Trace(Create(Space, 43));
        if (SeedChangesSuggestions)
        {
            Assert.NotEqual(a, c);
        }
        else
        {
            Assert.Equal(a, c);
        }
    }

    [Fact]
    public void Empty_history_gives_a_full_batch()
    {
        var s = Create(Space, 3).Suggest(16);
        Assert.Equal(16, s.Count);
        Assert.Equal(16, s.Select(x => x.Point).Distinct().Count());
    }

    [Fact]
    public void All_infeasible_history_is_handled()
    {
        var opt = Create(Space, 4);
        var seen = new HashSet<DesignPoint>();
        for (var round = 0; round < 8; round++)
        {
            var s = opt.Suggest(8);
            Assert.Equal(8, s.Count);
            Assert.All(s, x => Assert.True(seen.Add(x.Point)));
            opt.Observe(s.Select(x => new Observation(x.Point, 0, false, x.Proposer)).ToList());
        }
    }

    [Fact]
    public void Batches_are_distinct_and_nothing_repeats_over_a_run() => RunWithoutRepeats(Create(Space, 5), SyntheticObjectives.Evaluate);

    [Fact]
    public void Observations_of_unsuggested_points_are_accepted_and_never_suggested()
    {
        var opt = Create(Space, 6);
        var rng = new Random(99);
        var warm = Enumerable.Range(0, 40).Select(_ => Space.Sample(rng)).Distinct()
            .Select(p => SyntheticObjectives.Evaluate(Space, p, "warm")).ToList();
        opt.Observe(warm);
        var warmPoints = warm.Select(w => w.Point).ToHashSet();
        for (var round = 0; round < 4; round++)
        {
            var s = opt.Suggest(8);
            Assert.Equal(8, s.Count);
            Assert.All(s, x => Assert.DoesNotContain(x.Point, warmPoints));
            // Partial results: only half of the batch is reported.
            opt.Observe(s.Take(4).Select(x => SyntheticObjectives.Evaluate(Space, x.Point, x.Proposer)).ToList());
        }
    }

    [Fact]
    public void Zero_count_returns_nothing()
    {
        Assert.Empty(Create(Space, 7).Suggest(0));
    }

    [Fact]
    public void Out_of_space_observation_is_rejected()
    {
        var opt = Create(Space, 8);
        var bad = new DesignPoint(new int[Space.Dimensions].Select(_ => 99).ToArray());
        Assert.Throws<ArgumentException>(() => opt.Observe([new Observation(bad, 1, true, "x")]));
    }

    [Fact]
    public void A_tiny_space_is_exhausted_without_repeats()
    {
        var tiny = new SearchSpace([new SearchParameter("a", [1, 2, 3]), new SearchParameter("b", [1, 2])]);
        var opt = Create(tiny, 9);
        var seen = new HashSet<DesignPoint>();
        for (var round = 0; round < 4; round++)
        {
            var s = opt.Suggest(4);
            Assert.All(s, x => Assert.True(seen.Add(x.Point)));
            opt.Observe(s.Select(x => new Observation(x.Point, 1 + x.Point[0], true, x.Proposer)).ToList());
        }

        Assert.Equal(6, seen.Count);
    }

    [Fact]
    public void Multi_objective_observations_are_accepted_and_runs_stay_distinct() =>
        // Every optimizer works in a multi-objective study; single-objective ones maximize the reward.
        RunWithoutRepeats(Create(Space, 10), SyntheticObjectives.EvaluateTwoObjectives);

    [Fact]
    public void Multi_objective_runs_are_deterministic_under_a_seed()
    {
        var a = Trace(Create(Space, 42), SyntheticObjectives.EvaluateTwoObjectives);
        var b = Trace(Create(Space, 42), SyntheticObjectives.EvaluateTwoObjectives);
        Assert.Equal(a, b);
    }

    [Fact]
    public void Objectives_that_break_the_protocol_are_rejected()
    {
        var rng = new Random(12);
        var points = Enumerable.Range(0, 8).Select(_ => Space.Sample(rng)).Distinct().ToList();
        Assert.Throws<ArgumentException>(() => Create(Space, 11).Observe([new Observation(points[0], 0, false, "x", [1.0, 2.0])]));
        Assert.Throws<ArgumentException>(() => Create(Space, 11).Observe([new Observation(points[0], 1, true, "x", [1.0, double.NaN])]));
        Assert.Throws<ArgumentException>(() => Create(Space, 11).Observe([new Observation(points[0], 1, true, "x", [])]));
        var opt = Create(Space, 11);
        opt.Observe([new Observation(points[0], 1, true, "x", [1.0, 2.0]), new Observation(points[1], 0, false, "x")]);
        Assert.Throws<ArgumentException>(() => opt.Observe([new Observation(points[2], 1, true, "x")]));
        Assert.Throws<ArgumentException>(() => opt.Observe([new Observation(points[3], 1, true, "x", [1.0, 2.0, 3.0])]));
        var single = Create(Space, 11);
        single.Observe([new Observation(points[0], 1, true, "x")]);
        Assert.Throws<ArgumentException>(() => single.Observe([new Observation(points[4], 1, true, "x", [1.0, 2.0])]));
    }

    [Fact]
    public void A_space_too_large_for_keys_works()
    {
        // 20 parameters of 10 values: 1e20 points, beyond 64-bit keys; rewards grow with the indices.
        var big = new SearchSpace(Enumerable.Range(0, 20).Select(i => new SearchParameter($"x{i}", Enumerable.Range(0, 10).Select(k => (double)k).ToList())).ToList());
        Assert.False(big.HasKeys);
        if (MaxSpacePoints is not null)
        {
            var e = Assert.Throws<Apollo.Configuration.ConfigException>(() => Create(big, 13));
            Assert.Contains("100,000,000,000,000,000,000 points", e.Message, StringComparison.Ordinal);
            return;
        }

        var opt = Create(big, 13);
        var seen = new HashSet<DesignPoint>();
        for (var round = 0; round < 4; round++)
        {
            var s = opt.Suggest(8);
            Assert.Equal(8, s.Count);
            Assert.All(s, x => Assert.True(big.Contains(x.Point) && seen.Add(x.Point)));
            opt.Observe(s.Select(x => new Observation(x.Point, 1 + x.Point.Indices.Sum(), true, x.Proposer, [x.Point[0], -x.Point[1]])).ToList());
        }
    }

    private void RunWithoutRepeats(IOptimizer opt, Func<SearchSpace, DesignPoint, string, Observation> evaluate)
    {
        var seen = new HashSet<DesignPoint>();
        var done = 0;
        while (done < RunLength)
        {
            var s = opt.Suggest(10);
            Assert.Equal(10, s.Count);
            Assert.All(s, x => Assert.True(Space.Contains(x.Point)));
            Assert.All(s, x => Assert.True(seen.Add(x.Point), $"repeated {x.Point}"));
            opt.Observe(s.Select(x => evaluate(Space, x.Point, x.Proposer)).ToList());
            done += s.Count;
        }
    }

    private static List<string> Trace(IOptimizer opt) => Trace(opt, SyntheticObjectives.Evaluate);

    private static List<string> Trace(IOptimizer opt, Func<SearchSpace, DesignPoint, string, Observation> evaluate)
    {
        var trace = new List<string>();
        for (var round = 0; round < 8; round++)
        {
            var s = opt.Suggest(round % 3 + 3);
            trace.AddRange(s.Select(x => $"{x.Point}@{x.Proposer}"));
            // Report in reverse order and drop one to exercise partial, reordered results.
            opt.Observe(s.Reverse().Skip(round % 2).Select(x => evaluate(Space, x.Point, x.Proposer)).ToList());
        }

        return trace;
    }
}
