namespace Apollo.Reports.Tests.Tsne;

/// <summary>Synthetic inputs shared by the t-SNE tests.</summary>
internal static class TsneTestData
{
    /// <summary>
    /// <paramref name="clusters"/> isotropic Gaussian clusters (σ = 1) in <paramref name="dimensions"/>-D whose centres are
    /// 20 apart along distinct axes (so any two centres are 20√2 ≈ 28σ apart): well separated by construction.
    /// </summary>
    public static (double[][] Points, int[] Labels) Clusters(int clusters, int perCluster, int dimensions, int seed)
    {
        var random = new Random(seed);
        var points = new double[clusters * perCluster][];
        var labels = new int[points.Length];
        for (var c = 0; c < clusters; c++)
        {
            for (var m = 0; m < perCluster; m++)
            {
                var row = new double[dimensions];
                for (var d = 0; d < dimensions; d++)
                    row[d] = Gaussian(random) + (d == c % dimensions ? 20.0 * (1 + (c / dimensions)) : 0);
                points[(c * perCluster) + m] = row;
                labels[(c * perCluster) + m] = c;
            }
        }

        return (points, labels);
    }

    public static double[][] Uniform(int n, int dimensions, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => Enumerable.Range(0, dimensions).Select(_ => random.NextDouble()).ToArray()).ToArray();
    }

    public static double Gaussian(Random random)
    {
        var u = 1 - random.NextDouble();
        var v = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * v);
    }

    public static double[,] ToMatrix(double[][] rows)
    {
        var matrix = new double[rows.Length, rows[0].Length];
        for (var i = 0; i < rows.Length; i++)
        {
            for (var d = 0; d < rows[0].Length; d++)
                matrix[i, d] = rows[i][d];
        }

        return matrix;
    }

    /// <summary>Share of points whose nearest embedded cluster centroid is their own cluster's.</summary>
    public static double CentroidAccuracy(double[,] embedding, int[] labels)
    {
        var n = labels.Length;
        var dims = embedding.GetLength(1);
        var clusters = labels.Max() + 1;
        var centroids = new double[clusters, dims];
        var sizes = new int[clusters];
        for (var i = 0; i < n; i++)
        {
            sizes[labels[i]]++;
            for (var d = 0; d < dims; d++)
                centroids[labels[i], d] += embedding[i, d];
        }

        for (var c = 0; c < clusters; c++)
        {
            for (var d = 0; d < dims; d++)
                centroids[c, d] /= sizes[c];
        }

        var correct = 0;
        for (var i = 0; i < n; i++)
        {
            var best = -1;
            var bestDistance = double.PositiveInfinity;
            for (var c = 0; c < clusters; c++)
            {
                double distance = 0;
                for (var d = 0; d < dims; d++)
                    distance += Math.Pow(embedding[i, d] - centroids[c, d], 2);
                if (distance < bestDistance)
                {
                    bestDistance = distance;
                    best = c;
                }
            }

            if (best == labels[i])
                correct++;
        }

        return correct / (double)n;
    }
}
