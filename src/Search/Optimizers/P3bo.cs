using System.Globalization;
using Apollo.Configuration;
using Apollo.Search.Space;
using MathNet.Numerics.Distributions;

namespace Apollo.Search.Optimizers;

/// <summary>
/// One ensemble member of <see cref="P3bo"/>: an optimizer name from the ensemble's registry
/// (<see cref="OptimizerRegistry.EnsembleMembers"/>: "evolution", "gp-ei" or "random") and its typed
/// options (null = that optimizer's defaults).
/// </summary>
public sealed record P3boMemberSpec(string Optimizer, IOptimizerOptions? Options = null);

/// <summary>How <see cref="P3bo"/> scores a member's proposals in a round (YAML <c>credit: top_k | incumbent</c>).</summary>
public enum P3boCredit
{
    /// <summary>
    /// Relative improvement of the member's best proposal over the k-th best reward before the round: a
    /// member earns credit for every proposal that enters the top k, not only for a new incumbent.
    /// </summary>
    TopK,

    /// <summary>Relative improvement of the member's best proposal over the best reward before the round (the first version).</summary>
    Incumbent,
}

/// <summary>Options of <see cref="P3bo"/> (YAML keys in snake_case).</summary>
/// <param name="Members">Ensemble (<c>members</c>: a list of <c>{optimizer: name, options: {...}}</c>); null = <see cref="DefaultMembers"/>.</param>
/// <param name="Temperature">τ of the softmax that splits each batch by credit, applied to credits divided by the largest one (<c>temperature</c>, (0, 100], default 0.25).</param>
/// <param name="Decay">γ, the factor credits decay by each round (<c>decay</c>, [0, 1], default 0.8).</param>
/// <param name="Adaptive">A-P3BO: every <c>adapt_every</c> rounds replace the lowest-credit member by a mutated copy of the best one's hyperparameters (<c>adaptive</c>, default false).</param>
/// <param name="AdaptEvery">Rounds between adaptations (<c>adapt_every</c>, 1..10000, default 5).</param>
/// <param name="Credit">What a round's proposals earn (<c>credit: top_k | incumbent</c>, default top_k).</param>
/// <param name="TopK">k of <see cref="P3boCredit.TopK"/> (<c>top_k</c>, 1..10000, default 16).</param>
/// <param name="MinShare">Proposals every member gets per batch while the batch has room for all (<c>min_share</c>, 0..1000, default 1), so that no member's credit goes unmeasured.</param>
public sealed record P3boOptions(
    IReadOnlyList<P3boMemberSpec>? Members = null,
    double Temperature = 0.25,
    double Decay = 0.8,
    bool Adaptive = false,
    int AdaptEvery = 5,
    P3boCredit Credit = P3boCredit.TopK,
    int TopK = 16,
    int MinShare = 1) : IOptimizerOptions
{
    internal static readonly string[] Keys = ["members", "temperature", "decay", "adaptive", "adapt_every", "credit", "top_k", "min_share"];

    /// <summary>
    /// Two evolution variants — regularized evolution (Real et al. 2019: population 32, crossover 0.9, the latest
    /// survive, mutation probability 0.05) and the elitist default — gp-ei with its defaults (feasibility classifier,
    /// trust region) and random: the kinds of Angermueller et al.'s population (evolution variants, a model-based
    /// optimizer, random).
    /// </summary>
    public static IReadOnlyList<P3boMemberSpec> DefaultMembers { get; } =
    [
        new("evolution", new EvolutionOptions(Population: 32, CrossoverRate: 0.9, MutationProbability: 0.05, Survivors: SurvivorSelection.Latest)),
        new("evolution", new EvolutionOptions()),
        new("gp-ei", new GpEiOptions()),
        new("random"),
    ];

    public IReadOnlyList<P3boMemberSpec> EffectiveMembers => Members ?? DefaultMembers;

    /// <summary>Reads options from YAML (null means all defaults); each member's options are parsed by its entry in <paramref name="registry"/>.</summary>
    /// <exception cref="ConfigException">Unknown key, a member optimizer not in <paramref name="registry"/>, or value out of range.</exception>
    public static P3boOptions Parse(YamlNode? node, OptimizerRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        OptionReader.CheckKeys(node, Keys);
        var d = new P3boOptions();
        List<P3boMemberSpec>? specs = null;
        if (node?.TryGet("members") is { } list)
        {
            specs = [];
            foreach (var item in list.Items())
            {
                OptionReader.CheckKeys(item, "optimizer", "options");
                var nameNode = item.Get("optimizer");
                var name = nameNode.AsString();
                var entry = registry.Find(name)
                    ?? throw nameNode.Error($"'{name}' cannot be a p3bo member; valid members: {string.Join(", ", registry.Names)}");
                specs.Add(new P3boMemberSpec(name, entry.Parse(item.TryGet("options"))));
            }

            if (specs.Count == 0)
            {
                throw list.Error("p3bo needs at least one member");
            }
        }

        return new P3boOptions(
            specs,
            OptionReader.Double(node, "temperature", d.Temperature, 0, 100, minExclusive: true),
            OptionReader.Double(node, "decay", d.Decay, 0, 1),
            OptionReader.Bool(node, "adaptive", d.Adaptive),
            OptionReader.Int(node, "adapt_every", d.AdaptEvery, 1, 10_000),
            OptionReader.Choice(node, "credit", d.Credit),
            OptionReader.Int(node, "top_k", d.TopK, 1, 10_000),
            OptionReader.Int(node, "min_share", d.MinShare, 0, 1000));
    }

    internal void Validate()
    {
        if (EffectiveMembers.Count == 0 || !(Temperature > 0) || Decay is < 0 or > 1 || AdaptEvery < 1
            || !Enum.IsDefined(Credit) || TopK < 1 || MinShare < 0)
        {
            throw new ArgumentException($"Invalid p3bo options: {this}.");
        }
    }
}

