namespace Apollo.Testing;

/// <summary>
/// The committed schema-1 trial store (tests/Search/Storage/Fixtures): 32 trials of study <c>v1-fixture</c> written by
/// <c>apollo search v1-study.yaml</c> with the schema-1 code, and the JSON lines that code's
/// <c>apollo trials --format json</c> printed for them. Tests copy the file; they never open the committed one.
/// </summary>
public static class StoreFixtures
{
    /// <summary>The working tree the fixture was written in: its config snapshot names files under it.</summary>
    public const string WrittenUnder = "/work/wt/outcomes";

    public const string V1Study = "v1-fixture";

    public const int V1Trials = 32;

    public static string Directory => Path.Combine(RepositoryPaths.Root, "tests", "Search", "Storage", "Fixtures");

    public static string V1Database => Path.Combine(Directory, "v1-study.db");

    public static string V1Config => Path.Combine(Directory, "v1-study.yaml");

    /// <summary>v1-study.yaml with the evolution options of its day spelt out: evolution's defaults changed since (issue 11).</summary>
    public static string V1ConfigFirstDefaults => Path.Combine(Directory, "v1-study-first-defaults.yaml");

    public static string V1TrialsJson => Path.Combine(Directory, "v1-study.trials.jsonl");

    /// <summary>Copies the v1 fixture to <paramref name="path"/>.</summary>
    public static string CopyV1(string path)
    {
        File.Copy(V1Database, path, overwrite: false);
        return path;
    }
}
