namespace Apollo.Search.Optimizers.Gp;

/// <summary>
/// The scalarization of ParEGO (Knowles, "ParEGO: A Hybrid Algorithm With On-Line Landscape
/// Approximation for Expensive Multiobjective Optimization Problems", IEEE TEC 10(1), 2006):
/// Knowles' augmented Chebyshev function of objectives normalized by their observed ranges, with
/// weights drawn afresh for each batch.
/// </summary>
internal static class Parego
{
    /// <summary>ρ, the weight of the linear term that breaks ties among weakly dominated points (Knowles' 0.05).</summary>
    public const double Rho = 0.05;

    /// <summary>
    /// Labels (larger is better) for every observation, NaN for infeasible ones: draws weights
    /// uniformly from the simplex (one <see cref="Random.NextDouble"/> per objective), normalizes each
    /// objective (maximized) to [0, 1] over the feasible observations, and labels −(max_j λ_j v_j +
    /// ρ Σ_j λ_j v_j) with v = 1 − normalized. Objectives are <see cref="Observation.Objectives"/>, or
    /// the reward in a study without them.
    /// </summary>
    public static double[] Labels(IReadOnlyList<Observation> observations, Random rng)
    {
        var vectors = observations.Select(o => o.Feasible ? o.Objectives ?? [o.Reward] : null).ToList();
        var m = vectors.FirstOrDefault(v => v is not null)?.Count ?? 1;
        var weights = new double[m];
        for (var j = 0; j < m; j++)
        {
            weights[j] = -Math.Log(1 - rng.NextDouble()); // exponential spacings: uniform on the simplex once normalized
        }

        var total = weights.Sum();
        for (var j = 0; j < m; j++)
        {
            weights[j] = total > 0 ? weights[j] / total : 1.0 / m;
        }

        var lo = Enumerable.Repeat(double.PositiveInfinity, m).ToArray();
        var hi = Enumerable.Repeat(double.NegativeInfinity, m).ToArray();
        foreach (var v in vectors.OfType<IReadOnlyList<double>>())
        {
            for (var j = 0; j < m; j++)
            {
                (lo[j], hi[j]) = (Math.Min(lo[j], v[j]), Math.Max(hi[j], v[j]));
            }
        }

        var labels = new double[vectors.Count];
        for (var i = 0; i < labels.Length; i++)
        {
            if (vectors[i] is not { } v)
            {
                labels[i] = double.NaN;
                continue;
            }

            double worst = 0, sum = 0;
            for (var j = 0; j < m; j++)
            {
                var gap = hi[j] > lo[j] ? (hi[j] - v[j]) / (hi[j] - lo[j]) : 0.0;
                worst = Math.Max(worst, weights[j] * gap);
                sum += weights[j] * gap;
            }

            labels[i] = -(worst + Rho * sum);
        }

        return labels;
    }
}