/// <summary>
/// Population-based black-box optimization (Angermueller et al., "Population-Based Black-Box
/// Optimization for Biological Sequence Design", ICML 2020), as compared in Apollo.
/// <para>
/// All members observe all data. Each batch gives every member <c>min_share</c> proposals, and splits the rest by
/// softmax(credit/(τ·max credit)), rounded by largest remainder (ties to the earlier member). After each
/// <see cref="Observe"/> (one round) every credit decays by γ and each member gains its score: with
/// <see cref="P3boCredit.TopK"/> the mean over its proposals of the relative improvement over the k-th best reward
/// before the round, clipped to [0, 1] (1 while fewer than k are feasible); with <see cref="P3boCredit.Incumbent"/>
/// (the first version, unscaled softmax) its best proposal's relative improvement over the best before, clipped to
/// [0, 1], the first feasible point counting 1. With <c>adaptive</c> (A-P3BO), every <c>adapt_every</c> rounds the
/// lowest-credit member whose kind has another member is replaced by a copy of the highest-credit member with
/// log-normally perturbed hyperparameters (random, having none, is never copied), warm-started
/// on the full history, starting at the mean credit. Proposers are "p3bo/&lt;member id&gt;".
/// In a multi-objective study (observations with <see cref="Observation.Objectives"/>) the improvement is that of
/// the dominated hypervolume instead of the best reward (Angermueller et al. credit by the population's
/// improvement; the hypervolume is the multi-objective measure of it).
/// </para>
/// </summary>
public sealed class P3bo : IOptimizer, ITransferable
{
    private const int RetriesPerMember = 3;
    private readonly History _history;
    private readonly Random _rng;
    private readonly P3boOptions _options;
    private readonly List<Member> _members = [];
    private readonly Dictionary<DesignPoint, Member> _proposedBy = [];
    private readonly Dictionary<string, int> _nextOrdinal = new(StringComparer.Ordinal);
    private readonly OptimizerRegistry _registry;
    private List<IReadOnlyList<double>> _front = [];
    private IReadOnlyList<PriorStudy> _priors = [];
    private bool _primed;
    private int _rounds;

