using Apollo.Configuration;
using Apollo.Search.Optimizers.Gp;
using Apollo.Search.Space;

namespace Apollo.Search.Optimizers;

/// <summary>How <see cref="GpEi"/> treats infeasible trials (YAML <c>infeasible: impute | feasibility</c>).</summary>
public enum InfeasibleHandling
{
    /// <summary>Vizier-style: infeasible trials enter the regression with a label below every feasible one.</summary>
    Impute,

    /// <summary>EI × P(feasible) from a separate GP classifier.</summary>
    Feasibility,
}

/// <summary>What <see cref="GpEi"/>'s regression models (YAML <c>scalarization: reward | parego</c>).</summary>
public enum Scalarization
{
    /// <summary>log(reward): the single-objective study's scalar.</summary>
    Reward,

    /// <summary>
    /// ParEGO (Knowles 2006): for each batch a random augmented Chebyshev scalarization of the
    /// normalized objective vectors, so that successive batches aim at different parts of the front.
    /// </summary>
    Parego,
}

/// <summary>Options of <see cref="GpEi"/> (YAML keys in snake_case).</summary>
/// <param name="InitialRandom">Uniform random points before the model is used (<c>initial_random</c>, 1..10000, default 10).</param>
/// <param name="Infeasible"><see cref="InfeasibleHandling.Impute"/> (Vizier-style: infeasible trials enter the regression with a label below every feasible one) or <see cref="InfeasibleHandling.Feasibility"/> (EI × P(feasible) from a separate GP classifier) (<c>infeasible: impute | feasibility</c>, default impute).</param>
/// <param name="MaxTrainingPoints">Bound on the GP training set: the best half plus the most recent (<c>max_training_points</c>, 16..4000, default 512).</param>
/// <param name="FitPoints">Points used for the hyperparameter fit, chosen the same way (<c>fit_points</c>, 8..max_training_points, default 128: a fit costs O(fit_points³) per L-BFGS step, and 128 points pin down 12 hyperparameters well).</param>
/// <param name="RefitEvery">Once the data set has more than 50 points, hyperparameters are refitted when it grew by max(refit_every, 5 %) points; always before (<c>refit_every</c>, 1..10000, default 25).</param>
/// <param name="Restarts">Random L-BFGS restarts in addition to the warm start from the previous fit (<c>restarts</c>, 0..20, default 1).</param>
/// <param name="Candidates">Random grid points scored per suggestion before the local search (<c>candidates</c>, 10..100000, default 500).</param>
/// <param name="LocalStarts">Best observed points from which the local (one/two-gene) search starts, besides the best random candidate (<c>local_starts</c>, 0..100, default 3).</param>
/// <param name="Scalarization"><see cref="Scalarization.Reward"/> (the GP models log reward) or <see cref="Scalarization.Parego"/> (a fresh random augmented Chebyshev scalarization of the objectives per batch, for multi-objective studies) (<c>scalarization: reward | parego</c>, default reward).</param>
public sealed record GpEiOptions(
    int InitialRandom = 10,
    InfeasibleHandling Infeasible = InfeasibleHandling.Impute,
    int MaxTrainingPoints = 512,
    int FitPoints = 128,
    int RefitEvery = 25,
    int Restarts = 1,
    int Candidates = 500,
    int LocalStarts = 3,
    Scalarization Scalarization = Scalarization.Reward) : IOptimizerOptions
{
    internal static readonly string[] Keys =
        ["initial_random", "infeasible", "max_training_points", "fit_points", "refit_every", "restarts", "candidates", "local_starts", "scalarization"];

    /// <summary>Reads options from YAML; null means all defaults.</summary>
    /// <exception cref="ConfigException">Unknown key or value out of range.</exception>
    public static GpEiOptions Parse(YamlNode? node)
    {
        OptionReader.CheckKeys(node, Keys);
        var d = new GpEiOptions();
        var max = OptionReader.Int(node, "max_training_points", d.MaxTrainingPoints, 16, 4000);
        return new GpEiOptions(
            OptionReader.Int(node, "initial_random", d.InitialRandom, 1, 10_000),
            OptionReader.Choice(node, "infeasible", d.Infeasible),
            max,
            OptionReader.Int(node, "fit_points", Math.Min(d.FitPoints, max), 8, max),
            OptionReader.Int(node, "refit_every", d.RefitEvery, 1, 10_000),
            OptionReader.Int(node, "restarts", d.Restarts, 0, 20),
            OptionReader.Int(node, "candidates", d.Candidates, 10, 100_000),
            OptionReader.Int(node, "local_starts", d.LocalStarts, 0, 100),
            OptionReader.Choice(node, "scalarization", d.Scalarization));
    }

    internal void Validate()
    {
        if (InitialRandom < 1 || !Enum.IsDefined(Infeasible) || MaxTrainingPoints < 16
            || FitPoints < 8 || FitPoints > MaxTrainingPoints || RefitEvery < 1 || Restarts < 0 || Candidates < 10 || LocalStarts < 0 || !Enum.IsDefined(Scalarization))
        {
            throw new ArgumentException($"Invalid gp-ei options: {this}.");
        }
    }
}

