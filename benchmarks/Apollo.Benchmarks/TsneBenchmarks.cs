using Apollo.Reports.Tsne;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using TsneEmbedder = Apollo.Reports.Tsne.Tsne;

namespace Apollo.Benchmarks;

/// <summary>
/// Wall time of <see cref="TsneEmbedder.Fit"/> with default options (Barnes-Hut above 1,000 points) on 10-D inputs shaped
/// like normalised design points. One cold run per size: a fit takes seconds to minutes, so BenchmarkDotNet's
/// statistics would cost more than they tell. Trustworthiness (k = 5) is computed after the timed run and printed.
/// Targets on 2 cores: 4,000 points ≤ 5 s.
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 0, iterationCount: 1)]
public class TsneBenchmarks
{
    private double[][] _points = [];
    private TsneResult? _result;

    [Params(4_000, 20_000)]
    public int Points { get; set; }

    [GlobalSetup]
    public void Setup() => _points = DesignPoints.Generate(Points, seed: 7);

    [Benchmark]
    public TsneResult Fit() => _result = new TsneEmbedder(new TsneOptions()).Fit(_points);

    [GlobalCleanup]
    public void Report() => DesignPoints.Report(_points, _result, sample: _points.Length);
}

/// <summary>
/// The 100,000-point case, measured separately because it takes minutes. Target on 2 cores: ≤ 5 min. Trustworthiness is
/// computed on a random subsample of 5,000 points (input rows and their embedded coordinates), since the exact
/// O(n²) statistic over 100,000 points would take longer than the fit.
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 0, iterationCount: 1)]
public class TsneLargeBenchmarks
{
    private double[][] _points = [];
    private TsneResult? _result;

    [Params(100_000)]
    public int Points { get; set; }

    [GlobalSetup]
    public void Setup() => _points = DesignPoints.Generate(Points, seed: 7);

    [Benchmark]
    public TsneResult Fit() => _result = new TsneEmbedder(new TsneOptions()).Fit(_points);

    [GlobalCleanup]
    public void Report() => DesignPoints.Report(_points, _result, sample: 5_000);
}

/// <summary>
/// Normalised 10-D design points: 40 clusters around random vertices of an 8-level grid in [0, 1]^10, each point a few
/// grid steps from its centre on every axis (clipped to [0, 1]). Like an optimiser's history, it is clustered and has
/// many exact duplicates.
/// </summary>
internal static class DesignPoints
{
    private const int Levels = 8;
    private const int Clusters = 40;
    private const int Dimensions = 10;

    public static double[][] Generate(int n, int seed)
    {
        var random = new Random(seed);
        var centres = Enumerable.Range(0, Clusters)
            .Select(_ => Enumerable.Range(0, Dimensions).Select(_ => random.Next(Levels)).ToArray()).ToArray();
        var points = new double[n][];
        for (var i = 0; i < n; i++)
        {
            var centre = centres[random.Next(Clusters)];
            points[i] = centre.Select(level => Math.Clamp(level + random.Next(-1, 2) + random.Next(-1, 2), 0, Levels - 1) / (double)(Levels - 1)).ToArray();
        }

        return points;
    }

    public static void Report(double[][] points, TsneResult? result, int sample)
    {
        if (result is null)
            return;
        var random = new Random(11);
        var rows = Enumerable.Range(0, points.Length).OrderBy(_ => random.Next()).Take(sample).Order().ToArray();
        var embedded = new double[rows.Length, result.Embedding.GetLength(1)];
        for (var r = 0; r < rows.Length; r++)
        {
            for (var d = 0; d < embedded.GetLength(1); d++)
                embedded[r, d] = result.Embedding[rows[r], d];
        }

        var trust = Trustworthiness.Compute(rows.Select(r => points[r]).ToArray(), embedded, neighbors: 5);
        Console.WriteLine(FormattableString.Invariant(
            $"// t-SNE N={points.Length}: fit {result.Elapsed.TotalSeconds:F1} s, Barnes-Hut {result.UsedBarnesHut}, KL {result.KlDivergence:F4}, trustworthiness(k=5) {trust:F4} on {rows.Length} points"));
    }
}
