using Apollo.Compiler.Workloads;
using Apollo.Simulator.Template;

namespace Apollo.Testing;

/// <summary>Hand-built layers with real shapes and the shipped technology and baseline, for tests that must not depend on the workload files.</summary>
public static class ReferenceLayers
{
    public static Technology Technology { get; } = Technology.Load(RepositoryPaths.Config("technology", "edge-7nm.yaml"));

    public static AcceleratorConfig Baseline { get; } = AcceleratorFiles.LoadAccelerator(RepositoryPaths.Config("accelerators", "baseline.yaml")).Config;

    public static TemplateSpace Space { get; } = AcceleratorFiles.LoadSpace(RepositoryPaths.Config("accelerators", "space.yaml"));

    /// <summary>A standard convolution with "same"-style padding.</summary>
    public static Layer Conv(string name, int inH, int inW, int inC, int outC, int kernel, int stride, int groups = 1)
    {
        var pad = kernel / 2;
        var outH = ((inH + (2 * pad) - kernel) / stride) + 1;
        var outW = ((inW + (2 * pad) - kernel) / stride) + 1;
        var op = groups == 1 ? LayerOp.Conv2d : LayerOp.DepthwiseConv2d;
        return new Layer(name, new LayerShape(op, groups, inC / groups, outC / groups, outH, outW, kernel, kernel, stride, stride, 1, 1, inH, inW));
    }

    public static Layer Depthwise(string name, int inH, int inW, int channels, int kernel, int stride) =>
        Conv(name, inH, inW, channels, channels, kernel, stride, channels);

    public static Layer Matmul(string name, int m, int k, int n, int repeat = 1) =>
        new(name, new LayerShape(LayerOp.Matmul, 1, k, n, m, 1, 1, 1, 1, 1, 1, 1, m, 1), repeat);

    /// <summary>ResNet-50 conv1: 7x7/2, 3 -> 64 channels at 224x224.</summary>
    public static Layer ResNetStem => Conv("conv1", 224, 224, 3, 64, 7, 2);

    /// <summary>ResNet-50 stage-4 3x3 convolution: 512 -> 512 at 7x7.</summary>
    public static Layer ResNetStage4 => Conv("layer4.0.conv2", 7, 7, 512, 512, 3, 1);

    /// <summary>MobileNetV2 block 2 depthwise: 3x3/2 over 96 channels at 112x112.</summary>
    public static Layer MobileNetDepthwise => Depthwise("block2.dw", 112, 112, 96, 3, 2);

    /// <summary>MobileNetV2 classifier: 1280 -> 1000 at batch 1.</summary>
    public static Layer Classifier => Matmul("classifier", 1, 1280, 1000);

    /// <summary>A small, real network slice spanning the layer kinds (MobileNetV2 stem, block 2, head).</summary>
    public static Workload MiniNetwork { get; } = new(
        "mini", "classification", "MobileNetV2 slices", "<memory>",
        [
            Conv("conv1", 224, 224, 3, 32, 3, 2),
            Depthwise("b1.dw", 112, 112, 32, 3, 1),
            Conv("b1.project", 112, 112, 32, 16, 1, 1),
            Conv("b2.expand", 112, 112, 16, 96, 1, 1),
            Depthwise("b2.dw", 112, 112, 96, 3, 2),
            Conv("b2.project", 56, 56, 96, 24, 1, 1),
            Conv("head", 7, 7, 320, 1280, 1, 1),
            Matmul("classifier", 1, 1280, 1000),
        ],
        new PublishedFigures(0, 0, "none", "hand-built"));
}
