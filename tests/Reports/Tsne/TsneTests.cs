using Apollo.Reports.Tsne;
using FsCheck.Xunit;
// Inside Apollo.Reports.*, the simple name Tsne binds to the namespace Apollo.Reports.Tsne before any using directive.
using TsneEmbedder = Apollo.Reports.Tsne.Tsne;

namespace Apollo.Reports.Tests.Tsne;

public sealed class TsneTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SeparatedClustersStaySeparated(bool barnesHut)
    {
        var (points, labels) = TsneTestData.Clusters(clusters: 5, perCluster: 60, dimensions: 10, seed: 11);
        var options = new TsneOptions(ExactThreshold: barnesHut ? 100 : 1000);

        var result = new TsneEmbedder(options).Fit(points);

        Assert.Equal(barnesHut, result.UsedBarnesHut);
        Assert.True(double.IsFinite(result.KlDivergence) && result.KlDivergence >= 0, $"KL {result.KlDivergence}");
        Assert.True(Trustworthiness.Compute(points, result.Embedding) >= 0.9);
        Assert.True(TsneTestData.CentroidAccuracy(result.Embedding, labels) >= 0.95);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SameSeedGivesBitIdenticalEmbeddingsForAnyThreadCount(bool barnesHut)
    {
        var (points, _) = TsneTestData.Clusters(clusters: 4, perCluster: 50, dimensions: 10, seed: 12);
        TsneOptions Options(int threads) => new(Iterations: 400, ExactThreshold: barnesHut ? 50 : 1000, Seed: 5, MaxDegreeOfParallelism: threads);

        var one = new TsneEmbedder(Options(1)).Fit(points);
        var two = new TsneEmbedder(Options(2)).Fit(points);

        Assert.Equal(one.Embedding.Cast<double>().Select(BitConverter.DoubleToInt64Bits), two.Embedding.Cast<double>().Select(BitConverter.DoubleToInt64Bits));
        Assert.Equal(BitConverter.DoubleToInt64Bits(one.KlDivergence), BitConverter.DoubleToInt64Bits(two.KlDivergence));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void BarnesHutGradientMatchesExactGradient(int dims)
    {
        var n = 60;
        var data = TsneTestData.Uniform(n, 5, seed: 21);
        var parallel = new ParallelOptions();
        var dense = Affinities.Dense(data, perplexity: 10, parallel);
        var sparse = ToSparse(dense, n);
        var random = new Random(22);
        var y = Enumerable.Range(0, n * dims).Select(_ => 3 * TsneTestData.Gaussian(random)).ToArray();

        var exact = new double[n * dims];
        new TsneGradient(n, dims, barnesHut: false, parallel).Exact(dense, 1, y, exact, computeError: false);
        var treeGradient = new TsneGradient(n, dims, barnesHut: true, parallel);
        var thetaZero = new double[n * dims];
        treeGradient.BarnesHut(sparse, 1, y, theta: 0, thetaZero, computeError: false);
        var thetaHalf = new double[n * dims];
        treeGradient.BarnesHut(sparse, 1, y, theta: 0.5, thetaHalf, computeError: false);

        // θ = 0 visits every leaf, so only summation order differs from the exact sum: round-off level.
        Assert.True(RelativeError(thetaZero, exact) <= 1e-10, $"θ=0 relative error {RelativeError(thetaZero, exact)}");
        // θ = 0.5 is the accuracy van der Maaten (2014, Fig. 5) reports as a few percent of the gradient.
        Assert.True(RelativeError(thetaHalf, exact) <= 0.05, $"θ=0.5 relative error {RelativeError(thetaHalf, exact)}");
    }

    [Fact]
    public void BarnesHutKlMatchesExactKlWhenPIsComplete()
    {
        var n = 40;
        var data = TsneTestData.Uniform(n, 4, seed: 31);
        var parallel = new ParallelOptions();
        var dense = Affinities.Dense(data, perplexity: 8, parallel);
        var random = new Random(32);
        var y = Enumerable.Range(0, n * 2).Select(_ => TsneTestData.Gaussian(random)).ToArray();
        var gradient = new double[n * 2];

        var exact = new TsneGradient(n, 2, barnesHut: false, parallel).Exact(dense, 1, y, gradient, computeError: true);
        var tree = new TsneGradient(n, 2, barnesHut: true, parallel).BarnesHut(ToSparse(dense, n), 1, y, 0, gradient, computeError: true);

        Assert.Equal(exact, tree, 9);
    }

    [Property(MaxTest = 25)]
    public void PerplexitySearchHitsTheTargetEntropy(int seed, byte rawPerplexity)
    {
        // The bisection stops when |H − log(perplexity)| ≤ 1e-5 nats; recomputing H = −Σ p ln p from the normalised row
        // differs from the search's own formula only by round-off.
        var perplexity = 2 + (rawPerplexity % 40);
        var data = TsneTestData.Uniform(120, 6, seed);
        var row = new double[data.Length - 1];
        foreach (var i in new[] { 0, 37, 119 })
        {
            var distances = data.Where((_, j) => j != i).Select(other => Affinities.SquaredDistance(data[i], other)).ToArray();
            Affinities.SearchRow(distances, row, perplexity);
            var entropy = -row.Where(p => p > 0).Sum(p => p * Math.Log(p));
            Assert.True(Math.Abs(entropy - Math.Log(perplexity)) <= Affinities.EntropyTolerance + 1e-9,
                $"row {i}: entropy {entropy}, target {Math.Log(perplexity)}");
            Assert.Equal(1.0, row.Sum(), 12);
        }
    }

    [Fact]
    public void ReportsProgressEveryFiftyIterationsAndHonoursCancellation()
    {
        var (points, _) = TsneTestData.Clusters(clusters: 3, perCluster: 20, dimensions: 5, seed: 41);
        var reports = new List<TsneProgress>();
        new TsneEmbedder(new TsneOptions(Perplexity: 10, Iterations: 300)).Fit(points, new SynchronousProgress(reports.Add));
        Assert.Equal([50, 100, 150, 200, 250, 300], reports.Select(r => r.Iteration));
        Assert.All(reports, r => Assert.Equal(300, r.TotalIterations));

        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => new TsneEmbedder(new TsneOptions(Perplexity: 10)).Fit(points, cancellation: cancellation.Token));
    }

    [Fact]
    public void AnExaggerationPhaseThatStopsEarlyIsStillFollowedByTheFinalPhase()
    {
        // 700 uniform points in 10-D give a well-connected P: under exaggeration 12 the attraction outweighs the
        // repulsion in every direction, the map contracts towards its mean and the gradient norm falls below 1e-7 at
        // iteration 100, which ends the first phase early (as in scikit-learn). The final phase must still run, or the
        // collapsed start is returned (trustworthiness 0.6 on the README's two studies). Barnes-Hut keeps it fast.
        var data = TsneTestData.Uniform(700, 10, seed: 1);
        var reports = new List<TsneProgress>();

        var result = new TsneEmbedder(new TsneOptions(ExactThreshold: 100)).Fit(data, new SynchronousProgress(reports.Add));

        // Exaggerated KL (≈ 12·(KL + ln 12) > 30) until the first phase stopped, then the plain KL (≈ 2) before iteration 250.
        Assert.Contains(reports, r => r.Iteration < 250 && r.KlDivergence > 30);
        Assert.Contains(reports, r => r.Iteration < 250 && r.KlDivergence < 5);
        Assert.True(reports[^1].Iteration > 250, $"stopped at iteration {reports[^1].Iteration}");
        Assert.True(result.KlDivergence < 5, $"KL {result.KlDivergence}");
        var trust = Trustworthiness.Compute(data, result.Embedding);
        Assert.True(trust >= 0.9, $"trustworthiness {trust}");
    }

    [Fact]
    public void RejectsPerplexityNotBelowThePointCount()
    {
        var data = TsneTestData.Uniform(10, 3, seed: 51);
        Assert.Throws<ArgumentException>(() => new TsneEmbedder(new TsneOptions()).Fit(data));
    }

    private static SparseAffinities ToSparse(double[] dense, int n)
    {
        var rowStart = new int[n + 1];
        var columns = new List<int>();
        var values = new List<double>();
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                if (j == i)
                    continue;
                columns.Add(j);
                values.Add(dense[(i * n) + j]);
            }

            rowStart[i + 1] = columns.Count;
        }

        return new SparseAffinities(rowStart, [.. columns], [.. values]);
    }

    private static double RelativeError(double[] actual, double[] expected)
    {
        double difference = 0, norm = 0;
        for (var e = 0; e < actual.Length; e++)
        {
            difference += Math.Pow(actual[e] - expected[e], 2);
            norm += expected[e] * expected[e];
        }

        return Math.Sqrt(difference / norm);
    }

    private sealed class SynchronousProgress(Action<TsneProgress> report) : IProgress<TsneProgress>
    {
        public void Report(TsneProgress value) => report(value);
    }
}
