using System.Diagnostics;

namespace Apollo.Reports.Tsne;

/// <summary>
/// t-distributed stochastic neighbour embedding (van der Maaten &amp; Hinton 2008, "Visualizing Data using t-SNE", JMLR 9),
/// with the Barnes-Hut approximation for large inputs (van der Maaten 2014, "Accelerating t-SNE using Tree-Based
/// Algorithms", JMLR 15). Follows scikit-learn's <c>sklearn.manifold.TSNE</c>: perplexity-calibrated Gaussian
/// affinities, symmetrised P, PCA initialisation, early exaggeration with momentum 0.5 then momentum 0.8, gains
/// (+0.2 / ×0.8, at least 0.01), learning rate 'auto', and scikit-learn's stopping rules (no KL improvement for 300
/// iterations after the exaggeration phase, or gradient norm ≤ 1e-7, both checked every 50 iterations).
/// Inputs of at most <see cref="TsneOptions.ExactThreshold"/> points use exact O(N²) gradients; larger ones use the
/// 3·perplexity nearest neighbours (exact, from a k-d tree) and a 2^d tree with angle θ.
/// The same options and data give bit-identical embeddings for any <see cref="TsneOptions.MaxDegreeOfParallelism"/>.
/// </summary>
public sealed class Tsne
{
    private const int CheckInterval = 50;
    private const int IterationsWithoutProgress = 300;
    private const double MinGradientNorm = 1e-7;
    private const double MinGain = 0.01;
    private const double ExplorationMomentum = 0.5;
    private const double FinalMomentum = 0.8;

    private readonly TsneOptions _options;

