namespace Apollo.Compiler.Workloads;

// Interim copy of the workload records (replaced by the workloads branch on merge).
public enum LayerOp { Conv2d, DepthwiseConv2d, Matmul, Pool, Elementwise }

public sealed record LayerShape(
    LayerOp Op, int Groups, int InputChannels, int OutputChannels,
    int OutputHeight, int OutputWidth, int KernelHeight, int KernelWidth,
    int StrideHeight, int StrideWidth, int DilationHeight, int DilationWidth,
    int InputHeight, int InputWidth)
{
    public bool HasWeights => Op is LayerOp.Conv2d or LayerOp.DepthwiseConv2d or LayerOp.Matmul;

    public long Macs => (long)Groups * OutputChannels * InputChannels * OutputHeight * OutputWidth * KernelHeight * KernelWidth;

    public long WeightElements => HasWeights ? (long)Groups * OutputChannels * InputChannels * KernelHeight * KernelWidth : 0;

    public long InputElements => (Op == LayerOp.Elementwise ? 2L : 1L) * Groups * InputChannels * InputHeight * InputWidth;

    public long OutputElements => (long)Groups * OutputChannels * OutputHeight * OutputWidth;
}

public sealed record Layer(string Name, LayerShape Shape, int Repeat = 1, bool Bias = false);

public sealed record PublishedFigures(double Macs, double Parameters, string Convention, string Source);

public sealed record Workload(string Name, string Domain, string Description, string File, IReadOnlyList<Layer> Layers, PublishedFigures Published);

public sealed class WorkloadCatalog
{
    public IReadOnlyList<string> Names { get; } = [];

    public IReadOnlyDictionary<string, IReadOnlyList<string>> Sets { get; } = new Dictionary<string, IReadOnlyList<string>>();

    public static WorkloadCatalog Load(string directory) => throw new NotSupportedException(directory);

    public static Workload LoadFile(string path) => throw new NotSupportedException(path);

    public Workload Get(string name) => throw new NotSupportedException(name);

    public IReadOnlyList<Workload> Resolve(IEnumerable<string> names) => throw new NotSupportedException();

    public IReadOnlyList<Workload> ResolveSet(string setName) => throw new NotSupportedException(setName);
}
