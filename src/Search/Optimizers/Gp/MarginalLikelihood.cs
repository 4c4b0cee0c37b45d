using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Optimization;

namespace Apollo.Search.Optimizers.Gp;

/// <summary>
/// Type-II maximum likelihood for the Matérn-5/2 ARD GP (Rasmussen &amp; Williams 2006, §5.4.1):
/// minimizes −log p(y | X, θ) − log p(θ) over θ = (log ℓ_1..d, log σ², log σ_n²) with MathNet's
/// L-BFGS and the analytic gradient ∂/∂θ_p = ½ tr((K⁻¹ − ααᵀ) ∂K/∂θ_p). The weak Gaussian prior
/// on θ (sd 2 in log space around <see cref="GpHyperparameters.Default"/>) only keeps the
/// optimizer away from degenerate corners on tiny data sets; with tens of points the likelihood
/// dominates.
/// </summary>
internal static class MarginalLikelihood
{
    private const double PriorSd = 2.0;

    /// <summary>Fits from each start (in order) and returns the best optimum found.</summary>
    public static GpHyperparameters Fit(IReadOnlyList<double[]> x, IReadOnlyList<double> y, IReadOnlyList<GpHyperparameters> starts, int maxIterations = 60)
    {
        var dim = starts[0].Dimensions;
        var prior = GpHyperparameters.Default(dim).ToVector();
        var bestValue = double.PositiveInfinity;
        double[] best = starts[0].ToVector();
        foreach (var start in starts)
        {
            var objective = ObjectiveFunction.Gradient(v =>
            {
                var theta = v.ToArray();
                var (value, gradient) = Evaluate(x, y, theta, prior);
                if (value < bestValue)
                {
                    // Tracking the best evaluation makes an aborted line search or an iteration cap harmless.
                    bestValue = value;
                    best = theta;
                }

                return (value, Vector<double>.Build.Dense(gradient));
            });
            try
            {
                new LimitedMemoryBfgsMinimizer(1e-4, 1e-6, 1e-8, 7, maxIterations)
                    .FindMinimum(objective, Vector<double>.Build.Dense(start.ToVector()));
            }
            catch (Exception e) when (e is MaximumIterationsException or OptimizationException or ArgumentException)
            {
                // Keep the best point evaluated so far.
            }
        }

        return GpHyperparameters.FromVector(best);
    }

    /// <summary>Negative log posterior of θ and its gradient.</summary>
    public static (double Value, double[] Gradient) Evaluate(IReadOnlyList<double[]> x, IReadOnlyList<double> y, double[] theta, double[] prior)
    {
        var n = x.Count;
        var dim = theta.Length - 2;
        var grad = new double[theta.Length];
        var penalty = 0.0;
        for (var p = 0; p < theta.Length; p++)
        {
            var t = (theta[p] - prior[p]) / PriorSd;
            penalty += 0.5 * t * t;
            grad[p] = t / PriorSd;
        }

        if (theta.Any(t => !double.IsFinite(t) || Math.Abs(t) > 30))
        {
            return (1e10 + penalty, grad);
        }

        var h = GpHyperparameters.FromVector(theta);
        var sf2 = h.SignalVariance;
        var sn2 = h.NoiseVariance;
        var inv = h.LogLengthscales.Select(v => Math.Exp(-v)).ToArray();
        var k = new double[n * n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < i; j++)
            {
                k[i * n + j] = sf2 * Matern52.Correlation(R2(x[i], x[j], inv));
            }

            k[i * n + i] = sf2 + sn2;
        }

        if (!DenseMath.Cholesky(k, n, n))
        {
            return (1e10 + penalty, grad);
        }

        var alpha = y.ToArray();
        DenseMath.ForwardSolve(k, n, n, alpha);
        var logDet = 0.0;
        for (var i = 0; i < n; i++)
        {
            logDet += Math.Log(k[i * n + i]);
        }

        var quad = DenseMath.Dot(alpha, alpha);
        DenseMath.BackSolve(k, n, n, alpha);
        var value = 0.5 * quad + logDet + 0.5 * n * Math.Log(2 * Math.PI) + penalty;

        var kinv = DenseMath.InverseFromCholesky(k, n, n);
        // W = K⁻¹ − ααᵀ; ∂NLL/∂θ = ½ Σ_ij W_ij ∂K_ij/∂θ (symmetric: off-diagonal pairs counted twice).
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < i; j++)
            {
                var w = kinv[i * n + j] - alpha[i] * alpha[j];
                var r2 = R2(x[i], x[j], inv);
                grad[dim] += w * sf2 * Matern52.Correlation(r2);
                var g = w * sf2 * Matern52.LengthscaleFactor(r2);
                for (var d = 0; d < dim; d++)
                {
                    var s = (x[i][d] - x[j][d]) * inv[d];
                    grad[d] += g * s * s;
                }
            }

            var wii = kinv[i * n + i] - alpha[i] * alpha[i];
            grad[dim] += 0.5 * wii * sf2;
            grad[dim + 1] += 0.5 * wii * (sn2 - GpHyperparameters.NoiseFloor);
        }

        return (value, grad);
    }

    private static double R2(double[] a, double[] b, double[] inv)
    {
        var s = 0.0;
        for (var d = 0; d < a.Length; d++)
        {
            var t = (a[d] - b[d]) * inv[d];
            s += t * t;
        }

        return s;
    }
}
