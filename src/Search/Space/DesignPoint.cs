using System.Globalization;

namespace Apollo.Search.Space;

/// <summary>
/// A point of a <see cref="SearchSpace"/>: one value index per parameter, in parameter order.
/// Immutable, with value equality and a hash that is the same in every process (no hash
/// randomization), so that collections keyed by points behave identically on resume.
/// </summary>
public sealed class DesignPoint : IEquatable<DesignPoint>
{
    private readonly int[] _indices;
    private readonly int _hash;

    public DesignPoint(IReadOnlyList<int> indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        _indices = [.. indices];
        // FNV-1a over the indices: deterministic across runs, unlike HashCode.Combine.
        var h = 2166136261u;
        foreach (var i in _indices)
        {
            h = (h ^ (uint)i) * 16777619u;
        }

        _hash = (int)h;
    }

    /// <summary>Index into each parameter's value list, in parameter order.</summary>
    public IReadOnlyList<int> Indices => _indices;

    /// <summary>Number of parameters.</summary>
    public int Count => _indices.Length;

    /// <summary>The index of parameter <paramref name="dimension"/>.</summary>
    public int this[int dimension] => _indices[dimension];

    public bool Equals(DesignPoint? other) =>
        other is not null && (ReferenceEquals(this, other) || (_hash == other._hash && _indices.AsSpan().SequenceEqual(other._indices)));

    public override bool Equals(object? obj) => Equals(obj as DesignPoint);

    public override int GetHashCode() => _hash;

    public static bool operator ==(DesignPoint? left, DesignPoint? right) => left is null ? right is null : left.Equals(right);

    public static bool operator !=(DesignPoint? left, DesignPoint? right) => !(left == right);

    /// <summary>A copy of the indices, for building neighbours.</summary>
    internal int[] ToArray() => [.. _indices];

    public override string ToString() =>
        "(" + string.Join(", ", _indices.Select(i => i.ToString(CultureInfo.InvariantCulture))) + ")";
}
