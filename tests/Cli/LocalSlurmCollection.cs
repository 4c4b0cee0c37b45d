namespace Apollo.Cli.Tests;

/// <summary>
/// The test classes that start the local Slurm cluster run one after another: a class that found the daemons
/// running leaves them to the class that started them, which stops them when it ends, possibly in the middle
/// of the other class's jobs.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LocalSlurmCollection
{
    public const string Name = "local Slurm cluster";
}
