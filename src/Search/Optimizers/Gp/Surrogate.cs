namespace Apollo.Search.Optimizers.Gp;

/// <summary>A labelled training example; <paramref name="Index"/> is the observation's arrival number.</summary>
internal readonly record struct LabelledPoint(int Index, double[] X, double Label);

/// <summary>
/// A GP kept in step with a growing list of labelled points: bounds the training set, standardizes
/// targets, refits hyperparameters on a schedule and otherwise extends the Cholesky factor
/// incrementally. Between rebuilds new points are appended with the standardization of the last
/// rebuild (a rebuild happens at least every <c>Slack</c> appended points).
/// </summary>
internal sealed class Surrogate
{
    /// <summary>Points appended past the training bound before the set is re-selected and refactorized.</summary>
    public const int Slack = 64;

    /// <summary>Always refit while the data set is this small: hyperparameters move fast early on.</summary>
    public const int AlwaysRefitBelow = 50;

    private readonly int _maxTraining;
    private readonly int _fitPoints;
    private readonly int _refitEvery;
    private readonly int _restarts;
    private readonly bool _standardize;
    private readonly MeanFunction? _priorLabelMean;
    private GpHyperparameters? _theta;
    private double[] _k = [];
    private int _fitTotal = -1;
    private int _lastIndex = -1;
    private int _appendedSinceRebuild;

    // priorLabelMean: a prior mean in label units (a transfer stack's prediction); the GP then models the residual label − prior, standardized.
    public Surrogate(int maxTraining, int fitPoints, int refitEvery, int restarts, bool standardize, MeanFunction? priorLabelMean = null)
    {
        _priorLabelMean = priorLabelMean;
        _maxTraining = maxTraining;
        _fitPoints = fitPoints;
        _refitEvery = refitEvery;
        _restarts = restarts;
        _standardize = standardize;
    }

    public GaussianProcess? Gp { get; private set; }

    /// <summary>Standardized label = (label − Offset) / Scale.</summary>
    public double Offset { get; private set; }

    public double Scale { get; private set; } = 1;

    /// <summary>Number of hyperparameter fits so far (diagnostics and tests).</summary>
    public int Fits { get; private set; }

    /// <summary>Number of full refactorizations so far (diagnostics and tests).</summary>
    public int Rebuilds { get; private set; }

    /// <summary>
    /// Brings the model up to date with <paramref name="points"/> (all eligible points, in arrival
    /// order). <paramref name="labelsChanged"/> forces a rebuild because earlier labels moved.
    /// </summary>
    public void Sync(IReadOnlyList<LabelledPoint> points, bool labelsChanged, Random rng)
    {
        if (points.Count == 0)
        {
            Gp = null;
            return;
        }

        var refit = RefitDue(points.Count);
        var fresh = points.Where(p => p.Index > _lastIndex).ToList();
        var rebuild = refit || labelsChanged || Gp is null || _appendedSinceRebuild + fresh.Count > Slack;
        if (!rebuild)
        {
            foreach (var p in fresh)
            {
                if (!Gp!.Append(p.X, (p.Label - Offset) / Scale))
                {
                    rebuild = true;
                    break;
                }

                _appendedSinceRebuild++;
            }
        }

        if (rebuild)
        {
            Rebuild(points, refit, points.Count, rng);
        }

        _lastIndex = points[^1].Index;
    }

    /// <summary>
    /// Refactorizes on <paramref name="points"/>, a subset the caller chose afresh (a trust region's
    /// nearest points); the refit schedule follows <paramref name="total"/>, the size of the whole data set.
    /// </summary>
    public void Reset(IReadOnlyList<LabelledPoint> points, int total, Random rng)
    {
        if (points.Count == 0)
        {
            Gp = null;
            return;
        }

        Rebuild(points, RefitDue(total), total, rng);
        _lastIndex = -1;
    }

    /// <summary>
    /// Refit when the data grew by refit_every points or 5%, whichever is more: hyperparameters
    /// settle as data accumulate, and a fit costs O(fit_points³) per L-BFGS step.
    /// </summary>
    private bool RefitDue(int total) =>
        _theta is null || (total != _fitTotal
            && (total <= AlwaysRefitBelow || total - _fitTotal >= Math.Max(_refitEvery, _fitTotal / 20)));

