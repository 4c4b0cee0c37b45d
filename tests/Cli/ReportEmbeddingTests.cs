using Apollo.Reports;
using Apollo.Testing;

namespace Apollo.Cli.Tests;

/// <summary>The t-SNE maps of real studies: trustworthy alone and embedded jointly.</summary>
public sealed class ReportEmbeddingTests : TestWithTempFolder
{
    /// <summary>
    /// Two studies of one name in two databases, as the README's quickstart.db and p3bo.db: 550 random trials and 500
    /// evolution trials on MobileNetV2. Jointly (1,050 points, Barnes-Hut) their P is so well connected that the
    /// exaggeration phase stops early at iteration 100 (gradient norm below 1e-7); before the final phase ran after such
    /// a stop, the joint map came out collapsed (trustworthiness 0.63 on the README's pair).
    /// </summary>
    private async Task<IReadOnlyList<StudyTrials>> TwoStudies()
    {
        var databases = new List<string>();
        foreach (var (optimizer, trials) in new[] { ("random", 550), ("evolution", 500) })
        {
            var database = Path.Combine(Dir, $"{optimizer}.db");
            var config = Path.Combine(Dir, $"{optimizer}.yaml");
            await File.WriteAllTextAsync(config, $"""
                study: small
                space: {RepositoryPaths.Config("accelerators", "space.yaml")}
                baseline: {RepositoryPaths.Config("accelerators", "baseline.yaml")}
                workload_dir: {RepositoryPaths.Config("workloads")}
                workloads: [mobilenet_v2]
                area_budget_mm2: 6.8
                optimizer: {optimizer}
                trials: {trials}
                batch_size: 16
                seed: 1
                database: {database}
                """);
            var r = await CliRunner.Run("search", config, "--no-report");
            Assert.True(r.ExitCode == 0, r.Error);
            databases.Add(database);
        }

        return ReportSource.Load(databases, []);
    }

    [Fact]
    public async Task Two_real_studies_embed_jointly_and_alone_with_trustworthiness_of_at_least_0_9()
    {
        var studies = await TwoStudies();
        Assert.Equal([550, 500], studies.Select(s => s.Trials.Count));

        var joint = new ReportBuilder().Build(studies, new ReportOptions(Path.Combine(Dir, "joint"), Joint: true));
        var alone = new ReportBuilder().Build(studies, new ReportOptions(Path.Combine(Dir, "alone")));

        var map = Assert.Single(joint.Embeddings);
        Assert.Equal(1_050, map.Points);
        Assert.True(map.BarnesHut);
        Assert.True(map.Trustworthiness >= 0.9, $"joint trustworthiness {map.Trustworthiness}");
        Assert.Equal(2, alone.Embeddings.Count);
        Assert.All(alone.Embeddings, e => Assert.True(e.Trustworthiness >= 0.9, $"{e.Name}: trustworthiness {e.Trustworthiness}"));

        // One study name in two databases: each keeps its own map files, and embedding.csv says which database a row is from.
        Assert.Equal(["evolution.db:small", "random.db:small"], alone.Embeddings.Select(e => e.Name).Order(StringComparer.Ordinal));
        var maps = Directory.GetFiles(Path.Combine(Dir, "joint"), "tsne-*.png").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(8, maps.Count);
        Assert.Contains("tsne-random-small-100.png", maps);
        Assert.Contains("tsne-evolution-small-100.png", maps);
        var csv = await File.ReadAllLinesAsync(joint.CsvPath);
        Assert.Equal("database,study,trial,x,y,status,reward,level", csv[0]);
        Assert.Equal(550, csv.Count(l => l.StartsWith(Path.Combine(Dir, "random.db") + ",small,", StringComparison.Ordinal)));
        Assert.Equal(500, csv.Count(l => l.StartsWith(Path.Combine(Dir, "evolution.db") + ",small,", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_map_below_0_9_trustworthiness_is_flagged_on_standard_error_and_in_the_page()
    {
        // A degenerate study: every trial's parameters set to one value, so all points coincide in the input and the
        // ranks there are only the index order; any embedding then scores about 0.5.
        var r = await CliRunner.Run("search", SearchConfig("degenerate", 40), "--no-report");
        Assert.True(r.ExitCode == 0, r.Error);
        var db = Path.Combine(Dir, "studies.db");
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={db};Pooling=False"))
        {
            connection.Open();
            using var flatten = connection.CreateCommand();
            flatten.CommandText = "UPDATE trial_parameters SET value = 4";
            Assert.True(flatten.ExecuteNonQuery() > 0);
        }

        var output = Path.Combine(Dir, "report");
        var report = await CliRunner.Run("report", db, "--out", output);

        Assert.True(report.ExitCode == 0, report.Error);
        // The synthetic trials are off the space's grid, so the report also says it cannot re-evaluate the best design.
        var warning = Assert.Single(report.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("warning: t-SNE", StringComparison.Ordinal));
        Assert.Contains(report.Error.Split('\n'), l => l.StartsWith("warning: cannot re-evaluate the best design of studies.db:degenerate", StringComparison.Ordinal));
        Assert.Matches(@"^warning: t-SNE map 'studies\.db:degenerate' has trustworthiness 0\.\d{3} < 0\.9: ", warning);
        var html = await File.ReadAllTextAsync(Path.Combine(output, "report.html"));
        Assert.Contains("<p class=warning>Warning: t-SNE map &#39;studies.db:degenerate&#39; has trustworthiness", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Studies_of_different_workloads_are_never_pooled_nor_embedded_together()
    {
        var mobile = SearchConfig("mobile", 30, "mobile.yaml");
        var resnet = SearchConfig("resnet", 30, "resnet.yaml");
        await File.WriteAllTextAsync(resnet, (await File.ReadAllTextAsync(resnet)).Replace("[mobilenet_v2]", "[resnet50]", StringComparison.Ordinal));
        foreach (var config in new[] { mobile, resnet })
        {
            var r = await CliRunner.Run("search", config, "--no-report");
            Assert.True(r.ExitCode == 0, r.Error);
        }

        var db = Path.Combine(Dir, "studies.db");
        var summary = await CliRunner.Run("summary", db, "--format", "csv");
        Assert.True(summary.ExitCode == 0, summary.Error);
        var rows = summary.Out.Trim().Split('\n')[1..].Select(l => l.Split(',')).ToList();
        Assert.Equal(2, rows.Count); // random @ 6.8 mm² twice: one row per fingerprint, not one pooled row
        Assert.NotEqual(rows[0][0], rows[1][0]);
        Assert.All(rows, r => Assert.Equal(["random", "6.8", "1"], r[1..4]));

        var report = new ReportBuilder().Build(ReportSource.Load([db], []), new ReportOptions(Path.Combine(Dir, "report"), Joint: true));
        Assert.Equal(["studies.db:mobile", "studies.db:resnet"], report.Embeddings.Select(e => e.Name));
        // Violins and best-so-far curves once per fingerprint, never one plot across them.
        Assert.Equal(4, report.Figures.Count(f => f.Name.StartsWith("best-", StringComparison.Ordinal)));
        var html = await File.ReadAllTextAsync(report.HtmlPath);
        Assert.Contains($"Across runs, fingerprint {rows[0][0]}", html, StringComparison.Ordinal);
        Assert.Contains($"Across runs, fingerprint {rows[1][0]}", html, StringComparison.Ordinal);
    }
}
