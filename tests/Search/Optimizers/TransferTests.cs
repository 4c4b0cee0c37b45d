using Apollo.Search.Optimizers;
using Apollo.Search.Space;
using Apollo.Testing;

namespace Apollo.Search.Tests.Optimizers;

/// <summary>Priming (<see cref="ITransferable"/>) of gp-ei, evolution and p3bo on the synthetic objective.</summary>
public sealed class TransferTests
{
    private static readonly SearchSpace Space = SyntheticObjectives.Small;

    /// <summary>A prior: 200 random points of the synthetic objective, evaluated.</summary>
    private static PriorStudy Prior(int seed)
    {
        var rng = new Random(seed);
        var points = new HashSet<DesignPoint>();
        while (points.Count < 200)
        {
            points.Add(Space.Sample(rng));
        }

        return new PriorStudy($"prior-{seed}", points.Select(p => SyntheticObjectives.Evaluate(Space, p, "prior")).ToList());
    }

    private static List<DesignPoint> BestFeasible(PriorStudy prior, int count) =>
        prior.Observations.Select((o, i) => (o, i)).Where(t => t.o.Feasible).OrderByDescending(t => t.o.Reward).ThenBy(t => t.i).Take(count).Select(t => t.o.Point).ToList();

    private static List<Suggestion> Run(IOptimizer optimizer, int trials, int batch)
    {
        var all = new List<Suggestion>();
        while (all.Count < trials)
        {
            var s = optimizer.Suggest(batch);
            optimizer.Observe(s.Select(x => SyntheticObjectives.Evaluate(Space, x.Point, x.Proposer)).ToList());
            all.AddRange(s);
        }

        return all;
    }

    [Fact]
    public void Evolution_seeds_half_its_first_population_with_the_priors_best_feasible_designs()
    {
        var prior = Prior(1);
        var evo = new Evolution(Space, 3, new EvolutionOptions(Population: 8));
        evo.Prime([prior]);
        var first = evo.Suggest(8).Select(s => s.Point).ToList();
        Assert.Equal(BestFeasible(prior, 4), first[..4]);
        // The other half is random, as in a cold run: none of them is among the prior's best eight.
        Assert.Empty(first[4..].Intersect(BestFeasible(prior, 8)));
    }

    [Fact]
    public void Gp_ei_starts_from_the_best_priors_and_stacks_one_level_per_prior()
    {
        var gp = new GpEi(Space, 3, new GpEiOptions(InitialRandom: 5, Candidates: 50));
        gp.Prime([Prior(1), Prior(2)]);
        Assert.Equal(2, gp.PriorLevels);
        var first = gp.Suggest(5).Select(s => s.Point).ToList();
        Assert.Equal(5, first.Count);
        Assert.All(first, p => Assert.True(SyntheticObjectives.Evaluate(Space, p).Feasible));
        // The best prior design of all comes first.
        Assert.Equal(BestFeasible(new PriorStudy("both", [.. Prior(1).Observations, .. Prior(2).Observations]), 1)[0], first[0]);
    }

    [Theory]
    [InlineData("gp-ei")]
    [InlineData("evolution")]
    [InlineData("p3bo")]
    public void A_primed_run_is_deterministic_and_differs_from_a_cold_one(string name)
    {
        IOptimizer Make() => OptimizerRegistry.Default.Create(name, Space, 11,
            name == "gp-ei" ? new GpEiOptions(Candidates: 50) : null);
        var a = Make();
        ((ITransferable)a).Prime([Prior(4)]);
        var b = Make();
        ((ITransferable)b).Prime([Prior(4)]);
        var cold = Make();
        var ta = Run(a, 48, 16);
        Assert.Equal(ta, Run(b, 48, 16));
        Assert.NotEqual(ta.Select(s => s.Point), Run(cold, 48, 16).Select(s => s.Point));
    }

    [Fact]
    public void P3bo_shares_the_priors_with_its_members_and_proposes_each_prior_design_once()
    {
        var prior = Prior(5);
        var p3bo = new P3bo(Space, 2);
        p3bo.Prime([prior]);
        var batch = p3bo.Suggest(32).Select(s => s.Point).ToList();
        Assert.Equal(batch.Count, batch.Distinct().Count());
        // Every evolution member seeds from the priors, so the best prior designs are among the first batch.
        Assert.Contains(BestFeasible(prior, 1)[0], batch);
        Assert.True(batch.Intersect(BestFeasible(prior, 32)).Count() >= 8, "most of the first batch should be prior designs");
    }

    [Theory]
    [InlineData("gp-ei")]
    [InlineData("evolution")]
    [InlineData("p3bo")]
    public void Priming_twice_or_after_a_suggestion_is_refused(string name)
    {
        var twice = (ITransferable)OptimizerRegistry.Default.Create(name, Space, 1);
        twice.Prime([Prior(1)]);
        Assert.Throws<InvalidOperationException>(() => twice.Prime([Prior(1)]));
        var late = OptimizerRegistry.Default.Create(name, Space, 1);
        late.Suggest(1);
        Assert.Throws<InvalidOperationException>(() => ((ITransferable)late).Prime([Prior(1)]));
    }

    [Fact]
    public void A_prior_point_outside_the_space_is_refused()
    {
        var evo = new Evolution(Space, 1);
        var outside = new Observation(new DesignPoint([99, 0, 0, 0, 0, 0]), 1, true, "prior");
        Assert.Throws<ArgumentException>(() => evo.Prime([new PriorStudy("bad", [outside])]));
    }

    [Fact]
    public void Random_grid_and_nsga2_take_no_priors()
    {
        var tiny = new SearchSpace([new SearchParameter("a", [1, 2, 3]), new SearchParameter("b", [1, 2])]);
        Assert.All(["random", "grid", "nsga2"], n => Assert.IsNotAssignableFrom<ITransferable>(OptimizerRegistry.Default.Create(n, tiny, 0)));
    }
}
