using Apollo.Compiler.Mapping;

namespace Apollo.Compiler.Tests.Mapping;

public sealed class InfeasibleReasonTests
{
    [Fact]
    public void Compile_message_is_rendered_from_the_fields()
    {
        var reason = new InfeasibleReason(InfeasibilityStage.Compile, InfeasibilityLevel.ParameterMemory, "resnet50", "conv_12",
            73_728, 32_768, "B", "smallest weight tile (double-buffered)");
        Assert.Equal("layer conv_12 of resnet50: smallest weight tile (double-buffered) needs 73,728 B, parameter_memory holds 32,768 B", reason.Message);
    }

    [Fact]
    public void Area_message_keeps_the_schema_v1_wording()
    {
        var reason = new InfeasibleReason(InfeasibilityStage.Area, InfeasibilityLevel.AreaBudget, null, null, 16.5130825, 6.8, "mm²");
        Assert.Equal("area 16.513 mm² exceeds the budget of 6.800 mm²", reason.Message);
    }

    [Fact]
    public void Naming_another_layer_is_a_with_expression_and_the_message_follows()
    {
        var cached = new InfeasibleReason(InfeasibilityStage.Compile, InfeasibilityLevel.PeMemory, "unet", "enc1", 300, 200, "B", "smallest activation band (double-buffered)");
        var renamed = cached with { Workload = "deeplab", Layer = "b12" };
        Assert.Equal("layer b12 of deeplab: smallest activation band (double-buffered) needs 300 B, pe_memory holds 200 B", renamed.Message);
        Assert.Equal(cached.Needed, renamed.Needed);
    }

    [Theory]
    [InlineData(double.NaN, 1.0, "B")]
    [InlineData(double.PositiveInfinity, 1.0, "B")]
    [InlineData(-1.0, 1.0, "B")]
    [InlineData(1.0, -0.5, "B")]
    [InlineData(1.0, double.NaN, "B")]
    [InlineData(1.0, 1.0, "")]
    [InlineData(1.0, 1.0, " ")]
    public void Invalid_numbers_and_units_are_refused(double needed, double available, string unit)
    {
        Assert.ThrowsAny<ArgumentException>(() =>
            new InfeasibleReason(InfeasibilityStage.Compile, InfeasibilityLevel.CoreMemory, "w", "l", needed, available, unit));
    }

    [Fact]
    public void With_cannot_bypass_the_checks()
    {
        var reason = new InfeasibleReason(InfeasibilityStage.Compile, InfeasibilityLevel.CoreMemory, "w", "l", 2, 1, "B");
        Assert.ThrowsAny<ArgumentException>(() => reason with { Needed = double.NaN });
        Assert.ThrowsAny<ArgumentException>(() => reason with { Level = (InfeasibilityLevel)99 });
    }

    [Fact]
    public void Texts_are_the_stable_snake_case_names_and_parse_back()
    {
        Assert.Equal(["area", "compile", "constraint"], Enum.GetValues<InfeasibilityStage>().Select(s => s.Text()));
        Assert.Equal(
            ["area_budget", "parameter_memory", "activation_memory", "core_memory", "pe_memory", "instruction_memory", "power_budget", "latency_budget", "energy_budget"],
            Enum.GetValues<InfeasibilityLevel>().Select(l => l.Text()));
        foreach (var level in Enum.GetValues<InfeasibilityLevel>())
        {
            Assert.True(InfeasibilityText.TryParseLevel(level.Text(), out var parsed));
            Assert.Equal(level, parsed);
        }

        Assert.False(InfeasibilityText.TryParseStage("evaluation", out _));
        Assert.False(InfeasibilityText.TryParseLevel(null, out _));
    }
}
