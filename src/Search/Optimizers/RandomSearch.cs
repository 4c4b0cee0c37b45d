using Apollo.Configuration;
using Apollo.Search.Space;

namespace Apollo.Search.Optimizers;

/// <summary>Options of <see cref="RandomSearch"/>: there are none, so its option mapping must be empty.</summary>
public sealed record RandomSearchOptions : IOptimizerOptions
{
    /// <exception cref="ConfigException">Any option key.</exception>
    public static RandomSearchOptions Parse(YamlNode? node)
    {
        OptionReader.CheckKeys(node);
        return new RandomSearchOptions();
    }
}

/// <summary>
/// Uniform random search over the grid without repetition (the baseline of Bergstra &amp; Bengio,
/// "Random Search for Hyper-Parameter Optimization", JMLR 2012). Has no options.
/// </summary>
public sealed class RandomSearch : IOptimizer
{
    private readonly History _history;
    private readonly Random _rng;

    public RandomSearch(SearchSpace space, int seed)
    {
        ArgumentNullException.ThrowIfNull(space);
        _history = new History(space);
        _rng = new Random(seed);
    }

    public string Name => "random";

    public IReadOnlyList<Suggestion> Suggest(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var result = new List<Suggestion>(count);
        while (result.Count < count && _history.SampleFree(_rng) is { } p)
        {
            _history.Take(p);
            result.Add(new Suggestion(p, Name));
        }

        return result;
    }

    public void Observe(IReadOnlyList<Observation> observations) => _history.Add(observations);
}
