using System.Security.Cryptography;
using System.Text;
using Apollo.Search.Storage;
using Apollo.Search.Studies;

namespace Apollo.Reports;

/// <summary>
/// What a study's rewards mean: the settings of its stored config snapshot (the <c>studies.config_snapshot</c> column)
/// other than those that only say how the run went — study name, optimizer, seed, trial budget, batch size, database,
/// threads, stop rules, transfer sources — and the area budget, which reports keep as a column of its own. What remains is the space
/// file (which names the technology file), the baseline, the workload folder and workloads or set, the workload
/// weights, and any objective or constraint a config adds. Rewards of studies with different fingerprints are
/// different quantities: reports and <c>apollo summary</c> never pool or rank them together.
/// The snapshot names files, not their contents; paths are taken relative to the folder the path settings share, so the
/// same checkout at another place gives the same fingerprint. A file edited between two runs is not seen.
/// </summary>
/// <param name="Id">First 8 hex digits of the SHA-256 of <paramref name="Settings"/>, one <c>key: value</c> line each.</param>
/// <param name="Settings">The settings that define the objective, sorted by key.</param>
public sealed record ObjectiveFingerprint(string Id, IReadOnlyList<KeyValuePair<string, string>> Settings)
{
    /// <summary>Snapshot settings that describe the run, not its objective.</summary>
    public static readonly IReadOnlySet<string> RunSettings = new HashSet<string>(StringComparer.Ordinal)
    {
        "study", "optimizer", SearchConfig.OptimizerOptionsSetting, "seed", "trials", "batch_size", "database", "threads", "stop", "area_budget_mm2",

        // A warm start changes where a search looks, not what a point scores: warm and cold runs are compared.
        "transfer",
    };

    /// <summary>Settings holding a file or folder path.</summary>
    public static readonly IReadOnlySet<string> PathSettings = new HashSet<string>(StringComparer.Ordinal) { "space", "baseline", "workload_dir" };

    /// <summary>The settings as shown in reports: <c>key value</c>, comma-separated.</summary>
    public string Description => Settings.Count == 0 ? "(no settings stored)" : string.Join(", ", Settings.Select(kv => $"{kv.Key} {kv.Value}"));

    public static ObjectiveFingerprint Of(StudyDefinition study)
    {
        ArgumentNullException.ThrowIfNull(study);
        var settings = SearchConfig.ResumeSettings(study.ConfigSnapshot)
            .Where(kv => !RunSettings.Contains(kv.Key))
            .ToDictionary(kv => kv.Key, kv => Unquote(kv.Value), StringComparer.Ordinal);
        var paths = settings.Where(kv => PathSettings.Contains(kv.Key) && Path.IsPathRooted(kv.Value)).ToList();
        if (paths.Count > 0)
        {
            var root = CommonFolder(paths.Select(kv => kv.Key == "workload_dir" ? kv.Value : Path.GetDirectoryName(kv.Value) ?? kv.Value));
            foreach (var (key, value) in paths)
            {
                settings[key] = Path.GetRelativePath(root, value).Replace('\\', '/');
            }
        }

        var sorted = settings.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToList();
        var text = string.Concat(sorted.Select(kv => $"{kv.Key}: {kv.Value}\n"));
        return new ObjectiveFingerprint(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..8], sorted);
    }

    private static string Unquote(string value) =>
        value.Length >= 2 && value[0] == '\'' && value[^1] == '\'' ? value[1..^1].Replace("''", "'", StringComparison.Ordinal) : value;

    private static string CommonFolder(IEnumerable<string> folders)
    {
        var split = folders.Select(f => Path.GetFullPath(f).TrimEnd(Path.DirectorySeparatorChar).Split(Path.DirectorySeparatorChar)).ToList();
        var length = split.Min(s => s.Length);
        var common = 0;
        while (common < length && split.All(s => s[common] == split[0][common]))
        {
            common++;
        }

        var root = string.Join(Path.DirectorySeparatorChar, split[0][..common]);
        return root.Length == 0 ? Path.GetPathRoot(Path.GetFullPath(folders.First())) ?? "/" : root;
    }
}

/// <summary>
/// Runs drawn and tabulated as one series: the studies of one optimizer at one area budget that share an
/// <see cref="ObjectiveFingerprint"/>. Studies of different fingerprints never share a group.
/// </summary>
public sealed record RunGroup(ObjectiveFingerprint Fingerprint, string Optimizer, double BudgetMm2, IReadOnlyList<StudyTrials> Runs)
{
    public string Label => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Optimizer} @ {BudgetMm2:G} mm²");

    /// <summary>Groups by fingerprint (in order of first appearance), then area budget (largest first), then optimizer.</summary>
    public static IReadOnlyList<RunGroup> Of(IReadOnlyList<StudyTrials> studies)
    {
        ArgumentNullException.ThrowIfNull(studies);
        return studies.GroupBy(s => s.Fingerprint.Id, StringComparer.Ordinal)
            .SelectMany(f => f.GroupBy(s => (s.Optimizer, s.BudgetMm2))
                .OrderByDescending(g => g.Key.BudgetMm2).ThenBy(g => g.Key.Optimizer, StringComparer.Ordinal)
                .Select(g => new RunGroup(g.First().Fingerprint, g.Key.Optimizer, g.Key.BudgetMm2, g.ToList())))
            .ToList();
    }
}
