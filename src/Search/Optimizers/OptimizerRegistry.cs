using Apollo.Configuration;
using Apollo.Search.Space;

namespace Apollo.Search.Optimizers;

/// <summary>
/// The typed options of one optimizer (<see cref="GpEiOptions"/>, <see cref="EvolutionOptions"/>,
/// <see cref="P3boOptions"/>, <see cref="RandomSearchOptions"/>, <see cref="Nsga2Options"/>, <see cref="GridSearchOptions"/>): an immutable record, already range-checked,
/// produced once by <see cref="OptimizerDescriptor.Parse"/>.
/// </summary>
public interface IOptimizerOptions;

/// <summary>
/// One registry entry: how an optimizer's options are read and how the optimizer is built from them.
/// <para>
/// Protocol: <see cref="Parse"/> is called once per study (at setup, before anything is written)
/// with the optimizer's YAML option mapping, or null for all defaults; it either returns the typed
/// options or throws a <see cref="ConfigException"/> naming the field and the allowed values. It
/// reads nothing but the node and keeps no state. <see cref="Create"/> is called for every fresh
/// optimizer (a new study, each resume, each p3bo member) with options this entry's
/// <see cref="Parse"/> returned or options built in code; it returns a new optimizer whose randomness
/// all comes from the seed, so the same (space, seed, options) give bit-identical runs.
/// </para>
/// </summary>
public abstract class OptimizerDescriptor
{
    /// <summary>The registry name ("gp-ei"); also the optimizer's <see cref="IOptimizer.Name"/>.</summary>
    public abstract string Name { get; }

    /// <exception cref="ConfigException">Unknown option key, a value out of range, or a choice that is not allowed.</exception>
    public abstract IOptimizerOptions Parse(YamlNode? options);

    /// <exception cref="ArgumentException"><paramref name="options"/> are another optimizer's, or invalid (options built in code skip <see cref="Parse"/>'s checks).</exception>
    public abstract IOptimizer Create(SearchSpace space, int seed, IOptimizerOptions options);
}

/// <summary>A registry entry whose options are <typeparamref name="TOptions"/>.</summary>
public sealed class OptimizerDescriptor<TOptions>(string name, Func<YamlNode?, TOptions> parse, Func<SearchSpace, int, TOptions, IOptimizer> create)
    : OptimizerDescriptor
    where TOptions : class, IOptimizerOptions
{
    public override string Name => name;

    public override IOptimizerOptions Parse(YamlNode? options) => parse(options);

    public override IOptimizer Create(SearchSpace space, int seed, IOptimizerOptions options)
    {
        ArgumentNullException.ThrowIfNull(space);
        return options is TOptions typed
            ? create(space, seed, typed)
            : throw new ArgumentException($"optimizer '{name}' takes {typeof(TOptions).Name}, got {options?.GetType().Name ?? "null"}", nameof(options));
    }
}

/// <summary>
/// Name → <see cref="OptimizerDescriptor"/> for the optimizers (DESIGN §7). Immutable;
/// <see cref="Default"/> holds the built-in ones. A study parses its options once
/// (<see cref="Parse"/>) and builds its optimizer from the typed result (<see cref="Create"/>); an
/// unknown name throws a <see cref="ConfigException"/> that lists the valid names.
/// </summary>
public sealed class OptimizerRegistry
{
    private static readonly OptimizerDescriptor RandomEntry = new OptimizerDescriptor<RandomSearchOptions>(
        "random", RandomSearchOptions.Parse, (space, seed, _) => new RandomSearch(space, seed));

    private static readonly OptimizerDescriptor GpEiEntry = new OptimizerDescriptor<GpEiOptions>(
        "gp-ei", GpEiOptions.Parse, (space, seed, options) => new GpEi(space, seed, options));

    private static readonly OptimizerDescriptor EvolutionEntry = new OptimizerDescriptor<EvolutionOptions>(
        "evolution", EvolutionOptions.Parse, (space, seed, options) => new Evolution(space, seed, options));

    private readonly OptimizerDescriptor[] _entries;

    public OptimizerRegistry(IEnumerable<OptimizerDescriptor> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        _entries = entries.ToArray();
        if (_entries.Select(e => e.Name).Distinct(StringComparer.Ordinal).Count() != _entries.Length)
        {
            throw new ArgumentException("optimizer names must be unique", nameof(entries));
        }
    }

    /// <summary>evolution, gp-ei, random: the optimizers a p3bo ensemble may be made of (no nested ensembles).</summary>
    public static OptimizerRegistry EnsembleMembers { get; } = new([EvolutionEntry, GpEiEntry, RandomEntry]);

    /// <summary>random, gp-ei, evolution, p3bo (whose members come from <see cref="EnsembleMembers"/>), nsga2 (multi-objective), grid (exhaustive, small spaces).</summary>
    public static OptimizerRegistry Default { get; } = new(
    [
        RandomEntry,
        GpEiEntry,
        EvolutionEntry,
        new OptimizerDescriptor<P3boOptions>(
            "p3bo", node => P3boOptions.Parse(node, EnsembleMembers), (space, seed, options) => new P3bo(space, seed, options, EnsembleMembers)),
        new OptimizerDescriptor<Nsga2Options>(
            "nsga2", Nsga2Options.Parse, (space, seed, options) => new Nsga2(space, seed, options)),
        new OptimizerDescriptor<GridSearchOptions>("grid", GridSearchOptions.Parse, (space, _, _) => new GridSearch(space)),
    ]);

    public IReadOnlyList<string> Names => _entries.Select(e => e.Name).ToList();

    /// <summary>The entry called <paramref name="name"/>, or null.</summary>
    public OptimizerDescriptor? Find(string name) => _entries.FirstOrDefault(e => string.Equals(e.Name, name, StringComparison.Ordinal));

    /// <summary>Reads the options of optimizer <paramref name="name"/>; <paramref name="options"/> is its option mapping, or null for defaults.</summary>
    /// <exception cref="ConfigException">Unknown optimizer name (the message lists the valid ones), unknown option key, or an option out of range.</exception>
    public IOptimizerOptions Parse(string name, YamlNode? options) => Get(name, options).Parse(options);

    /// <summary>Builds a seeded optimizer from typed options (null: the optimizer's defaults).</summary>
    /// <exception cref="ConfigException">Unknown optimizer name (the message lists the valid ones).</exception>
    /// <exception cref="ArgumentException"><paramref name="options"/> belong to another optimizer, or are invalid.</exception>
    public IOptimizer Create(string name, SearchSpace space, int seed, IOptimizerOptions? options = null)
    {
        var entry = Get(name, null);
        return entry.Create(space, seed, options ?? entry.Parse(null));
    }

    private OptimizerDescriptor Get(string name, YamlNode? options) =>
        Find(name) ?? throw new ConfigException(
            options?.File ?? "<optimizer>",
            options?.Parent?.Line,
            "optimizer",
            $"unknown optimizer '{name}'; valid optimizers: {string.Join(", ", Names)}");
}
