namespace Apollo.Search.Optimizers.Gp;

/// <summary>The latent-function interface <see cref="GpEi"/>'s acquisition needs from a model: O(n) mean with a cheap variance bound, O(n²) exact variance.</summary>
internal interface ILatentModel
{
    int Count { get; }

    /// <summary>Posterior mean at normalized <paramref name="x"/>; fills <paramref name="k"/> for <see cref="Variance"/>; <paramref name="varianceBound"/> ≥ the exact posterior variance.</summary>
    double Mean(ReadOnlySpan<double> x, Span<double> k, out double varianceBound);

    /// <summary>Exact posterior variance from the <paramref name="k"/> filled by <see cref="Mean"/>; overwrites it.</summary>
    double Variance(Span<double> k);
}

/// <summary>
/// Binary GP classification with the Laplace approximation and the probit likelihood
/// p(y | f) = Φ(y f), y = ±1 (Rasmussen &amp; Williams, "Gaussian Processes for Machine Learning",
/// 2006, §3.4): the posterior mode f̂ by Newton's method (Algorithm 3.1, with step halving on
/// Ψ(f) = log p(y|f) − ½ fᵀK⁻¹f so that a warm start from any f cannot diverge), predictions by
/// Algorithm 3.2: μ* = k*ᵀ∇log p(y|f̂), σ*² = k** − vᵀv with v = L⁻¹(W^½ k*), B = I + W^½ K W^½ = LLᵀ.
/// With the probit link the averaged predictive probability is exact:
/// P(y = +1 | x) = Φ(μ*/√(1 + σ*²)) (R&amp;W eq. 3.82 / §3.9). The kernel is the Matérn-5/2 ARD of the
/// regression, without noise (a small jitter keeps K positive definite).
/// </summary>
internal sealed class LaplaceClassifier : ILatentModel
{
    private const double Jitter = 1e-8;
    private const int MaxHalvings = 12;
    private readonly int _dim;
    private readonly double[] _invLengthscale;
    private readonly double[] _xs; // inputs divided by the lengthscales, n × dim
    private readonly double[] _l; // Cholesky factor of B, n × n
    private readonly double[] _sqrtW;
    private readonly double[] _gradient; // ∇ log p(y | f̂)

    private LaplaceClassifier(int n, int dim, double[] invLengthscale, double signalVariance)
    {
        (Count, _dim, _invLengthscale, SignalVariance) = (n, dim, invLengthscale, signalVariance);
        _xs = new double[n * dim];
        _l = new double[n * n];
        _sqrtW = new double[n];
        _gradient = new double[n];
        Mode = new double[n];
    }

    public int Count { get; }

    public double SignalVariance { get; }

    /// <summary>The posterior mode f̂ at the training inputs.</summary>
    public double[] Mode { get; }

    /// <summary>∇ log p(y | f̂) at the training inputs (the mode satisfies f̂ = K ∇log p(y|f̂)).</summary>
    public ReadOnlySpan<double> Gradient => _gradient;

    /// <summary>The Laplace approximation to log p(y | X, θ) (R&amp;W eq. 3.32): −½ âᵀf̂ + log p(y|f̂) − Σ log L_ii.</summary>
    public double LogMarginal { get; private set; }

    /// <summary>Newton steps taken.</summary>
    public int Iterations { get; private set; }

    /// <summary>
    /// Finds the mode for inputs <paramref name="x"/> (normalized) with labels <paramref name="positive"/>.
    /// <paramref name="start"/> (optional, length n) is the initial f: a previous fit's mode makes a refit a few steps.
    /// </summary>
    public static LaplaceClassifier Fit(
        IReadOnlyList<double[]> x, IReadOnlyList<bool> positive, ReadOnlySpan<double> logLengthscales, double signalVariance,
        IReadOnlyList<double>? start = null, int maxIterations = 40, double tolerance = 1e-8)
    {
        var n = x.Count;
        var dim = logLengthscales.Length;
        var inv = new double[dim];
        for (var d = 0; d < dim; d++)
        {
            inv[d] = Math.Exp(-logLengthscales[d]);
        }

        var c = new LaplaceClassifier(n, dim, inv, signalVariance);
        var y = positive.Select(p => p ? 1.0 : -1.0).ToArray();
        for (var i = 0; i < n; i++)
        {
            c.Scale(x[i], c._xs.AsSpan(i * dim, dim));
        }

        var k = c.KernelMatrix();
        var f = c.Mode;
        for (var i = 0; i < n; i++)
        {
            f[i] = start?[i] ?? 0;
        }

        var w = new double[n];
        var b = new double[n];
        var a = new double[n];
        var aOld = new double[n];
        var step = new double[n];
        var psi = double.NegativeInfinity;
        var converged = false;
        for (var it = 0; ; it++)
        {
            var logLik = c.Derivatives(y, f, w);
            c.FactorB(k, w);
            if (converged || it == maxIterations)
            {
                // The factor and gradient are now those at the final f̂, as prediction needs.
                var logDet = 0.0;
                for (var i = 0; i < n; i++)
                {
                    logDet += Math.Log(c._l[i * n + i]);
                }

                c.LogMarginal = -0.5 * DenseMath.Dot(a, f) + logLik - logDet;
                c.Iterations = it;
                return c;
            }

            // Algorithm 3.1: b = W f + ∇, a = b − W^½ B⁻¹ W^½ K b, f = K a.
            for (var i = 0; i < n; i++)
            {
                b[i] = w[i] * f[i] + c._gradient[i];
            }

            MatVec(k, n, b, step);
            for (var i = 0; i < n; i++)
            {
                step[i] *= c._sqrtW[i];
            }

            DenseMath.ForwardSolve(c._l, n, n, step);
            DenseMath.BackSolve(c._l, n, n, step);
            Array.Copy(a, aOld, n);
            for (var i = 0; i < n; i++)
            {
                a[i] = b[i] - c._sqrtW[i] * step[i];
            }

            // Step halving in a (Ψ is concave in a as in f): only needed when the start was far off.
            var newPsi = Psi(k, a, y, f);
            for (var h = 0; h < MaxHalvings && it > 0 && newPsi < psi; h++)
            {
                for (var i = 0; i < n; i++)
                {
                    a[i] = 0.5 * (a[i] + aOld[i]);
                }

                newPsi = Psi(k, a, y, f);
            }

            converged = it > 0 && Math.Abs(newPsi - psi) <= tolerance * (1 + Math.Abs(newPsi));
            psi = newPsi;
        }
    }

