using Apollo.Simulator.Area;
using Apollo.Simulator.Template;
using Apollo.Testing;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Apollo.Simulator.Tests.Area;

public sealed class AreaModelTests
{
    private readonly AreaModel _model = new(ReferenceLayers.Technology);

    [Fact]
    public void Baseline_lies_between_the_two_larger_budgets()
    {
        var area = _model.Estimate(ReferenceLayers.Baseline).TotalMm2;
        Assert.InRange(area, 5.8, 6.8);
    }

    [Fact]
    public void Breakdown_names_every_component_and_sums_to_the_total()
    {
        var breakdown = _model.Estimate(ReferenceLayers.Baseline);
        Assert.Equal(
            ["mac_arrays", "pe_memory", "core_memory", "parameter_memory", "activation_memory", "instruction_memory", "pe_control", "core_control", "noc", "io_phy", "chip_overhead"],
            breakdown.Components.Select(c => c.Name));
        Assert.All(breakdown.Components, c => Assert.True(c.Mm2 > 0, c.Name));
        Assert.Equal(breakdown.Components.Sum(c => c.Mm2), breakdown.TotalMm2, 12);
    }

    [Fact]
    public void Smallest_budget_forces_a_trade_off_against_the_baseline()
    {
        // 4.8 mm² must exclude the baseline, but not everything near it: halving the PE memory fits.
        var baseline = ReferenceLayers.Baseline;
        Assert.True(_model.Estimate(baseline).TotalMm2 > 4.8);
        var smaller = baseline with { PeMemoryBytes = 262144, CoreMemoryBytes = 16384, IoBandwidthGBps = 10 };
        Assert.True(_model.Estimate(smaller).TotalMm2 < 4.8 + 0.8);
    }

    [Property(MaxTest = 300)]
    public Property Area_never_decreases_when_any_parameter_grows() =>
        Prop.ForAll(
            DesignGenerators.Config.ToArbitrary(),
            Gen.Elements(TemplateParameters.Names.ToArray()).ToArbitrary(),
            (config, parameter) =>
            {
                var grown = DesignGenerators.Grow(config, parameter);
                return grown is null || _model.Estimate(grown).TotalMm2 >= _model.Estimate(config).TotalMm2;
            });
}
