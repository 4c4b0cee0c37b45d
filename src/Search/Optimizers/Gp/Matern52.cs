namespace Apollo.Search.Optimizers.Gp;

/// <summary>
/// Hyperparameters of a Matérn-5/2 ARD kernel with Gaussian noise, in log space:
/// k(x, x') = σ² (1 + √5 r + 5/3 r²) exp(−√5 r), r² = Σ_d ((x_d − x'_d)/ℓ_d)², plus σ_n² on the diagonal
/// (Rasmussen &amp; Williams, "Gaussian Processes for Machine Learning", 2006, eq. 4.17).
/// </summary>
internal sealed record GpHyperparameters(double[] LogLengthscales, double LogSignalVariance, double LogNoiseVariance)
{
    /// <summary>Noise floor added to σ_n² so that the kernel matrix stays positive definite (duplicates, fantasies).</summary>
    public const double NoiseFloor = 1e-6;

    public int Dimensions => LogLengthscales.Length;

    public double SignalVariance => Math.Exp(LogSignalVariance);

    public double NoiseVariance => Math.Exp(LogNoiseVariance) + NoiseFloor;

    public double[] ToVector() => [.. LogLengthscales, LogSignalVariance, LogNoiseVariance];

    public static GpHyperparameters FromVector(ReadOnlySpan<double> v) =>
        new(v[..^2].ToArray(), v[^2], v[^1]);

    /// <summary>Prior centre: lengthscale 0.5 in the unit cube, unit signal (targets are standardized), small noise.</summary>
    public static GpHyperparameters Default(int dimensions) =>
        new(Enumerable.Repeat(Math.Log(0.5), dimensions).ToArray(), 0.0, Math.Log(1e-2));
}

internal static class Matern52
{
    public static readonly double Sqrt5 = Math.Sqrt(5);

    /// <summary>The correlation m(r) = (1 + √5 r + 5/3 r²) exp(−√5 r) from r².</summary>
    public static double Correlation(double r2)
    {
        var r = Math.Sqrt(r2);
        return (1 + Sqrt5 * r + 5.0 / 3.0 * r2) * Math.Exp(-Sqrt5 * r);
    }

    /// <summary>
    /// g with ∂m/∂(log ℓ_d) = g · (Δ_d/ℓ_d)²: g = 5/3 (1 + √5 r) exp(−√5 r). (The 1/r of dr/dℓ cancels,
    /// so there is no singularity at r = 0.)
    /// </summary>
    public static double LengthscaleFactor(double r2)
    {
        var r = Math.Sqrt(r2);
        return 5.0 / 3.0 * (1 + Sqrt5 * r) * Math.Exp(-Sqrt5 * r);
    }
}
