using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Apollo.Search.Optimizers;
using Apollo.Testing;

namespace Apollo.Search.Tests.Optimizers;

/// <summary>
/// Pins the exact trials p3bo suggests for a seed, so that refactoring how the ensemble is built
/// (members through the registry) cannot change a study silently: a stored study must still resume.
/// The default hashes were re-recorded when the top-k credit and the elitist evolution default landed (issue 11); the
/// first version's ensemble keeps its original hash under explicit options.
/// The gp-ei member's math comes from the runtime's libm (docs/optimizers.md, Determinism), so on
/// another OS or runtime the hashes may need re-recording — from a build before any change to p3bo.
/// </summary>
public sealed class P3boPinTests
{
    [Fact]
    public void Default_ensemble_suggests_the_pinned_trials()
    {
        Assert.Equal("74ED5B24F4402342", Fingerprint(new P3bo(SyntheticObjectives.Small, 7)));
    }

    [Fact]
    public void First_version_ensemble_replays_bit_for_bit()
    {
        // The options that reproduce p3bo before the top-k credit and the elitist evolution default, so that a
        // study started then can be resumed with them (docs/optimizers.md): the hash recorded before the change.
        var first = new P3boOptions(
            Members:
            [
                new("evolution", new EvolutionOptions(Population: 32, CrossoverRate: 0.9, MutationProbability: 0.05, Survivors: SurvivorSelection.Latest)),
                new("evolution", new EvolutionOptions(Population: 32, CrossoverRate: 0.9, MutationProbability: 0.2, Survivors: SurvivorSelection.Latest)),
                new("gp-ei", new GpEiOptions(Infeasible: InfeasibleHandling.Impute, MaxTrainingPoints: 256, FitPoints: 128, RefitEvery: 50, Candidates: 300, LocalStarts: 2, TrustRegion: false)),
                new("random"),
            ],
            Temperature: 0.5,
            Credit: P3boCredit.Incumbent,
            MinShare: 0);
        Assert.Equal("8CAD0FB868B3D000", Fingerprint(new P3bo(SyntheticObjectives.Small, 7, first)));
    }

    [Fact]
    public void Adaptive_default_ensemble_suggests_the_pinned_trials()
    {
        // Adapts every 2 rounds, so member replacement (mutated copies built with fresh seeds) is pinned too.
        Assert.Equal("D5A883BB68AB647B", Fingerprint(new P3bo(SyntheticObjectives.Small, 11, new P3boOptions(Adaptive: true, AdaptEvery: 2))));
    }

    /// <summary>Eight rounds of 10 (past gp-ei's initial random points), as point@proposer lines, hashed.</summary>
    internal static string Fingerprint(IOptimizer optimizer)
    {
        var space = SyntheticObjectives.Small;
        var trace = new StringBuilder();
        for (var round = 0; round < 8; round++)
        {
            var s = optimizer.Suggest(10);
            foreach (var x in s)
            {
                trace.Append(CultureInfo.InvariantCulture, $"{space.Encode(x.Point)}@{x.Proposer}\n");
            }

            optimizer.Observe(s.Select(x => SyntheticObjectives.Evaluate(space, x.Point, x.Proposer)).ToList());
        }

        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(trace.ToString())))[..16];
    }
}
