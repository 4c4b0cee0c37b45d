using System.Globalization;
using Apollo.Compiler.Workloads;
using Apollo.Configuration;
using Apollo.Search.Optimizers;
using Apollo.Search.Studies;

namespace Apollo.Search.Sweeps;

/// <summary>One optimizer of a sweep's matrix: a registered name, its options, and the label used in cell names.</summary>
public sealed record SweepOptimizer(string Name, YamlNode? Options, string Label);

/// <summary>
/// One cell of a sweep: one study with its own SQLite shard (<c>&lt;results&gt;/shards/&lt;name&gt;.db</c>).
/// <see cref="Index"/> is the cell's position in the sweep's fixed order, which is also its Slurm array index.
/// </summary>
public sealed record SweepCell(int Index, string Name, SweepOptimizer Optimizer, double BudgetMm2, int Seed, string? WorkloadSet, SearchConfig Config);

/// <summary>
/// A sweep YAML (docs/sweeps.md): a matrix of optimizers × budgets × workload sets × seeds over a base search
/// config. Every cell is one study named <c>&lt;sweep&gt;-&lt;optimizer&gt;-b&lt;budget&gt;[-w&lt;set&gt;]-s&lt;seed&gt;</c>;
/// cells are ordered optimizer-major, then budget, workload set and seed, so an index always names the same cell.
/// </summary>
public sealed record SweepConfig(string File, string Name, string ResultsFolder, SearchConfig Base, IReadOnlyList<SweepCell> Cells)
{
    public static readonly string[] Fields = ["name", "base", "matrix", "trials", "results"];

    public static readonly string[] MatrixFields = ["optimizers", "budgets", "seeds", "workload_sets"];

    /// <summary>Folder of the cells' SQLite shards.</summary>
    public string ShardFolder => Path.Combine(ResultsFolder, "shards");

    /// <summary>
    /// Loads and validates a sweep file; every cell's search config is resolved (nothing is written).
    /// The base config's path is relative to the sweep file; <c>results</c> is relative to <paramref name="workingDirectory"/>.
    /// </summary>
    /// <exception cref="ConfigException">A field is missing, unknown or invalid (file, line, field and what is allowed).</exception>
    public static SweepConfig Load(string path, string workingDirectory, string defaultConfigs, OptimizerRegistry registry)
    {
        var file = Path.GetFullPath(path);
        var root = YamlNode.LoadFile(file);
        root.RejectUnknownKeys(Fields);
        var folder = Path.GetDirectoryName(file) ?? ".";

        var name = root.TryGet("name") is { } nameNode
            ? CheckFileNamePart(nameNode, nameNode.AsString())
            : CheckFileNamePart(root, Path.GetFileNameWithoutExtension(file));

        var baseNode = root.Get("base");
        var basePath = Path.GetFullPath(Path.Combine(folder, baseNode.AsString()));
        if (ConfigFile.Problem(basePath) is { } problem)
        {
            throw baseNode.Error($"base search config {basePath}: {problem}");
        }

        var baseConfig = SearchConfig.Load(basePath, workingDirectory, defaultConfigs, registry);
        var trials = root.TryGet("trials")?.AsInt(1, SearchConfig.MaxTrials) ?? baseConfig.Trials;

        var matrix = root.Get("matrix");
        matrix.RejectUnknownKeys(MatrixFields);
        var optimizers = ReadOptimizers(matrix.Get("optimizers"), registry);
        var budgets = NonEmpty(matrix.Get("budgets")).Select(n =>
        {
            var v = n.AsDouble();
            return v is > 0 and <= SearchConfig.MaxAreaBudgetMm2
                ? (Node: n, Value: v)
                : throw n.Error($"the area budget must be a positive number of mm² up to {YamlNode.Invariant(SearchConfig.MaxAreaBudgetMm2)} (the Apollo study used 6.8, 5.8 and 4.8), got {n.AsString()}");
        }).ToList();
        var seeds = NonEmpty(matrix.Get("seeds")).Select(n => (Node: n, Value: n.AsInt())).ToList();
        IReadOnlyList<string?> sets = [null];
        if (matrix.TryGet("workload_sets") is { } setsNode)
        {
            var catalog = baseConfig.LoadWorkloadCatalog();
            var setNodes = NonEmpty(setsNode);
            RejectDuplicates(setNodes.Select(n => (Node: n, Key: n.AsString())), "workload set");
            sets = setNodes.Select(n =>
            {
                var set = n.AsString();
                try
                {
                    _ = catalog.ResolveSet(set);
                }
                catch (ConfigException e)
                {
                    throw n.Error(e.Problem);
                }

                return (string?)CheckFileNamePart(n, set);
            }).ToList();
        }

        RejectDuplicates(budgets.Select(b => (b.Node, Key: Format(b.Value))), "budget");
        RejectDuplicates(seeds.Select(s => (s.Node, Key: s.Value.ToString(CultureInfo.InvariantCulture))), "seed");
        var resultsNode = root.TryGet("results");
        var results = Path.GetFullPath(Path.Combine(workingDirectory, resultsNode?.AsString() ?? Path.Combine("results", name)));
        if (FileInTheWay(results) is { } blocking)
        {
            var message = $"{blocking} is a file; 'results' must name a folder (created if missing) for the sweep's shards and merged database";
            throw resultsNode is not null ? resultsNode.Error(message) : root.Error("results", message);
        }

        var cells = new List<SweepCell>();
        foreach (var optimizer in optimizers)
        {
            foreach (var (_, budget) in budgets)
            {
                foreach (var set in sets)
                {
                    foreach (var (_, seed) in seeds)
                    {
                        var cellName = CellName(name, optimizer.Label, budget, set, seed);
                        if (cellName.Length > SearchConfig.MaxStudyNameLength)
                        {
                            throw root.Error("name", $"cell name '{cellName[..40]}...' has {cellName.Length} characters; at most {SearchConfig.MaxStudyNameLength} are allowed (it names the cell's shard file): shorten the sweep name, optimizer labels or workload set names");
                        }

                        var config = baseConfig with
                        {
                            Study = cellName,
                            Optimizer = optimizer.Name,
                            OptimizerOptions = optimizer.Options,
                            AreaBudgetMm2 = budget,
                            Seed = seed,
                            Trials = trials,
                            Workloads = set is null ? baseConfig.Workloads : null,
                            WorkloadSet = set ?? baseConfig.WorkloadSet,
                            Database = Path.Combine(results, "shards", cellName + ".db"),
                        };
                        cells.Add(new SweepCell(cells.Count, cellName, optimizer, budget, seed, set, config));
                    }
                }
            }
        }

        return new SweepConfig(file, name, results, baseConfig, cells);
    }

