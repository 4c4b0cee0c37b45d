using Apollo.Compiler.Workloads;
using Apollo.Configuration;
using Apollo.Testing;

namespace Apollo.Compiler.Tests.Workloads;

/// <summary>Loading a directory of workloads, sets.yaml, and lookups by name.</summary>
public sealed class WorkloadCatalogTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("apollo-catalog-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    // The Coral calibration networks (docs/calibration.md) live only in the `coral` set: adding them to `all`
    // or a study suite would change every study and every figure measured on it.
    private static readonly string[] CalibrationOnly =
        ["inception_v1", "resnet50_299", "ssd_mobilenet_v2", "deeplabv3_mobilenet_v2_513", "efficientnet_edgetpu_s"];

    [Fact]
    public void Shipped_sets_resolve_to_workloads_of_their_domain()
    {
        var catalog = WorkloadCatalog.Load(RepositoryPaths.Config("workloads"));
        Assert.Equal(["all", "classification", "coral", "detection", "ocr", "segmentation", "speech", "vision"], catalog.Sets.Keys.Order(StringComparer.Ordinal));
        var suite = catalog.Names.Except(CalibrationOnly).ToList();
        Assert.Equal(suite, catalog.ResolveSet("all").Select(w => w.Name).Order(StringComparer.Ordinal));
        foreach (var domain in new[] { "classification", "detection", "ocr", "segmentation", "speech" })
        {
            var members = catalog.ResolveSet(domain);
            Assert.NotEmpty(members);
            Assert.All(members, w => Assert.Equal(domain, w.Domain));
            Assert.Equal(suite.Count(n => catalog.Get(n).Domain == domain), members.Count);
        }

        Assert.All(catalog.ResolveSet("vision"), w => Assert.Equal("classification", w.Domain));
    }

    [Fact]
    public void The_coral_set_is_the_benchmark_table_and_only_it_holds_the_calibration_networks()
    {
        var catalog = WorkloadCatalog.Load(RepositoryPaths.Config("workloads"));
        Assert.Equal(["mobilenet_v2", .. CalibrationOnly], catalog.Sets["coral"]);
        Assert.All(catalog.Sets.Where(s => s.Key != "coral"), s => Assert.Empty(s.Value.Intersect(CalibrationOnly)));
    }

    [Fact]
    public void Resolve_keeps_the_requested_order()
    {
        var catalog = WorkloadCatalog.Load(RepositoryPaths.Config("workloads"));
        Assert.Equal(["resnet50", "crnn"], catalog.Resolve(["resnet50", "crnn"]).Select(w => w.Name));
    }

    [Fact]
    public void Resolve_refuses_an_empty_or_repeated_selection()
    {
        // The command line's --workloads goes through Resolve, so it gets the same checks as a config file.
        var catalog = WorkloadCatalog.Load(RepositoryPaths.Config("workloads"));
        var empty = Assert.Throws<ConfigException>(() => catalog.Resolve([]));
        Assert.Equal("workloads", empty.Field);
        Assert.Contains("must name at least one workload", empty.Problem);
        var twice = Assert.Throws<ConfigException>(() => catalog.Resolve(["crnn", "unet", "crnn"]));
        Assert.Contains("workload 'crnn' is listed twice", twice.Problem);
    }

    [Theory]
    [InlineData("small: [a, a]\n", "small[1]", "workload 'a' is listed twice")]
    [InlineData("small: []\n", "small", "must name at least one workload")]
    public void Sets_with_a_repeated_or_no_workload_are_rejected(string sets, string field, string problem)
    {
        Write("a.yaml", Workload("a"));
        Write("sets.yaml", sets);
        var e = Assert.Throws<ConfigException>(() => WorkloadCatalog.Load(_directory));
        Assert.Equal(field, e.Field);
        Assert.Contains(problem, e.Problem);
    }

    [Fact]
    public void Unknown_workload_lists_the_valid_names()
    {
        var catalog = WorkloadCatalog.Load(RepositoryPaths.Config("workloads"));
        var e = Assert.Throws<ConfigException>(() => catalog.Get("alexnet"));
        Assert.Equal("workload", e.Field);
        Assert.Contains("unknown workload 'alexnet'", e.Problem);
        Assert.Contains("valid names: " + string.Join(", ", catalog.Names), e.Problem);
    }

    [Fact]
    public void Unknown_set_lists_the_valid_sets()
    {
        var catalog = WorkloadCatalog.Load(RepositoryPaths.Config("workloads"));
        var e = Assert.Throws<ConfigException>(() => catalog.ResolveSet("nlp"));
        Assert.Equal("set", e.Field);
        Assert.Contains("valid sets: all, classification, coral, detection, ocr, segmentation, speech, vision", e.Problem);
    }

    [Fact]
    public void A_directory_without_sets_yaml_still_has_the_all_set()
    {
        Write("a.yaml", Workload("a"));
        Write("b.yaml", Workload("b"));
        var catalog = WorkloadCatalog.Load(_directory);
        Assert.Equal(["a", "b"], catalog.Names);
        Assert.Equal(["a", "b"], catalog.Sets[WorkloadCatalog.AllSet]);
    }

    [Fact]
    public void Sets_naming_an_unknown_workload_are_rejected_with_the_valid_names()
    {
        Write("a.yaml", Workload("a"));
        Write("sets.yaml", "small: [a, b]\n");
        var e = Assert.Throws<ConfigException>(() => WorkloadCatalog.Load(_directory));
        Assert.EndsWith("sets.yaml", e.File, StringComparison.Ordinal);
        Assert.Equal("small[1]", e.Field);
        Assert.Equal(1, e.Line);
        Assert.Contains("unknown workload 'b'; valid names: a", e.Problem);
    }

    [Fact]
    public void Duplicate_workload_names_across_files_are_rejected()
    {
        Write("a.yaml", Workload("same"));
        Write("b.yaml", Workload("same"));
        var e = Assert.Throws<ConfigException>(() => WorkloadCatalog.Load(_directory));
        Assert.Contains("also defined in", e.Problem);
    }

    [Fact]
    public void Layered_directories_take_each_name_from_the_first_that_defines_it_and_sets_may_name_any_folders_workloads()
    {
        var user = Directory.CreateDirectory(Path.Combine(_directory, "user")).FullName;
        var shipped = RepositoryPaths.Config("workloads");
        File.WriteAllText(Path.Combine(user, "crnn.yaml"), Workload("crnn"));
        File.WriteAllText(Path.Combine(user, "mine.yaml"), Workload("mine"));
        File.WriteAllText(Path.Combine(user, "sets.yaml"), "mixed: [mine, resnet50]\nvision: [mine]\n");
        var catalog = WorkloadCatalog.Load([user, shipped]);

        Assert.Equal(Path.Combine(user, "crnn.yaml"), catalog.Get("crnn").File);
        Assert.Equal(WorkloadCatalog.Load(shipped).Get("unet").File, catalog.Get("unet").File);
        Assert.Equal(["mine", "resnet50"], catalog.ResolveSet("mixed").Select(w => w.Name));
        Assert.Equal(["mine"], catalog.Sets["vision"]);
        Assert.Equal(["crnn", "mine"], catalog.Sets[WorkloadCatalog.AllSet]); // the user folder's own all comes first
        Assert.Equal(WorkloadCatalog.Load(shipped).Sets["speech"], catalog.Sets["speech"]);
        Assert.Equal(catalog.Names.Order(StringComparer.Ordinal), catalog.Names);
    }

    [Fact]
    public void Missing_or_empty_directories_are_reported()
    {
        var missing = Path.Combine(_directory, "nope");
        Assert.Contains("not found", Assert.Throws<ConfigException>(() => WorkloadCatalog.Load(missing)).Message);
        Assert.Contains("no workload files", Assert.Throws<ConfigException>(() => WorkloadCatalog.Load(_directory)).Message);
    }

    private static string Workload(string name) => $$"""
        name: {{name}}
        domain: speech
        description: d
        source: s
        published: {macs: 16, parameters: 16, convention: c, source: s}
        layers:
          - {name: fc, op: matmul, k: 4, n: 4}

        """;

    private void Write(string file, string text) => File.WriteAllText(Path.Combine(_directory, file), text);
}
