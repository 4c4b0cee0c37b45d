namespace Apollo.Search.Optimizers.Gp;

/// <summary>A prior mean m₀(x) of a GP, in the GP's target units, at a normalized input.</summary>
internal delegate double MeanFunction(ReadOnlySpan<double> x);

/// <summary>
/// Exact GP regression with fixed hyperparameters and a prior mean: zero by default (callers
/// standardize targets), or a given <see cref="MeanFunction"/> m₀ — the residual GP of a transfer
/// stack, whose posterior mean is m₀(x) + k(x, X)ᵀ (K + σ_n² I)⁻¹ (y − m₀(X)) and whose variance does
/// not depend on m₀. The Cholesky factor L of K + σ_n² I is kept with spare capacity so that a
/// point can be appended in O(n²) (a rank-1 extension: one forward solve for the new row) and the
/// last points dropped in O(1) (the factor of a leading block is the leading block of the factor).
/// Kriging-believer fantasies use exactly that.
/// </summary>
internal sealed class GaussianProcess : ILatentModel
{
    private readonly int _dim;
    private readonly double[] _invLengthscale;
    private double[] _l = [];
    private int _stride;
    private double[] _xs = []; // training inputs divided by the lengthscales, n × dim
    private double[] _y = [];
    private double[] _m0 = []; // prior mean at the training inputs
    private double[] _alpha = [];
    private readonly MeanFunction? _priorMean;

    public GaussianProcess(GpHyperparameters hyperparameters, MeanFunction? priorMean = null)
    {
        Hyperparameters = hyperparameters;
        _priorMean = priorMean;
        _dim = hyperparameters.Dimensions;
        _invLengthscale = hyperparameters.LogLengthscales.Select(v => Math.Exp(-v)).ToArray();
        SignalVariance = hyperparameters.SignalVariance;
        NoiseVariance = hyperparameters.NoiseVariance;
    }

    public GpHyperparameters Hyperparameters { get; }

    public double SignalVariance { get; }

    public double NoiseVariance { get; }

    public int Count { get; private set; }

    /// <summary>Targets of the training points (standardized units).</summary>
    public ReadOnlySpan<double> Targets => _y.AsSpan(0, Count);

    /// <summary>Replaces the training set and factorizes from scratch (O(n³)). False if K is not positive definite.</summary>
    public bool Reset(IReadOnlyList<double[]> x, IReadOnlyList<double> y, int spare = 64)
    {
        var n = x.Count;
        Ensure(n + spare, copy: false);
        Count = n;
        for (var i = 0; i < n; i++)
        {
            Scale(x[i], _xs.AsSpan(i * _dim, _dim));
            _y[i] = y[i];
            _m0[i] = _priorMean?.Invoke(x[i]) ?? 0;
        }

        for (var i = 0; i < n; i++)
        {
            var xi = _xs.AsSpan(i * _dim, _dim);
            for (var j = 0; j < i; j++)
            {
                _l[i * _stride + j] = SignalVariance * Matern52.Correlation(SquaredDistance(xi, _xs.AsSpan(j * _dim, _dim)));
            }

            _l[i * _stride + i] = SignalVariance + NoiseVariance;
        }

        if (!DenseMath.Cholesky(_l, n, _stride))
        {
            Count = 0;
            return false;
        }

        UpdateAlpha();
        return true;
    }

    /// <summary>Adds one training point by extending the factor (O(n²)).</summary>
    public bool Append(double[] x, double y)
    {
        var n = Count;
        Ensure(n + 1, copy: true);
        var xs = _xs.AsSpan(n * _dim, _dim);
        Scale(x, xs);
        var row = _l.AsSpan(n * _stride, n + 1);
        for (var j = 0; j < n; j++)
        {
            row[j] = SignalVariance * Matern52.Correlation(SquaredDistance(xs, _xs.AsSpan(j * _dim, _dim)));
        }

        DenseMath.ForwardSolve(_l, n, _stride, row[..n]);
        var d = SignalVariance + NoiseVariance - DenseMath.Dot(row[..n], row[..n]);
        if (!(d > 0))
        {
            return false;
        }

        row[n] = Math.Sqrt(d);
        _y[n] = y;
        _m0[n] = _priorMean?.Invoke(x) ?? 0;
        Count = n + 1;
        UpdateAlpha();
        return true;
    }

    /// <summary>Drops the training points after the first <paramref name="count"/>.</summary>
    public void Truncate(int count)
    {
        if (count < Count)
        {
            Count = count;
            UpdateAlpha();
        }
    }

    /// <summary>Posterior mean of the latent function; fills <paramref name="k"/> (length ≥ Count) with k(x, X) for a later <see cref="Variance"/>.</summary>
    public double Mean(ReadOnlySpan<double> x, Span<double> k) => Mean(x, k, out _);

