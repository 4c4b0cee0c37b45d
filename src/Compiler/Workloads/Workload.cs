namespace Apollo.Compiler.Workloads;

/// <summary>A named layer of a network.</summary>
/// <param name="Name">Unique within its workload.</param>
/// <param name="Shape">The loop nest.</param>
/// <param name="Repeat">How many times the layer runs per inference (e.g. LSTM time steps); latency counts it Repeat times, weights once.</param>
/// <param name="Bias">The layer adds one bias per output channel (G·K parameters).</param>
public sealed record Layer(string Name, LayerShape Shape, int Repeat = 1, bool Bias = false)
{
    /// <summary>Weights plus biases, counted once regardless of <see cref="Repeat"/>.</summary>
    public long Parameters => Shape.WeightElements + (Bias && Shape.HasWeights ? (long)Shape.Groups * Shape.OutputChannels : 0);
}

/// <summary>The totals a paper or reference implementation reports, and how they were counted.</summary>
/// <param name="Macs">Published multiply-accumulates per inference at batch 1.</param>
/// <param name="Parameters">Published parameter count.</param>
/// <param name="Convention">What the figures count (which ops, biases, BatchNorm), so they can be compared.</param>
/// <param name="Source">Where the figures come from (paper and table, or implementation).</param>
public sealed record PublishedFigures(double Macs, double Parameters, string Convention, string Source);

/// <summary>A network to compile and simulate at batch 1, loaded from a workload YAML file.</summary>
/// <param name="Name">Identifier used in configs and sets.</param>
/// <param name="Domain">classification, detection, ocr, segmentation or speech.</param>
/// <param name="Description">One line for humans.</param>
/// <param name="File">The YAML file it was loaded from.</param>
/// <param name="Layers">Every layer in execution order.</param>
/// <param name="Published">Reference totals the computed ones are checked against; optional for a user's network (null), required of the shipped ones (tested).</param>
public sealed record Workload(string Name, string Domain, string Description, string File, IReadOnlyList<Layer> Layers, PublishedFigures? Published)
{
    /// <summary>Sum of Macs × Repeat over layers with weights (conv, depthwise, matmul); pool and elementwise ops are excluded, as in published MAC counts.</summary>
    public long TotalMacs => Layers.Where(l => l.Shape.HasWeights).Sum(l => l.Shape.Macs * l.Repeat);

    /// <summary>Weights plus biases of bias-carrying layers, each layer counted once even if it repeats.</summary>
    public long TotalParameters => Layers.Sum(l => l.Parameters);
}
