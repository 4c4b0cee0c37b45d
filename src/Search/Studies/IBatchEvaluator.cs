using Apollo.Search.Optimizers;
using Apollo.Search.Storage;

namespace Apollo.Search.Studies;

/// <summary>
/// What scores a study's trials, one batch at a time: the built-in model (<see cref="TrialEvaluator"/>) or an
/// external command (<see cref="ExternalEvaluator"/>).
/// <para><b>Protocol.</b> <see cref="StudyRunner"/> calls <see cref="EvaluateBatch"/> once per ask/tell round, from
/// one thread, after the optimizer suggested the batch and before anything of it is stored. The evaluator may
/// evaluate the points in parallel, in any order, on other machines, but it returns one record per suggestion, in
/// suggestion order, numbered <c>first</c>, <c>first + 1</c>, ...: trial numbers and what the optimizer is told never
/// depend on completion order.</para>
/// <para><b>Outcomes.</b> A point that cannot be scored (a crash, a timeout, a result that does not validate) is a
/// <see cref="TrialOutcome.Failed"/> record with the reason; the batch goes on. Exceptions are for bugs only (a point
/// outside the space) and for cancellation; they abort the run, and nothing of the batch is stored.</para>
/// </summary>
public interface IBatchEvaluator
{
    /// <summary>Scores <paramref name="suggestions"/> as trials <paramref name="first"/>... of batch <paramref name="batch"/>.</summary>
    /// <exception cref="InvalidOperationException">A suggestion outside the space (a bug of the optimizer).</exception>
    IReadOnlyList<TrialRecord> EvaluateBatch(int first, int batch, IReadOnlyList<Suggestion> suggestions, TimeProvider clock, CancellationToken cancellation);
}