    /// <summary>
    /// As <see cref="Mean(ReadOnlySpan{double}, Span{double})"/>, plus an O(n) upper bound on the
    /// posterior variance: conditioning on more data never increases it, so the variance given only
    /// the <see cref="BoundPoints"/> most correlated training points bounds it from above (tight near
    /// data, where EI candidates from a local search lie).
    /// </summary>
    public double Mean(ReadOnlySpan<double> x, Span<double> k, out double varianceBound)
    {
        Span<double> xs = stackalloc double[_dim];
        Scale(x, xs);
        Span<int> top = stackalloc int[BoundPoints];
        Span<double> topK = stackalloc double[BoundPoints];
        var m = Math.Min(BoundPoints, Count);
        topK.Fill(double.NegativeInfinity);
        for (var i = 0; i < Count; i++)
        {
            var ki = SignalVariance * Matern52.Correlation(SquaredDistance(xs, _xs.AsSpan(i * _dim, _dim)));
            k[i] = ki;
            if (m > 0 && ki > topK[m - 1])
            {
                // Insertion into the short sorted list of the most correlated points.
                var j = m - 1;
                for (; j > 0 && ki > topK[j - 1]; j--)
                {
                    topK[j] = topK[j - 1];
                    top[j] = top[j - 1];
                }

                topK[j] = ki;
                top[j] = i;
            }
        }

        varianceBound = SubsetVariance(top[..m], topK[..m]);
        var residual = DenseMath.Dot(k[..Count], _alpha.AsSpan(0, Count));
        return _priorMean is null ? residual : _priorMean(x) + residual;
    }

    /// <summary>Number of training points the cheap variance bound conditions on.</summary>
    public const int BoundPoints = 4;

    private double SubsetVariance(ReadOnlySpan<int> subset, ReadOnlySpan<double> kSubset)
    {
        var m = subset.Length;
        Span<double> a = stackalloc double[BoundPoints * BoundPoints];
        Span<double> v = stackalloc double[BoundPoints];
        for (var i = 0; i < m; i++)
        {
            for (var j = 0; j < i; j++)
            {
                a[i * BoundPoints + j] = SignalVariance * Matern52.Correlation(
                    SquaredDistance(_xs.AsSpan(subset[i] * _dim, _dim), _xs.AsSpan(subset[j] * _dim, _dim)));
            }

            a[i * BoundPoints + i] = SignalVariance + NoiseVariance;
        }

        // Tiny Cholesky and forward solve; on breakdown fall back to the single-point bound.
        for (var j = 0; j < m; j++)
        {
            var d = a[j * BoundPoints + j];
            for (var p = 0; p < j; p++)
            {
                d -= a[j * BoundPoints + p] * a[j * BoundPoints + p];
            }

            if (!(d > 0))
            {
                return m == 0 ? SignalVariance : SignalVariance - kSubset[0] * kSubset[0] / (SignalVariance + NoiseVariance);
            }

            var ljj = Math.Sqrt(d);
            a[j * BoundPoints + j] = ljj;
            for (var i = j + 1; i < m; i++)
            {
                var s = a[i * BoundPoints + j];
                for (var p = 0; p < j; p++)
                {
                    s -= a[i * BoundPoints + p] * a[j * BoundPoints + p];
                }

                a[i * BoundPoints + j] = s / ljj;
            }
        }

        var vv = 0.0;
        for (var i = 0; i < m; i++)
        {
            var s = kSubset[i];
            for (var p = 0; p < i; p++)
            {
                s -= a[i * BoundPoints + p] * v[p];
            }

            v[i] = s / a[i * BoundPoints + i];
            vv += v[i] * v[i];
        }

        return SignalVariance - vv;
    }

    /// <summary>Posterior variance of the latent function given k(x, X) from <c>Mean</c>; overwrites <paramref name="k"/>.</summary>
    public double Variance(Span<double> k)
    {
        var v = k[..Count];
        DenseMath.ForwardSolve(_l, Count, _stride, v);
        return Math.Max(SignalVariance - DenseMath.Dot(v, v), 1e-12 * SignalVariance);
    }

    public (double Mean, double Variance) Predict(ReadOnlySpan<double> x)
    {
        var k = new double[Math.Max(Count, 1)];
        var m = Mean(x, k);
        return (m, Variance(k));
    }

    private void UpdateAlpha()
    {
        var a = _alpha.AsSpan(0, Count);
        _y.AsSpan(0, Count).CopyTo(a);
        if (_priorMean is not null)
        {
            for (var i = 0; i < Count; i++)
            {
                a[i] -= _m0[i];
            }
        }

        DenseMath.ForwardSolve(_l, Count, _stride, a);
        DenseMath.BackSolve(_l, Count, _stride, a);
    }

    private void Ensure(int capacity, bool copy)
    {
        if (capacity <= _stride)
        {
            return;
        }

        var stride = Math.Max(capacity, _stride * 3 / 2);
        var l = new double[stride * stride];
        var xs = new double[stride * _dim];
        var y = new double[stride];
        var m0 = new double[stride];
        if (copy)
        {
            for (var i = 0; i < Count; i++)
            {
                Array.Copy(_l, i * _stride, l, i * stride, i + 1);
            }

            Array.Copy(_xs, xs, Count * _dim);
            Array.Copy(_y, y, Count);
            Array.Copy(_m0, m0, Count);
        }

        (_l, _xs, _y, _m0, _alpha, _stride) = (l, xs, y, m0, new double[stride], stride);
    }

    private void Scale(ReadOnlySpan<double> x, Span<double> xs)
    {
        for (var d = 0; d < _dim; d++)
        {
            xs[d] = x[d] * _invLengthscale[d];
        }
    }

    internal static double SquaredDistance(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var s = 0.0;
        for (var d = 0; d < a.Length; d++)
        {
            var t = a[d] - b[d];
            s += t * t;
        }

        return s;
    }
}
