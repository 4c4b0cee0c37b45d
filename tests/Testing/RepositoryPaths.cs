using System.Reflection;

namespace Apollo.Testing;

/// <summary>Locates the repository so tests read the shipped configs rather than copies.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string Configs => Path.Combine(Root, "configs");

    public static string Config(params string[] parts) => Path.Combine([Configs, .. parts]);

    private static string FindRoot()
    {
        var fromBuild = typeof(RepositoryPaths).Assembly
            .GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "RepositoryRoot")?.Value;
        if (fromBuild is not null && Directory.Exists(Path.Combine(fromBuild, "configs")))
        {
            return fromBuild;
        }

        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Apollo.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Cannot find the repository root (Apollo.sln).");
    }
}
