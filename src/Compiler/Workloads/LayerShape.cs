namespace Apollo.Compiler.Workloads;

/// <summary>The kind of computation a layer performs; decides which counts a <see cref="LayerShape"/> reports.</summary>
public enum LayerOp
{
    Conv2d,
    DepthwiseConv2d,
    Matmul,
    Pool,
    Elementwise,
}

/// <summary>
/// One layer as the canonical loop nest at batch 1:
/// for g&lt;G, k&lt;K, c&lt;C, p&lt;P, q&lt;Q, r&lt;R, s&lt;S:
/// out[g,k,p,q] += in[g, c, p*stride + r*dilation, q*stride + s*dilation] * w[g,k,c,r,s].
/// Value equality matters: the mapping compiler caches mappings keyed by this record.
/// </summary>
/// <param name="Op">What the loop nest computes.</param>
/// <param name="Groups">G: independent groups (conv groups; channels for depthwise, pool and elementwise).</param>
/// <param name="InputChannels">C: input channels per group (the reduction dimension K of a matmul).</param>
/// <param name="OutputChannels">K: output channels per group (N of a matmul; the multiplier of a depthwise conv).</param>
/// <param name="OutputHeight">P: output rows (M of a matmul).</param>
/// <param name="OutputWidth">Q: output columns (1 for a matmul).</param>
/// <param name="KernelHeight">R.</param>
/// <param name="KernelWidth">S.</param>
/// <param name="StrideHeight">Vertical stride.</param>
/// <param name="StrideWidth">Horizontal stride.</param>
/// <param name="DilationHeight">Vertical dilation.</param>
/// <param name="DilationWidth">Horizontal dilation.</param>
/// <param name="InputHeight">Rows of the unpadded input feature map.</param>
/// <param name="InputWidth">Columns of the unpadded input feature map.</param>
public sealed record LayerShape(
    LayerOp Op,
    int Groups,
    int InputChannels,
    int OutputChannels,
    int OutputHeight,
    int OutputWidth,
    int KernelHeight,
    int KernelWidth,
    int StrideHeight,
    int StrideWidth,
    int DilationHeight,
    int DilationWidth,
    int InputHeight,
    int InputWidth)
{
    /// <summary>
    /// Multiply-accumulates (G·K·C·P·Q·R·S) for conv, depthwise and matmul; compare/add operations
    /// (G·C·P·Q·R·S) for a pool; one operation per output element (G·K·P·Q) for an elementwise op.
    /// The counts are checked: a shape beyond <see cref="WorkloadLimits"/> throws <see cref="OverflowException"/>
    /// rather than wrapping to a wrong number (the workload parser rejects such shapes first).
    /// </summary>
    public long Macs => checked(Op switch
    {
        LayerOp.Pool => (long)Groups * InputChannels * OutputHeight * OutputWidth * KernelHeight * KernelWidth,
        LayerOp.Elementwise => (long)Groups * OutputChannels * OutputHeight * OutputWidth,
        _ => (long)Groups * OutputChannels * InputChannels * OutputHeight * OutputWidth * KernelHeight * KernelWidth,
    });

    /// <summary>Conv, depthwise conv and matmul carry weights; pool and elementwise ops do not.</summary>
    public bool HasWeights => Op is LayerOp.Conv2d or LayerOp.DepthwiseConv2d or LayerOp.Matmul;

    /// <summary>G·K·C·R·S when the layer has weights, else 0.</summary>
    public long WeightElements => HasWeights ? checked((long)Groups * OutputChannels * InputChannels * KernelHeight * KernelWidth) : 0;

    /// <summary>G·C·InputHeight·InputWidth; an elementwise op reads two operands of that size.</summary>
    public long InputElements => checked((Op == LayerOp.Elementwise ? 2L : 1L) * Groups * InputChannels * InputHeight * InputWidth);

    /// <summary>G·K·P·Q.</summary>
    public long OutputElements => checked((long)Groups * OutputChannels * OutputHeight * OutputWidth);
}
