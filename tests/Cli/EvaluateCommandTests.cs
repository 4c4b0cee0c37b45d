using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Apollo.Testing;

namespace Apollo.Cli.Tests;

public sealed class EvaluateCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("apollo-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Baseline_json_reports_reward_one_and_area_between_budgets()
    {
        var r = await CliRunner.Run("evaluate", "--accelerator", "configs/accelerators/baseline.yaml", "--format", "json");
        Assert.True(r.ExitCode == 0, r.Error);
        var json = JsonNode.Parse(r.Out)!.AsObject();
        Assert.Equal(1.0, json["reward"]!.GetValue<double>());
        Assert.InRange(json["area_mm2"]!.GetValue<double>(), 5.8, 6.8);
        Assert.True(json["feasible"]!.GetValue<bool>());
        Assert.Equal(11, json["workloads"]!.AsArray().Count);
        Assert.All(json["workloads"]!.AsArray(), w => Assert.Equal(1.0, w!["speedup"]!.GetValue<double>()));
        Assert.All(json["workloads"]!.AsArray(), w =>
        {
            // Power is energy per inference over the latency; the breakdown adds up to the energy.
            var energy = w!["energy_mj"]!.GetValue<double>();
            Assert.Equal(energy / w["latency_ms"]!.GetValue<double>(), w["power_w"]!.GetValue<double>(), 9);
            Assert.Equal(energy, w["energy_breakdown_mj"]!.AsObject().Sum(t => t.Value!.GetValue<double>()), 9);
        });
        Assert.Null(json["infeasible"]);
    }

    [Fact]
    public async Task Per_layer_json_gives_each_layer_its_energy()
    {
        var r = await CliRunner.Run("evaluate", "--accelerator", "configs/accelerators/baseline.yaml", "--workloads", "mobilenet_v2,crnn", "--per-layer", "--format", "json");
        Assert.True(r.ExitCode == 0, r.Error);
        // Per-layer values are for one run of the layer (crnn repeats its recurrent layers 26 times).
        Assert.All(JsonNode.Parse(r.Out)!["workloads"]!.AsArray(), w =>
        {
            var layers = w!["layers"]!.AsArray();
            Assert.All(layers, l => Assert.True(l!["energy_uj"]!.GetValue<double>() > 0));
            // The network adds its fixed costs (if any) to the sum of its layers' runs.
            var runs = layers.Sum(l => l!["energy_uj"]!.GetValue<double>() * l["repeat"]!.GetValue<int>());
            Assert.InRange(runs, 0, (w["energy_mj"]!.GetValue<double>() * 1e3) + 1e-6);
        });
    }

    [Fact]
    public async Task The_edge_tpu_like_calibration_point_evaluates_in_its_own_space()
    {
        // docs/calibration.md: 4,096 MACs, 8 MiB SRAM, a USB 3.0 link; MobileNetV2's 3.5 MB of weights fit on chip.
        var r = await CliRunner.Run("evaluate", "--accelerator", "configs/accelerators/edge-tpu-like.yaml",
            "--space", "configs/accelerators/space-edge-tpu.yaml", "--workloads", "mobilenet_v2,resnet50", "--format", "json");
        Assert.True(r.ExitCode == 0, r.Error);
        var json = JsonNode.Parse(r.Out)!.AsObject();
        Assert.True(json["feasible"]!.GetValue<bool>());
        var workloads = json["workloads"]!.AsArray();
        Assert.True(workloads[0]!["weights_resident"]!.GetValue<bool>());
        Assert.False(workloads[1]!["weights_resident"]!.GetValue<bool>());
        // ResNet-50 streams most of its 25.5 MB of weights over the 0.625 GB/s link: tens of milliseconds.
        Assert.InRange(workloads[1]!["latency_ms"]!.GetValue<double>(), 20, 80);
    }

    [Fact]
    public async Task A_workload_named_twice_on_the_command_line_is_reported_against_the_option()
    {
        var r = await CliRunner.Run("evaluate", "--workloads", "resnet50,resnet50");
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("error: <command line>: field '--workloads': workload 'resnet50' is listed twice; list each workload once", r.Error.Trim());
    }

    [Fact]
    public async Task Table_output_shows_area_workloads_and_reward()
    {
        var r = await CliRunner.Run("evaluate", "--accelerator", "configs/accelerators/baseline.yaml", "--workloads", "mobilenet_v2,resnet50", "--per-layer");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("mac_arrays", r.Out);
        Assert.Contains("mobilenet_v2", r.Out);
        Assert.Contains("reward: 1.0000", r.Out);
        Assert.Contains("resnet50: layers", r.Out);
    }

    [Fact]
    public async Task Per_layer_tables_are_plain_one_line_rows_when_not_a_terminal()
    {
        var r = await CliRunner.Run("evaluate", "--accelerator", "configs/accelerators/baseline.yaml", "--workloads", "mobilenet_v2", "--per-layer");
        Assert.Equal(0, r.ExitCode);
        var layers = r.Out[r.Out.IndexOf("mobilenet_v2: layers", StringComparison.Ordinal)..].Split('\n');
        Assert.DoesNotContain(layers, l => l.Contains('│', StringComparison.Ordinal) || l.Contains('…', StringComparison.Ordinal));
        // The header is one line (no wrapped "mem stall"), and every layer of the network is one line of its own.
        Assert.Contains(layers, l => l.Contains("mem stall", StringComparison.Ordinal) && l.Contains("mapping (cols/rows/cores/lanes/ways; tiles)", StringComparison.Ordinal));
        var workload = Apollo.Compiler.Workloads.WorkloadCatalog.Load(Apollo.Testing.RepositoryPaths.Config("workloads")).Get("mobilenet_v2");
        Assert.All(workload.Layers, layer => Assert.Single(layers, l => l.TrimStart().StartsWith(layer.Name + " ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Over_budget_point_is_infeasible_with_the_area_reason()
    {
        var r = await CliRunner.Run("evaluate", "--accelerator", "configs/accelerators/baseline.yaml", "--budget", "4.8", "--format", "json");
        Assert.Equal(0, r.ExitCode);
        var json = JsonNode.Parse(r.Out)!.AsObject();
        Assert.Equal(0.0, json["reward"]!.GetValue<double>());
        Assert.Equal("area", json["infeasible"]!["stage"]!.GetValue<string>());
        Assert.Equal("area_budget", json["infeasible"]!["level"]!.GetValue<string>());
    }

    [Fact]
    public async Task Batch_answers_a_thousand_lines_in_order_and_survives_bad_lines()
    {
        var rng = new Random(3);
        var input = new StringBuilder();
        var expected = new List<string?>();
        for (var i = 0; i < 1000; i++)
        {
            if (i % 97 == 13)
            {
                input.AppendLine(i % 2 == 0 ? "{\"pe_x\": 3}" : "not json");
                expected.Add(null);
                continue;
            }

            var config = DesignGenerators.Uniform(rng);
            var obj = new JsonObject();
            foreach (var (k, v) in config.ToParameters())
            {
                obj[k] = v;
            }

            input.AppendLine(obj.ToJsonString());
            expected.Add(obj.ToJsonString());
        }

        var r = await CliRunner.RunWithInput(input.ToString(), "evaluate", "--batch", "--budget", "6.8");
        Assert.True(r.ExitCode == 0, r.Error);
        var lines = r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(1000, lines.Length);
        var feasible = 0;
        for (var i = 0; i < lines.Length; i++)
        {
            var json = JsonNode.Parse(lines[i])!.AsObject();
            if (expected[i] is null)
            {
                Assert.Equal(i + 1, json["line"]!.GetValue<int>());
                Assert.NotNull(json["error"]);
                continue;
            }

            // Each answer echoes its own point, so order is checked, and reward agrees with feasibility.
            var echoed = JsonNode.Parse(expected[i]!)!.AsObject();
            Assert.Equal(echoed["pe_x"]!.GetValue<double>(), json["accelerator"]!["pe_x"]!.GetValue<double>());
            Assert.Equal(echoed["core_memory"]!.GetValue<double>(), json["accelerator"]!["core_memory"]!.GetValue<double>());
            var isFeasible = json["feasible"]!.GetValue<bool>();
            Assert.Equal(isFeasible, json["reward"]!.GetValue<double>() > 0);
            feasible += isFeasible ? 1 : 0;
        }

        Assert.InRange(feasible, 1, 500);
    }

    [Fact]
    public async Task Batch_error_names_the_field_and_allowed_values()
    {
        var r = await CliRunner.RunWithInput("{\"pe_x\":3,\"pe_y\":4,\"lanes\":64,\"cores\":4,\"pe_memory\":524288,\"core_memory\":32768,\"instruction_memory\":4096,\"parameter_memory\":16384,\"activation_memory\":8192,\"io_bandwidth\":20}\n", "evaluate", "--batch", "--workloads", "mobilenet_v2");
        var json = JsonNode.Parse(r.Out)!.AsObject();
        Assert.Contains("pe_x", json["error"]!.GetValue<string>());
        Assert.Contains("1, 2, 4, 6, 8", json["error"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("unknown-parameter", "name: x\ntechnology: ../configs/technology/edge-7nm.yaml\nparameters:\n  pe_z: 4\n", "pe_z", "allowed parameters")]
    [InlineData("off-grid", "name: x\ntechnology: TECH\nparameters:\n  pe_x: 3\n  pe_y: 4\n  lanes: 64\n  cores: 4\n  pe_memory: 524288\n  core_memory: 32768\n  instruction_memory: 4096\n  parameter_memory: 16384\n  activation_memory: 8192\n  io_bandwidth: 20\n", "parameters.pe_x", "allowed values: 1, 2, 4")]
    [InlineData("malformed", "name: x\nparameters: [1, 2\n", "malformed YAML", "")]
    [InlineData("empty", "", "empty", "")]
    [InlineData("non-positive", "name: x\ntechnology: TECH\nparameters:\n  pe_x: 0\n  pe_y: 4\n  lanes: 64\n  cores: 4\n  pe_memory: 524288\n  core_memory: 32768\n  instruction_memory: 4096\n  parameter_memory: 16384\n  activation_memory: 8192\n  io_bandwidth: 20\n", "parameters.pe_x", "positive")]
    public async Task Bad_accelerator_files_exit_2_with_one_located_message(string name, string text, string expected1, string expected2)
    {
        var path = Path.Combine(_dir, name + ".yaml");
        await File.WriteAllTextAsync(path, text.Replace("TECH", RepositoryPaths.Config("technology", "edge-7nm.yaml"), StringComparison.Ordinal));
        var r = await CliRunner.Run("evaluate", "--accelerator", path, "--workloads", "mobilenet_v2");
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith("error: " + path, r.Error, StringComparison.Ordinal);
        Assert.Contains(expected1, r.Error);
        Assert.Contains(expected2, r.Error);
        Assert.Single(r.Error.Trim().Split('\n'));
    }

    [Fact]
    public async Task Unknown_workload_lists_the_valid_names()
    {
        var r = await CliRunner.Run("evaluate", "--accelerator", "configs/accelerators/baseline.yaml", "--workloads", "mobilenet_v9");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("mobilenet_v9", r.Error);
        Assert.Contains("mobilenet_v2", r.Error);
    }

    [Fact]
    public async Task Bad_workload_file_in_a_user_folder_exits_2()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_dir, "workloads")).FullName;
        await File.WriteAllTextAsync(Path.Combine(folder, "net.yaml"), "name: net\ndomain: classification\ndescription: d\nsource: s\npublished: {macs: 1, parameters: 1, convention: c, source: s}\nlayers:\n  - {name: c1, op: conv2d, input: [8, 8, -3], out_channels: 4, kernel: 3}\n");
        var r = await CliRunner.Run("evaluate", "--accelerator", "configs/accelerators/baseline.yaml", "--workload-dir", folder, "--workloads", "net");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("net.yaml", r.Error);
        Assert.Contains("input", r.Error);
    }

    [Fact]
    public async Task Space_prints_the_size()
    {
        var r = await CliRunner.Run("space");
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains(452_760_000L.ToString("N0", CultureInfo.InvariantCulture), r.Out);
    }
}
