using Apollo.Search.Optimizers.Gp;
using MathNet.Numerics.LinearAlgebra;

namespace Apollo.Search.Tests.Optimizers.Gp;

public sealed class GaussianProcessTests
{
    private static (List<double[]> X, List<double> Y) Data(int n, int dim, int seed)
    {
        var rng = new Random(seed);
        var x = Enumerable.Range(0, n).Select(_ => Enumerable.Range(0, dim).Select(_ => rng.NextDouble()).ToArray()).ToList();
        var y = x.Select(v => Math.Sin(3 * v[0]) + v[1] * v[1] - 0.5 * v[2]).ToList();
        return (x, y);
    }

    private static readonly GpHyperparameters Theta = new([Math.Log(0.3), Math.Log(0.5), Math.Log(0.8)], Math.Log(1.3), Math.Log(1e-3));

    private static double Kernel(double[] a, double[] b)
    {
        var r2 = 0.0;
        for (var d = 0; d < a.Length; d++)
        {
            var t = (a[d] - b[d]) / Math.Exp(Theta.LogLengthscales[d]);
            r2 += t * t;
        }

        var r = Math.Sqrt(r2);
        return Theta.SignalVariance * (1 + Math.Sqrt(5) * r + 5.0 / 3 * r2) * Math.Exp(-Math.Sqrt(5) * r);
    }

    private static void AssertClose(double expected, double actual, double rel = 1e-8) =>
        Assert.True(Math.Abs(expected - actual) <= rel * Math.Max(1, Math.Abs(expected)), $"expected {expected}, got {actual}");

    [Fact]
    public void Posterior_equals_a_direct_dense_solve()
    {
        var (x, y) = Data(30, 3, 1);
        var gp = new GaussianProcess(Theta);
        Assert.True(gp.Reset(x, y));
        var k = Matrix<double>.Build.Dense(30, 30, (i, j) => Kernel(x[i], x[j]) + (i == j ? Theta.NoiseVariance : 0));
        var kinv = k.Inverse();
        var yv = Vector<double>.Build.DenseOfEnumerable(y);
        var (tx, _) = Data(10, 3, 2);
        foreach (var t in tx)
        {
            var ks = Vector<double>.Build.Dense(30, i => Kernel(t, x[i]));
            var mean = ks * kinv * yv;
            var variance = Theta.SignalVariance - ks * kinv * ks;
            var (m, v) = gp.Predict(t);
            AssertClose(mean, m);
            AssertClose(variance, v);
        }
    }

    [Fact]
    public void Appending_equals_refactorizing_and_truncating_restores()
    {
        var (x, y) = Data(25, 3, 3);
        var full = new GaussianProcess(Theta);
        full.Reset(x, y);
        var grown = new GaussianProcess(Theta);
        grown.Reset(x.Take(10).ToList(), y.Take(10).ToList(), spare: 2); // forces a capacity growth too
        for (var i = 10; i < 25; i++)
        {
            Assert.True(grown.Append(x[i], y[i]));
        }

        var probe = new[] { 0.2, 0.7, 0.4 };
        AssertClose(full.Predict(probe).Mean, grown.Predict(probe).Mean, 1e-10);
        AssertClose(full.Predict(probe).Variance, grown.Predict(probe).Variance, 1e-10);

        var head = new GaussianProcess(Theta);
        head.Reset(x.Take(10).ToList(), y.Take(10).ToList());
        grown.Truncate(10);
        AssertClose(head.Predict(probe).Mean, grown.Predict(probe).Mean, 1e-10);
        AssertClose(head.Predict(probe).Variance, grown.Predict(probe).Variance, 1e-10);
    }

    [Fact]
    public void Likelihood_gradient_matches_finite_differences()
    {
        var (x, y) = Data(20, 3, 4);
        var theta = Theta.ToVector();
        var prior = GpHyperparameters.Default(3).ToVector();
        var (_, grad) = MarginalLikelihood.Evaluate(x, y, theta, prior);
        for (var p = 0; p < theta.Length; p++)
        {
            const double h = 1e-5;
            var plus = (double[])theta.Clone();
            var minus = (double[])theta.Clone();
            plus[p] += h;
            minus[p] -= h;
            var fd = (MarginalLikelihood.Evaluate(x, y, plus, prior).Value - MarginalLikelihood.Evaluate(x, y, minus, prior).Value) / (2 * h);
            AssertClose(fd, grad[p], 1e-5);
        }
    }

    [Fact]
    public void Fitting_improves_the_likelihood()
    {
        var (x, y) = Data(40, 3, 5);
        var prior = GpHyperparameters.Default(3).ToVector();
        var start = GpHyperparameters.Default(3);
        var fitted = MarginalLikelihood.Fit(x, y, [start]);
        Assert.True(MarginalLikelihood.Evaluate(x, y, fitted.ToVector(), prior).Value < MarginalLikelihood.Evaluate(x, y, start.ToVector(), prior).Value);
    }

    [Fact]
    public void Cheap_variance_bound_is_an_upper_bound()
    {
        // Branch and bound in the acquisition search is only exact if this holds everywhere.
        var (x, y) = Data(60, 3, 6);
        var gp = new GaussianProcess(Theta);
        gp.Reset(x, y);
        var (probes, _) = Data(200, 3, 7);
        var k = new double[60];
        foreach (var p in probes.Concat(x.Take(10)))
        {
            gp.Mean(p, k, out var bound);
            var exact = gp.Variance(k);
            Assert.True(bound * (1 + 1e-9) >= exact, $"bound {bound} < variance {exact}");
            Assert.True(bound <= Theta.SignalVariance);
        }
    }

    [Fact]
    public void Log_ei_is_stable_and_continuous()
    {
        // Direct formula where it is accurate.
        foreach (var z in new[] { -2.5, -1.0, 0.0, 1.5 })
        {
            var phi = Math.Exp(-0.5 * z * z) / Math.Sqrt(2 * Math.PI);
            AssertClose(Math.Log(z * LogEi.Phi(z) + phi), LogEi.LogH(z), 1e-10);
        }

        // Continuity across the switch points and finite, decreasing values far in the tail.
        foreach (var z in new[] { -3.0, -12.0 })
        {
            AssertClose(LogEi.LogH(z - 1e-9), LogEi.LogH(z + 1e-9), 1e-7);
        }

        var previous = double.PositiveInfinity;
        for (var z = 5.0; z > -1e4; z = z > -10 ? z - 0.25 : z * 1.5)
        {
            var v = LogEi.LogH(z);
            Assert.True(double.IsFinite(v) && v < previous, $"log h({z}) = {v}");
            previous = v;
        }
    }
}
