using Apollo.Search.Space;
using Apollo.Testing;
using FsCheck.Xunit;

namespace Apollo.Search.Tests.Space;

public sealed class SearchSpaceTests
{
    private static readonly SearchSpace Ten = SyntheticObjectives.TenDim;

    [Fact]
    public void Size_is_the_product_of_value_counts()
    {
        Assert.Equal(452_760_000L, Ten.Size);
        Assert.Equal(10, Ten.Dimensions);
    }

    [Property]
    public bool Encode_and_decode_round_trip(int seed)
    {
        var p = Ten.Sample(new Random(seed));
        var key = Ten.Encode(p);
        return key >= 0 && key < Ten.Size && Ten.Decode(key).Equals(p);
    }

    [Fact]
    public void Keys_are_unique_and_dense_on_a_small_space()
    {
        var s = new SearchSpace([new SearchParameter("a", [1, 2, 3]), new SearchParameter("b", [5, 6])]);
        var keys = Enumerable.Range(0, 3).SelectMany(a => Enumerable.Range(0, 2).Select(b => s.Encode(new DesignPoint([a, b])))).ToList();
        Assert.Equal(Enumerable.Range(0, 6).Select(i => (long)i), keys.Order());
    }

    [Fact]
    public void Normalize_maps_indices_to_unit_interval()
    {
        var s = new SearchSpace([new SearchParameter("a", [1, 2, 3]), new SearchParameter("one", [7])]);
        Assert.Equal([0.5, 0.0], s.Normalize(new DesignPoint([1, 0])));
        Assert.Equal([1.0, 0.0], s.Normalize(new DesignPoint([2, 0])));
    }

    [Fact]
    public void Values_and_FromValues_round_trip()
    {
        var p = Ten.Sample(new Random(3));
        var values = Ten.Values(p).ToDictionary(kv => kv.Key, kv => kv.Value);
        Assert.Equal(p, Ten.FromValues(values));
    }

    [Fact]
    public void FromValues_names_the_parameter_and_allowed_values()
    {
        var s = new SearchSpace([new SearchParameter("lanes", [4, 8, 16])]);
        var e = Assert.Throws<ArgumentException>(() => s.FromValues(new Dictionary<string, double> { ["lanes"] = 5 }));
        Assert.Contains("lanes", e.Message, StringComparison.Ordinal);
        Assert.Contains("4, 8, 16", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => s.FromValues(new Dictionary<string, double>()));
        Assert.Throws<ArgumentException>(() => s.FromValues(new Dictionary<string, double> { ["lanes"] = 4, ["cores"] = 1 }));
    }

    [Fact]
    public void Design_points_have_value_equality_and_stable_hashes()
    {
        var a = new DesignPoint([1, 2, 3]);
        var b = new DesignPoint(new List<int> { 1, 2, 3 });
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, new DesignPoint([1, 2, 4]));
        // FNV-1a: the same value in every process.
        Assert.Equal(new DesignPoint([1, 2, 3]).GetHashCode(), a.GetHashCode());
    }

    [Fact]
    public void Invalid_spaces_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => new SearchSpace([]));
        Assert.Throws<ArgumentException>(() => new SearchSpace([new SearchParameter("a", [])]));
        Assert.Throws<ArgumentException>(() => new SearchSpace([new SearchParameter("a", [1, 1])]));
        Assert.Throws<ArgumentException>(() => new SearchSpace([new SearchParameter("a", [1]), new SearchParameter("a", [2])]));
    }

    [Fact]
    public void Decode_rejects_out_of_range_keys()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Ten.Decode(Ten.Size));
        Assert.Throws<ArgumentOutOfRangeException>(() => Ten.Decode(-1));
    }

    [Fact]
    public void A_space_beyond_64_bit_keys_has_no_keys_but_samples_and_normalizes()
    {
        // 30 parameters of 101 values: about 1.35e60 points (ZDT's usual benchmark size).
        var big = new SearchSpace(Enumerable.Range(0, 30).Select(i => new SearchParameter($"x{i}", Enumerable.Range(0, 101).Select(k => k / 100.0).ToList())).ToList());
        Assert.False(big.HasKeys);
        Assert.Equal(Math.Pow(101, 30), big.Count, Math.Pow(101, 30) * 1e-12);
        Assert.Throws<InvalidOperationException>(() => big.Size);
        var p = big.Sample(new Random(1));
        Assert.True(big.Contains(p));
        Assert.Throws<InvalidOperationException>(() => big.Encode(p));
        Assert.All(big.Normalize(p), x => Assert.InRange(x, 0, 1));
        Assert.True(Ten.HasKeys);
        Assert.Equal(Ten.Size, Ten.Count);
        // 2^62 points fit in a long key, 2^63 do not.
        var edge = new SearchSpace(Enumerable.Range(0, 62).Select(i => new SearchParameter($"b{i}", [0.0, 1.0])).ToList());
        Assert.Equal(1L << 62, edge.Size);
        Assert.False(new SearchSpace(Enumerable.Range(0, 63).Select(i => new SearchParameter($"b{i}", [0.0, 1.0])).ToList()).HasKeys);
    }
}
