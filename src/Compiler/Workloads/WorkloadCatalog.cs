using Apollo.Configuration;

namespace Apollo.Compiler.Workloads;

/// <summary>
/// The workloads of a directory (one YAML file per network) and the named sets of sets.yaml.
/// Immutable once loaded; lookups of unknown names throw a <see cref="ConfigException"/> listing the valid ones.
/// </summary>
public sealed class WorkloadCatalog
{
    /// <summary>The set that always means every workload, added when sets.yaml does not define it.</summary>
    public const string AllSet = "all";

    private const string SetsFile = "sets.yaml";

    private readonly string _directory;
    private readonly IReadOnlyDictionary<string, Workload> _workloads;

    private WorkloadCatalog(string directory, IReadOnlyDictionary<string, Workload> workloads, IReadOnlyDictionary<string, IReadOnlyList<string>> sets)
    {
        _directory = directory;
        _workloads = workloads;
        Sets = sets;
        Names = workloads.Keys.Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>Workload names, sorted.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Set name → workload names, in the order sets.yaml lists them.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Sets { get; }

    /// <summary>Reads every *.yaml in <paramref name="directory"/> except sets.yaml as a workload, then sets.yaml (optional).</summary>
    public static WorkloadCatalog Load(string directory)
    {
        if (!Directory.Exists(directory))
        {
            throw new ConfigException(directory, null, "", "workload directory not found");
        }

        var workloads = new Dictionary<string, Workload>(StringComparer.Ordinal);
        var files = Directory.EnumerateFiles(directory, "*.yaml")
            .Where(f => !string.Equals(Path.GetFileName(f), SetsFile, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var workload = LoadFile(file);
            if (workloads.TryGetValue(workload.Name, out var other))
            {
                throw new ConfigException(file, null, "name", $"workload '{workload.Name}' is also defined in {other.File}; names must be unique");
            }

            workloads.Add(workload.Name, workload);
        }

        if (workloads.Count == 0)
        {
            throw new ConfigException(directory, null, "", "no workload files (*.yaml) found");
        }

        var setsPath = Path.Combine(directory, SetsFile);
        var sets = File.Exists(setsPath) ? ParseSets(YamlNode.LoadFile(setsPath), workloads) : [];
        if (!sets.ContainsKey(AllSet))
        {
            sets[AllSet] = workloads.Keys.Order(StringComparer.Ordinal).ToList();
        }

        return new WorkloadCatalog(directory, workloads, sets);
    }

    /// <summary>Loads a single workload file, e.g. a user's own network.</summary>
    public static Workload LoadFile(string path) => WorkloadParser.Parse(YamlNode.LoadFile(path));

    public Workload Get(string name) =>
        _workloads.TryGetValue(name, out var workload)
            ? workload
            : throw new ConfigException(_directory, null, "workload", $"unknown workload '{name}'; valid names: {string.Join(", ", Names)}");

    public IReadOnlyList<Workload> Resolve(IEnumerable<string> names) => names.Select(Get).ToList();

    public IReadOnlyList<Workload> ResolveSet(string setName) =>
        Sets.TryGetValue(setName, out var names)
            ? Resolve(names)
            : throw new ConfigException(_directory, null, "set", $"unknown workload set '{setName}'; valid sets: {string.Join(", ", Sets.Keys.Order(StringComparer.Ordinal))}");

    private static Dictionary<string, IReadOnlyList<string>> ParseSets(YamlNode root, IReadOnlyDictionary<string, Workload> workloads)
    {
        if (!root.IsMapping)
        {
            throw root.Error("sets.yaml must map set names to lists of workload names");
        }

        var valid = string.Join(", ", workloads.Keys.Order(StringComparer.Ordinal));
        var sets = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var (setName, value) in root.Entries())
        {
            var members = new List<string>();
            var items = value.Items();
            if (items.Count == 0)
            {
                throw value.Error("a set needs at least one workload");
            }

            foreach (var item in items)
            {
                var member = item.AsString();
                if (!workloads.ContainsKey(member))
                {
                    throw item.Error($"unknown workload '{member}'; valid names: {valid}");
                }

                if (members.Contains(member, StringComparer.Ordinal))
                {
                    throw item.Error($"workload '{member}' is listed twice");
                }

                members.Add(member);
            }

            sets.Add(setName, members);
        }

        return sets;
    }
}
