using System.Globalization;

namespace Apollo.Search.Space;

/// <summary>
/// A discrete grid: the Cartesian product of the parameters' value lists. Points are addressed by
/// value indices (<see cref="DesignPoint"/>) or, when the grid has at most <see cref="long.MaxValue"/>
/// points (<see cref="HasKeys"/>), by a mixed-radix <see cref="long"/> key, the first parameter being
/// the most significant digit. Larger grids (benchmark problems such as ZDT with 30 variables on 101
/// levels) have no keys and no <see cref="Size"/>; everything else works on them. The space knows
/// nothing about accelerators.
/// </summary>
public sealed class SearchSpace
{
    private readonly SearchParameter[] _parameters;
    private readonly int[] _radix;
    private readonly long[] _stride;
    private readonly long? _size;

    public SearchSpace(IReadOnlyList<SearchParameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (parameters.Count == 0)
        {
            throw new ArgumentException("A search space needs at least one parameter.", nameof(parameters));
        }

        _parameters = [.. parameters];
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in _parameters)
        {
            if (string.IsNullOrWhiteSpace(p.Name))
            {
                throw new ArgumentException("A parameter name is empty.", nameof(parameters));
            }

            if (!names.Add(p.Name))
            {
                throw new ArgumentException($"Parameter '{p.Name}' appears twice.", nameof(parameters));
            }

            if (p.Values is null || p.Values.Count == 0)
            {
                throw new ArgumentException($"Parameter '{p.Name}' has no values.", nameof(parameters));
            }

            if (p.Values.Any(v => !double.IsFinite(v)) || p.Values.Distinct().Count() != p.Values.Count)
            {
                throw new ArgumentException($"Parameter '{p.Name}' must have distinct finite values.", nameof(parameters));
            }
        }

        _radix = _parameters.Select(p => p.Values.Count).ToArray();
        _stride = new long[_radix.Length];
        long size = 1;
        var keyed = true;
        for (var d = _radix.Length - 1; d >= 0 && keyed; d--)
        {
            _stride[d] = size;
            keyed = size <= long.MaxValue / _radix[d];
            size = keyed ? size * _radix[d] : 0;
        }

