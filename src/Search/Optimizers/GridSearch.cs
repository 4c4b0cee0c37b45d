using System.Globalization;
using Apollo.Configuration;
using Apollo.Search.Space;

namespace Apollo.Search.Optimizers;

/// <summary>Options of <see cref="GridSearch"/>: there are none, so its option mapping must be empty.</summary>
public sealed record GridSearchOptions : IOptimizerOptions
{
    /// <exception cref="ConfigException">Any option key.</exception>
    public static GridSearchOptions Parse(YamlNode? node)
    {
        OptionReader.CheckKeys(node);
        return new GridSearchOptions();
    }
}

/// <summary>
/// Exhaustive grid search: every point of a small space once, in key order (the space's mixed-radix key: the first
/// parameter varies slowest, the last fastest), skipping points already observed (a resume, or warm-start trials).
/// The order does not depend on the seed or on rewards, so two runs over one space suggest the same sequence; with
/// a trial budget of at least <see cref="SearchSpace.Size"/> the study ends with the space exhausted and its best
/// point is the space's optimum. Refuses spaces of more than <see cref="MaxPoints"/> points: enumerating those is a
/// census, not a search (freeze parameters to shrink the space).
/// </summary>
public sealed class GridSearch : IOptimizer
{
    /// <summary>The largest space grid enumerates: 1,000,000 points.</summary>
    public const long MaxPoints = 1_000_000;

    private readonly History _history;
    private long _next;

    /// <exception cref="ConfigException">The space has more than <see cref="MaxPoints"/> points; the message gives its size.</exception>
    public GridSearch(SearchSpace space)
    {
        ArgumentNullException.ThrowIfNull(space);
        if (!space.HasKeys || space.Size > MaxPoints)
        {
            throw new ConfigException("<search space>", null, "optimizer", string.Create(CultureInfo.InvariantCulture,
                $"grid enumerates every point, and this space has {space.Count:N0} points, more than grid's limit of {MaxPoints:N0}; freeze parameters in the space file to shrink it, or use another optimizer"));
        }

        _history = new History(space);
    }

    public string Name => "grid";

    public IReadOnlyList<Suggestion> Suggest(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var result = new List<Suggestion>(count);
        var size = _history.Space.Size;
        while (result.Count < count && _next < size)
        {
            var point = _history.Space.Decode(_next++);
            if (_history.Take(point))
            {
                result.Add(new Suggestion(point, Name));
            }
        }

        return result;
    }

    public void Observe(IReadOnlyList<Observation> observations) => _history.Add(observations);
}
