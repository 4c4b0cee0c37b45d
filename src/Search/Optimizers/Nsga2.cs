using Apollo.Configuration;
using Apollo.Search.MultiObjective;
using Apollo.Search.Space;

namespace Apollo.Search.Optimizers;

/// <summary>Options of <see cref="Nsga2"/> (YAML keys in snake_case).</summary>
/// <param name="Population">N, the parent population and the number of offspring per generation (<c>population</c>, 2..10000, default 100 as in Deb et al.).</param>
/// <param name="CrossoverRate">Probability that a child is a uniform crossover of its two parents rather than a copy of the first (<c>crossover_rate</c>, [0, 1], default 0.9).</param>
/// <param name="MutationProbability">Per-gene probability of replacing a value by a different one (<c>mutation_probability</c>, [0, 1]); null = 1/(number of parameters), Deb et al.'s usual rate.</param>
/// <param name="Mutation">How a mutated gene changes: <see cref="Optimizers.Mutation.Uniform"/> (as <see cref="Evolution"/>) or <see cref="Optimizers.Mutation.Local"/> (polynomial index steps) (<c>mutation: uniform | local</c>, default uniform).</param>
public sealed record Nsga2Options(
    int Population = 100,
    double CrossoverRate = 0.9,
    double? MutationProbability = null,
    Mutation Mutation = Mutation.Uniform) : IOptimizerOptions
{
    internal static readonly string[] Keys = ["population", "crossover_rate", "mutation_probability", "mutation"];

    /// <summary>Reads options from YAML; null means all defaults.</summary>
    /// <exception cref="ConfigException">Unknown key or value out of range.</exception>
    public static Nsga2Options Parse(YamlNode? node)
    {
        OptionReader.CheckKeys(node, Keys);
        var d = new Nsga2Options();
        return new Nsga2Options(
            OptionReader.Int(node, "population", d.Population, 2, 10_000),
            OptionReader.Double(node, "crossover_rate", d.CrossoverRate, 0, 1),
            node?.TryGet("mutation_probability") is null ? null : OptionReader.Double(node, "mutation_probability", 0, 0, 1),
            OptionReader.Choice(node, "mutation", d.Mutation));
    }

    /// <summary>The per-gene mutation probability in a space of <paramref name="dimensions"/> parameters.</summary>
    public double MutationProbabilityFor(int dimensions) => MutationProbability ?? 1.0 / dimensions;

    internal void Validate()
    {
        if (Population < 2 || CrossoverRate is < 0 or > 1 || MutationProbability is < 0 or > 1 or double.NaN || !Enum.IsDefined(Mutation))
        {
            throw new ArgumentException($"Invalid nsga2 options: {this}.");
        }
    }
}

/// <summary>
/// NSGA-II (Deb, Pratap, Agarwal and Meyarivan, "A Fast and Elitist Multiobjective Genetic Algorithm:
/// NSGA-II", IEEE Transactions on Evolutionary Computation 6(2), 2002) over the discrete grid, in
/// ask/tell form.
/// <para>
/// Objectives: each feasible observation's <see cref="Observation.Objectives"/> (maximized); in a
/// study without objectives the reward is the single objective, which makes this a plain elitist
/// genetic algorithm. Infeasible points rank after every feasible one (Deb's constrained domination
/// with no violation measure: the study only says feasible or not).
/// </para>
/// <para>
/// Generations follow the observations, not the calls: until N points have been observed,
/// suggestions are uniform random. Whenever at least N observations have arrived since the last
/// selection (checked at the end of <see cref="Observe"/>), elitist (μ+λ) survivor selection keeps
/// N of the parents and those offspring: whole non-dominated fronts in order, the first front that
/// does not fit by decreasing crowding distance (ties to the earlier: parents, then offspring in
/// arrival order), then infeasible points, newest first. Each survivor keeps the rank and crowding
/// distance of that sort (for the last front, computed on the whole front, as in the paper). Each
/// child has two parents, each the winner of a binary tournament (two uniform draws with
/// replacement; lower rank wins, then larger crowding, then the first drawn), and is varied by the
/// same operators as <see cref="Evolution"/> (uniform crossover, per-gene mutation, re-mutation of
/// taken points; a child still taken is replaced by a random free point), optionally with local
/// (polynomial) instead of uniform mutation. So the parents change
/// only between generations and the same calls give the same suggestions.
/// </para>
/// </summary>
public sealed class Nsga2 : IOptimizer
{
    private readonly History _history;
    private readonly Random _rng;
    private readonly Nsga2Options _options;
    private readonly Variation _variation;
    private readonly List<Individual> _offspring = [];
    private List<Individual> _parents = [];
    private int _arrivals;

