using Apollo.Reports.Tsne;

namespace Apollo.Reports.Tests.Tsne;

public sealed class TrustworthinessTests
{
    [Fact]
    public void AffineCopyIsPerfectlyTrustworthy()
    {
        // Rotation, uniform scale and shift preserve every distance ratio, hence every neighbour rank.
        var data = TsneTestData.Uniform(300, 2, seed: 1);
        var (sin, cos) = Math.SinCos(0.7);
        var low = new double[data.Length, 2];
        for (var i = 0; i < data.Length; i++)
        {
            low[i, 0] = (3.5 * ((cos * data[i][0]) - (sin * data[i][1]))) + 10;
            low[i, 1] = (3.5 * ((sin * data[i][0]) + (cos * data[i][1]))) - 4;
        }

        Assert.Equal(1.0, Trustworthiness.Compute(data, low, neighbors: 5), 12);
    }

    [Fact]
    public void ShuffledEmbeddingScoresAboutOneHalf()
    {
        // After shuffling, an embedding neighbour j of i is a uniformly random other point, so E[r(i, j)] ≈ n/2 and
        // T ≈ 1 − 2/(n k (2n − 3k − 1)) · n k (n/2 − k) ≈ 1/2. With n k = 2,500 random ranks the spread is about ±0.01.
        var data = TsneTestData.Uniform(500, 10, seed: 2);
        var random = new Random(3);
        var permutation = Enumerable.Range(0, data.Length).OrderBy(_ => random.Next()).ToArray();
        var shuffled = TsneTestData.ToMatrix(permutation.Select(p => data[p]).ToArray());

        var score = Trustworthiness.Compute(data, shuffled, neighbors: 5);

        Assert.InRange(score, 0.4, 0.6);
    }

    [Fact]
    public void MatchesHandComputedValue()
    {
        // Input (1-D) x = [0, 1, 3, 7, 12]; input-space ranks r(i, j) (nearest = 1):
        //   i=0: 1→1 2→2 3→3 4→4        i=1: 0→1 2→2 3→3 4→4       i=2: 1→1 0→2 3→3 4→4
        //   i=3: 2→1 4→2 1→3 0→4        i=4: 3→1 2→2 1→3 0→4
        // Embedding y = [0, 3.1, 1, 4.6, 1.7], k = 2; embedding neighbours and penalties max(r − k, 0):
        //   i=0: 2 (|1|), 4 (|1.7|)     → r = 2, 4 → 0 + 2 = 2
        //   i=1: 4 (1.4), 3 (1.5)        → r = 4, 3 → 2 + 1 = 3
        //   i=2: 4 (0.7), 0 (1.0)        → r = 4, 2 → 2 + 0 = 2
        //   i=3: 1 (1.5), 4 (2.9)        → r = 3, 2 → 1 + 0 = 1
        //   i=4: 2 (0.7), 1 (1.4)        → r = 2, 3 → 0 + 1 = 1
        // Sum 9; T = 1 − 9 · 2 / (5 · 2 · (10 − 6 − 1)) = 1 − 18/30 = 0.4.
        double[][] high = [[0], [1], [3], [7], [12]];
        var low = new double[,] { { 0 }, { 3.1 }, { 1 }, { 4.6 }, { 1.7 } };

        Assert.Equal(0.4, Trustworthiness.Compute(high, low, neighbors: 2), 12);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(5)]
    public void RejectsNeighbourCountsOfHalfTheSamplesOrMore(int neighbors)
    {
        var data = TsneTestData.Uniform(6, 2, seed: 4);
        Assert.Throws<ArgumentException>(() => Trustworthiness.Compute(data, TsneTestData.ToMatrix(data), neighbors));
    }
}