        _size = keyed ? size : null;
        Count = _radix.Aggregate(1.0, (acc, n) => acc * n);
    }

    /// <summary>
    /// The same grid with a constraint known before evaluation: optimizers never suggest a point it refuses
    /// (<see cref="IsAdmissible"/>; History treats such points as taken). The predicate must be
    /// deterministic and cheap (it is called for every candidate an optimizer considers).
    /// </summary>
    public SearchSpace WithConstraint(Func<DesignPoint, bool> admissible)
    {
        ArgumentNullException.ThrowIfNull(admissible);
        return new SearchSpace(this, admissible);
    }

    private SearchSpace(SearchSpace grid, Func<DesignPoint, bool> admissible)
    {
        _parameters = grid._parameters;
        _radix = grid._radix;
        _stride = grid._stride;
        _size = grid._size;
        Count = grid.Count;
        _admissible = admissible;
    }

    private readonly Func<DesignPoint, bool>? _admissible;

    /// <summary>The space has an a-priori constraint (<see cref="WithConstraint"/>).</summary>
    public bool IsConstrained => _admissible is not null;

    /// <summary>The point passes the a-priori constraint (always true without one).</summary>
    public bool IsAdmissible(DesignPoint point) => _admissible?.Invoke(point) ?? true;

    public IReadOnlyList<SearchParameter> Parameters => _parameters;

    public int Dimensions => _parameters.Length;

    /// <summary>Number of points: the product of the value counts.</summary>
    /// <exception cref="InvalidOperationException">The space has more than <see cref="long.MaxValue"/> points (<see cref="HasKeys"/> is false).</exception>
    public long Size => _size ?? throw new InvalidOperationException($"This space has about {Count:G3} points, more than 64-bit keys address.");

    /// <summary>True when the space has at most <see cref="long.MaxValue"/> points, so that <see cref="Size"/>, <see cref="Encode"/> and <see cref="Decode"/> work.</summary>
    public bool HasKeys => _size is not null;

    /// <summary>Number of points as a double (exact up to 2^53), for any size.</summary>
    public double Count { get; }

    /// <summary>Number of values of parameter <paramref name="dimension"/>.</summary>
    public int Cardinality(int dimension) => _radix[dimension];

    /// <summary>Mixed-radix key, unique per point, in [0, <see cref="Size"/>).</summary>
    /// <exception cref="InvalidOperationException">The space has no keys (<see cref="HasKeys"/>).</exception>
    public long Encode(DesignPoint point)
    {
        Check(point);
        _ = Size;
        long key = 0;
        for (var d = 0; d < _radix.Length; d++)
        {
            key += point[d] * _stride[d];
        }

        return key;
    }

    /// <exception cref="InvalidOperationException">The space has no keys (<see cref="HasKeys"/>).</exception>
    public DesignPoint Decode(long key)
    {
        if (key < 0 || key >= Size)
        {
            throw new ArgumentOutOfRangeException(nameof(key), key, $"Key must be in [0, {Size}).");
        }

        var idx = new int[_radix.Length];
        for (var d = 0; d < _radix.Length; d++)
        {
            idx[d] = (int)(key / _stride[d]);
            key %= _stride[d];
        }

        return new DesignPoint(idx);
    }

    /// <summary>A uniformly random point (one <see cref="Random.Next(int)"/> per dimension, in order).</summary>
    public DesignPoint Sample(Random rng)
    {
        var idx = new int[_radix.Length];
        for (var d = 0; d < idx.Length; d++)
        {
            idx[d] = rng.Next(_radix[d]);
        }

        return new DesignPoint(idx);
    }

    /// <summary>Per dimension index/(n-1) in [0, 1]; 0 for single-valued dimensions.</summary>
    public double[] Normalize(DesignPoint point)
    {
        Check(point);
        var x = new double[_radix.Length];
        for (var d = 0; d < x.Length; d++)
        {
            x[d] = _radix[d] == 1 ? 0.0 : point[d] / (double)(_radix[d] - 1);
        }

        return x;
    }

    /// <summary>(name, value) pairs in parameter order.</summary>
    public IReadOnlyList<KeyValuePair<string, double>> Values(DesignPoint point)
    {
        Check(point);
        return _parameters.Select((p, d) => new KeyValuePair<string, double>(p.Name, p.Values[point[d]])).ToList();
    }

    /// <summary>
    /// The point with exactly these values (every parameter present, no others). A value must equal
    /// a grid value up to a relative 1e-9 (values read back from text).
    /// </summary>
    /// <exception cref="ArgumentException">A parameter is missing, unknown, or off the grid; the message names it and its allowed values.</exception>
    public DesignPoint FromValues(IReadOnlyDictionary<string, double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        foreach (var key in values.Keys.Order(StringComparer.Ordinal))
        {
            if (!_parameters.Any(p => p.Name == key))
            {
                throw new ArgumentException($"Unknown parameter '{key}'; parameters: {string.Join(", ", _parameters.Select(p => p.Name))}.", nameof(values));
            }
        }

        var idx = new int[_parameters.Length];
        for (var d = 0; d < idx.Length; d++)
        {
            var p = _parameters[d];
            if (!values.TryGetValue(p.Name, out var v))
            {
                throw new ArgumentException($"Parameter '{p.Name}' is missing; allowed values: {Allowed(p)}.", nameof(values));
            }

            idx[d] = -1;
            for (var i = 0; i < p.Values.Count; i++)
            {
                if (Math.Abs(p.Values[i] - v) <= 1e-9 * Math.Max(1.0, Math.Abs(p.Values[i])))
                {
                    idx[d] = i;
                    break;
                }
            }

            if (idx[d] < 0)
            {
                throw new ArgumentException(
                    $"Parameter '{p.Name}' has value {v.ToString("R", CultureInfo.InvariantCulture)}, which is not on its grid; allowed values: {Allowed(p)}.",
                    nameof(values));
            }
        }

        return new DesignPoint(idx);
    }

    /// <summary>True when the point has one in-range index per dimension.</summary>
    public bool Contains(DesignPoint point)
    {
        if (point is null || point.Count != _radix.Length)
        {
            return false;
        }

        for (var d = 0; d < _radix.Length; d++)
        {
            if (point[d] < 0 || point[d] >= _radix[d])
            {
                return false;
            }
        }

        return true;
    }

    private void Check(DesignPoint point)
    {
        ArgumentNullException.ThrowIfNull(point);
        if (!Contains(point))
        {
            throw new ArgumentException($"Point {point} is not in this {Dimensions}-dimensional space.", nameof(point));
        }
    }

    private static string Allowed(SearchParameter p) =>
        string.Join(", ", p.Values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
}
