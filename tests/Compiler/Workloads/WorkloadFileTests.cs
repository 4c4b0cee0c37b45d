using Apollo.Compiler.Workloads;
using Apollo.Configuration;

namespace Apollo.Compiler.Tests.Workloads;

/// <summary>How a single workload file is read: shape rules, expansions and every kind of rejection.</summary>
public sealed class WorkloadFileTests : IDisposable
{
    private const string Header = """
        name: tiny
        domain: classification
        description: a test network
        source: hand written
        published: {macs: 1, parameters: 1, convention: none, source: none}
        layers:

        """;

    private readonly string _directory = Directory.CreateTempSubdirectory("apollo-workloads-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Conv_output_size_follows_padding_stride_and_dilation()
    {
        var layer = Single("  - {name: c, op: conv2d, input: [224, 224, 3], out_channels: 32, kernel: 3, stride: 2, padding: 1}");
        Assert.Equal(new LayerShape(LayerOp.Conv2d, 1, 3, 32, 112, 112, 3, 3, 2, 2, 1, 1, 224, 224), layer.Shape);

        var dilated = Single("  - {name: c, op: conv2d, input: [33, 33, 960], out_channels: 256, kernel: 3, padding: 12, dilation: 12}");
        Assert.Equal((33, 33), (dilated.Shape.OutputHeight, dilated.Shape.OutputWidth));

        var valid = Single("  - {name: c, op: conv2d, input: [572, 572, 1], out_channels: 64, kernel: 3}");
        Assert.Equal((570, 570), (valid.Shape.OutputHeight, valid.Shape.OutputWidth));
    }

    [Fact]
    public void Same_padding_gives_ceil_of_input_over_stride()
    {
        var layer = Single("  - {name: c, op: conv2d, input: [225, 113, 8], out_channels: 8, kernel: 5, stride: 2, padding: same}");
        Assert.Equal((113, 57), (layer.Shape.OutputHeight, layer.Shape.OutputWidth));
    }

    [Fact]
    public void Groups_split_channels()
    {
        var layer = Single("  - {name: c, op: conv2d, input: [14, 14, 64], out_channels: 128, kernel: 3, padding: 1, groups: 4, bias: true}");
        Assert.Equal((4, 16, 32), (layer.Shape.Groups, layer.Shape.InputChannels, layer.Shape.OutputChannels));
        Assert.Equal((4L * 32 * 16 * 9) + 128, layer.Parameters);
    }

    [Fact]
    public void Depthwise_pool_elementwise_and_matmul_use_the_documented_mapping()
    {
        var w = Load("""
              - {name: dw, op: depthwise, input: [112, 112, 96], kernel: 3, stride: 2, padding: 1}
              - {name: pool, op: pool, kind: max, input: [112, 112, 64], kernel: 3, stride: 2, padding: 1}
              - {name: gap, op: pool, kind: avg, input: [7, 7, 1280], kernel: global}
              - {name: add, op: elementwise, kind: add, input: [56, 56, 24]}
              - {name: fc, op: matmul, m: 4, k: 1280, n: 1000, bias: true}
              - {name: up, op: upsample, input: [33, 33, 21], output: [520, 520]}
            """);
        Assert.Equal(new LayerShape(LayerOp.DepthwiseConv2d, 96, 1, 1, 56, 56, 3, 3, 2, 2, 1, 1, 112, 112), w.Layers[0].Shape);
        Assert.Equal(new LayerShape(LayerOp.Pool, 64, 1, 1, 56, 56, 3, 3, 2, 2, 1, 1, 112, 112), w.Layers[1].Shape);
        Assert.Equal(new LayerShape(LayerOp.Pool, 1280, 1, 1, 1, 1, 7, 7, 1, 1, 1, 1, 7, 7), w.Layers[2].Shape);
        Assert.Equal(new LayerShape(LayerOp.Elementwise, 24, 1, 1, 56, 56, 1, 1, 1, 1, 1, 1, 56, 56), w.Layers[3].Shape);
        Assert.Equal(new LayerShape(LayerOp.Matmul, 1, 1280, 1000, 4, 1, 1, 1, 1, 1, 1, 1, 4, 1), w.Layers[4].Shape);
        Assert.Equal(new LayerShape(LayerOp.Elementwise, 21, 1, 1, 520, 520, 1, 1, 1, 1, 1, 1, 33, 33), w.Layers[5].Shape);
        Assert.Equal((96L * 9) + (1280L * 1000) + 1000, w.TotalParameters);
        Assert.Equal((96L * 56 * 56 * 9) + (4L * 1280 * 1000), w.TotalMacs); // pool, add and upsample are not counted
    }

    [Fact]
    public void Lstm_batches_the_input_projection_over_the_sequence_and_repeats_only_the_recurrent_part()
    {
        var w = Load("""
              - {name: enc1, op: lstm, input_size: 320, hidden_size: 2048, projection: 640, steps: 100}
              - {name: blstm, op: lstm, input_size: 512, hidden_size: 256, steps: 26, bidirectional: true}
            """);
        Assert.Equal(["enc1_input", "enc1_gates", "enc1_projection", "blstm_fw_input", "blstm_fw_gates", "blstm_bw_input", "blstm_bw_gates"], w.Layers.Select(l => l.Name));

        // x_t·W_x for all 100 steps at once: a 100 x 320 by 320 x 8192 matmul, run once, carrying the gate biases.
        var input = w.Layers[0];
        Assert.Equal(new LayerShape(LayerOp.Matmul, 1, 320, 4 * 2048, 100, 1, 1, 1, 1, 1, 1, 1, 100, 1), input.Shape);
        Assert.Equal((1, true), (input.Repeat, input.Bias));

        // h_{t-1}·W_h per step: 640 (the projection) -> 8192.
        var gates = w.Layers[1];
        Assert.Equal(new LayerShape(LayerOp.Matmul, 1, 640, 4 * 2048, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1), gates.Shape);
        Assert.Equal((100, false), (gates.Repeat, gates.Bias));
        Assert.Equal((2048, 640, 100, false), (w.Layers[2].Shape.InputChannels, w.Layers[2].Shape.OutputChannels, w.Layers[2].Repeat, w.Layers[2].Bias));

        // Same MACs and parameters as one [x, h] gate matmul per step: the batching only regroups the work.
        Assert.Equal(100L * (320 + 640) * 8192, (input.Shape.Macs * input.Repeat) + (gates.Shape.Macs * gates.Repeat));
        Assert.Equal((512, 256), (w.Layers[3].Shape.InputChannels, w.Layers[4].Shape.InputChannels));
        Assert.Equal(2L * ((768L * 1024) + 1024), w.Layers.Skip(3).Sum(l => l.Parameters));
    }

    [Fact]
    public void Conv_transpose_with_stride_equal_to_kernel_is_an_exact_one_by_one_conv()
    {
        var layer = Single("  - {name: up, op: conv_transpose2d, input: [28, 28, 1024], out_channels: 512, kernel: 2, stride: 2}");
        Assert.Equal(new LayerShape(LayerOp.Conv2d, 1, 1024, 2048, 28, 28, 1, 1, 1, 1, 1, 1, 28, 28), layer.Shape);
        Assert.Equal(56L * 56 * 512 * 1024, layer.Shape.Macs);
        Assert.Equal(56L * 56 * 512, layer.Shape.OutputElements);
    }

    [Fact]
    public void Missing_file_is_reported()
    {
        var path = Path.Combine(_directory, "absent.yaml");
        var e = Assert.Throws<ConfigException>(() => WorkloadCatalog.LoadFile(path));
        Assert.Contains("absent.yaml", e.Message);
        Assert.Contains("file not found", e.Message);
    }

    [Fact]
    public void Empty_file_is_reported()
    {
        var e = Assert.Throws<ConfigException>(() => WorkloadCatalog.LoadFile(Write("empty.yaml", "")));
        Assert.Contains("empty.yaml", e.Message);
        Assert.Contains("empty", e.Problem);
    }

    [Fact]
    public void Unknown_op_lists_the_allowed_ops()
    {
        var e = Reject("  - {name: x, op: transformer, input: [1, 1, 1]}");
        AssertNames(e, "layers[0].op", 7);
        Assert.Contains("'transformer' is not allowed", e.Problem);
        Assert.Contains("conv2d, depthwise, conv_transpose2d, matmul, lstm, pool, elementwise, upsample", e.Problem);
    }

    [Fact]
    public void Unknown_field_lists_the_allowed_fields()
    {
        var e = Reject("  - {name: x, op: matmul, k: 4, n: 4, kernal: 3}");
        AssertNames(e, "layers[0].kernal", 7);
        Assert.Contains("allowed fields: name, op, m, k, n, bias, repeat", e.Problem);
    }

    [Fact]
    public void Unknown_header_field_is_rejected()
    {
        var e = Assert.Throws<ConfigException>(() => WorkloadCatalog.LoadFile(Write("tiny.yaml", Header.Replace("source: hand written", "sauce: x", StringComparison.Ordinal) + "  - {name: x, op: matmul, k: 4, n: 4}\n")));
        Assert.Equal("sauce", e.Field);
        Assert.Contains("allowed fields: name, domain, description, source, published, layers", e.Problem);
    }

    [Theory]
    [InlineData("out_channels: 0", "layers[0].out_channels", "must be at least 1")]
    [InlineData("out_channels: -8", "layers[0].out_channels", "must be at least 1")]
    [InlineData("out_channels: 2.5", "layers[0].out_channels", "expected an integer")]
    [InlineData("out_channels: 8, stride: 0", "layers[0].stride", "must be at least 1")]
    [InlineData("out_channels: 8, padding: -1", "layers[0].padding", "must be at least 0")]
    [InlineData("out_channels: 8, padding: full", "layers[0].padding", "allowed: a non-negative integer, [height, width], same, valid")]
    [InlineData("out_channels: 6, groups: 4", "layers[0].groups", "must both be divisible by groups")]
    [InlineData("out_channels: 8, kernel: 9", "layers[0].kernel", "does not fit the 8x8 input")]
    [InlineData("out_channels: 8, bias: maybe", "layers[0].bias", "expected true or false")]
    public void Bad_conv_values_name_the_field_and_what_is_allowed(string fields, string field, string problem)
    {
        var kernel = fields.Contains("kernel", StringComparison.Ordinal) ? "" : ", kernel: 3";
        var e = Reject($"  - {{name: c, op: conv2d, input: [8, 8, 8]{kernel}, {fields}}}");
        AssertNames(e, field, 7);
        Assert.Contains(problem, e.Problem);
    }

    [Fact]
    public void Input_must_have_three_positive_dimensions()
    {
        var e = Reject("  - {name: c, op: conv2d, input: [8, 8], out_channels: 8, kernel: 1}");
        AssertNames(e, "layers[0].input", 7);
        Assert.Contains("[height, width, channels]", e.Problem);

        e = Reject("  - {name: c, op: conv2d, input: [8, 0, 8], out_channels: 8, kernel: 1}");
        Assert.Equal("layers[0].input[1]", e.Field);
    }

    [Fact]
    public void Missing_required_field_is_named()
    {
        var e = Reject("  - {name: fc, op: matmul, k: 4}");
        Assert.Equal("layers[0].n", e.Field);
        Assert.Contains("required", e.Problem);
    }

    [Fact]
    public void Unknown_domain_and_pool_kind_list_the_choices()
    {
        var e = Assert.Throws<ConfigException>(() => WorkloadCatalog.LoadFile(Write("tiny.yaml", Header.Replace("classification", "nlp", StringComparison.Ordinal) + "  - {name: x, op: matmul, k: 4, n: 4}\n")));
        Assert.Equal("domain", e.Field);
        Assert.Contains("allowed values: classification, detection, ocr, segmentation, speech", e.Problem);

        e = Reject("  - {name: p, op: pool, kind: min, input: [4, 4, 4], kernel: 2}");
        Assert.Equal("layers[0].kind", e.Field);
        Assert.Contains("allowed values: max, avg", e.Problem);
    }

    [Fact]
    public void Duplicate_layer_names_and_empty_layer_lists_are_rejected()
    {
        var e = Reject("""
              - {name: fc, op: matmul, k: 4, n: 4}
              - {name: fc, op: matmul, k: 4, n: 4}
            """);
        Assert.Contains("duplicate layer name 'fc'", e.Problem);

        e = Assert.Throws<ConfigException>(() => WorkloadCatalog.LoadFile(Write("tiny.yaml", Header + "  []\n")));
        Assert.Equal("layers", e.Field);
    }

    [Fact]
    public void Conv_transpose_requires_stride_equal_to_kernel()
    {
        var e = Reject("  - {name: up, op: conv_transpose2d, input: [8, 8, 8], out_channels: 8, kernel: 3, stride: 2}");
        Assert.Equal("layers[0].stride", e.Field);
        Assert.Contains("only stride equal to kernel", e.Problem);
    }

    [Fact]
    public void Published_figures_must_be_positive()
    {
        var e = Assert.Throws<ConfigException>(() => WorkloadCatalog.LoadFile(Write("tiny.yaml", Header.Replace("macs: 1", "macs: 0", StringComparison.Ordinal) + "  - {name: x, op: matmul, k: 4, n: 4}\n")));
        Assert.Equal("published.macs", e.Field);
        Assert.Contains("positive", e.Problem);
    }

    [Theory]
    [InlineData("  - {name: c, op: conv2d, input: [2147483647, 2147483647, 3], out_channels: 8, kernel: 3}", "layers[0].input[0]", "allowed: 1 to 16384")]
    [InlineData("  - {name: c, op: conv2d, input: [8, 8, 2147483647], out_channels: 8, kernel: 3}", "layers[0].input[2]", "allowed: 1 to 65536")]
    [InlineData("  - {name: c, op: conv2d, input: [8, 8, 8], out_channels: 2147483647, kernel: 3}", "layers[0].out_channels", "allowed: 1 to 65536")]
    [InlineData("  - {name: c, op: conv2d, input: [64, 64, 8], out_channels: 8, kernel: 3, dilation: 2147483647}", "layers[0].dilation", "allowed: 1 to 256")]
    [InlineData("  - {name: c, op: conv2d, input: [64, 64, 8], out_channels: 8, kernel: 2147483647}", "layers[0].kernel", "allowed: 1 to 256")]
    [InlineData("  - {name: c, op: conv2d, input: [64, 64, 8], out_channels: 8, kernel: 3, stride: [1, 2147483648]}", "layers[0].stride[1]", "allowed: 1 to 256")]
    [InlineData("  - {name: c, op: conv2d, input: [64, 64, 8], out_channels: 8, kernel: 3, padding: 2147483647}", "layers[0].padding", "allowed: 0 to 1024")]
    [InlineData("  - {name: m, op: matmul, m: 1e300, k: 4, n: 4}", "layers[0].m", "allowed: 1 to 65536")]
    [InlineData("  - {name: m, op: matmul, k: 4, n: 4, repeat: 2147483647}", "layers[0].repeat", "allowed: 1 to 1000000")]
    [InlineData("  - {name: l, op: lstm, input_size: 8, hidden_size: 8, steps: 9007199254740993}", "layers[0].steps", "allowed: 1 to 1000000")]
    [InlineData("  - {name: u, op: upsample, input: [8, 8, 8], output: [8, 2147483647]}", "layers[0].output[1]", "allowed: 1 to 16384")]
    [InlineData("  - {name: d, op: depthwise, input: [8, 8, 8], kernel: 3, padding: 1, multiplier: 100000}", "layers[0].multiplier", "allowed: 1 to 256")]
    public void Fields_beyond_their_documented_maxima_name_the_field_and_the_range(string layer, string field, string range)
    {
        var e = Reject(layer);
        Assert.Equal(field, e.Field);
        Assert.Contains(range, e.Problem);
    }

    [Fact]
    public void A_huge_dilation_no_longer_wraps_to_a_wrong_output_size()
    {
        // dilation·(kernel − 1) = 256·2 is computed in 64 bits; the window does not fit and says so.
        var e = Reject("  - {name: c, op: conv2d, input: [64, 64, 8], out_channels: 8, kernel: 3, dilation: 256}");
        Assert.Equal("layers[0].kernel", e.Field);
        Assert.Contains("does not fit the 64x64 input", e.Problem);
        var fits = Single("  - {name: c, op: conv2d, input: [600, 600, 8], out_channels: 8, kernel: 3, dilation: 256}");
        Assert.Equal(600 - (256 * 2), fits.Shape.OutputHeight);
    }

    [Fact]
    public void A_layer_with_too_many_operations_is_refused_with_its_index()
    {
        // Every field is within its maximum, but 16384² · 65536 · 65536 · 1 MACs is far above 2^50.
        var e = Reject("  - {name: ok, op: matmul, k: 4, n: 4}\n  - {name: big, op: conv2d, input: [16384, 16384, 65536], out_channels: 65536, kernel: 1}");
        Assert.Equal("layers[1]", e.Field);
        Assert.Contains("layer 'big' is too large", e.Problem);
    }

    [Fact]
    public void A_workload_whose_total_operations_exceed_the_limit_is_refused()
    {
        // 2^32·2^16 = 2^48 MACs per execution, 2^20 repeats: 2^68 operations per inference.
        var e = Reject("  - {name: m, op: matmul, m: 65536, k: 65536, n: 65536, repeat: 1000000}");
        Assert.Contains("the workload is too large", e.Problem);
    }

    [Fact]
    public void Conv_transpose_expansion_is_bounded()
    {
        var e = Reject("  - {name: up, op: conv_transpose2d, input: [8, 8, 8], out_channels: 65536, kernel: 256, stride: 256}");
        Assert.Equal("layers[0].out_channels", e.Field);
        Assert.Contains("exceeds 16777216", e.Problem);
    }

    [Fact]
    public void Layer_counts_are_checked_arithmetic()
    {
        var shape = new LayerShape(LayerOp.Conv2d, int.MaxValue, int.MaxValue, int.MaxValue, int.MaxValue, 1, 1, 1, 1, 1, 1, 1, 1, 1);
        Assert.Throws<OverflowException>(() => shape.Macs);
        Assert.Throws<OverflowException>(() => shape.OutputElements);
    }

    private Layer Single(string layerLine) => Assert.Single(Load(layerLine).Layers);

    private Workload Load(string layers) => WorkloadCatalog.LoadFile(Write("tiny.yaml", Header + layers.TrimEnd() + "\n"));

    private ConfigException Reject(string layers) => Assert.Throws<ConfigException>(() => Load(layers));

    private string Write(string name, string text)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static void AssertNames(ConfigException e, string field, int line)
    {
        Assert.EndsWith("tiny.yaml", e.File, StringComparison.Ordinal);
        Assert.Equal(field, e.Field);
        Assert.Equal(line, e.Line);
        Assert.Contains($"tiny.yaml:{line}: field '{field}'", e.Message);
    }
}
