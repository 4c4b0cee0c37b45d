using MathNet.Numerics.LinearAlgebra;

namespace Apollo.Reports.Tsne;

/// <summary>
/// scikit-learn's default t-SNE initialisation (<c>init='pca'</c>): the data projected on its leading principal
/// components, scaled so that the first coordinate has standard deviation 1e-4 (<c>pca / np.std(pca[:, 0]) * 1e-4</c>).
/// Component signs follow scikit-learn's <c>svd_flip</c> (largest-magnitude loading positive) so the result is unique.
/// </summary>
internal static class PcaInitialization
{
    internal const double TargetStd = 1e-4;

    /// <summary>Row-major N × dims initial positions.</summary>
    public static double[] Compute(double[][] data, int dims, int seed)
    {
        var n = data.Length;
        var features = data[0].Length;
        var mean = new double[features];
        foreach (var row in data)
        {
            for (var f = 0; f < features; f++)
                mean[f] += row[f];
        }

        for (var f = 0; f < features; f++)
            mean[f] /= n;
        var covariance = new double[features, features];
        var centred = new double[features];
        foreach (var row in data)
        {
            for (var f = 0; f < features; f++)
                centred[f] = row[f] - mean[f];
            for (var a = 0; a < features; a++)
            {
                for (var b = a; b < features; b++)
                    covariance[a, b] += centred[a] * centred[b];
            }
        }

        for (var a = 0; a < features; a++)
        {
            for (var b = 0; b < a; b++)
                covariance[a, b] = covariance[b, a];
        }

        var evd = Matrix<double>.Build.DenseOfArray(covariance).Evd(Symmetricity.Symmetric);
        var eigenvalues = evd.EigenValues.Select(v => v.Real).ToArray();
        var byVariance = Enumerable.Range(0, features).OrderByDescending(k => eigenvalues[k]).ThenBy(k => k).ToArray();
        var components = Math.Min(dims, features);
        var loadings = new double[components][];
        for (var c = 0; c < components; c++)
        {
            var vector = evd.EigenVectors.Column(byVariance[c]).ToArray();
            var largest = 0;
            for (var f = 1; f < features; f++)
            {
                if (Math.Abs(vector[f]) > Math.Abs(vector[largest]))
                    largest = f;
            }

            if (vector[largest] < 0)
            {
                for (var f = 0; f < features; f++)
                    vector[f] = -vector[f];
            }

            loadings[c] = vector;
        }

        var positions = new double[n * dims];
        for (var i = 0; i < n; i++)
        {
            for (var c = 0; c < components; c++)
            {
                double projection = 0;
                for (var f = 0; f < features; f++)
                    projection += (data[i][f] - mean[f]) * loadings[c][f];
                positions[(i * dims) + c] = projection;
            }
        }

        var std = components > 0 ? StandardDeviation(positions, n, dims) : 0;
        var random = new Random(seed);
        if (!(std > 0) || !double.IsFinite(std))
        {
            // All points coincide: fall back to scikit-learn's init='random' (N(0, 1e-4²)).
            for (var e = 0; e < positions.Length; e++)
                positions[e] = TargetStd * Gaussian(random);
            return positions;
        }

        for (var e = 0; e < positions.Length; e++)
            positions[e] = positions[e] / std * TargetStd;
        // Fewer input features than embedding dimensions: fill the missing axes with small noise so they can unfold.
        for (var i = 0; i < n; i++)
        {
            for (var c = components; c < dims; c++)
                positions[(i * dims) + c] = TargetStd * Gaussian(random);
        }

        return positions;
    }

    private static double StandardDeviation(double[] positions, int n, int dims)
    {
        double mean = 0;
        for (var i = 0; i < n; i++)
            mean += positions[i * dims];
        mean /= n;
        double sum = 0;
        for (var i = 0; i < n; i++)
        {
            var diff = positions[i * dims] - mean;
            sum += diff * diff;
        }

        return Math.Sqrt(sum / n);
    }

    private static double Gaussian(Random random)
    {
        // Box-Muller; 1 - U keeps the logarithm finite.
        var u = 1 - random.NextDouble();
        var v = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * v);
    }
}
