using Apollo.Search.Space;

namespace Apollo.Search.Optimizers;

/// <summary>A point proposed by an optimizer; <paramref name="Proposer"/> is the optimizer's name or, in an ensemble, the member id (e.g. "p3bo/evolution-2").</summary>
public sealed record Suggestion(DesignPoint Point, string Proposer);

/// <summary>
/// The outcome of evaluating a point. <paramref name="Reward"/> is 0 when the point is infeasible
/// and &gt; 0 when it is feasible. <paramref name="Proposer"/> is carried through for logging.
/// </summary>
public sealed record Observation(DesignPoint Point, double Reward, bool Feasible, string Proposer);

/// <summary>
/// An ask/tell optimizer over a discrete <see cref="SearchSpace"/> (OSS Vizier's designer
/// interface). The optimizer never evaluates anything: the study calls <see cref="Suggest"/>,
/// evaluates the points, then calls <see cref="Observe"/> with the results.
/// <para>
/// Determinism: an optimizer is constructed with a seed and all its randomness comes from it. The
/// same sequence of <see cref="Suggest"/>/<see cref="Observe"/> calls (same counts, same
/// observations in the same order) yields bit-identical suggestions. A study resumes by building a
/// fresh optimizer with the same seed and replaying the stored calls.
/// </para>
/// <para>Implementations are not thread-safe; the study calls them from one thread.</para>
/// </summary>
public interface IOptimizer
{
    /// <summary>Registry name ("random", "gp-ei", "evolution", "p3bo").</summary>
    string Name { get; }

    /// <summary>
    /// Called by the study before each batch. Returns up to <paramref name="count"/> distinct
    /// points that were never suggested or observed before (fewer only when the space is nearly
    /// exhausted). Advances the optimizer's random state and marks the points as taken, whether or
    /// not they are observed later.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
    IReadOnlyList<Suggestion> Suggest(int count);

    /// <summary>
    /// Called by the study with the results of the last <see cref="Suggest"/> (possibly a subset,
    /// in any order), and on warm start or resume with stored trials the optimizer never suggested.
    /// Records the results; models may be updated here or lazily at the next <see cref="Suggest"/>.
    /// May advance the optimizer's random state (p3bo's adaptation does), deterministically for
    /// the same call sequence. Never throws for points the optimizer did not suggest.
    /// </summary>
    /// <exception cref="ArgumentException">A point is outside the space, or a reward is negative/non-finite.</exception>
    void Observe(IReadOnlyList<Observation> observations);
}
