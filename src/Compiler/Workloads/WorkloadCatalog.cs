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
    public static WorkloadCatalog Load(string directory) => Load([directory]);

    /// <summary>
    /// The workloads of several directories searched in order (the user's first, the shipped one last): a workload
    /// or set name defined in more than one directory is taken from the first that defines it. Each directory's
    /// sets.yaml may name workloads of any of the directories; a directory whose sets.yaml has no <c>all</c> set
    /// gets one of its own workloads, so a user folder alone keeps meaning what it meant before layering.
    /// </summary>
    /// <exception cref="ConfigException">A directory is missing or has no workload files, one directory defines a
    /// name twice, or a set names an unknown workload.</exception>
    public static WorkloadCatalog Load(IReadOnlyList<string> directories)
    {
        ArgumentNullException.ThrowIfNull(directories);
        if (directories.Count == 0)
        {
            throw new ArgumentException("At least one workload directory is needed.", nameof(directories));
        }

        var workloads = new Dictionary<string, Workload>(StringComparer.Ordinal);
        var own = new List<IReadOnlyList<string>>();
        foreach (var directory in directories)
        {
            var found = LoadDirectory(directory);
            own.Add(found.Keys.Order(StringComparer.Ordinal).ToList());
            foreach (var (name, workload) in found)
            {
                workloads.TryAdd(name, workload);
            }
        }

        var sets = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        for (var i = 0; i < directories.Count; i++)
        {
            var setsPath = Path.Combine(directories[i], SetsFile);
            var defined = File.Exists(setsPath) ? ParseSets(YamlNode.LoadFile(setsPath), workloads) : [];
            defined.TryAdd(AllSet, own[i]);
            foreach (var (name, members) in defined)
            {
                sets.TryAdd(name, members);
            }
        }

        return new WorkloadCatalog(string.Join(", ", directories), workloads, sets);
    }

    private static Dictionary<string, Workload> LoadDirectory(string directory)
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

        return workloads.Count > 0 ? workloads : throw new ConfigException(directory, null, "", "no workload files (*.yaml) found");
    }

    /// <summary>Loads a single workload file, e.g. a user's own network.</summary>
    public static Workload LoadFile(string path) => WorkloadParser.Parse(YamlNode.LoadFile(path));

    public Workload Get(string name) =>
        _workloads.TryGetValue(name, out var workload)
            ? workload
            : throw new ConfigException(_directory, null, "workload", $"unknown workload '{name}'; valid names: {string.Join(", ", Names)}");

    /// <summary>
    /// The named workloads, in the given order. The list must name at least one workload and each at most
    /// once (a workload listed twice would count twice in the reward's geometric mean).
    /// </summary>
    /// <exception cref="ConfigException">The list is empty, names a workload twice, or names an unknown one.</exception>
    public IReadOnlyList<Workload> Resolve(IEnumerable<string> names)
    {
        var list = names.ToList();
        CheckSelection(list, (_, problem) => new ConfigException(_directory, null, "workloads", problem));
        return list.Select(Get).ToList();
    }

    /// <summary>
    /// Checks a list of workload names as every selection must be: non-empty, no name twice.
    /// <paramref name="error"/> turns (index of the offending entry or -1 for the whole list, problem) into the caller's exception.
    /// </summary>
    public static void CheckSelection(IReadOnlyList<string> names, Func<int, string, Exception> error)
    {
        if (names.Count == 0)
        {
            throw error(-1, "must name at least one workload");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < names.Count; i++)
        {
            if (!seen.Add(names[i]))
            {
                throw error(i, $"workload '{names[i]}' is listed twice; list each workload once");
            }
        }
    }

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
            var items = value.Items();
            var members = items.Select(item => item.AsString()).ToList();
            CheckSelection(members, (i, problem) => i < 0 ? value.Error(problem) : items[i].Error(problem));
            for (var i = 0; i < members.Count; i++)
            {
                if (!workloads.ContainsKey(members[i]))
                {
                    throw items[i].Error($"unknown workload '{members[i]}'; valid names: {valid}");
                }
            }

            sets.Add(setName, members);
        }

        return sets;
    }
}
