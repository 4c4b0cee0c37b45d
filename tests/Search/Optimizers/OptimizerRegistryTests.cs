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
            OptimizerRegistry.Default.Parse("evolution", Options("population: 8\nmutation_probability: 0.25\ntournament_size: 2\nsurvivors: latest")));
        Assert.Equal(new EvolutionOptions(8, 0.5, 0.25, 2, SurvivorSelection.Latest), opt.Options);
    }

    [Fact]
    public void Out_of_range_option_names_field_and_range()
    {
        var e = Assert.Throws<ConfigException>(() => OptimizerRegistry.Default.Parse("evolution", Options("mutation_probability: 1.5")));
        Assert.Equal("mutation_probability", e.Field);
        Assert.Contains("[0, 1]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_option_key_is_rejected()
    {
        var e = Assert.Throws<ConfigException>(() => OptimizerRegistry.Default.Parse("evolution", Options("populaton: 8")));
        Assert.Contains("population", e.Message, StringComparison.Ordinal);
        Assert.Throws<ConfigException>(() => OptimizerRegistry.Default.Parse("random", Options("x: 1")));
    }

    [Theory]
    [InlineData("evolution", "survivors: oldest", "survivors", "latest, best")]
    [InlineData("gp-ei", "infeasible: ignore", "infeasible", "impute, feasibility")]
    public void A_choice_outside_the_enum_lists_the_allowed_values(string optimizer, string yaml, string field, string allowed)
    {
        var e = Assert.Throws<ConfigException>(() => OptimizerRegistry.Default.Parse(optimizer, Options(yaml)));
        Assert.Equal(field, e.Field);
        Assert.Contains($"allowed values: {allowed}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Choices_are_parsed_into_enums()
    {
        var gp = Assert.IsType<GpEiOptions>(OptimizerRegistry.Default.Parse("gp-ei", Options("infeasible: feasibility")));
        Assert.Equal(InfeasibleHandling.Feasibility, gp.Infeasible);
        Assert.Equal(InfeasibleHandling.Laplace, Assert.IsType<GpEiOptions>(OptimizerRegistry.Default.Parse("gp-ei", null)).Infeasible);
        // Spellings are case-sensitive snake_case, as every other key and value of the config files.
        Assert.Throws<ConfigException>(() => OptimizerRegistry.Default.Parse("evolution", Options("survivors: Best")));
    }

    [Fact]
    public void Multi_word_choices_are_spelled_in_snake_case()
    {
        Assert.Equal("newest_first", OptionReader.Spelling(Order.NewestFirst));
        Assert.Equal(Order.NewestFirst, OptionReader.Choice(Options("order: newest_first"), "order", Order.Oldest));
        Assert.Equal(Order.Oldest, OptionReader.Choice(Options("other: 1"), "order", Order.Oldest));
        var e = Assert.Throws<ConfigException>(() => OptionReader.Choice(Options("order: newest-first"), "order", Order.Oldest));
        Assert.Contains("allowed values: oldest, newest_first", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_gives_each_optimizer_its_typed_options_and_create_builds_from_them()
    {
        var expected = new Dictionary<string, Type>
        {
            ["random"] = typeof(RandomSearchOptions),
            ["gp-ei"] = typeof(GpEiOptions),
            ["evolution"] = typeof(EvolutionOptions),
            ["p3bo"] = typeof(P3boOptions),
            ["nsga2"] = typeof(Nsga2Options),
            ["grid"] = typeof(GridSearchOptions),
        };
        Assert.Equal(expected.Keys.Order(), OptimizerRegistry.Default.Names.Order());
        foreach (var (name, type) in expected)
        {
            var options = OptimizerRegistry.Default.Parse(name, null);
            Assert.IsType(type, options);
            Assert.Equal(name, OptimizerRegistry.Default.Create(name, SyntheticObjectives.Small, 1, options).Name);
        }

        var evolution = (Evolution)OptimizerRegistry.Default.Create("evolution", SyntheticObjectives.Small, 1, OptimizerRegistry.Default.Parse("evolution", Options("population: 12")));
        Assert.Equal(12, evolution.Options.Population);
    }

    [Fact]
    public void Options_of_another_optimizer_are_refused()
    {
        Assert.Throws<ArgumentException>(() => OptimizerRegistry.Default.Create("evolution", SyntheticObjectives.Small, 1, new GpEiOptions()));
    }

    [Fact]
    public void Unknown_name_in_parse_lists_the_valid_names()
    {
        var e = Assert.Throws<ConfigException>(() => OptimizerRegistry.Default.Parse("annealing", Options("x: 1")));
        Assert.Contains("valid optimizers: random, gp-ei, evolution, p3bo, nsga2, grid", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Same_options_and_seed_through_the_registry_give_the_same_optimizer_as_the_constructor()
    {
        var options = new EvolutionOptions(Population: 8, Survivors: SurvivorSelection.Best);
        var a = SyntheticObjectives.Run(OptimizerRegistry.Default.Create("evolution", SyntheticObjectives.Small, 5, options), SyntheticObjectives.Small, 60, 6);
        var b = SyntheticObjectives.Run(new Evolution(SyntheticObjectives.Small, 5, options), SyntheticObjectives.Small, 60, 6);
        Assert.Equal(a, b);
    }

    private enum Order
    {
        Oldest,
        NewestFirst,
    }
}
