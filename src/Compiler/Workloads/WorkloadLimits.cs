namespace Apollo.Compiler.Workloads;

/// <summary>
/// The largest value each field of a workload file may take (docs/workloads.md, "Limits"). Far above any
/// real network (ResNet-50's largest layer has 2,048 channels and a 224×224 input; its largest layer is
/// 1.2·10⁸ MACs), and low enough that every count the compiler and simulator derive from a layer (MACs,
/// elements, tile products) stays exact in 64-bit integers and in a double's 53-bit mantissa.
/// </summary>
public static class WorkloadLimits
{
    /// <summary>Feature-map height or width (input and upsample output): 16,384.</summary>
    public const int MaxSpatial = 16_384;

    /// <summary>Channels, out_channels, groups, matmul m/k/n, LSTM input/hidden/projection sizes: 65,536.</summary>
    public const int MaxChannels = 65_536;

    /// <summary>Kernel height or width: 256.</summary>
    public const int MaxKernel = 256;

    /// <summary>Stride, dilation and depthwise multiplier: 256.</summary>
    public const int MaxStride = 256;

    /// <summary>Padding per side: 1,024.</summary>
    public const int MaxPadding = 1_024;

    /// <summary>repeat and LSTM steps: 1,000,000.</summary>
    public const int MaxRepeat = 1_000_000;

    /// <summary>Output channels of the 1×1 conv a transposed conv becomes (out_channels·kernel_h·kernel_w): 2²⁴.</summary>
    public const int MaxExpandedChannels = 1 << 24;

    /// <summary>MACs (or operations) of one execution of a layer, and each of its element counts: 2⁵⁰ ≈ 1.1·10¹⁵.</summary>
    public const long MaxLayerOperations = 1L << 50;

    /// <summary>Operations of a whole workload per inference (Σ MACs × repeat, over every layer): 2⁵³ ≈ 9·10¹⁵.</summary>
    public const long MaxWorkloadOperations = 1L << 53;
}