/// <summary>
/// GP Bayesian optimization with expected improvement, in the role Google Vizier plays in the
/// Apollo study (Golovin et al., "Google Vizier: A Service for Black-Box Optimization", KDD 2017;
/// Snoek et al., "Practical Bayesian Optimization of Machine Learning Algorithms", NeurIPS 2012).
/// <list type="bullet">
/// <item>Inputs: grid indices scaled to [0, 1]. Model: Matérn-5/2 ARD GP on log(reward), targets
/// standardized; hyperparameters by type-II maximum likelihood (L-BFGS, analytic gradient, warm
/// start + random restarts) on a schedule; the Cholesky factor is extended incrementally between
/// rebuilds; the training set is bounded (best half + most recent).</item>
/// <item>Infeasibility: <c>impute</c> gives infeasible trials the label
/// min − max(½(max − min), 0.1) over the feasible log rewards (kept while it stays below every
/// feasible label); <c>feasibility</c> multiplies EI by P(feasible) = Φ(μ_c/√(1 + σ_c²)) from a GP
/// regression on ±1 labels of all trials (least-squares classification with a probit link,
/// Rasmussen &amp; Williams 2006 §6.5), which is cheap, exact and shares all the GP code.</item>
/// <item>Acquisition: log EI computed stably (Ament et al. 2023), maximized over the grid by
/// random candidates plus hill climbing over one-gene and random two-gene neighbours of the best
/// points; candidates are ranked by an upper bound (EI with the prior variance) and exactly scored
/// only while the bound can still win. Taken points are never scored.</item>
/// <item>Batches: kriging believer — each chosen point is added to the GP with its posterior mean
/// as a fantasy label before the next is chosen; fantasies are dropped after the batch.</item>
/// <item>Multi-objective (<c>scalarization: parego</c>): ParEGO (Knowles, "ParEGO: A Hybrid
/// Algorithm With On-Line Landscape Approximation for Expensive Multiobjective Optimization
/// Problems", IEEE TEC 10(1), 2006). Before each modelled batch, weights λ are drawn uniformly from
/// the simplex with the optimizer's generator (Knowles draws from a lattice of evenly spaced
/// weights; the continuous simplex needs no lattice size per objective count); every feasible
/// observation's objectives (<see cref="Observation.Objectives"/>, or the reward when a study has
/// none) are normalized to [0, 1] by the observed ranges, v = 1 − normalized (0 is best), and
/// labelled −(max_j λ_j v_j + ρ Σ_j λ_j v_j) with ρ = 0.05, Knowles' augmented Chebyshev function.
/// The labels change every batch, so the factor is rebuilt every batch; hyperparameters follow
/// the usual refit schedule.</item>
/// <item>Transfer (<see cref="Prime"/>): the first <c>initial_random</c> points are the priors' best feasible
/// designs instead of random ones (re-evaluated as ordinary trials), and the regression is the top of a
/// <see cref="StackedPrior"/> — Vizier's stacked residual GPs over the priors' log rewards (imputed infeasible
/// labels included in <c>impute</c> mode). The feasibility classifier and ParEGO labels take no prior (ParEGO's
/// labels change every batch); with <c>scalarization: parego</c> the priors only seed.</item>
/// </list>
/// </summary>
public sealed class GpEi : IOptimizer, ITransferable
{
    private const int ClimbSteps = 4;
    private const int TwoGeneNeighbours = 24;
    private readonly History _history;
    private readonly Random _rng;
    private readonly GpEiOptions _options;
    private readonly Surrogate? _classifier;
    private readonly Queue<DesignPoint> _seeds = new();
    private Surrogate _regression;
    private bool _primed;
    private readonly List<double[]> _normalized = [];
    private double _impute = double.NaN;
    private double[] _scalarized = [];

