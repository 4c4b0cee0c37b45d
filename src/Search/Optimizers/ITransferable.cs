namespace Apollo.Search.Optimizers;

/// <summary>
/// The observations of one earlier study, already re-judged by the study for the new problem (points of
/// the same space; rewards on the new scale where they could be recomputed, else the prior's own).
/// <paramref name="Name"/> is for messages only.
/// </summary>
public sealed record PriorStudy(string Name, IReadOnlyList<Observation> Observations);

/// <summary>
/// An optimizer that can be warm-started from earlier studies (transfer, DESIGN §7).
/// <para>
/// Protocol: the study calls <see cref="Prime"/> at most once, right after construction and before the
/// first <see cref="IOptimizer.Suggest"/> (and so before a resume's replay), with the priors in the order
/// the config lists them. Priors are knowledge, not trials: they are never reported back by
/// <see cref="IOptimizer.Observe"/>, do not count as observed, and do not mark points as taken, so a prior
/// design may be proposed again and re-evaluated as an ordinary trial. Priming may draw from the
/// optimizer's random state; the same priors give the same run, so resume by replay still holds.
/// </para>
/// <para>Which optimizers implement it: gp-ei (stacked residual GPs), evolution and p3bo (seeded
/// populations). random, grid and nsga2 do not; the study then runs them cold.</para>
/// </summary>
public interface ITransferable
{
    /// <exception cref="ArgumentException">A prior's point is outside the space, or a reward is invalid (the same rules as <see cref="IOptimizer.Observe"/>).</exception>
    /// <exception cref="InvalidOperationException">Called twice, or after the first suggestion.</exception>
    void Prime(IReadOnlyList<PriorStudy> priors);
}

/// <summary>The designs population optimizers seed from: the best feasible prior points, best first.</summary>
internal static class PriorSeeds
{
    /// <summary>
    /// Up to <paramref name="count"/> distinct feasible points of all priors, admissible in the space, by
    /// reward (highest first; ties: earlier prior, then earlier observation), so the order is deterministic.
    /// </summary>
    public static List<Space.DesignPoint> Best(History history, IReadOnlyList<PriorStudy> priors, int count)
    {
        ArgumentNullException.ThrowIfNull(priors);
        var seen = new HashSet<Space.DesignPoint>();
        return priors
            .SelectMany((p, s) => p.Observations.Select((o, i) => (o, s, i)))
            .Where(t => Valid(history, t.o) && t.o.Feasible && history.Space.IsAdmissible(t.o.Point))
            .OrderByDescending(t => t.o.Reward)
            .ThenBy(t => t.s)
            .ThenBy(t => t.i)
            .Select(t => t.o.Point)
            .Where(seen.Add)
            .Take(count)
            .ToList();
    }

    private static bool Valid(History history, Observation o) =>
        history.Space.Contains(o.Point) && double.IsFinite(o.Reward) && o.Reward >= 0 && (!o.Feasible || o.Reward > 0)
            ? true
            : throw new ArgumentException($"Prior point {o.Point} is outside the search space or has reward {o.Reward}.", nameof(o));
}
