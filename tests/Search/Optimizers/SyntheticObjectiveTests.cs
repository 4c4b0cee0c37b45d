using Apollo.Search.Space;
using Apollo.Testing;

namespace Apollo.Search.Tests.Optimizers;

public sealed class SyntheticObjectiveTests
{
    [Fact]
    public void Optimum_is_feasible_and_the_best_grid_point()
    {
        var space = SyntheticObjectives.Small;
        var best = 0.0;
        var feasible = 0;
        for (long k = 0; k < space.Size; k++)
        {
            var o = SyntheticObjectives.Evaluate(space, space.Decode(k));
            best = Math.Max(best, o.Reward);
            feasible += o.Feasible ? 1 : 0;
        }

        Assert.True(SyntheticObjectives.Evaluate(space, SyntheticObjectives.Optimum(space)).Feasible);
        Assert.Equal(best, SyntheticObjectives.SmallOptimum);
        // A real share of the space must be infeasible, as in the accelerator problem.
        var fraction = feasible / (double)space.Size;
        Assert.InRange(fraction, 0.2, 0.6);
    }
}