    /// <summary>Builds the ensemble; each member is made by its entry in <paramref name="registry"/> (default <see cref="OptimizerRegistry.EnsembleMembers"/>).</summary>
    /// <exception cref="ArgumentException">Invalid options, a member name not in the registry, or member options of another optimizer.</exception>
    public P3bo(SearchSpace space, int seed, P3boOptions? options = null, OptimizerRegistry? registry = null)
    {
        ArgumentNullException.ThrowIfNull(space);
        _options = options ?? new P3boOptions();
        _options.Validate();
        _registry = registry ?? OptimizerRegistry.EnsembleMembers;
        if (_options.EffectiveMembers.FirstOrDefault(m => _registry.Find(m.Optimizer) is null) is { } unknown)
        {
            throw new ArgumentException($"'{unknown.Optimizer}' cannot be a p3bo member; valid members: {string.Join(", ", _registry.Names)}", nameof(options));
        }

        _history = new History(space);
        _rng = new Random(seed);
        foreach (var spec in _options.EffectiveMembers)
        {
            _members.Add(CreateMember(spec, 0));
        }
    }

    public string Name => "p3bo";

    public P3boOptions Options => _options;

    /// <summary>Current members and credits, in ensemble order.</summary>
    public IReadOnlyList<(string Id, P3boMemberSpec Spec, double Credit)> Members =>
        _members.Select(m => (m.Id, m.Spec, m.Credit)).ToList();

    /// <summary>How a batch of <paramref name="count"/> is split among the current members.</summary>
    public IReadOnlyList<int> Allocation(int count)
    {
        var floor = count >= _members.Count * _options.MinShare ? _options.MinShare : 0;
        var rest = count - (floor * _members.Count);
        var max = _members.Max(m => m.Credit);
        // top_k credits are scaled by the leader's so that τ means the same on every objective;
        // incumbent keeps the first version's unscaled softmax, so its studies replay bit for bit.
        var scale = _options.Credit == P3boCredit.TopK && max > 0 ? max : 1;
        var weights = _members.Select(m => Math.Exp((m.Credit - max) / (_options.Temperature * scale))).ToArray();
        var sum = weights.Sum();
        var exact = weights.Select(w => w / sum * rest).ToArray();
        var quota = exact.Select(e => (int)Math.Floor(e)).ToArray();
        var left = rest - quota.Sum();
        foreach (var i in Enumerable.Range(0, quota.Length).OrderByDescending(i => exact[i] - quota[i]).ThenBy(i => i).Take(left))
        {
            quota[i]++;
        }

        return quota.Select(q => q + floor).ToArray();
    }

    public IReadOnlyList<Suggestion> Suggest(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var result = new List<Suggestion>(count);
        var quota = Allocation(count);
        for (var i = 0; i < _members.Count; i++)
        {
            var member = _members[i];
            var wanted = quota[i];
            for (var attempt = 0; attempt < RetriesPerMember && wanted > 0; attempt++)
            {
                var proposals = member.Optimizer.Suggest(wanted);
                foreach (var s in proposals)
                {
                    // Members do not see each other's pending points; the ensemble filters duplicates.
                    if (wanted > 0 && _history.Take(s.Point))
                    {
                        _proposedBy[s.Point] = member;
                        result.Add(new Suggestion(s.Point, $"p3bo/{member.Id}"));
                        wanted--;
                    }
                }

                if (proposals.Count == 0)
                {
                    break;
                }
            }

            // A member that cannot fill its share (exhausted or stuck) is topped up uniformly.
            while (wanted > 0 && _history.SampleFree(_rng) is { } p)
            {
                _history.Take(p);
                result.Add(new Suggestion(p, $"p3bo/{member.Id}+random"));
                wanted--;
            }
        }

        return result;
    }

