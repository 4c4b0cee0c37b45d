using Apollo.Configuration;
using Apollo.Simulator.Template;
using Apollo.Testing;

namespace Apollo.Simulator.Tests.Template;

public sealed class ConfigFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("apollo-config-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Default_space_has_the_published_size()
    {
        Assert.Equal(452_760_000L, ReferenceLayers.Space.Size);
        Assert.Equal(TemplateParameters.Names, ReferenceLayers.Space.Parameters.Select(p => p.Name));
    }

    [Fact]
    public void Baseline_is_on_the_default_grid()
    {
        ReferenceLayers.Space.Validate(ReferenceLayers.Baseline, (f, m) => new InvalidOperationException($"{f}: {m}"));
        Assert.Equal(new AcceleratorConfig(4, 4, 64, 4, 524288, 32768, 4096, 16384, 8192, 20), ReferenceLayers.Baseline);
    }

    [Fact]
    public void A_user_space_can_subset_and_freeze_parameters()
    {
        var path = Write("space.yaml", Space("  lanes: [64, 32]\n  cores: {frozen: 4}\n  io_bandwidth: 20\n"));
        var space = AcceleratorFiles.LoadSpace(path);
        Assert.Equal([32.0, 64.0], space.Parameters.First(p => p.Name == "lanes").Values);
        Assert.Equal([4.0], space.Parameters.First(p => p.Name == "cores").Values);
        Assert.Equal(2L, space.Size);
    }

    [Fact]
    public void Unknown_parameter_is_named_with_the_allowed_ones()
    {
        var path = Write("space.yaml", Space("  lanez: [4]\n"));
        var e = Assert.Throws<ConfigException>(() => AcceleratorFiles.LoadSpace(path));
        Assert.Contains("space.yaml:", e.Message);
        Assert.Contains("lanez", e.Message);
        Assert.Contains("allowed parameters: pe_x, pe_y, lanes", e.Message);
    }

    [Fact]
    public void Non_positive_values_are_rejected_with_the_line()
    {
        var path = Write("space.yaml", Space("  lanes: [4, -8]\n"));
        var e = Assert.Throws<ConfigException>(() => AcceleratorFiles.LoadSpace(path));
        Assert.Equal("parameters.lanes[1]", e.Field);
        Assert.NotNull(e.Line);
        Assert.Contains("positive", e.Message);
    }

    [Fact]
    public void Malformed_yaml_reports_the_line()
    {
        var path = Write("bad.yaml", "name: x\nparameters:\n  pe_x: [1, 2\n  pe_y: 3\n");
        var e = Assert.Throws<ConfigException>(() => AcceleratorFiles.LoadAccelerator(path));
        Assert.Contains("malformed YAML", e.Message);
        Assert.NotNull(e.Line);
    }

    [Fact]
    public void Missing_and_empty_files_are_named()
    {
        Assert.Contains("file not found", Assert.Throws<ConfigException>(() => AcceleratorFiles.LoadAccelerator(Path.Combine(_dir, "nope.yaml"))).Message);
        var empty = Write("empty.yaml", "");
        Assert.Contains("empty", Assert.Throws<ConfigException>(() => AcceleratorFiles.LoadAccelerator(empty)).Message);
    }

    [Fact]
    public void Accelerator_missing_a_parameter_names_it()
    {
        var text = File.ReadAllText(RepositoryPaths.Config("accelerators", "baseline.yaml")).Replace("  cores: 4", "", StringComparison.Ordinal)
            .Replace("../technology/", RepositoryPaths.Config("technology") + "/", StringComparison.Ordinal);
        var path = Write("acc.yaml", text);
        var e = Assert.Throws<ConfigException>(() => AcceleratorFiles.LoadAccelerator(path));
        Assert.Equal("parameters.cores", e.Field);
        Assert.Contains("missing", e.Message);
    }

    [Fact]
    public void Off_grid_value_lists_the_allowed_values()
    {
        var off = ReferenceLayers.Baseline with { Lanes = 48 };
        var e = Assert.Throws<InvalidOperationException>(() => ReferenceLayers.Space.Validate(off, (f, m) => new InvalidOperationException($"{f}: {m}")));
        Assert.Contains("lanes: value 48 is not in the search space", e.Message);
        Assert.Contains("4, 8, 16, 32, 64, 128, 256", e.Message);
    }

    [Fact]
    public void Technology_rejects_unknown_and_missing_fields()
    {
        var original = File.ReadAllText(RepositoryPaths.Config("technology", "edge-7nm.yaml"));
        var unknown = Write("t1.yaml", original.Replace("clock_ghz:", "clock_mhz:", StringComparison.Ordinal));
        var e = Assert.Throws<ConfigException>(() => Technology.Load(unknown));
        Assert.Contains("clock_mhz", e.Message);
        Assert.Contains("allowed fields", e.Message);
    }

    [Theory]
    [InlineData("  pe_x: [1, 2147483648]\n", "parameters.pe_x[1]", "must be from 1 to 1024 PEs, got 2147483648")]
    [InlineData("  lanes: [9007199254740992]\n", "parameters.lanes[0]", "must be from 1 to 4096 lanes per core")]
    [InlineData("  core_memory: [1e300]\n", "parameters.core_memory[0]", "must be from 1 to 1073741824 bytes per core")]
    [InlineData("  io_bandwidth: [1e-300]\n", "parameters.io_bandwidth[0]", "must be from 0.001 to 10000 GB/s")]
    [InlineData("  cores: {frozen: 2048}\n", "parameters.cores.frozen", "must be from 1 to 1024 cores per PE")]
    [InlineData("  instruction_memory: 1e9\n", "parameters.instruction_memory", "must be from 1 to 16777216 entries per core")]
    public void Space_values_outside_the_physical_range_are_refused(string parameters, string field, string problem)
    {
        var e = Assert.Throws<ConfigException>(() => AcceleratorFiles.LoadSpace(Write("space.yaml", Space(parameters))));
        Assert.Equal(field, e.Field);
        Assert.Contains(problem, e.Problem);
        Assert.NotNull(e.Line);
    }

    [Fact]
    public void A_parameter_with_more_than_64_values_is_refused()
    {
        var values = string.Join(", ", Enumerable.Range(1, 1000));
        var e = Assert.Throws<ConfigException>(() => AcceleratorFiles.LoadSpace(Write("space.yaml", Space($"  pe_memory: [{values}]\n"))));
        Assert.Equal("parameters.pe_memory", e.Field);
        Assert.Contains("lists 1000 values; at most 64 values per parameter", e.Problem);
    }

    [Fact]
    public void The_largest_space_is_counted_without_overflow()
    {
        var list = "[" + string.Join(", ", Enumerable.Range(1, AcceleratorFiles.MaxValuesPerParameter)) + "]";
        var space = AcceleratorFiles.LoadSpace(Write("space.yaml", Space(string.Concat(TemplateParameters.Names.Select(n => $"  {n}: {list}\n")))));
        Assert.Equal(1L << 60, space.Size);
    }

    [Theory]
    [InlineData("  pe_x: 4", "  pe_x: 2048", "parameters.pe_x", "must be from 1 to 1024 PEs")]
    [InlineData("  io_bandwidth: 20", "  io_bandwidth: 1e-300", "parameters.io_bandwidth", "must be from 0.001 to 10000 GB/s")]
    [InlineData("  pe_memory: 524288", "  pe_memory: 2147483648", "parameters.pe_memory", "must be from 1 to 1073741824 bytes per PE")]
    public void Accelerator_values_outside_the_physical_range_are_refused(string from, string to, string field, string problem)
    {
        var e = Assert.Throws<ConfigException>(() => AcceleratorFiles.LoadAccelerator(Write("acc.yaml", Baseline().Replace(from, to, StringComparison.Ordinal))));
        Assert.Equal(field, e.Field);
        Assert.Contains(problem, e.Problem);
    }

    [Theory]
    [InlineData("/dev/zero", "not a regular file")]
    [InlineData(".", "is a folder")]
    public void An_accelerator_naming_a_device_or_folder_as_technology_names_the_field(string technology, string problem)
    {
        if (!File.Exists("/dev/zero"))
        {
            return; // Windows
        }

        var text = Baseline();
        var line = text.Split('\n').First(l => l.StartsWith("technology:", StringComparison.Ordinal));
        var e = Assert.Throws<ConfigException>(() => AcceleratorFiles.LoadAccelerator(Write("acc.yaml", text.Replace(line, $"technology: {technology}", StringComparison.Ordinal))));
        Assert.Equal("technology", e.Field);
        Assert.Contains(problem, e.Problem);
    }

    [Theory]
    [InlineData("clock_ghz: 0.5", "clock_ghz: 1e300", "clock_ghz", "must be at most 10 GHz, got 1e300; allowed: 0.001 to 10 GHz")]
    [InlineData("clock_ghz: 0.5", "clock_ghz: 1e-300", "clock_ghz", "must be at least 0.001 GHz")]
    [InlineData("mac_mm2: 0.00007", "mac_mm2: 1e308", "area.mac_mm2", "must be at most 1 mm², got 1e308; allowed: 1E-09 to 1 mm²")]
    [InlineData("mac_ways: 4", "mac_ways: 2147483648", "mac_ways", "must be at most 64, got 2147483648; allowed: 1 to 64")]
    [InlineData("dram_latency_cycles: 200", "dram_latency_cycles: 1e18", "memory.dram_latency_cycles", "allowed: 0 to 1000000")]
    [InlineData("max_variants: 64", "max_variants: 0", "program.max_variants", "must be at least 1, got 0; allowed: 1 to 4096")]
    [InlineData("mac_pj: 0.2", "mac_pj: 0", "energy.mac_pj", "must be at least 1E-06 pJ")]
    [InlineData("dram_pj_per_bit: 4.5", "dram_pj_per_bit: 1e300", "energy.dram_pj_per_bit", "allowed: 0.001 to 1000 pJ/bit")]
    [InlineData("sram_capacity_exponent: 0.5", "sram_capacity_exponent: 2", "energy.sram_capacity_exponent", "allowed: 0 to 1")]
    [InlineData("staging_write_pj_per_byte: 0.48", "staging_write_pj_per_byte: -1", "energy.staging_write_pj_per_byte", "allowed: 1E-06 to 1000 pJ/B")]
    [InlineData("leakage_w_per_mm2: 0.02", "leakage_w_per_mm2: 11", "energy.leakage_w_per_mm2", "allowed: 0 to 10 W/mm²")]
    public void Technology_constants_outside_their_plausible_range_are_refused(string from, string to, string field, string problem)
    {
        var original = File.ReadAllText(RepositoryPaths.Config("technology", "edge-7nm.yaml"));
        Assert.Contains(from, original);
        var e = Assert.Throws<ConfigException>(() => Technology.Load(Write("t.yaml", original.Replace(from, to, StringComparison.Ordinal))));
        Assert.Equal(field, e.Field);
        Assert.Contains(problem, e.Problem);
    }

    private static string Baseline() =>
        File.ReadAllText(RepositoryPaths.Config("accelerators", "baseline.yaml"))
            .Replace("../technology/", RepositoryPaths.Config("technology") + "/", StringComparison.Ordinal);

    private string Space(string parameters)
    {
        var all = new Dictionary<string, string>
        {
            ["pe_x"] = "[4]",
            ["pe_y"] = "[4]",
            ["lanes"] = "[64]",
            ["cores"] = "[4]",
            ["pe_memory"] = "[524288]",
            ["core_memory"] = "[32768]",
            ["instruction_memory"] = "[4096]",
            ["parameter_memory"] = "[16384]",
            ["activation_memory"] = "[8192]",
            ["io_bandwidth"] = "[20]",
        };
        var overridden = parameters.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim().Split(':')[0]).ToHashSet();
        var lines = all.Where(kv => !overridden.Contains(kv.Key)).Select(kv => $"  {kv.Key}: {kv.Value}\n");
        return $"name: test\ntechnology: {RepositoryPaths.Config("technology", "edge-7nm.yaml")}\nparameters:\n{string.Concat(lines)}{parameters}";
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }
}