    public GpEi(SearchSpace space, int seed, GpEiOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(space);
        _options = options ?? new GpEiOptions();
        _options.Validate();
        _history = new History(space);
        _rng = new Random(seed);
        _regression = Regression(null);
        if (_options.Infeasible == InfeasibleHandling.Feasibility)
        {
            _classifier = new Surrogate(_options.MaxTrainingPoints, _options.FitPoints, _options.RefitEvery, _options.Restarts, standardize: false);
        }
    }

    public string Name => "gp-ei";

    public GpEiOptions Options => _options;

    /// <summary>Hyperparameter fits so far (regression model).</summary>
    public int Fits => _regression.Fits;

    /// <summary>Full refactorizations so far (regression model).</summary>
    public int Rebuilds => _regression.Rebuilds;

    /// <summary>Prior studies that entered the GP stack (0 without transfer).</summary>
    public int PriorLevels { get; private set; }

    /// <inheritdoc/>
    public void Prime(IReadOnlyList<PriorStudy> priors)
    {
        ArgumentNullException.ThrowIfNull(priors);
        if (_primed || _history.TakenCount > 0)
        {
            throw new InvalidOperationException("gp-ei is primed once, before its first suggestion");
        }

        _primed = true;
        foreach (var p in PriorSeeds.Best(_history, priors, _options.InitialRandom))
        {
            _seeds.Enqueue(p);
        }

        if (_options.Scalarization != Scalarization.Reward)
        {
            return;
        }

        var stack = StackedPrior.Fit(priors.Select(PriorLabels).ToList(), Regression, _rng);
        if (stack.Mean is { } mean)
        {
            _regression = Regression(mean);
            PriorLevels = stack.Levels;
        }
    }

    public IReadOnlyList<Suggestion> Suggest(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var result = new List<Suggestion>(count);
        var modelled = _history.Observations.Count >= _options.InitialRandom && SyncModels();
        var gp = modelled ? _regression.Gp : null;
        var realCount = gp?.Count ?? 0;
        for (var j = 0; j < count; j++)
        {
            DesignPoint? p = null;
            if (gp is not null)
            {
                p = MaximizeAcquisition(gp, out var mean);
                if (p is not null && j + 1 < count && !gp.Append(_history.Space.Normalize(p), mean))
                {
                    gp = null; // fantasy made K singular: finish the batch randomly
                }
            }

            p ??= NextSeed() ?? _history.SampleFree(_rng);
            if (p is null)
            {
                break;
            }

            _history.Take(p);
            result.Add(new Suggestion(p, Name));
        }

        _regression.Gp?.Truncate(realCount);
        return result;
    }

    private Surrogate Regression(MeanFunction? priorMean) =>
        new(_options.MaxTrainingPoints, _options.FitPoints, _options.RefitEvery, _options.Restarts, standardize: true, priorMean);

    /// <summary>The next prior design not yet taken, or null (always null without transfer).</summary>
    private DesignPoint? NextSeed()
    {
        while (_seeds.TryDequeue(out var p))
        {
            if (!_history.IsTaken(p))
            {
                return p;
            }
        }

        return null;
    }

    /// <summary>A prior's regression labels: log reward of its feasible points, and in <c>impute</c> mode its infeasible ones imputed as for the study's own.</summary>
    private List<LabelledPoint> PriorLabels(PriorStudy prior)
    {
        var space = _history.Space;
        var feasible = prior.Observations.Where(o => o.Feasible && space.Contains(o.Point)).ToList();
        if (feasible.Count == 0)
        {
            return [];
        }

        var logs = feasible.Select(o => Math.Log(o.Reward)).ToList();
        var (min, max) = (logs.Min(), logs.Max());
        var impute = min - Math.Max(0.5 * (max - min), 0.1);
        return prior.Observations
            .Where(o => space.Contains(o.Point) && (o.Feasible || _options.Infeasible == InfeasibleHandling.Impute))
            .Select((o, i) => new LabelledPoint(i, space.Normalize(o.Point), o.Feasible ? Math.Log(o.Reward) : impute))
            .ToList();
    }

