namespace Apollo.Search.Optimizers.Gp;

/// <summary>
/// The TuRBO-1 trust region (Eriksson et al., "Scalable Global Optimization via Local Bayesian
/// Optimization", NeurIPS 2019, §2) on an integer grid: a box around the incumbent whose side in
/// the unit cube is L·w_d, with w the ARD lengthscales divided by their geometric mean (long
/// lengthscale, wide side); L starts at 0.8, doubles (up to 1.6) after τ_succ = 3 consecutive
/// improving batches and halves after τ_fail = ⌈max(4/q, d/q)⌉ consecutive failing batches of q
/// points; below L_min = 2⁻⁷ the region restarts. A batch improves when its best reward beats the
/// region's best by 10⁻³ of its magnitude (TuRBO's tolerance).
/// </summary>
internal sealed class TrustRegion
{
    public const double InitialLength = 0.8;
    public const double MinLength = 1.0 / 128;
    public const double MaxLength = 1.6;
    public const int SuccessTolerance = 3;
    public const double ImprovementTolerance = 1e-3;

    private readonly int _dimensions;

    public TrustRegion(int dimensions) => _dimensions = dimensions;

    public double Length { get; private set; } = InitialLength;

    public int Successes { get; private set; }

    public int Failures { get; private set; }

    /// <summary>Restarts so far.</summary>
    public int Restarts { get; private set; }

    /// <summary>τ_fail for batches of <paramref name="batch"/> points.</summary>
    public int FailureTolerance(int batch) =>
        (int)Math.Ceiling(Math.Max(4.0 / Math.Max(batch, 1), _dimensions / (double)Math.Max(batch, 1)));

    /// <summary>True when <paramref name="batchBest"/> improves on <paramref name="regionBest"/> by TuRBO's relative tolerance.</summary>
    public static bool Improves(double batchBest, double regionBest) =>
        batchBest > (double.IsFinite(regionBest) ? regionBest + ImprovementTolerance * Math.Abs(regionBest) : regionBest);

    /// <summary>Counts one observed batch of <paramref name="batch"/> points; true when the region has collapsed and must restart.</summary>
    public bool Record(bool improved, int batch)
    {
        if (improved)
        {
            (Successes, Failures) = (Successes + 1, 0);
        }
        else
        {
            (Successes, Failures) = (0, Failures + 1);
        }

        if (Successes >= SuccessTolerance)
        {
            (Length, Successes) = (Math.Min(2 * Length, MaxLength), 0);
        }
        else if (Failures >= FailureTolerance(batch))
        {
            (Length, Failures) = (Length / 2, 0);
        }

        return Length < MinLength;
    }

    /// <summary>A fresh region (L = L0, counters cleared).</summary>
    public void Restart()
    {
        (Length, Successes, Failures) = (InitialLength, 0, 0);
        Restarts++;
    }

    /// <summary>
    /// The box as inclusive index ranges per dimension around <paramref name="centre"/>: half-side
    /// L·w_d/2 in unit-cube units, clipped to the grid, and never less than the centre's own index.
    /// </summary>
    public (int Lo, int Hi)[] Box(IReadOnlyList<int> centre, IReadOnlyList<int> cardinalities, ReadOnlySpan<double> logLengthscales)
    {
        var d = centre.Count;
        var meanLog = 0.0;
        for (var i = 0; i < d; i++)
        {
            meanLog += logLengthscales[i] / d;
        }

        var box = new (int Lo, int Hi)[d];
        for (var i = 0; i < d; i++)
        {
            var steps = cardinalities[i] - 1;
            var half = 0.5 * Length * Math.Exp(logLengthscales[i] - meanLog) * steps;
            // A small tolerance so that a half-side of exactly k steps includes the k-th neighbour.
            var reach = (int)Math.Floor(half + 1e-9);
            box[i] = (Math.Max(0, centre[i] - reach), Math.Min(steps, centre[i] + reach));
        }

        return box;
    }
}
