using Apollo.Search.Optimizers;
using Apollo.Search.Space;

namespace Apollo.Search.Tests.Optimizers;

public sealed class RandomSearchTests : OptimizerContract
{
    protected override IOptimizer Create(SearchSpace space, int seed) => new RandomSearch(space, seed);
}