    public void Observe(IReadOnlyList<Observation> observations)
    {
        var reference = _options.Credit == P3boCredit.TopK ? KthBestReward(_options.TopK) : _history.BestReward;
        var added = _history.Add(observations);
        foreach (var m in _members)
        {
            m.Optimizer.Observe(added);
        }

        var proposals = _members.Select(_ => new List<Observation>()).ToArray();
        foreach (var o in added)
        {
            if (_proposedBy.Remove(o.Point, out var member) && _members.IndexOf(member) is var index and >= 0)
            {
                proposals[index].Add(o);
            }
        }

        var gains = added.Any(o => o.Objectives is not null) ? HypervolumeGains(proposals, added) : RewardGains(proposals, reference);
        for (var i = 0; i < _members.Count; i++)
        {
            _members[i].Credit = _options.Decay * _members[i].Credit + gains[i];
        }

        _rounds++;
        if (_options.Adaptive && _members.Count > 1 && _rounds % _options.AdaptEvery == 0)
        {
            Adapt();
        }
    }

    /// <summary>
    /// Single objective: each member's relative improvement over <paramref name="reference"/> (the best reward before the
    /// round, or the k-th best with <see cref="P3boCredit.TopK"/>), clipped to [0, 1]; with no reference yet (no feasible
    /// point, or fewer than k) any feasible proposal counts 1.
    /// </summary>
    private double[] RewardGains(IReadOnlyList<List<Observation>> proposals, double reference) =>
        proposals.Select(own =>
        {
            double Gain(double reward) => reference > 0 ? Math.Clamp((reward - reference) / reference, 0, 1) : reward > 0 ? 1 : 0;
            if (_options.Credit == P3boCredit.TopK)
            {
                // Per proposal, so that a member given more of the batch does not earn more for that alone.
                return own.Count == 0 ? 0 : own.Average(o => Gain(o.Reward));
            }

            return Gain(own.Aggregate(0.0, (best, o) => Math.Max(best, o.Reward)));
        }).ToArray();

    /// <summary>The k-th best feasible reward observed so far, 0 while fewer than k are feasible.</summary>
    private double KthBestReward(int k)
    {
        var top = new PriorityQueue<double, double>(k + 1);
        foreach (var o in _history.Observations)
        {
            if (o.Feasible)
            {
                top.Enqueue(o.Reward, o.Reward);
                if (top.Count > k)
                {
                    top.Dequeue();
                }
            }
        }

        return top.Count == k ? top.Peek() : 0;
    }

    /// <summary>
    /// Multi-objective: each member's relative improvement of the dominated hypervolume of every feasible point so
    /// far (its own proposals of the round added to the front before the round), clipped to [0, 1]; the first volume
    /// counts 1. The reference is the origin: the study passes objectives shifted so (<see cref="Observation.Objectives"/>).
    /// </summary>
    private double[] HypervolumeGains(IReadOnlyList<List<Observation>> proposals, IReadOnlyList<Observation> added)
    {
        var dimensions = added.First(o => o.Objectives is not null).Objectives!.Count;
        var origin = new double[dimensions];
        var before = MultiObjective.Hypervolume.Of(_front, origin);
        var gains = proposals.Select(own =>
        {
            var after = MultiObjective.Hypervolume.Of(_front.Concat(own.Where(o => o.Objectives is not null).Select(o => o.Objectives!)).ToList(), origin);
            return before > 0 ? Math.Clamp((after - before) / before, 0, 1) : after > 0 ? 1 : 0;
        }).ToArray();
        var all = _front.Concat(added.Where(o => o.Objectives is not null).Select(o => o.Objectives!)).ToList();
        _front = MultiObjective.Pareto.NonDominated(all).Select(i => all[i]).ToList();
        return gains;
    }

