using Apollo.Compiler.Workloads;

namespace Apollo.Compiler.Tests.Workloads;

/// <summary>The LayerShape counts on layers small enough to check by hand.</summary>
public sealed class LayerShapeTests
{
    [Fact]
    public void Conv_counts_follow_the_loop_nest()
    {
        // MobileNetV2 stem: 224x224x3 -> 112x112x32, 3x3 stride 2 pad 1.
        var shape = new LayerShape(LayerOp.Conv2d, 1, 3, 32, 112, 112, 3, 3, 2, 2, 1, 1, 224, 224);
        Assert.Equal(112L * 112 * 32 * 3 * 9, shape.Macs); // 10,838,016
        Assert.Equal(32L * 3 * 9, shape.WeightElements);
        Assert.Equal(224L * 224 * 3, shape.InputElements);
        Assert.Equal(112L * 112 * 32, shape.OutputElements);
        Assert.True(shape.HasWeights);
    }

    [Fact]
    public void Depthwise_has_one_filter_per_channel()
    {
        var shape = new LayerShape(LayerOp.DepthwiseConv2d, 96, 1, 1, 56, 56, 3, 3, 2, 2, 1, 1, 112, 112);
        Assert.Equal(96L * 56 * 56 * 9, shape.Macs);
        Assert.Equal(96L * 9, shape.WeightElements);
        Assert.Equal(96L * 112 * 112, shape.InputElements);
    }

    [Fact]
    public void Matmul_is_a_one_by_one_conv_over_m_rows()
    {
        var shape = new LayerShape(LayerOp.Matmul, 1, 1280, 1000, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1);
        Assert.Equal(1_280_000L, shape.Macs);
        Assert.Equal(1_280_000L, shape.WeightElements);
        Assert.Equal(1280L, shape.InputElements);
        Assert.Equal(1000L, shape.OutputElements);
    }

    [Fact]
    public void Pool_and_elementwise_have_no_weights()
    {
        var pool = new LayerShape(LayerOp.Pool, 64, 1, 1, 56, 56, 3, 3, 2, 2, 1, 1, 112, 112);
        Assert.False(pool.HasWeights);
        Assert.Equal(0L, pool.WeightElements);
        Assert.Equal(64L * 56 * 56 * 9, pool.Macs);

        var add = new LayerShape(LayerOp.Elementwise, 24, 1, 1, 56, 56, 1, 1, 1, 1, 1, 1, 56, 56);
        Assert.Equal(24L * 56 * 56, add.Macs);
        Assert.Equal(2L * 24 * 56 * 56, add.InputElements);
        Assert.Equal(24L * 56 * 56, add.OutputElements);
    }

    [Fact]
    public void Equal_shapes_are_equal_records_so_the_compiler_can_cache_by_shape()
    {
        var a = new LayerShape(LayerOp.Conv2d, 1, 64, 64, 56, 56, 3, 3, 1, 1, 1, 1, 56, 56);
        var b = new LayerShape(LayerOp.Conv2d, 1, 64, 64, 56, 56, 3, 3, 1, 1, 1, 1, 56, 56);
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, a with { StrideHeight = 2 });
    }

    [Fact]
    public void Repeated_layers_count_macs_every_time_but_weights_once()
    {
        var gates = new Layer("lstm_gates", new LayerShape(LayerOp.Matmul, 1, 768, 1024, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1), Repeat: 26, Bias: true);
        var workload = new Workload("w", "ocr", "", "", [gates], new PublishedFigures(1, 1, "", ""));
        Assert.Equal(768L * 1024 * 26, workload.TotalMacs);
        Assert.Equal((768L * 1024) + 1024, workload.TotalParameters);
    }
}
