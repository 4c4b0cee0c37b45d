using Apollo.Search.Space;

namespace Apollo.Search.Optimizers;

/// <summary>How a gene mutates (YAML <c>mutation: uniform | local</c>).</summary>
public enum Mutation
{
    /// <summary>To a uniformly chosen different value (a jump anywhere on the parameter's grid).</summary>
    Uniform,

    /// <summary>
    /// By an index step drawn from Deb's polynomial distribution with index η = 20 (Deb &amp; Agrawal,
    /// "Simulated Binary Crossover for Continuous Search Space", Complex Systems 9, 1995; the mutation of
    /// real-coded NSGA-II), scaled to the grid, at least one step, reflected at the ends: mostly small moves.
    /// </summary>
    Local,
}

/// <summary>
/// The variation operators of the population optimizers (<see cref="Evolution"/>, <see cref="Nsga2"/>)
/// over the discrete grid: uniform crossover of two parents with probability
/// <paramref name="crossoverRate"/> (else a copy of the first), then per-gene mutation with
/// probability <paramref name="mutationProbability"/> to a different value, chosen as
/// <paramref name="mutation"/> says (uniformly by default). A child
/// equal to a taken point is re-mutated (one forced gene change, up to 32 tries); if it is still taken,
/// there is no child. Draws from the owner's generator in a fixed order, so the owner stays
/// deterministic and its pinned trials do not move.
/// </summary>
internal sealed class Variation(History history, Random rng, double crossoverRate, double mutationProbability, Mutation mutation = Mutation.Uniform)
{
    private const int RemutationTries = 32;

    /// <summary>η of the polynomial distribution: Deb's usual 20 puts about half the steps within 3% of the range.</summary>
    private const double Eta = 20;

    /// <summary>
    /// Up to <paramref name="count"/> new points, each from <paramref name="breed"/> or, when it gives
    /// none (no parents yet, or a child still taken), a uniformly random free point; each is marked
    /// taken. Fewer only when the space is exhausted.
    /// </summary>
    public List<Suggestion> Offspring(int count, Func<DesignPoint?> breed, string proposer)
    {
        var result = new List<Suggestion>(count);
        for (var i = 0; i < count; i++)
        {
            var child = breed() ?? history.SampleFree(rng);
            if (child is null)
            {
                break;
            }

            history.Take(child);
            result.Add(new Suggestion(child, proposer));
        }

        return result;
    }

    /// <summary>A child of <paramref name="a"/> and <paramref name="b"/> that is not taken, or null.</summary>
    public DesignPoint? Child(DesignPoint a, DesignPoint b)
    {
        var genes = a.ToArray();
        if (rng.NextDouble() < crossoverRate)
        {
            for (var d = 0; d < genes.Length; d++)
            {
                if (rng.NextDouble() < 0.5)
                {
                    genes[d] = b[d];
                }
            }
        }

        for (var d = 0; d < genes.Length; d++)
        {
            if (rng.NextDouble() < mutationProbability)
            {
                genes[d] = MutateGene(d, genes[d]);
            }
        }

        var child = new DesignPoint(genes);
        for (var attempt = 0; attempt < RemutationTries && history.IsTaken(child); attempt++)
        {
            // Force at least one change so the retry can leave the taken point.
            var d = rng.Next(genes.Length);
            genes[d] = MutateGene(d, genes[d]);
            child = new DesignPoint(genes);
        }

        return history.IsTaken(child) ? null : child;
    }

    private int MutateGene(int dimension, int current)
    {
        var n = history.Space.Cardinality(dimension);
        if (n == 1)
        {
            return current;
        }

        if (mutation == Mutation.Local)
        {
            return Step(current, n);
        }

        var v = rng.Next(n - 1);
        return v >= current ? v + 1 : v; // uniform over the other values
    }

    private int Step(int current, int n)
    {
        var u = rng.NextDouble();
        var delta = u < 0.5 ? Math.Pow(2 * u, 1 / (Eta + 1)) - 1 : 1 - Math.Pow(2 * (1 - u), 1 / (Eta + 1));
        var step = (int)Math.Round(delta * (n - 1));
        if (step == 0)
        {
            step = u < 0.5 ? -1 : 1; // a mutation always changes the value
        }

        var v = Math.Clamp(current + step, 0, n - 1);
        return v != current ? v : Math.Clamp(current - step, 0, n - 1); // at an end, step the other way
    }
}
