namespace Apollo.Cli;

/// <summary>
/// Finds the shipped configs: a relative path is taken from the working directory when it exists there,
/// otherwise from the copy of configs/ bundled next to the executable, so the defaults work from anywhere.
/// </summary>
public sealed class ConfigLocator(string workingDirectory, string bundleDirectory)
{
    public static ConfigLocator Default { get; } = new(Environment.CurrentDirectory, AppContext.BaseDirectory);

    public string WorkingDirectory => workingDirectory;

    /// <summary>Resolves a user path against the working directory (never against the bundle).</summary>
    public string UserPath(string path) => Path.GetFullPath(Path.Combine(workingDirectory, path));

    /// <summary>Resolves a path under configs/ (e.g. "workloads"), preferring the working directory's copy.</summary>
    public string Config(params string[] parts)
    {
        var local = Path.Combine([workingDirectory, "configs", .. parts]);
        if (File.Exists(local) || Directory.Exists(local))
        {
            return local;
        }

        return Path.Combine([bundleDirectory, "configs", .. parts]);
    }

    /// <summary>The configs/ folder the defaults come from.</summary>
    public string ConfigsRoot => Config();

    public string DefaultSpace => Config("accelerators", "space.yaml");

    public string DefaultBaseline => Config("accelerators", "baseline.yaml");

    public string DefaultWorkloads => Config("workloads");

    /// <summary>
    /// The workload directories a command searches: the user's (<c>--workload-dir</c>, repeatable) in the order given,
    /// then the shipped configs/workloads, so the shipped networks and sets stay available (the first definition wins).
    /// </summary>
    public IReadOnlyList<string> WorkloadSearchPath(IEnumerable<string>? userDirectories) =>
        (userDirectories ?? []).Select(UserPath).Append(Path.GetFullPath(DefaultWorkloads)).Distinct(StringComparer.Ordinal).ToList();
}
