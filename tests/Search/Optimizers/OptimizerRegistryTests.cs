using Apollo.Configuration;
using Apollo.Search.Optimizers;
using Apollo.Testing;

namespace Apollo.Search.Tests.Optimizers;

public sealed class OptimizerRegistryTests
{
    private static YamlNode Options(string yaml) => YamlNode.Parse(yaml, "search.yaml");

    [Fact]
    public void Unknown_name_lists_the_valid_names()
    {
        var e = Assert.Throws<ConfigException>(() => OptimizerRegistry.Default.Create("annealing", SyntheticObjectives.Small, 1, null));
        foreach (var name in OptimizerRegistry.Default.Names)
        {
            Assert.Contains(name, e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Every_name_creates_its_optimizer()
    {
        foreach (var name in OptimizerRegistry.Default.Names)
        {
            var opt = OptimizerRegistry.Default.Create(name, SyntheticObjectives.Small, 1, null);
            Assert.Equal(name, opt.Name);
        }
    }

    [Fact]
    public void Options_are_parsed()
    {
        var opt = (Evolution)OptimizerRegistry.Default.Create("evolution", SyntheticObjectives.Small, 1,
            Options("population: 8\nmutation_probability: 0.25\ntournament_size: 2\nsurvivors: best"));
        Assert.Equal(new EvolutionOptions(8, 0.9, 0.25, 2, "best"), opt.Options);
    }

    [Fact]
    public void Out_of_range_option_names_field_and_range()
    {
        var e = Assert.Throws<ConfigException>(() => OptimizerRegistry.Default.Create("evolution", SyntheticObjectives.Small, 1, Options("mutation_probability: 1.5")));
        Assert.Equal("mutation_probability", e.Field);
        Assert.Contains("[0, 1]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_option_key_is_rejected()
    {
        var e = Assert.Throws<ConfigException>(() => OptimizerRegistry.Default.Create("evolution", SyntheticObjectives.Small, 1, Options("populaton: 8")));
        Assert.Contains("population", e.Message, StringComparison.Ordinal);
        Assert.Throws<ConfigException>(() => OptimizerRegistry.Default.Create("random", SyntheticObjectives.Small, 1, Options("x: 1")));
    }
}
