namespace Apollo.Search.Optimizers.Gp;

/// <summary>
/// Transfer by stacked residual GPs, as in Google Vizier (Golovin et al., "Google Vizier: A Service for
/// Black-Box Optimization", KDD 2017, §3.3): the priors are taken in order; the first study's GP models its
/// labels, each next study's GP models its labels minus the posterior mean of the stack below it (the stack is
/// its prior mean), and the new study's own GP does the same on top. The prediction is the sum of the levels'
/// means, i.e. each level's posterior mean with the level below as its prior mean.
/// <para>
/// Vizier also mixes the levels' standard deviations; here the variance is the top (new study's) GP's alone,
/// so before the new study has data its uncertainty is the prior variance everywhere — the stack moves where EI
/// looks first, not how sure it is (documented in docs/optimizers.md).
/// </para>
/// <para>Each level is an ordinary <see cref="Surrogate"/> (bounded training set, standardized residuals,
/// hyperparameters by maximum marginal likelihood), fitted once, in order, with the caller's generator.</para>
/// </summary>
internal sealed class StackedPrior
{
    private readonly List<Surrogate> _levels;

    private StackedPrior(List<Surrogate> levels) => _levels = levels;

    /// <summary>Levels that had data (a prior without any labelled point adds nothing).</summary>
    public int Levels => _levels.Count;

    /// <summary>The stack's posterior mean in label units: the prior mean of the new study's GP; null when no prior had data.</summary>
    public MeanFunction? Mean => _levels.Count == 0 ? null : _levels[^1].PredictLabel;

    /// <summary>
    /// Fits the levels in order: <paramref name="studies"/> are each prior's labelled points (normalized inputs,
    /// labels on the new study's scale); <paramref name="level"/> builds a surrogate on a prior mean (null for the first).
    /// </summary>
    public static StackedPrior Fit(IReadOnlyList<IReadOnlyList<LabelledPoint>> studies, Func<MeanFunction?, Surrogate> level, Random rng)
    {
        var levels = new List<Surrogate>();
        foreach (var points in studies.Where(s => s.Count > 0))
        {
            var surrogate = level(levels.Count == 0 ? null : levels[^1].PredictLabel);
            surrogate.Sync(points, labelsChanged: false, rng);
            if (surrogate.Gp is not null)
            {
                levels.Add(surrogate);
            }
        }

        return new StackedPrior(levels);
    }
}