    public void Observe(IReadOnlyList<Observation> observations)
    {
        // Only bookkeeping here: models are brought up to date lazily in Suggest, so an ensemble
        // member that is not asked for points costs nothing.
        foreach (var o in _history.Add(observations))
        {
            _normalized.Add(_history.Space.Normalize(o.Point));
        }
    }

    /// <summary>Updates the models; false when there is nothing to model yet (no feasible trial).</summary>
    private bool SyncModels()
    {
        var obs = _history.Observations;
        var parego = _options.Scalarization == Scalarization.Parego;
        if (parego)
        {
            _scalarized = Parego.Labels(obs, _rng);
        }

        var feasible = new List<LabelledPoint>();
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        for (var i = 0; i < obs.Count; i++)
        {
            if (obs[i].Feasible)
            {
                var label = Label(i);
                feasible.Add(new LabelledPoint(i, _normalized[i], label));
                (min, max) = (Math.Min(min, label), Math.Max(max, label));
            }
        }

        if (feasible.Count == 0)
        {
            return false;
        }

        if (_classifier is not null)
        {
            _classifier.Sync(obs.Select((o, i) => new LabelledPoint(i, _normalized[i], o.Feasible ? 1.0 : -1.0)).ToList(), false, _rng);
            _regression.Sync(feasible, parego, _rng);
            return _regression.Gp is not null && _classifier.Gp is not null;
        }

        // Keep the imputed label while it is still below every feasible label, so that the
        // factor can be extended instead of rebuilt.
        var changed = parego;
        if (parego || double.IsNaN(_impute) || _impute >= min)
        {
            _impute = min - Math.Max(0.5 * (max - min), 0.1);
            changed = true;
        }

        var all = new List<LabelledPoint>(obs.Count);
        for (var i = 0; i < obs.Count; i++)
        {
            all.Add(new LabelledPoint(i, _normalized[i], obs[i].Feasible ? Label(i) : _impute));
        }

        _regression.Sync(all, changed, _rng);
        return _regression.Gp is not null;
    }

    /// <summary>The regression label of feasible observation <paramref name="i"/>: log reward, or this batch's ParEGO scalarization.</summary>
    private double Label(int i) =>
        _options.Scalarization == Scalarization.Parego ? _scalarized[i] : Math.Log(_history.Observations[i].Reward);

    private DesignPoint? MaximizeAcquisition(GaussianProcess gp, out double bestMean)
    {
        var space = _history.Space;
        var scorer = new AcquisitionScorer(gp, _classifier?.Gp, space);
        var considered = new HashSet<DesignPoint>();
        var random = new List<DesignPoint>(_options.Candidates);
        for (var i = 0; i < _options.Candidates; i++)
        {
            var p = space.Sample(_rng);
            if (!_history.IsTaken(p) && considered.Add(p))
            {
                random.Add(p);
            }
        }

        var (best, bestScore, mean) = scorer.BestOf(random, double.NegativeInfinity);
        bestMean = mean;

        // Hill-climb from the best observed points and from the best random candidate.
        var starts = _history.Observations
            .Select((o, i) => (o, i))
            .Where(t => t.o.Feasible)
            .OrderByDescending(t => _options.Scalarization == Scalarization.Parego ? _scalarized[t.i] : t.o.Reward)
            .ThenByDescending(t => t.i)
            .Take(_options.LocalStarts)
            .Select(t => (Point: t.o.Point, Score: double.NegativeInfinity))
            .ToList();
        if (best is not null)
        {
            starts.Add((best, bestScore));
        }

        foreach (var (start, startScore) in starts)
        {
            var current = start;
            var currentScore = startScore;
            for (var step = 0; step < ClimbSteps; step++)
            {
                var neighbours = Neighbours(current).Where(p => !_history.IsTaken(p) && considered.Add(p)).ToList();
                var (nb, nbScore, nbMean) = scorer.BestOf(neighbours, currentScore);
                if (nb is null)
                {
                    break;
                }

                (current, currentScore) = (nb, nbScore);
                if (nbScore > bestScore)
                {
                    (best, bestScore, bestMean) = (nb, nbScore, nbMean);
                }
            }
        }

        return best;
    }

