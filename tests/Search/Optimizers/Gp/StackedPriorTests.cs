using Apollo.Search.Optimizers.Gp;
using MathNet.Numerics.LinearAlgebra;

namespace Apollo.Search.Tests.Optimizers.Gp;

/// <summary>The transfer stack of gp-ei (Vizier §3.3) against dense reference solves.</summary>
public sealed class StackedPriorTests
{
    private static readonly GpHyperparameters Theta = new([Math.Log(0.3), Math.Log(0.5)], Math.Log(1.3), Math.Log(1e-3));

    private static (List<double[]> X, List<double> Y) Data(int n, int seed, Func<double[], double> f)
    {
        var rng = new Random(seed);
        var x = Enumerable.Range(0, n).Select(_ => new[] { rng.NextDouble(), rng.NextDouble() }).ToList();
        return (x, x.Select(f).ToList());
    }

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

    /// <summary>The textbook posterior with prior mean m: m(x) + kᵀ(K + σ²I)⁻¹(y − m(X)), variance k(x,x) − kᵀ(K + σ²I)⁻¹k.</summary>
    private static (Func<double[], double> Mean, Func<double[], double> Variance) Direct(List<double[]> x, List<double> y, Func<double[], double> prior)
    {
        var n = x.Count;
        var kinv = Matrix<double>.Build.Dense(n, n, (i, j) => Kernel(x[i], x[j]) + (i == j ? Theta.NoiseVariance : 0)).Inverse();
        var residual = Vector<double>.Build.Dense(n, i => y[i] - prior(x[i]));
        Vector<double> K(double[] t) => Vector<double>.Build.Dense(n, i => Kernel(t, x[i]));
        return (t => prior(t) + K(t) * kinv * residual, t => Theta.SignalVariance - K(t) * kinv * K(t));
    }

    private static void AssertClose(double expected, double actual) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-8 * Math.Max(1, Math.Abs(expected)), $"expected {expected}, got {actual}");

    [Fact]
    public void A_three_level_stack_equals_the_direct_computation()
    {
        // Three related tasks: each next one is the last plus a smooth shift, as a tighter budget or a new workload would be.
        var (x1, y1) = Data(12, 1, v => Math.Sin(3 * v[0]) + v[1]);
        var (x2, y2) = Data(9, 2, v => Math.Sin(3 * v[0]) + v[1] + 0.3 * v[0]);
        var (x3, y3) = Data(6, 3, v => Math.Sin(3 * v[0]) + v[1] + 0.3 * v[0] - 0.2 * v[1] * v[1]);

        var gp1 = new GaussianProcess(Theta);
        Assert.True(gp1.Reset(x1, y1));
        var gp2 = new GaussianProcess(Theta, v => gp1.Predict(v).Mean);
        Assert.True(gp2.Reset(x2, y2));
        var gp3 = new GaussianProcess(Theta, v => gp2.Predict(v).Mean);
        Assert.True(gp3.Reset(x3, y3));

        var (m1, _) = Direct(x1, y1, _ => 0);
        var (m2, _) = Direct(x2, y2, m1);
        var (m3, v3) = Direct(x3, y3, m2);
        foreach (var t in Data(8, 4, _ => 0).X)
        {
            var (mean, variance) = gp3.Predict(t);
            AssertClose(m3(t), mean);
            AssertClose(v3(t), variance);
        }
    }

    [Fact]
    public void Appending_under_a_prior_mean_equals_refactorizing()
    {
        var (x1, y1) = Data(10, 5, v => v[0] * v[1]);
        var prior = new GaussianProcess(Theta);
        prior.Reset(x1, y1);
        MeanFunction m0 = v => prior.Predict(v).Mean;
        var (x, y) = Data(8, 6, v => v[0] * v[1] + 0.1);
        var full = new GaussianProcess(Theta, m0);
        full.Reset(x, y);
        var grown = new GaussianProcess(Theta, m0);
        grown.Reset(x.Take(3).ToList(), y.Take(3).ToList(), spare: 1);
        for (var i = 3; i < x.Count; i++)
        {
            Assert.True(grown.Append(x[i], y[i]));
        }

        var probe = new[] { 0.4, 0.6 };
        AssertClose(full.Predict(probe).Mean, grown.Predict(probe).Mean);
        AssertClose(full.Predict(probe).Variance, grown.Predict(probe).Variance);
    }

    [Fact]
    public void Without_data_a_level_predicts_its_prior_and_the_stack_skips_empty_priors()
    {
        var rng = new Random(7);
        var (x1, y1) = Data(20, 8, v => 2 * v[0] - v[1]);
        var points = x1.Select((v, i) => new LabelledPoint(i, v, y1[i])).ToList();
        var stack = StackedPrior.Fit([[], points], mean => new Surrogate(64, 32, 5, 0, standardize: true, mean), rng);
        Assert.Equal(1, stack.Levels);
        var top = new Surrogate(64, 32, 5, 0, standardize: true, stack.Mean);
        var probe = new[] { 0.3, 0.9 };
        Assert.Equal(stack.Mean!(probe), top.PredictLabel(probe));
        // The prior level fits its data closely (a smooth linear function, 20 points).
        Assert.True(Math.Abs(stack.Mean!(x1[0]) - y1[0]) < 0.05, $"prior mean {stack.Mean!(x1[0])} at a training point labelled {y1[0]}");
    }
}
