using Apollo.Configuration;
using Apollo.Search.Space;

namespace Apollo.Search.Optimizers;

/// <summary>
/// Name → factory for the optimizers. Immutable; <see cref="Default"/> holds the built-in ones.
/// </summary>
public sealed class OptimizerRegistry
{
    private readonly (string Name, Func<SearchSpace, int, YamlNode?, IOptimizer> Factory)[] _factories;

    private OptimizerRegistry((string, Func<SearchSpace, int, YamlNode?, IOptimizer>)[] factories) => _factories = factories;

    /// <summary>random, gp-ei, evolution, p3bo.</summary>
    public static OptimizerRegistry Default { get; } = new(
    [
        ("random", (space, seed, options) =>
        {
            OptionReader.CheckKeys(options);
            return new RandomSearch(space, seed);
        }),
        ("gp-ei", (space, seed, options) => new GpEi(space, seed, GpEiOptions.Parse(options))),
        ("evolution", (space, seed, options) => new Evolution(space, seed, EvolutionOptions.Parse(options))),
        ("p3bo", (space, seed, options) => new P3bo(space, seed, P3boOptions.Parse(options))),
    ]);

    public IReadOnlyList<string> Names => _factories.Select(f => f.Name).ToList();

    /// <summary>Builds a seeded optimizer. <paramref name="options"/> is the optimizer's option mapping, or null for defaults.</summary>
    /// <exception cref="ConfigException">Unknown optimizer name (the message lists the valid ones), unknown option key, or an option out of range.</exception>
    public IOptimizer Create(string name, SearchSpace space, int seed, YamlNode? options)
    {
        ArgumentNullException.ThrowIfNull(space);
        foreach (var (n, factory) in _factories)
        {
            if (string.Equals(n, name, StringComparison.Ordinal))
            {
                return factory(space, seed, options);
            }
        }

        throw new ConfigException(
            options?.File ?? "<optimizer>",
            options?.Parent?.Line,
            "optimizer",
            $"unknown optimizer '{name}'; valid optimizers: {string.Join(", ", Names)}");
    }
}