    /// <summary>The study name of a cell: <c>&lt;sweep&gt;-&lt;optimizer&gt;-b&lt;budget&gt;[-w&lt;set&gt;]-s&lt;seed&gt;</c>.</summary>
    public static string CellName(string sweep, string optimizer, double budget, string? workloadSet, int seed) =>
        string.Create(CultureInfo.InvariantCulture, $"{sweep}-{optimizer}-b{Format(budget)}{(workloadSet is null ? "" : "-w" + workloadSet)}-s{seed}");

    /// <summary>The same configuration with every cell evaluating on <paramref name="threads"/> threads (0 = all cores).</summary>
    public SweepConfig WithThreads(int threads) => this with { Cells = Cells.Select(c => c with { Config = c.Config with { Threads = threads } }).ToList() };

    private static string Format(double budget) => budget.ToString("R", CultureInfo.InvariantCulture);

    private static List<SweepOptimizer> ReadOptimizers(YamlNode list, OptimizerRegistry registry)
    {
        var result = new List<SweepOptimizer>();
        foreach (var item in NonEmpty(list))
        {
            string name;
            YamlNode? options = null;
            string? label = null;
            YamlNode nameNode = item;
            if (item.IsMapping)
            {
                item.RejectUnknownKeys("name", "options", "label");
                nameNode = item.Get("name");
                name = nameNode.AsString();
                options = item.TryGet("options");
                label = item.TryGet("label") is { } l ? CheckFileNamePart(l, l.AsString()) : null;
            }
            else
            {
                name = item.AsString();
            }

            if (!registry.Names.Contains(name))
            {
                throw nameNode.Error($"unknown optimizer '{name}'; valid optimizers: {string.Join(", ", registry.Names)}");
            }

            result.Add(new SweepOptimizer(name, options, label ?? name));
        }

        RejectDuplicates(result.Select((o, i) => (Node: NonEmpty(list)[i], Key: o.Label)), "optimizer label (give entries of the same optimizer different 'label's)");
        return result;
    }

    private static IReadOnlyList<YamlNode> NonEmpty(YamlNode list)
    {
        var items = list.Items();
        return items.Count > 0 ? items : throw list.Error("must list at least one value");
    }

    private static void RejectDuplicates(IEnumerable<(YamlNode Node, string Key)> items, string what)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (node, key) in items)
        {
            if (!seen.Add(key))
            {
                throw node.Error($"duplicate {what} '{key}': every cell must have a unique name");
            }
        }
    }

    // The results folder, its shards folder or one of their parents that exists as a file: creating the folders would fail.
    private static string? FileInTheWay(string results)
    {
        for (var dir = Path.Combine(results, "shards"); !string.IsNullOrEmpty(dir); dir = Path.GetDirectoryName(dir))
        {
            if (System.IO.File.Exists(dir))
            {
                return dir;
            }

            if (Directory.Exists(dir))
            {
                return null;
            }
        }

        return null;
    }

    /// <summary>Cell names become file names: only letters, digits, '-', '_' and '.' are allowed.</summary>
    private static string CheckFileNamePart(YamlNode node, string value)
    {
        if (value.Length == 0 || value.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')) || value.StartsWith('.'))
        {
            throw node.Error($"'{value}' cannot be part of a file name; allowed characters: letters, digits, '-', '_', '.' (not first)");
        }

        return value;
    }
}
