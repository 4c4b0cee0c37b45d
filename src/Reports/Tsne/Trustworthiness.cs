using System.Collections.Concurrent;

namespace Apollo.Reports.Tsne;

/// <summary>
/// Trustworthiness of an embedding (Venna &amp; Kaski 2001, "Neighborhood preservation in nonlinear projection methods: an
/// experimental study"), as scikit-learn's <c>sklearn.manifold.trustworthiness</c> defines it:
/// T(k) = 1 − 2 / (n k (2n − 3k − 1)) · Σ_i Σ_{j ∈ U_i^k} (r(i, j) − k), where U_i^k are the k nearest neighbours of i in
/// the embedding that are not among its k nearest in the input, and r(i, j) is the rank of j among i's input-space
/// neighbours (1 = nearest, i itself excluded). 1 means no embedding neighbour is an intruder.
/// Euclidean distances; ties are broken by the lower index (scikit-learn leaves them to argsort).
/// O(n² (d + k)) time, O(k) memory per thread: each row's ranks are counted, never sorted or stored.
/// </summary>
public static class Trustworthiness
{
    /// <summary>Trustworthiness of <paramref name="low"/> (n × m) as an embedding of <paramref name="high"/> (n rows).</summary>
    /// <exception cref="ArgumentException">Mismatched row counts, ragged rows, or <paramref name="neighbors"/> not in [1, n/2).</exception>
    public static double Compute(double[][] high, double[,] low, int neighbors = 5)
    {
        ArgumentNullException.ThrowIfNull(high);
        ArgumentNullException.ThrowIfNull(low);
        var n = high.Length;
        if (low.GetLength(0) != n)
            throw new ArgumentException($"The embedding has {low.GetLength(0)} rows, the data {n}.", nameof(low));
        if (neighbors < 1 || neighbors >= n / 2.0)
            throw new ArgumentException($"neighbors ({neighbors}) must be at least 1 and less than n / 2 = {n / 2.0}.", nameof(neighbors));
        var features = high[0].Length;
        if (high.Any(row => row is null || row.Length != features))
            throw new ArgumentException("All rows of the data must have the same length.", nameof(high));

        var m = low.GetLength(1);
        var flatLow = new double[n * m];
        Buffer.BlockCopy(low, 0, flatLow, 0, n * m * sizeof(double));
        var penalties = new long[n];
        Parallel.ForEach(Partitioner.Create(0, n, 32), range =>
        {
            var nearest = new int[neighbors];
            var nearestDistance = new double[neighbors];
            var highDistance = new double[neighbors];
            var ranks = new int[neighbors];
            for (var i = range.Item1; i < range.Item2; i++)
            {
                LowNeighbours(flatLow, n, m, i, nearest, nearestDistance);
                for (var a = 0; a < neighbors; a++)
                {
                    highDistance[a] = Affinities.SquaredDistance(high[i], high[nearest[a]]);
                    ranks[a] = 1;
                }

                // r(i, j) = 1 + #{l ≠ i : l is closer to i than j, or equally close with a lower index}.
                for (var l = 0; l < n; l++)
                {
                    if (l == i)
                        continue;
                    var distance = Affinities.SquaredDistance(high[i], high[l]);
                    for (var a = 0; a < neighbors; a++)
                    {
                        if (distance < highDistance[a] || (distance == highDistance[a] && l < nearest[a]))
                            ranks[a]++;
                    }
                }

                long penalty = 0;
                for (var a = 0; a < neighbors; a++)
                    penalty += Math.Max(ranks[a] - neighbors, 0);
                penalties[i] = penalty;
            }
        });
        long total = 0;
        foreach (var penalty in penalties)
            total += penalty;
        return 1 - (total * (2.0 / (n * (double)neighbors * ((2.0 * n) - (3.0 * neighbors) - 1.0))));
    }

    /// <summary>The k nearest other rows of row i in the embedding, ties to the lower index.</summary>
    private static void LowNeighbours(double[] low, int n, int m, int i, int[] nearest, double[] distances)
    {
        var k = nearest.Length;
        var size = 0;
        for (var l = 0; l < n; l++)
        {
            if (l == i)
                continue;
            double distance = 0;
            for (var d = 0; d < m; d++)
            {
                var diff = low[(i * m) + d] - low[(l * m) + d];
                distance += diff * diff;
            }

            // Insertion into a sorted list of k; scanning l upwards with a strict comparison keeps lower indices on ties.
            if (size == k && distance >= distances[k - 1])
                continue;
            var position = size < k ? size++ : k - 1;
            while (position > 0 && distances[position - 1] > distance)
            {
                distances[position] = distances[position - 1];
                nearest[position] = nearest[position - 1];
                position--;
            }

            distances[position] = distance;
            nearest[position] = l;
        }
    }
}
