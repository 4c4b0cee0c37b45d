using Apollo.Configuration;
using Apollo.Search.Optimizers.Gp;
using Apollo.Search.Space;

namespace Apollo.Search.Optimizers;

/// <summary>How <see cref="GpEi"/> treats infeasible trials (YAML <c>infeasible: impute | feasibility | laplace</c>).</summary>
public enum InfeasibleHandling
{
    /// <summary>Vizier-style: infeasible trials enter the regression with a label below every feasible one.</summary>
    Impute,

    /// <summary>EI × P(feasible) from least-squares classification (GP regression on ±1 labels).</summary>
    Feasibility,

    /// <summary>EI × P(feasible) from a GP classifier with the probit likelihood and the Laplace approximation (<see cref="Gp.LaplaceClassifier"/>); the regression sees feasible trials only.</summary>
    Laplace,
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
/// <param name="Infeasible"><see cref="InfeasibleHandling.Impute"/> (Vizier-style: infeasible trials enter the regression with a label below every feasible one), <see cref="InfeasibleHandling.Feasibility"/> (EI × P(feasible) from least-squares classification) or <see cref="InfeasibleHandling.Laplace"/> (EI × P(feasible) from a Laplace-approximation GP classifier, Rasmussen &amp; Williams 2006 §3.4) (<c>infeasible: impute | feasibility | laplace</c>, default laplace since 2026-12-02, impute before).</param>
/// <param name="MaxTrainingPoints">Bound on the GP training set: the best half plus the most recent (<c>max_training_points</c>, 16..4000, default 512).</param>
/// <param name="FitPoints">Points used for the hyperparameter fit, chosen the same way (<c>fit_points</c>, 8..max_training_points, default 128: a fit costs O(fit_points³) per L-BFGS step, and 128 points pin down 12 hyperparameters well).</param>
/// <param name="RefitEvery">Once the data set has more than 50 points, hyperparameters are refitted when it grew by max(refit_every, 5 %) points; always before (<c>refit_every</c>, 1..10000, default 25).</param>
/// <param name="Restarts">Random L-BFGS restarts in addition to the warm start from the previous fit (<c>restarts</c>, 0..20, default 1).</param>
/// <param name="Candidates">Random grid points scored per suggestion before the local search (<c>candidates</c>, 10..100000, default 500).</param>
/// <param name="LocalStarts">Best observed points from which the local (one/two-gene) search starts, besides the best random candidate (<c>local_starts</c>, 0..100, default 3).</param>
/// <param name="Scalarization"><see cref="Scalarization.Reward"/> (the GP models log reward) or <see cref="Scalarization.Parego"/> (a fresh random augmented Chebyshev scalarization of the objectives per batch, for multi-objective studies) (<c>scalarization: reward | parego</c>, default reward).</param>
/// <param name="TrustRegion">TuRBO-1 trust region (Eriksson et al. 2019): candidates only inside a box around the region's best design, which grows on successes, shrinks on failures and restarts from a fresh random design when it collapses; the regression is trained on the <c>local_points</c> observations nearest to the centre (<c>trust_region: true | false</c>, default true since 2026-12-02; ignored with <c>scalarization: parego</c>).</param>
/// <param name="LocalPoints">With <c>trust_region</c>: the regression's training set, the observations nearest to the region's centre in lengthscale units (<c>local_points</c>, 16..max_training_points, default 128: the region is small, and each batch refactorizes in O(n³)).</param>
/// <param name="ClassifierPoints">With <c>infeasible: laplace</c>: the classifier's training set, the most recent half plus the nearest to the region's centre (or the incumbent) (<c>classifier_points</c>, 16..4000, default 128: each Newton step costs O(n³), and 128 keeps a refit near 1 ms).</param>
/// <param name="MinFeasibility">With <c>infeasible: laplace</c>: candidates whose P(feasible) is below this bound are not proposed — the probabilistic constraint of Gelbart, Snoek &amp; Adams, "Bayesian Optimization with Unknown Constraints", UAI 2014 — so that the maximizer does not spend suggestions in neighbourhoods the classifier already knows to be infeasible; 0 turns it off (<c>min_feasibility</c>, 0..0.99, default 0.5: on the quality problem it raised the feasible fraction of 5 × 1,000 trials from 41.9% to about 61% at the same median best).</param>
public sealed record GpEiOptions(
    int InitialRandom = 10,
    InfeasibleHandling Infeasible = InfeasibleHandling.Laplace,
    int MaxTrainingPoints = 512,
    int FitPoints = 128,
    int RefitEvery = 25,
    int Restarts = 1,
    int Candidates = 500,
    int LocalStarts = 3,
    Scalarization Scalarization = Scalarization.Reward,
    bool TrustRegion = true,
    int LocalPoints = 128,
    int ClassifierPoints = 128,
    double MinFeasibility = 0.5) : IOptimizerOptions
{
    internal static readonly string[] Keys =
        ["initial_random", "infeasible", "max_training_points", "fit_points", "refit_every", "restarts", "candidates", "local_starts", "scalarization",
         "trust_region", "local_points", "classifier_points", "min_feasibility"];

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
            OptionReader.Choice(node, "scalarization", d.Scalarization),
            OptionReader.Bool(node, "trust_region", d.TrustRegion),
            OptionReader.Int(node, "local_points", Math.Min(d.LocalPoints, max), 16, max),
            OptionReader.Int(node, "classifier_points", d.ClassifierPoints, 16, 4000),
            OptionReader.Double(node, "min_feasibility", d.MinFeasibility, 0, 0.99));
    }

    internal void Validate()
    {
        if (InitialRandom < 1 || !Enum.IsDefined(Infeasible) || MaxTrainingPoints < 16
            || FitPoints < 8 || FitPoints > MaxTrainingPoints || RefitEvery < 1 || Restarts < 0 || Candidates < 10 || LocalStarts < 0 || !Enum.IsDefined(Scalarization)
            || LocalPoints < 16 || LocalPoints > MaxTrainingPoints || ClassifierPoints < 16 || !(MinFeasibility is >= 0 and <= 0.99))
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
/// Rasmussen &amp; Williams 2006 §6.5), which is cheap, exact and shares all the GP code; <c>laplace</c>
/// multiplies EI by P(feasible) from a GP classifier (probit likelihood, Laplace approximation,
/// <see cref="LaplaceClassifier"/>) on a bounded set — the most recent half plus the nearest to the
/// centre — whose ARD lengthscales come from type-II maximum likelihood on its ±1 labels, and whose
/// lengthscale factor and signal variance are chosen from a small grid by the Laplace marginal
/// likelihood whenever the regression is refitted;
/// refits between start Newton from the previous mode. In both classifier modes the regression sees
/// feasible trials only.</item>
/// <item>Trust region (<c>trust_region: true</c>): TuRBO-1 (Eriksson et al., "Scalable Global
/// Optimization via Local Bayesian Optimization", NeurIPS 2019) on the grid, <see cref="TrustRegion"/>:
/// random candidates and hill climbing stay inside the box around the region's best design; the
/// regression is trained on the <c>local_points</c> observations nearest to the centre; a collapsed
/// region restarts with <c>initial_random</c> uniform points (all data are kept, the centre is the
/// best design since the restart).</item>
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
    private readonly TrustRegion? _region;
    private (int Lo, int Hi)[]? _box;
    private int _regionSeen; // observations already counted by the region
    private int _designLeft; // random points still owed to a restarted region's design
    private bool _lastWasRegion; // the last suggestions came from the region's model
    private int _centre = -1; // observation index of the region's best design
    private int _syncedAt = -1; // observation count at the last successful model sync
    private LaplaceClassifier? _laplace;
    private int[] _laplaceIndices = [];
    private int _laplaceFits = -1; // regression fits when the classifier's hyperparameters were chosen
    private (double LogShift, double Signal) _laplaceTheta;
    private double[]? _laplaceLengthscales;

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

        if (_options.TrustRegion && _options.Scalarization == Scalarization.Reward)
        {
            _region = new TrustRegion(space.Dimensions);
        }
    }

    public string Name => "gp-ei";

    public GpEiOptions Options => _options;

    /// <summary>Hyperparameter fits so far (regression model).</summary>
    public int Fits => _regression.Fits;

    /// <summary>Full refactorizations so far (regression model).</summary>
    public int Rebuilds => _regression.Rebuilds;

    /// <summary>The trust region's side L (null without <c>trust_region</c>).</summary>
    public double? RegionLength => _region?.Length;

    /// <summary>Trust-region restarts so far.</summary>
    public int RegionRestarts => _region?.Restarts ?? 0;

    /// <summary>The current trust region as inclusive index ranges (null before the first modelled suggestion or without <c>trust_region</c>).</summary>
    public IReadOnlyList<(int Lo, int Hi)>? Region => _box;

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
        UpdateRegion();
        var modelled = _history.Observations.Count >= _options.InitialRandom && _designLeft == 0 && Synced();
        var gp = modelled ? _regression.Gp : null;
        var realCount = gp?.Count ?? 0;
        _lastWasRegion = modelled && _region is not null;
        for (var j = 0; j < count; j++)
        {
            DesignPoint? p = null;
            if (gp is not null)
            {
                p = MaximizeAcquisition(gp, out var mean);
                if (p is null && _region is not null && j == 0)
                {
                    // Nothing in the box is worth proposing (every point taken, or none with
                    // P(feasible) ≥ min_feasibility): the region has nothing left to offer.
                    RestartRegion();
                    gp = null;
                }

                if (p is not null && j + 1 < count && !gp!.Append(_history.Space.Normalize(p), mean))
                {
                    gp = null; // fantasy made K singular: finish the batch randomly
                }
            }

            if (p is null && _designLeft > 0)
            {
                _designLeft--;
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

    /// <summary>
    /// <see cref="SyncModels"/>, skipped when nothing was observed since the last successful sync
    /// (ParEGO draws new weights per batch, so it always syncs): a trust region refactorizes and the
    /// classifier runs Newton on every sync, which a call without news need not repeat.
    /// </summary>
    private bool Synced()
    {
        var count = _history.Observations.Count;
        if (count == _syncedAt && _options.Scalarization == Scalarization.Reward)
        {
            return true;
        }

        var ok = SyncModels();
        _syncedAt = ok ? count : -1;
        return ok;
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

    /// <summary>Updates the models; false when there is nothing to model yet (no feasible trial, or none in a restarted region).</summary>
    private bool SyncModels()
    {
        var obs = _history.Observations;
        var parego = _options.Scalarization == Scalarization.Parego;
        if (parego)
        {
            _scalarized = Parego.Labels(obs, _rng);
        }

        if (_region is not null && _centre < 0)
        {
            return false;
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

        if (_options.Infeasible != InfeasibleHandling.Impute)
        {
            SyncRegression(feasible, parego);
            if (_regression.Gp is not { } regression)
            {
                return false;
            }

            if (_classifier is not null)
            {
                _classifier.Sync(obs.Select((o, i) => new LabelledPoint(i, _normalized[i], o.Feasible ? 1.0 : -1.0)).ToList(), false, _rng);
                return _classifier.Gp is not null;
            }

            SyncLaplace(regression.Hyperparameters.LogLengthscales);
            return true;
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

        SyncRegression(all, changed);
        return _regression.Gp is not null;
    }

    /// <summary>The regression on its eligible points: all of them (bounded by the surrogate), or with a trust region the nearest to the centre.</summary>
    private void SyncRegression(List<LabelledPoint> points, bool labelsChanged)
    {
        if (_region is null)
        {
            _regression.Sync(points, labelsChanged, _rng);
            return;
        }

        var lengthscales = _regression.Gp?.Hyperparameters.LogLengthscales;
        var centre = _normalized[_centre];
        var local = Nearest(points.Select(p => p.Index).ToList(), centre, lengthscales, _options.LocalPoints)
            .Select(i => points[i])
            .ToList();
        _regression.Reset(local, points.Count, _rng);
        if (_regression.Gp is { } gp)
        {
            var cards = Enumerable.Range(0, _history.Space.Dimensions).Select(_history.Space.Cardinality).ToArray();
            _box = _region.Box(_history.Observations[_centre].Point.Indices, cards, gp.Hyperparameters.LogLengthscales);
        }
    }

    /// <summary>
    /// Positions (into <paramref name="indices"/>, ascending) of the <paramref name="count"/> observations nearest to
    /// <paramref name="centre"/> in lengthscale units (plain unit-cube distance before a fit); ties by arrival.
    /// </summary>
    private List<int> Nearest(IReadOnlyList<int> indices, double[] centre, double[]? logLengthscales, int count, double logShift = 0)
    {
        if (indices.Count <= count)
        {
            return [.. Enumerable.Range(0, indices.Count)];
        }

        var dim = centre.Length;
        var w = new double[dim];
        for (var d = 0; d < dim; d++)
        {
            w[d] = logLengthscales is null ? 1 : Math.Exp(-2 * (logLengthscales[d] + logShift));
        }

        var dist = new double[indices.Count];
        for (var j = 0; j < indices.Count; j++)
        {
            var x = _normalized[indices[j]];
            var s = 0.0;
            for (var d = 0; d < dim; d++)
            {
                s += w[d] * (x[d] - centre[d]) * (x[d] - centre[d]);
            }

            dist[j] = s;
        }

        var chosen = Enumerable.Range(0, indices.Count).OrderBy(j => dist[j]).ThenBy(j => j).Take(count).ToList();
        chosen.Sort();
        return chosen;
    }

    /// <summary>
    /// Fits the Laplace classifier on the most recent half of <c>classifier_points</c> plus the
    /// observations nearest to the centre (the region's, or the incumbent). Whenever the regression
    /// was refitted, the classifier's hyperparameters are chosen afresh: ARD lengthscales ℓ by type-II
    /// maximum likelihood of a GP regression on the ±1 labels of <c>fit_points</c> of its training
    /// points (least-squares classification, R&amp;W §6.5: cheap, and unlike the regression's
    /// lengthscales it sees which parameters decide feasibility), then (ℓ·e^shift, σ_f²) from a small
    /// grid by the Laplace marginal likelihood. Between those refits Newton starts from the previous mode.
    /// </summary>
    private void SyncLaplace(double[] regressionLengthscales)
    {
        var obs = _history.Observations;
        var centre = _normalized[_region is not null ? _centre : Incumbent()];
        var budget = _options.ClassifierPoints;
        var recent = Math.Min(obs.Count, budget / 2);
        var older = Enumerable.Range(0, obs.Count - recent).ToList();
        var retune = _laplace is null || _laplaceFits != _regression.Fits;
        var logLengthscales = _laplaceLengthscales ?? regressionLengthscales;
        var train = Nearest(older, centre, logLengthscales, budget - recent, retune ? 0 : _laplaceTheta.LogShift)
            .Select(j => older[j])
            .Concat(Enumerable.Range(obs.Count - recent, recent))
            .ToArray();
        var x = train.Select(i => _normalized[i]).ToList();
        var y = train.Select(i => obs[i].Feasible).ToList();
        var previous = new Dictionary<int, double>();
        for (var j = 0; j < _laplaceIndices.Length; j++)
        {
            previous[_laplaceIndices[j]] = _laplace!.Mode[j];
        }

        var start = train.Select(i => previous.GetValueOrDefault(i)).ToList();
        if (retune)
        {
            var stride = (train.Length + _options.FitPoints - 1) / _options.FitPoints;
            var fit = Enumerable.Range(0, train.Length).Where(j => j % stride == 0).ToList();
            var prior = _laplaceLengthscales is null
                ? GpHyperparameters.Default(centre.Length)
                : new GpHyperparameters(_laplaceLengthscales, 0, Math.Log(0.1));
            _laplaceLengthscales = MarginalLikelihood.Fit(
                fit.Select(j => x[j]).ToList(), fit.Select(j => y[j] ? 1.0 : -1.0).ToList(), [prior]).LogLengthscales;
        }

        var scaled = new double[centre.Length];
        LaplaceClassifier Fit((double LogShift, double Signal) theta)
        {
            for (var d = 0; d < scaled.Length; d++)
            {
                scaled[d] = _laplaceLengthscales![d] + theta.LogShift;
            }

            return LaplaceClassifier.Fit(x, y, scaled, theta.Signal, start);
        }

        if (retune)
        {
            LaplaceClassifier? best = null;
            foreach (var theta in LaplaceGrid)
            {
                var c = Fit(theta);
                if (best is null || c.LogMarginal > best.LogMarginal)
                {
                    (best, _laplaceTheta) = (c, theta);
                }
            }

            (_laplace, _laplaceFits) = (best, _regression.Fits);
        }
        else
        {
            _laplace = Fit(_laplaceTheta);
        }

        _laplaceIndices = train;
    }

    /// <summary>Candidate (lengthscale factor as a log, signal variance) pairs of the classifier.</summary>
    private static readonly (double LogShift, double Signal)[] LaplaceGrid =
        [(Math.Log(0.5), 1), (0, 1), (Math.Log(2), 1), (Math.Log(0.5), 4), (0, 4), (Math.Log(2), 4)];

    /// <summary>Index of the best feasible observation (earliest on ties).</summary>
    private int Incumbent()
    {
        var obs = _history.Observations;
        var best = -1;
        for (var i = 0; i < obs.Count; i++)
        {
            if (obs[i].Feasible && (best < 0 || obs[i].Reward > obs[best].Reward))
            {
                best = i;
            }
        }

        return best;
    }

    /// <summary>
    /// Counts the batch observed since the last call against the trust region (only if it came from
    /// the region's model) and moves the centre to the region's best; restarts a collapsed region.
    /// </summary>
    private void UpdateRegion()
    {
        var obs = _history.Observations;
        if (_region is null || obs.Count == _regionSeen)
        {
            return;
        }

        var batchBest = double.NegativeInfinity;
        for (var i = _regionSeen; i < obs.Count; i++)
        {
            if (obs[i].Feasible)
            {
                batchBest = Math.Max(batchBest, obs[i].Reward);
            }
        }

        if (_lastWasRegion && _centre >= 0
            && _region.Record(TrustRegion.Improves(batchBest, obs[_centre].Reward), obs.Count - _regionSeen))
        {
            RestartRegion();
            return;
        }

        for (var i = _regionSeen; i < obs.Count; i++)
        {
            if (obs[i].Feasible && (_centre < 0 || obs[i].Reward > obs[_centre].Reward))
            {
                _centre = i;
            }
        }

        _regionSeen = obs.Count;
    }

    /// <summary>A fresh region: the next <c>initial_random</c> suggestions are uniform, and its centre is the best design observed after now.</summary>
    private void RestartRegion()
    {
        _region!.Restart();
        (_regionSeen, _designLeft, _centre, _lastWasRegion, _box, _syncedAt) = (_history.Observations.Count, _options.InitialRandom, -1, false, null, -1);
    }

    /// <summary>The regression label of feasible observation <paramref name="i"/>: log reward, or this batch's ParEGO scalarization.</summary>
    private double Label(int i) =>
        _options.Scalarization == Scalarization.Parego ? _scalarized[i] : Math.Log(_history.Observations[i].Reward);

    private DesignPoint? MaximizeAcquisition(GaussianProcess gp, out double bestMean)
    {
        var space = _history.Space;
        var box = _box; // set only with a trust region, cleared on restart
        var scorer = new AcquisitionScorer(gp, (ILatentModel?)_classifier?.Gp ?? _laplace, space, _laplace is null ? 0 : _options.MinFeasibility);
        var considered = new HashSet<DesignPoint>();
        var candidates = box is null ? _options.Candidates : (int)Math.Min(_options.Candidates, box.Aggregate(1.0, (v, r) => v * (r.Hi - r.Lo + 1)));
        var random = new List<DesignPoint>(candidates);
        for (var i = 0; i < candidates; i++)
        {
            var p = box is null ? space.Sample(_rng) : SampleIn(box);
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
            .Where(t => t.o.Feasible && (box is null || Inside(t.o.Point, box)))
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
                var neighbours = Neighbours(current, box).Where(p => !_history.IsTaken(p) && considered.Add(p)).ToList();
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

    /// <summary>A uniform point of the box (one draw per dimension, in order).</summary>
    private DesignPoint SampleIn((int Lo, int Hi)[] box)
    {
        var idx = new int[box.Length];
        for (var d = 0; d < idx.Length; d++)
        {
            idx[d] = box[d].Lo + _rng.Next(box[d].Hi - box[d].Lo + 1);
        }

        return new DesignPoint(idx);
    }

    private static bool Inside(DesignPoint point, (int Lo, int Hi)[] box)
    {
        for (var d = 0; d < box.Length; d++)
        {
            if (point[d] < box[d].Lo || point[d] > box[d].Hi)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>All one-gene changes, then a few random two-gene changes; inside <paramref name="box"/> when there is one.</summary>
    private List<DesignPoint> Neighbours(DesignPoint point, (int Lo, int Hi)[]? box)
    {
        var space = _history.Space;
        var list = new List<DesignPoint>();
        var genes = point.ToArray();
        (int Lo, int Hi) Range(int d) => box?[d] ?? (0, space.Cardinality(d) - 1);
        for (var d = 0; d < genes.Length; d++)
        {
            var original = genes[d];
            for (var v = Range(d).Lo; v <= Range(d).Hi; v++)
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
                copy[a] = Range(a).Lo + _rng.Next(Range(a).Hi - Range(a).Lo + 1);
                copy[b] = Range(b).Lo + _rng.Next(Range(b).Hi - Range(b).Lo + 1);
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
        private readonly ILatentModel? _classifier;
        private readonly SearchSpace _space;
        private readonly double _incumbent;
        private readonly double[] _k;
        private readonly double[] _kc;
        private readonly double _logMinFeasibility;

        public AcquisitionScorer(GaussianProcess gp, ILatentModel? classifier, SearchSpace space, double minFeasibility)
        {
            (_gp, _classifier, _space) = (gp, classifier, space);
            _logMinFeasibility = Math.Log(minFeasibility);
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
            var bound = new double[n];
            for (var i = 0; i < n; i++)
            {
                x[i] = _space.Normalize(candidates[i]);
                mean[i] = _gp.Mean(x[i], _k, out var varianceBound);
                bound[i] = LogEi.Value(mean[i], Math.Sqrt(Math.Max(varianceBound, 0)) * BoundSlack, _incumbent);
            }

            // log P(feasible) ≤ 0, so the regression's bound alone bounds the product too; the
            // classifier's O(n) mean is only paid for candidates that bound does not rule out.
            var order = Enumerable.Range(0, n).OrderByDescending(i => bound[i]).ThenBy(i => i).ToArray();
            DesignPoint? best = null;
            double bestScore = toBeat, bestMean = 0;
            foreach (var i in order)
            {
                if (!(bound[i] > bestScore))
                {
                    break;
                }

                double meanC = 0, classifierBound = 0;
                if (_classifier is not null)
                {
                    meanC = _classifier.Mean(x[i], _kc, out var classifierVarianceBound);
                    classifierBound = meanC >= 0
                        ? LogEi.LogPhi(meanC)
                        : LogEi.LogPhi(meanC / Math.Sqrt(1 + Math.Max(classifierVarianceBound, 0) * BoundSlack * BoundSlack));
                    // Gelbart et al. (2014)'s probabilistic constraint: P(feasible) ≥ min_feasibility, or not a candidate.
                    if (classifierBound < _logMinFeasibility || !(bound[i] + classifierBound > bestScore))
                    {
                        continue;
                    }
                }

                _gp.Mean(x[i], _k);
                var score = LogEi.Value(mean[i], Math.Sqrt(_gp.Variance(_k)), _incumbent);
                if (_classifier is not null)
                {
                    // The classifier's exact variance is only worth its O(n²) if its bound can still win
                    // (_kc still holds this candidate's kernel row).
                    if (!(score + classifierBound > bestScore))
                    {
                        continue;
                    }

                    var logP = LogEi.LogPhi(meanC / Math.Sqrt(1 + _classifier.Variance(_kc)));
                    score = logP < _logMinFeasibility ? double.NegativeInfinity : score + logP;
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
