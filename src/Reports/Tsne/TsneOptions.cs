namespace Apollo.Reports.Tsne;

/// <summary>
/// Settings of <see cref="Tsne"/>. The defaults are scikit-learn's <c>sklearn.manifold.TSNE</c> defaults (version 1.2 and
/// later): perplexity 30, 1,000 iterations of which the first 250 use early exaggeration 12, learning rate 'auto',
/// Barnes-Hut angle 0.5 (van der Maaten &amp; Hinton 2008; van der Maaten 2014).
/// </summary>
/// <param name="Dimensions">Embedding dimensionality; Barnes-Hut supports 1 to 3.</param>
/// <param name="Perplexity">Effective number of neighbours of each point's conditional Gaussian; must be below the number of points.</param>
/// <param name="Iterations">Total gradient-descent iterations, exaggeration phase included.</param>
/// <param name="ExaggerationIterations">Leading iterations with P multiplied by <paramref name="EarlyExaggeration"/> and momentum 0.5.</param>
/// <param name="EarlyExaggeration">Factor on P during the exaggeration phase.</param>
/// <param name="LearningRate">Step size; <c>null</c> means scikit-learn's 'auto': max(N / EarlyExaggeration / 4, 50).</param>
/// <param name="Theta">Barnes-Hut angle: a cell of side w at squared distance d² from a point is summarised when w² &lt; θ²·d². 0 is exact.</param>
/// <param name="ExactThreshold">Point counts up to this use exact O(N²) gradients; larger inputs use Barnes-Hut.</param>
/// <param name="Seed">Seed of the only random choice: the initialisation fallback (N(0, 1e-4²)) when PCA is degenerate, and the extra axes when the input has fewer features than Dimensions.</param>
/// <param name="MaxDegreeOfParallelism">Worker threads; -1 uses all cores. Results do not depend on it.</param>
public sealed record TsneOptions(
    int Dimensions = 2,
    double Perplexity = 30,
    int Iterations = 1000,
    int ExaggerationIterations = 250,
    double EarlyExaggeration = 12,
    double? LearningRate = null,
    double Theta = 0.5,
    int ExactThreshold = 1000,
    int Seed = 0,
    int MaxDegreeOfParallelism = -1);

/// <summary>The outcome of <see cref="Tsne.Fit"/>.</summary>
/// <param name="Embedding">N × Dimensions coordinates, rows in input order.</param>
/// <param name="KlDivergence">KL(P‖Q) at the last iteration: exact on the exact path; on the Barnes-Hut path the sum runs over the
/// sparse (nearest-neighbour) P only and Q's normaliser is the tree estimate, as scikit-learn reports it.</param>
/// <param name="UsedBarnesHut">Whether the Barnes-Hut approximation was used (N &gt; ExactThreshold).</param>
/// <param name="Elapsed">Wall time of the fit.</param>
public sealed record TsneResult(double[,] Embedding, double KlDivergence, bool UsedBarnesHut, TimeSpan Elapsed);

/// <summary>Reported every 50 iterations (scikit-learn's convergence-check interval) and after the last one.</summary>
/// <param name="Iteration">Iterations done so far.</param>
/// <param name="TotalIterations">Iterations planned.</param>
/// <param name="KlDivergence">KL divergence at this iteration (with exaggerated P during the exaggeration phase), if computed.</param>
public sealed record TsneProgress(int Iteration, int TotalIterations, double? KlDivergence);
