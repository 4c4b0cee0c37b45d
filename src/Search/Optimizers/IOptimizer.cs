using Apollo.Search.Space;

namespace Apollo.Search.Optimizers;

/// <summary>A point proposed by an optimizer; <paramref name="Proposer"/> is the optimizer's name or, in an ensemble, the member id (e.g. "p3bo/evolution-2").</summary>
public sealed record Suggestion(DesignPoint Point, string Proposer);

/// <summary>
/// The outcome of evaluating a point. <paramref name="Reward"/> is 0 when the point is infeasible
/// and &gt; 0 when it is feasible. <paramref name="Proposer"/> is carried through for logging.
/// <para>
/// Multi-objective studies also pass <paramref name="Objectives"/>: the objective vector of a
/// feasible point, every entry finite and <b>maximized</b> (the study negates what it minimizes; the
/// convention of <see cref="MultiObjective.Pareto"/> and <see cref="MultiObjective.Hypervolume"/>).
/// It is present iff the point is feasible, with the same length in every observation of a study;
/// single-objective studies leave it null. <paramref name="Reward"/> keeps its meaning there: the
/// study's scalar reward of the point (for the accelerator, the reward of DESIGN §6), 0 iff
/// infeasible — so single-objective optimizers run in a multi-objective study unchanged and
/// optimize that scalar, and multi-objective optimizers (<see cref="Nsga2"/>, ParEGO in <see cref="GpEi"/>) rank by the vector
/// and read nothing from the reward but feasibility. (A hypervolume contribution would not do as the
/// scalar: it changes as the front moves, and is 0 for every dominated feasible point.)
/// </para>
/// </summary>
public sealed record Observation(DesignPoint Point, double Reward, bool Feasible, string Proposer, IReadOnlyList<double>? Objectives = null);

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
/// <para>
/// Multi-objective studies use the same two calls: observations carry
/// <see cref="Observation.Objectives"/> besides the scalar reward. random, evolution, gp-ei and p3bo
/// ignore the vector (they maximize <see cref="Observation.Reward"/>); nsga2 and gp-ei with
/// <c>scalarization: parego</c> rank by it, and in a study without objectives treat the reward as
/// the single objective. Nothing else changes: a study
/// with objectives resumes by the same replay.
/// </para>
/// <para>Implementations are not thread-safe; the study calls them from one thread.</para>
/// </summary>
public interface IOptimizer
{
    /// <summary>Registry name ("random", "gp-ei", "evolution", "p3bo", "nsga2").</summary>
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
    /// <exception cref="ArgumentException">A point is outside the space, a reward is negative/non-finite,
    /// objectives are given for an infeasible point or are non-finite or empty, or the observations of a study
    /// disagree on whether feasible points carry objectives and how many.</exception>
    void Observe(IReadOnlyList<Observation> observations);
}
