using Apollo.Cli.Commands;
using Apollo.Testing;

namespace Apollo.Cli.Tests;

/// <summary>
/// The one-node Slurm cluster of experiments/slurm/local-cluster.sh for a System test: <see cref="Start"/> installs
/// and starts slurm-wlm and munge (as root); <see cref="Dispose"/> stops the daemons unless they were already running.
/// </summary>
public sealed class LocalSlurmCluster : IDisposable
{
    private static readonly string Script = Path.Combine(RepositoryPaths.Root, "experiments", "slurm", "local-cluster.sh");
    private bool _stop;

    /// <summary>A started cluster; dispose it at the end of the test.</summary>
    public static LocalSlurmCluster Started()
    {
        var cluster = new LocalSlurmCluster();
        cluster.Start();
        return cluster;
    }

    public void Start()
    {
        var before = ExternalResult.Run("bash", [Script, "status"], TimeSpan.FromMinutes(1));
        _stop = !(before.Out.Contains("slurmctld: running", StringComparison.Ordinal) && before.Out.Contains("slurmd: running", StringComparison.Ordinal));
        var start = ExternalResult.Run("bash", [Script, "start"], TimeSpan.FromMinutes(10));
        Assert.True(start.Succeeded, $"local-cluster.sh start failed ({start.ExitCode}):\n{start.Out}\n{start.Error}");
    }

    public void Dispose()
    {
        if (_stop)
        {
            ExternalResult.Run("bash", [Script, "stop"], TimeSpan.FromMinutes(1));
        }
    }
}