    private void Rebuild(IReadOnlyList<LabelledPoint> points, bool refit, int total, Random rng)
    {
        var train = Select(points, _maxTraining);
        var prior = _priorLabelMean;
        // What the GP models: the label, or with a prior its residual (the same numbers when there is none).
        var residual = prior is null ? train.Select(p => p.Label).ToList() : train.Select(p => p.Label - prior(p.X)).ToList();
        if (_standardize)
        {
            var mean = residual.Average();
            var sd = Math.Sqrt(residual.Sum(r => (r - mean) * (r - mean)) / train.Count);
            (Offset, Scale) = (mean, sd > 1e-9 ? sd : 1.0);
        }

        var x = train.Select(p => p.X).ToList();
        var y = train.Select(p => (p.Label - Offset) / Scale).ToList();
        var dim = x[0].Length;
        var (offset, scale) = (Offset, Scale);
        MeanFunction? m0 = prior is null ? null : v => (prior(v) - offset) / scale;
        if (refit)
        {
            var fitSet = Select(prior is null ? train : train.Select((p, i) => p with { Label = residual[i] }).ToList(), _fitPoints);
            var starts = new List<GpHyperparameters> { _theta ?? GpHyperparameters.Default(dim) };
            for (var r = 0; r < _restarts; r++)
            {
                starts.Add(new GpHyperparameters(
                    Enumerable.Range(0, dim).Select(_ => Math.Log(0.1) + rng.NextDouble() * Math.Log(20)).ToArray(),
                    -1 + 2 * rng.NextDouble(),
                    Math.Log(1e-4) + rng.NextDouble() * Math.Log(1e3)));
            }

            _theta = MarginalLikelihood.Fit(
                fitSet.Select(p => p.X).ToList(),
                fitSet.Select(p => (p.Label - Offset) / Scale).ToList(),
                starts);
            _fitTotal = total;
            Fits++;
        }

        var theta = _theta!;
        var gp = new GaussianProcess(theta, m0);
        // A near-singular K (e.g. warm-start duplicates) is cured by more noise.
        for (var attempt = 0; attempt < 10 && !gp.Reset(x, y, Slack + 64); attempt++)
        {
            theta = theta with { LogNoiseVariance = Math.Max(theta.LogNoiseVariance, Math.Log(1e-6)) + 2 };
            gp = new GaussianProcess(theta, m0);
        }

        Gp = gp.Count == x.Count ? gp : null;
        Rebuilds++;
        _appendedSinceRebuild = 0;
    }

    /// <summary>The posterior mean in label units at normalized <paramref name="x"/> (the prior alone before any data; 0 without either).</summary>
    public double PredictLabel(ReadOnlySpan<double> x)
    {
        if (Gp is not { } gp)
        {
            return _priorLabelMean?.Invoke(x) ?? 0;
        }

        if (_k.Length < gp.Count)
        {
            _k = new double[gp.Count + Slack];
        }

        return Offset + Scale * gp.Mean(x, _k);
    }

    /// <summary>
    /// At most <paramref name="max"/> points: the best half by label (ties: most recent) plus the most
    /// recent of the rest, returned in arrival order. The best keep the model sharp where EI looks;
    /// the recent keep it informed where the search currently is.
    /// </summary>
    internal static List<LabelledPoint> Select(IReadOnlyList<LabelledPoint> points, int max)
    {
        if (points.Count <= max)
        {
            return [.. points];
        }

        var chosen = new bool[points.Count];
        var best = Enumerable.Range(0, points.Count)
            .OrderByDescending(i => points[i].Label)
            .ThenByDescending(i => i)
            .Take(max / 2);
        var taken = 0;
        foreach (var i in best)
        {
            chosen[i] = true;
            taken++;
        }

        for (var i = points.Count - 1; i >= 0 && taken < max; i--)
        {
            if (!chosen[i])
            {
                chosen[i] = true;
                taken++;
            }
        }

        return points.Where((_, i) => chosen[i]).ToList();
    }
}
