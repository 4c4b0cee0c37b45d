namespace Apollo.Search.Optimizers.Gp;

/// <summary>
/// Exact GP regression with a zero prior mean (callers standardize targets) and fixed
/// hyperparameters. The Cholesky factor L of K + σ_n² I is kept with spare capacity so that a
/// point can be appended in O(n²) (a rank-1 extension: one forward solve for the new row) and the
/// last points dropped in O(1) (the factor of a leading block is the leading block of the factor).
/// Kriging-believer fantasies use exactly that.
/// </summary>
internal sealed class GaussianProcess
{
    private readonly int _dim;
    private readonly double[] _invLengthscale;
    private double[] _l = [];
    private int _stride;
    private double[] _xs = []; // training inputs divided by the lengthscales, n × dim
    private double[] _y = [];
    private double[] _alpha = [];

    public GaussianProcess(GpHyperparameters hyperparameters)
    {
        Hyperparameters = hyperparameters;
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
    /// posterior variance: conditioning on more data never increases it, so the variance given the
    /// single most correlated training point, σ² − max k_i²/(σ² + σ_n²), bounds it from above.
    /// </summary>
    public double Mean(ReadOnlySpan<double> x, Span<double> k, out double varianceBound)
    {
        Span<double> xs = stackalloc double[_dim];
        Scale(x, xs);
        var maxK = 0.0;
        for (var i = 0; i < Count; i++)
        {
            k[i] = SignalVariance * Matern52.Correlation(SquaredDistance(xs, _xs.AsSpan(i * _dim, _dim)));
            maxK = Math.Max(maxK, k[i]);
        }

        varianceBound = SignalVariance - maxK * maxK / (SignalVariance + NoiseVariance);
        return DenseMath.Dot(k[..Count], _alpha.AsSpan(0, Count));
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
        if (copy)
        {
            for (var i = 0; i < Count; i++)
            {
                Array.Copy(_l, i * _stride, l, i * stride, i + 1);
            }

            Array.Copy(_xs, xs, Count * _dim);
            Array.Copy(_y, y, Count);
        }

        (_l, _xs, _y, _alpha, _stride) = (l, xs, y, new double[stride], stride);
    }

    private void Scale(ReadOnlySpan<double> x, Span<double> xs)
    {
        for (var d = 0; d < _dim; d++)
        {
            xs[d] = x[d] * _invLengthscale[d];
        }
    }

    private static double SquaredDistance(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
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
