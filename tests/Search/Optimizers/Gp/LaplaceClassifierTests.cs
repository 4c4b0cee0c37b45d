using Apollo.Search.Optimizers.Gp;
using MathNet.Numerics.LinearAlgebra;

namespace Apollo.Search.Tests.Optimizers.Gp;

public sealed class LaplaceClassifierTests
{
    private const double LogLengthscale = -1.6; // ℓ ≈ 0.2 on [0, 1]
    private const double Signal = 2.0;

    // A tiny 1-D set that is not separable by a threshold (0.45 and 0.6 are "wrong"), so the mode is finite and interesting.
    private static readonly double[] Inputs = [0.05, 0.15, 0.3, 0.45, 0.5, 0.6, 0.7, 0.85, 0.95];
    private static readonly bool[] Labels = [false, false, false, true, false, false, true, true, true];

    private static List<double[]> X => Inputs.Select(v => new[] { v }).ToList();

    private static Matrix<double> Kernel()
    {
        var n = Inputs.Length;
        return Matrix<double>.Build.Dense(n, n, (i, j) =>
            Signal * Matern52.Correlation(Math.Pow((Inputs[i] - Inputs[j]) / Math.Exp(LogLengthscale), 2)) * (i == j ? 1 + 1e-8 : 1));
    }

    private static double Ratio(double z) => Math.Exp(LogEi.LogPhiDensity(z)) / LogEi.Phi(z);

    [Fact]
    public void Mode_matches_a_dense_newton_solve_and_is_a_fixed_point()
    {
        // Reference: Newton on Ψ(f) = Σ log Φ(y f) − ½ fᵀK⁻¹f in the textbook form
        // f ← (K⁻¹ + W)⁻¹ (W f + ∇log p(y|f)) (R&W eq. 3.18), with dense MathNet inverses.
        var n = Inputs.Length;
        var k = Kernel();
        var kInv = k.Inverse();
        var y = Labels.Select(l => l ? 1.0 : -1.0).ToArray();
        var f = Vector<double>.Build.Dense(n);
        for (var it = 0; it < 50; it++)
        {
            var grad = Vector<double>.Build.Dense(n, i => y[i] * Ratio(y[i] * f[i]));
            var w = Vector<double>.Build.Dense(n, i => Ratio(y[i] * f[i]) * (Ratio(y[i] * f[i]) + y[i] * f[i]));
            f = (kInv + Matrix<double>.Build.DenseOfDiagonalVector(w)).Solve(w.PointwiseMultiply(f) + grad);
        }

        var c = LaplaceClassifier.Fit(X, Labels, [LogLengthscale], Signal);
        for (var i = 0; i < n; i++)
        {
            Assert.True(Math.Abs(f[i] - c.Mode[i]) < 1e-6, $"mode[{i}] {c.Mode[i]} vs dense Newton {f[i]}");
        }

        // Stationarity: f̂ = K ∇log p(y|f̂) (R&W eq. 3.17).
        var kGrad = k * Vector<double>.Build.Dense(c.Gradient.ToArray());
        for (var i = 0; i < n; i++)
        {
            Assert.True(Math.Abs(kGrad[i] - c.Mode[i]) < 1e-6, $"K∇ {kGrad[i]} vs f̂ {c.Mode[i]}");
        }

        // Laplace evidence (R&W eq. 3.32): −½ f̂ᵀK⁻¹f̂ + log p(y|f̂) − ½ log|I + W^½KW^½|.
        var fh = Vector<double>.Build.Dense(c.Mode);
        var sw = Matrix<double>.Build.DenseOfDiagonalVector(Vector<double>.Build.Dense(n, i => Math.Sqrt(Ratio(y[i] * fh[i]) * (Ratio(y[i] * fh[i]) + y[i] * fh[i]))));
        var b = Matrix<double>.Build.DenseIdentity(n) + sw * k * sw;
        var evidence = -0.5 * fh.DotProduct(kInv * fh) + Enumerable.Range(0, n).Sum(i => LogEi.LogPhi(y[i] * fh[i])) - 0.5 * Math.Log(b.Determinant());
        Assert.True(Math.Abs(evidence - c.LogMarginal) < 1e-6, $"log q(y|X) {c.LogMarginal} vs dense {evidence}");
    }

    [Fact]
    public void A_warm_start_from_far_away_reaches_the_same_mode()
    {
        var cold = LaplaceClassifier.Fit(X, Labels, [LogLengthscale], Signal);
        var warm = LaplaceClassifier.Fit(X, Labels, [LogLengthscale], Signal, Enumerable.Repeat(8.0, Inputs.Length).ToList());
        var again = LaplaceClassifier.Fit(X, Labels, [LogLengthscale], Signal, cold.Mode);
        for (var i = 0; i < Inputs.Length; i++)
        {
            Assert.True(Math.Abs(cold.Mode[i] - warm.Mode[i]) < 1e-6, $"{cold.Mode[i]} vs {warm.Mode[i]}");
        }

        Assert.True(again.Iterations <= 2, $"restarting at the mode took {again.Iterations} steps");
    }

    [Fact]
    public void Predictions_are_monotone_and_calibrated_on_a_separable_problem()
    {
        // Feasible iff x > 0.5, 40 evenly spaced inputs: P(feasible) must rise across the boundary (deep
        // inside a class the latent mean is largest in magnitude mid-class and relaxes towards the edge of the data,
        // so monotonicity is checked on the transition [0.4, 0.6]),
        // be on the right side of ½ away from it, and its latent variance never exceed the prior's.
        var x = Enumerable.Range(0, 40).Select(i => new[] { (i + 0.5) / 40 }).ToList();
        var y = x.Select(v => v[0] > 0.5).ToList();
        var c = LaplaceClassifier.Fit(x, y, [Math.Log(0.15)], 4.0);
        var probabilities = Enumerable.Range(0, 21).Select(i => c.Probability([0.4 + 0.01 * i])).ToList();
        for (var i = 1; i < probabilities.Count; i++)
        {
            Assert.True(probabilities[i] >= probabilities[i - 1] - 1e-12, $"P not monotone at x = {0.4 + 0.01 * i}");
        }

        Assert.True(c.Probability([0.2]) < 0.1 && c.Probability([0.8]) > 0.9, $"P(0.2) = {c.Probability([0.2])}, P(0.8) = {c.Probability([0.8])}");
        Assert.InRange(c.Probability([0.5]), 0.3, 0.7);
        var k = new double[c.Count];
        c.Mean([0.3], k, out var bound);
        Assert.InRange(c.Variance(k), 0, bound);
        // Far from all data the prediction returns to the prior: latent mean 0, P(feasible) = ½ averaged over σ_f².
        Assert.InRange(c.Probability([30.0]), 0.5 - 1e-6, 0.5 + 1e-6);
    }
}