    /// <summary>Ψ(a) = −½ aᵀK a + log p(y | K a); writes f = K a.</summary>
    private static double Psi(double[] k, double[] a, double[] y, double[] f)
    {
        MatVec(k, a.Length, a, f);
        var s = -0.5 * DenseMath.Dot(a, f);
        for (var i = 0; i < f.Length; i++)
        {
            s += LogEi.LogPhi(y[i] * f[i]);
        }

        return s;
    }

    /// <summary>Probit derivatives (R&amp;W eq. 3.16): ∇_i = y_i r, W_ii = r² + z r with z = y_i f_i, r = φ(z)/Φ(z); returns log p(y | f).</summary>
    private double Derivatives(double[] y, double[] f, double[] w)
    {
        var logLik = 0.0;
        for (var i = 0; i < f.Length; i++)
        {
            var z = y[i] * f[i];
            // r = φ/Φ, through the Mills ratio in the lower tail where Φ underflows.
            var r = z > -5 ? Math.Exp(LogEi.LogPhiDensity(z)) / LogEi.Phi(z) : 1 / LogEi.MillsRatio(-z);
            _gradient[i] = y[i] * r;
            w[i] = Math.Max(r * r + z * r, 1e-300);
            _sqrtW[i] = Math.Sqrt(w[i]);
            logLik += LogEi.LogPhi(z);
        }

        return logLik;
    }

    private void FactorB(double[] k, double[] w)
    {
        var n = Count;
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j <= i; j++)
            {
                _l[i * n + j] = _sqrtW[i] * k[i * n + j] * _sqrtW[j] + (i == j ? 1 : 0);
            }
        }

        // B's eigenvalues are ≥ 1, so the factorization cannot fail.
        DenseMath.Cholesky(_l, n, n);
    }

    private double[] KernelMatrix()
    {
        var n = Count;
        var k = new double[n * n];
        for (var i = 0; i < n; i++)
        {
            var xi = _xs.AsSpan(i * _dim, _dim);
            for (var j = 0; j < i; j++)
            {
                k[i * n + j] = k[j * n + i] = SignalVariance * Matern52.Correlation(GaussianProcess.SquaredDistance(xi, _xs.AsSpan(j * _dim, _dim)));
            }

            k[i * n + i] = SignalVariance * (1 + Jitter);
        }

        return k;
    }

    private static void MatVec(double[] m, int n, ReadOnlySpan<double> v, Span<double> result)
    {
        for (var i = 0; i < n; i++)
        {
            result[i] = DenseMath.Dot(m.AsSpan(i * n, n), v);
        }
    }

    /// <summary>Predictive latent mean; the bound is the prior variance (the posterior's is never larger).</summary>
    public double Mean(ReadOnlySpan<double> x, Span<double> k, out double varianceBound)
    {
        Span<double> xs = stackalloc double[_dim];
        Scale(x, xs);
        for (var i = 0; i < Count; i++)
        {
            k[i] = SignalVariance * Matern52.Correlation(GaussianProcess.SquaredDistance(xs, _xs.AsSpan(i * _dim, _dim)));
        }

        varianceBound = SignalVariance;
        return DenseMath.Dot(k[..Count], _gradient);
    }

    public double Variance(Span<double> k)
    {
        var v = k[..Count];
        for (var i = 0; i < v.Length; i++)
        {
            v[i] *= _sqrtW[i];
        }

        DenseMath.ForwardSolve(_l, Count, Count, v);
        return Math.Max(SignalVariance - DenseMath.Dot(v, v), 1e-12 * SignalVariance);
    }

    /// <summary>P(y = +1 | x) = Φ(μ*/√(1 + σ*²)), exact for the probit likelihood.</summary>
    public double Probability(ReadOnlySpan<double> x)
    {
        var k = new double[Math.Max(Count, 1)];
        var mean = Mean(x, k, out _);
        return LogEi.Phi(mean / Math.Sqrt(1 + Variance(k)));
    }

    private void Scale(ReadOnlySpan<double> x, Span<double> xs)
    {
        for (var d = 0; d < _dim; d++)
        {
            xs[d] = x[d] * _invLengthscale[d];
        }
    }
}