    /// <summary>All one-gene changes, then a few random two-gene changes.</summary>
    private List<DesignPoint> Neighbours(DesignPoint point)
    {
        var space = _history.Space;
        var list = new List<DesignPoint>();
        var genes = point.ToArray();
        for (var d = 0; d < genes.Length; d++)
        {
            var original = genes[d];
            for (var v = 0; v < space.Cardinality(d); v++)
            {
                if (v != original)
                {
                    genes[d] = v;
                    list.Add(new DesignPoint(genes));
                }
            }

            genes[d] = original;
        }

        if (genes.Length >= 2)
        {
            for (var i = 0; i < TwoGeneNeighbours; i++)
            {
                var copy = point.ToArray();
                var a = _rng.Next(copy.Length);
                var b = (a + 1 + _rng.Next(copy.Length - 1)) % copy.Length;
                copy[a] = _rng.Next(space.Cardinality(a));
                copy[b] = _rng.Next(space.Cardinality(b));
                list.Add(new DesignPoint(copy));
            }
        }

        return list;
    }

    /// <summary>
    /// Scores candidates by log EI (+ log P(feasible)). Branch and bound: the posterior mean is
    /// O(n) per candidate but the variance O(n²), and EI grows with σ, so EI at the prior σ is an
    /// upper bound — with the prior σ replaced by the O(n) few-point variance bound of
    /// <see cref="GaussianProcess.Mean(ReadOnlySpan{double}, Span{double}, out double)"/>, which is
    /// tight near data; candidates are scored exactly in bound order until the bound cannot win.
    /// </summary>
    private sealed class AcquisitionScorer
    {
        // Guards the variance bound against rounding: the exact variance is floored and computed
        // through a different path, so the bound is inflated by a hair to stay a true bound.
        private const double BoundSlack = 1 + 1e-9;
        private readonly GaussianProcess _gp;
        private readonly GaussianProcess? _classifier;
        private readonly SearchSpace _space;
        private readonly double _incumbent;
        private readonly double[] _k;
        private readonly double[] _kc;

        public AcquisitionScorer(GaussianProcess gp, GaussianProcess? classifier, SearchSpace space)
        {
            (_gp, _classifier, _space) = (gp, classifier, space);
            var targets = gp.Targets;
            _incumbent = double.NegativeInfinity;
            foreach (var t in targets)
            {
                _incumbent = Math.Max(_incumbent, t);
            }

            _k = new double[gp.Count + 1];
            _kc = new double[(classifier?.Count ?? 0) + 1];
        }

        public (DesignPoint? Point, double Score, double Mean) BestOf(IReadOnlyList<DesignPoint> candidates, double toBeat)
        {
            var n = candidates.Count;
            var x = new double[n][];
            var mean = new double[n];
            var meanC = new double[n];
            var classifierBound = new double[n];
            var bound = new double[n];
            for (var i = 0; i < n; i++)
            {
                x[i] = _space.Normalize(candidates[i]);
                mean[i] = _gp.Mean(x[i], _k, out var varianceBound);
                bound[i] = LogEi.Value(mean[i], Math.Sqrt(Math.Max(varianceBound, 0)) * BoundSlack, _incumbent);
                if (_classifier is not null)
                {
                    meanC[i] = _classifier.Mean(x[i], _kc, out var classifierVarianceBound);
                    classifierBound[i] = meanC[i] >= 0
                        ? LogEi.LogPhi(meanC[i])
                        : LogEi.LogPhi(meanC[i] / Math.Sqrt(1 + Math.Max(classifierVarianceBound, 0) * BoundSlack * BoundSlack));
                    bound[i] += classifierBound[i];
                }
            }

            var order = Enumerable.Range(0, n).OrderByDescending(i => bound[i]).ThenBy(i => i).ToArray();
            DesignPoint? best = null;
            double bestScore = toBeat, bestMean = 0;
            foreach (var i in order)
            {
                if (!(bound[i] > bestScore))
                {
                    break;
                }

                _gp.Mean(x[i], _k);
                var score = LogEi.Value(mean[i], Math.Sqrt(_gp.Variance(_k)), _incumbent);
                if (_classifier is not null)
                {
                    // The classifier's exact variance is only worth its O(n²) if its bound can still win.
                    if (!(score + classifierBound[i] > bestScore))
                    {
                        continue;
                    }

                    _classifier.Mean(x[i], _kc);
                    score += LogEi.LogPhi(meanC[i] / Math.Sqrt(1 + _classifier.Variance(_kc)));
                }

                if (score > bestScore)
                {
                    (best, bestScore, bestMean) = (candidates[i], score, mean[i]);
                }
            }

            return (best, bestScore, bestMean);
        }
    }
}