    public Tsne(TsneOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Dimensions < 1)
            throw new ArgumentException($"Dimensions must be at least 1, got {options.Dimensions}.", nameof(options));
        if (!(options.Perplexity > 0))
            throw new ArgumentException($"Perplexity must be positive, got {options.Perplexity}.", nameof(options));
        if (options.Iterations < 0 || options.ExaggerationIterations < 0)
            throw new ArgumentException("Iterations and ExaggerationIterations must not be negative.", nameof(options));
        if (!(options.EarlyExaggeration > 0))
            throw new ArgumentException($"EarlyExaggeration must be positive, got {options.EarlyExaggeration}.", nameof(options));
        if (options.LearningRate is { } rate && !(rate > 0))
            throw new ArgumentException($"LearningRate must be positive, got {rate}.", nameof(options));
        if (!(options.Theta >= 0))
            throw new ArgumentException($"Theta must be at least 0, got {options.Theta}.", nameof(options));
        if (options.MaxDegreeOfParallelism is 0 or < -1)
            throw new ArgumentException("MaxDegreeOfParallelism must be -1 or positive.", nameof(options));
        _options = options;
    }

    /// <summary>Embeds the rows of <paramref name="data"/> (points × features).</summary>
    /// <exception cref="ArgumentException">Ragged, empty or non-finite data; perplexity not below the number of points;
    /// Barnes-Hut with more than 3 dimensions.</exception>
    /// <exception cref="OperationCanceledException">When <paramref name="cancellation"/> is signalled.</exception>
    public TsneResult Fit(double[][] data, IProgress<TsneProgress>? progress = null, CancellationToken cancellation = default)
    {
        var stopwatch = Stopwatch.StartNew();
        Validate(data);
        var options = _options;
        var n = data.Length;
        var dims = options.Dimensions;
        var barnesHut = n > options.ExactThreshold;
        if (barnesHut && dims > 3)
            throw new ArgumentException($"Barnes-Hut t-SNE supports at most 3 dimensions, got {dims}; raise ExactThreshold above {n}.", nameof(data));
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.MaxDegreeOfParallelism, CancellationToken = cancellation };
        var learningRate = options.LearningRate ?? Math.Max(n / options.EarlyExaggeration / 4, 50);

        double[]? dense = null;
        SparseAffinities? sparse = null;
        if (barnesHut)
        {
            var k = Math.Min(n - 1, (int)((3 * options.Perplexity) + 1));
            var tree = new KdTree(data);
            var (indices, distances) = tree.AllNeighbours(k, parallel);
            sparse = Affinities.Sparse(indices, distances, n, k, options.Perplexity, parallel);
        }
        else
        {
            dense = Affinities.Dense(data, options.Perplexity, parallel);
        }

        var y = PcaInitialization.Compute(data, dims, options.Seed);
        var gradient = new TsneGradient(n, dims, barnesHut, parallel);
        double Objective(double[] positions, double[] g, double exaggeration, bool computeError) =>
            sparse is not null
                ? gradient.BarnesHut(sparse, exaggeration, positions, options.Theta, g, computeError)
                : gradient.Exact(dense!, exaggeration, positions, g, computeError);

        var exploration = Math.Min(options.ExaggerationIterations, options.Iterations);
        var error = double.NaN;
        var iteration = Descend(y, Objective, 0, exploration, ExplorationMomentum, options.EarlyExaggeration, learningRate,
            exploration, progress, cancellation, ref error);
        // The second phase runs even when the first stopped early, as in scikit-learn (`it < _EXPLORATION_MAX_ITER or
        // remaining > 0`): on well-connected data the exaggerated attraction outweighs the repulsion in every direction,
        // so the points contract towards their mean, the gradient falls below MinGradientNorm and the first phase stops;
        // only without the exaggeration can the map unfold. Skipping the second phase returned that collapsed start.
        Descend(y, Objective, iteration, options.Iterations, FinalMomentum, 1, learningRate,
            IterationsWithoutProgress, progress, cancellation, ref error);

        var embedding = new double[n, dims];
        for (var i = 0; i < n; i++)
        {
            for (var d = 0; d < dims; d++)
                embedding[i, d] = y[(i * dims) + d];
        }

        return new TsneResult(embedding, error, barnesHut, stopwatch.Elapsed);
    }

    /// <summary>
    /// scikit-learn's <c>_gradient_descent</c> over iterations [start, end): fresh momentum buffer and gains, delta-bar-delta
    /// gains, KL and stopping checks every 50 iterations. Returns the iteration count reached (end unless it stopped early).
    /// </summary>
    private int Descend(double[] y, Func<double[], double[], double, bool, double> objective, int start, int end, double momentum,
        double exaggeration, double learningRate, int withoutProgress, IProgress<TsneProgress>? progress,
        CancellationToken cancellation, ref double error)
    {
        var update = new double[y.Length];
        var gains = new double[y.Length];
        Array.Fill(gains, 1.0);
        var gradient = new double[y.Length];
        var bestError = double.MaxValue;
        var bestIteration = start;
        for (var i = start; i < end; i++)
        {
            cancellation.ThrowIfCancellationRequested();
            var check = (i + 1) % CheckInterval == 0;
            var last = i == end - 1;
            var value = objective(y, gradient, exaggeration, check || last);
            if (check || last)
                error = value;
            for (var e = 0; e < y.Length; e++)
            {
                // Delta-bar-delta (Jacobs 1988): grow the step where the gradient keeps its sign against the last update.
                gains[e] = update[e] * gradient[e] < 0 ? gains[e] + 0.2 : gains[e] * 0.8;
                if (gains[e] < MinGain)
                    gains[e] = MinGain;
                gradient[e] *= gains[e];
                update[e] = (momentum * update[e]) - (learningRate * gradient[e]);
                y[e] += update[e];
            }

            if (check || last)
                progress?.Report(new TsneProgress(i + 1, _options.Iterations, value));
            if (!check)
                continue;
            if (value < bestError)
            {
                bestError = value;
                bestIteration = i;
            }
            else if (i - bestIteration > withoutProgress)
            {
                return i + 1;
            }

            double norm = 0;
            foreach (var g in gradient)
                norm += g * g;
            if (Math.Sqrt(norm) <= MinGradientNorm)
                return i + 1;
        }

        return end;
    }

    private void Validate(double[][] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Length < 2)
            throw new ArgumentException($"t-SNE needs at least 2 points, got {data.Length}.", nameof(data));
        if (!(_options.Perplexity < data.Length))
            throw new ArgumentException($"Perplexity ({_options.Perplexity}) must be less than the number of points ({data.Length}).", nameof(data));
        var features = data[0]?.Length ?? 0;
        if (features == 0)
            throw new ArgumentException("Points must have at least one feature.", nameof(data));
        for (var i = 0; i < data.Length; i++)
        {
            var row = data[i];
            if (row is null || row.Length != features)
                throw new ArgumentException($"Row {i} has {row?.Length ?? 0} features, expected {features}.", nameof(data));
            foreach (var value in row)
            {
                if (!double.IsFinite(value))
                    throw new ArgumentException($"Row {i} contains a non-finite value.", nameof(data));
            }
        }
    }
}