    private void Adapt()
    {
        var best = Enumerable.Range(0, _members.Count).OrderByDescending(i => _members[i].Credit).ThenBy(i => i).First();
        if (_members[best].Spec.Options is not (EvolutionOptions or GpEiOptions))
        {
            return; // nothing to perturb: a copy would be the same optimizer
        }

        // The last member of an optimizer kind is never replaced: copying the early leader everywhere
        // collapsed the ensemble to one kind (random, in one run) and lost the hedge P3BO exists for.
        var worst = Enumerable.Range(0, _members.Count)
            .Where(i => i != best && _members.Count(m => m.Spec.Optimizer == _members[i].Spec.Optimizer) > 1)
            .OrderBy(i => _members[i].Credit).ThenByDescending(i => i)
            .Cast<int?>().FirstOrDefault();
        if (worst is not { } replaced || _members[best].Credit <= _members[replaced].Credit)
        {
            return; // no evidence to act on
        }

        var credit = _members.Average(m => m.Credit);
        var child = CreateMember(Mutate(_members[best].Spec), credit);
        ShareTransfer(child);
        child.Optimizer.Observe(_history.Observations);
        _members[replaced] = child;
    }

    /// <summary>
    /// Transfer: every member that can take priors gets all of them (evolution members seed their first
    /// population, gp-ei members stack their GPs; random members run cold), and so does each member that
    /// adaptation creates later. Members propose overlapping seeds; the ensemble's duplicate filter keeps
    /// each prior design to one trial.
    /// </summary>
    public void Prime(IReadOnlyList<PriorStudy> priors)
    {
        ArgumentNullException.ThrowIfNull(priors);
        if (_primed || _history.TakenCount > 0)
        {
            throw new InvalidOperationException("p3bo is primed once, before its first suggestion");
        }

        (_primed, _priors) = (true, priors);
        foreach (var m in _members)
        {
            ShareTransfer(m);
        }
    }

    private void ShareTransfer(Member member)
    {
        if (_priors.Count > 0 && member.Optimizer is ITransferable transferable)
        {
            transferable.Prime(_priors);
        }
    }

    private P3boMemberSpec Mutate(P3boMemberSpec spec)
    {
        double Factor() => Math.Exp(Normal.Sample(_rng, 0, 0.3));
        switch (spec.Options)
        {
            case EvolutionOptions e:
                var population = Math.Clamp((int)Math.Round(e.Population * Factor()), 4, 256);
                return spec with
                {
                    Options = e with
                    {
                        Population = population,
                        MutationProbability = Math.Clamp(e.MutationProbability * Factor(), 0.01, 0.5),
                        CrossoverRate = Math.Clamp(e.CrossoverRate + Normal.Sample(_rng, 0, 0.1), 0, 1),
                        TournamentSize = Math.Clamp(e.TournamentSize + _rng.Next(-1, 2), 1, population),
                    },
                };
            case GpEiOptions g:
                return spec with
                {
                    Options = g with
                    {
                        Candidates = Math.Clamp((int)Math.Round(g.Candidates * Factor()), 50, 5000),
                        LocalStarts = Math.Clamp(g.LocalStarts + _rng.Next(-1, 2), 0, 10),
                    },
                };
            default:
                return spec; // no hyperparameters to perturb (random)
        }
    }

    /// <summary>Builds a member through the registry; its spec keeps the resolved options, so adaptation can perturb them.</summary>
    private Member CreateMember(P3boMemberSpec spec, double credit)
    {
        var seed = _rng.Next();
        var entry = _registry.Find(spec.Optimizer)!;
        var options = spec.Options ?? entry.Parse(null);
        var optimizer = entry.Create(_history.Space, seed, options);
        var ordinal = _nextOrdinal.GetValueOrDefault(spec.Optimizer) + 1;
        _nextOrdinal[spec.Optimizer] = ordinal;
        return new Member($"{spec.Optimizer}-{ordinal.ToString(CultureInfo.InvariantCulture)}", spec with { Options = options }, optimizer) { Credit = credit };
    }

    private sealed class Member(string id, P3boMemberSpec spec, IOptimizer optimizer)
    {
        public string Id { get; } = id;

        public P3boMemberSpec Spec { get; } = spec;

        public IOptimizer Optimizer { get; } = optimizer;

        public double Credit { get; set; }
    }
}