    public Nsga2(SearchSpace space, int seed, Nsga2Options? options = null)
    {
        ArgumentNullException.ThrowIfNull(space);
        _options = options ?? new Nsga2Options();
        _options.Validate();
        _history = new History(space);
        _rng = new Random(seed);
        _variation = new Variation(_history, _rng, _options.CrossoverRate, _options.MutationProbabilityFor(space.Dimensions), _options.Mutation);
    }

    public string Name => "nsga2";

    public Nsga2Options Options => _options;

    /// <summary>Completed generations (survivor selections) so far.</summary>
    public int Generations { get; private set; }

    /// <summary>The current parents, by rank then (within the split front) crowding; empty before the first selection.</summary>
    internal IReadOnlyList<DesignPoint> Parents => _parents.Select(p => p.Point).ToList();

    public IReadOnlyList<Suggestion> Suggest(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return _variation.Offspring(count, () => _parents.Count > 0 ? _variation.Child(Tournament().Point, Tournament().Point) : null, Name);
    }

    public void Observe(IReadOnlyList<Observation> observations)
    {
        foreach (var o in _history.Add(observations))
        {
            _offspring.Add(new Individual(o.Point, !o.Feasible ? null : o.Objectives is { } v ? [.. v] : [o.Reward], _arrivals++));
        }

        if (_offspring.Count >= _options.Population)
        {
            _parents = Survivors([.. _parents, .. _offspring], _options.Population);
            _offspring.Clear();
            Generations++;
        }
    }

    /// <summary>Elitist selection of <paramref name="n"/> from <paramref name="pool"/> (parents first, then offspring in arrival order), with rank and crowding set.</summary>
    private static List<Individual> Survivors(List<Individual> pool, int n)
    {
        var feasible = pool.Where(x => x.Objectives is not null).ToList();
        var objectives = feasible.Select(x => x.Objectives!).ToList();
        var survivors = new List<Individual>(n);
        var fronts = Pareto.NonDominatedSort(objectives);
        for (var rank = 0; rank < fronts.Count && survivors.Count < n; rank++)
        {
            var front = fronts[rank];
            var crowding = Pareto.CrowdingDistance(objectives, front);
            var order = Enumerable.Range(0, front.Count);
            if (survivors.Count + front.Count > n)
            {
                // OrderByDescending is stable, so equal crowding keeps pool order.
                order = order.OrderByDescending(i => crowding[i]).Take(n - survivors.Count);
            }

            survivors.AddRange(order.Select(i => feasible[front[i]] with { Rank = rank, Crowding = crowding[i] }));
        }

        var infeasible = pool.Where(x => x.Objectives is null).OrderByDescending(x => x.Arrival).Take(n - survivors.Count);
        survivors.AddRange(infeasible.Select(x => x with { Rank = fronts.Count, Crowding = 0 }));
        return survivors;
    }

    private Individual Tournament()
    {
        var a = _parents[_rng.Next(_parents.Count)];
        var b = _parents[_rng.Next(_parents.Count)];
        return b.Rank < a.Rank || (b.Rank == a.Rank && b.Crowding > a.Crowding) ? b : a;
    }

    /// <summary>An observed point; <paramref name="Objectives"/> null when infeasible; <paramref name="Arrival"/> its observation number. Rank and crowding are set by survivor selection.</summary>
    private sealed record Individual(DesignPoint Point, double[]? Objectives, int Arrival, int Rank = 0, double Crowding = 0);
}
