using Apollo.Search.Space;

namespace Apollo.Search.Optimizers;

/// <summary>
/// Bookkeeping shared by the optimizers: every observation in arrival order, and the set of taken
/// points (suggested or observed) so that no point is proposed twice. The set is only queried for
/// membership, never enumerated, so hash ordering cannot leak into decisions. It holds points, not
/// keys, so that spaces too large for 64-bit keys work too.
/// </summary>
internal sealed class History
{
    private readonly HashSet<DesignPoint> _taken = [];
    private readonly HashSet<DesignPoint> _observedPoints = [];
    private readonly List<Observation> _observations = [];

    public History(SearchSpace space) => Space = space;

    public SearchSpace Space { get; }

    /// <summary>Observations in arrival order, each point at most once (the first report wins).</summary>
    public IReadOnlyList<Observation> Observations => _observations;

    public int TakenCount => _taken.Count;

    /// <summary>
    /// How many objectives feasible observations carry: null before the first feasible one, 0 in a
    /// single-objective study (no <see cref="Observation.Objectives"/>).
    /// </summary>
    public int? ObjectiveCount { get; private set; }

    /// <summary>Best feasible reward so far, 0 when none.</summary>
    public double BestReward { get; private set; }

    /// <summary>The point may not be suggested: it was taken, or the space's a-priori constraint refuses it.</summary>
    public bool IsTaken(DesignPoint point) => _taken.Contains(point) || !Space.IsAdmissible(point);

    /// <summary>Marks a point as taken; false when it already was.</summary>
    public bool Take(DesignPoint point) => _taken.Add(point);

    /// <summary>Validates and records observations; returns the ones that were new.</summary>
    public IReadOnlyList<Observation> Add(IReadOnlyList<Observation> observations)
    {
        ArgumentNullException.ThrowIfNull(observations);
        var added = new List<Observation>(observations.Count);
        foreach (var o in observations)
        {
            Validate(o);
            _taken.Add(o.Point);
            if (!_observedPoints.Add(o.Point))
            {
                continue; // a repeated report of the same point carries no new information
            }

            var normalized = o.Feasible ? o : o with { Reward = 0 };
            _observations.Add(normalized);
            added.Add(normalized);
            if (normalized.Feasible && normalized.Reward > BestReward)
            {
                BestReward = normalized.Reward;
            }
        }

        return added;
    }

    /// <summary>
    /// A uniformly random point that is not taken, or null when the space is exhausted. Rejection
    /// sampling first; when the space is nearly full, a scan from a random key (slightly non-uniform,
    /// but only reached when fewer than ~1/16 of the points remain free). A space without keys has
    /// more than 9·10^18 points, so there rejection sampling alone is used.
    /// </summary>
    public DesignPoint? SampleFree(Random rng)
    {
        if (!Space.HasKeys)
        {
            while (true)
            {
                var p = Space.Sample(rng);
                if (!IsTaken(p))
                {
                    return p;
                }
            }
        }

        if (_taken.Count >= Space.Size)
        {
            return null;
        }

        // With an a-priori constraint most of the grid may be refused (94% of the default space is over 6.8 mm²),
        // so rejection sampling gets more tries before the scan.
        var attempts = Space.IsConstrained ? 4096 : 64;
        for (var attempt = 0; attempt < attempts; attempt++)
        {
            var p = Space.Sample(rng);
            if (!IsTaken(p))
            {
                return p;
            }
        }

        var start = (long)(rng.NextDouble() * Space.Size);
        for (long i = 0; i < Space.Size; i++)
        {
            var p = Space.Decode((start + i) % Space.Size);
            if (!_taken.Contains(p))
            {
                return p;
            }
        }

        return null;
    }

    private void Validate(Observation o)
    {
        ArgumentNullException.ThrowIfNull(o);
        if (!Space.Contains(o.Point))
        {
            throw new ArgumentException($"Observed point {o.Point} is not in the search space.", nameof(o));
        }

        if (!double.IsFinite(o.Reward) || o.Reward < 0 || (o.Feasible && o.Reward <= 0))
        {
            throw new ArgumentException($"Observed point {o.Point} has reward {o.Reward}; feasible rewards must be finite and > 0, infeasible ones 0.", nameof(o));
        }

        ValidateObjectives(o);
    }

    /// <summary>
    /// Objectives are present iff the point is feasible (in a multi-objective study), finite, and of
    /// one length per study: the first feasible observation fixes whether they are present and how many.
    /// </summary>
    private void ValidateObjectives(Observation o)
    {
        if (o.Objectives is null)
        {
            if (o.Feasible && ObjectiveCount > 0)
            {
                throw new ArgumentException($"Observed point {o.Point} is feasible but has no objectives; earlier feasible points had {ObjectiveCount}.", nameof(o));
            }

            if (o.Feasible)
            {
                ObjectiveCount = 0;
            }

            return;
        }

        if (!o.Feasible)
        {
            throw new ArgumentException($"Observed point {o.Point} is infeasible but has objectives; only feasible points carry them.", nameof(o));
        }

        if (o.Objectives.Count == 0 || o.Objectives.Any(v => !double.IsFinite(v)))
        {
            throw new ArgumentException($"Observed point {o.Point} has objectives ({string.Join(", ", o.Objectives)}); they must be at least one finite value.", nameof(o));
        }

        if (ObjectiveCount is { } count && count != o.Objectives.Count)
        {
            throw new ArgumentException(
                count == 0
                    ? $"Observed point {o.Point} has {o.Objectives.Count} objectives; earlier feasible points had none."
                    : $"Observed point {o.Point} has {o.Objectives.Count} objectives; earlier feasible points had {count}.",
                nameof(o));
        }

        ObjectiveCount = o.Objectives.Count;
    }
}
