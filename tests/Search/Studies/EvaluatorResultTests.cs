using Apollo.Compiler.Mapping;
using Apollo.Configuration;
using Apollo.Search.Studies;

namespace Apollo.Search.Tests.Studies;

/// <summary>The validation of an external evaluator's result.json (docs/evaluators.md): hard, with a reason for people.</summary>
public sealed class EvaluatorResultTests
{
    private static readonly string[] Workloads = ["mobilenet_v2", "resnet50"];

    [Fact]
    public void A_feasible_result_is_read_in_the_studys_workload_order()
    {
        var result = Assert.IsType<EvaluatorResult.Feasible>(EvaluatorResult.Parse(
            """{"workloads": {"resnet50": {"latency_s": 2e-3}, "mobilenet_v2": {"latency_s": 0.000369376, "energy_j": 0.5, "power_w": 0}}, "area_mm2": 3.25}""", Workloads));
        Assert.Equal(3.25, result.AreaMm2);
        Assert.Equal(
            [new ReportedWorkload("mobilenet_v2", 0.000369376, 0.5, 0), new ReportedWorkload("resnet50", 2e-3, null, null)],
            result.Workloads);
    }

    [Fact]
    public void An_infeasible_result_keeps_stage_level_reason_and_numbers()
    {
        var result = Assert.IsType<EvaluatorResult.Infeasible>(EvaluatorResult.Parse(
            """{"infeasible": {"stage": "compile", "level": "core_memory", "reason": "weights do not fit", "workload": "resnet50", "layer": "fc", "needed": 10, "available": 8, "unit": "B"}}""", Workloads));
        Assert.Equal((InfeasibilityStage.Compile, InfeasibilityLevel.CoreMemory, "resnet50", "fc", 10.0, 8.0, "B", "weights do not fit"),
            (result.Reason.Stage, result.Reason.Level, result.Reason.Workload, result.Reason.Layer, result.Reason.Needed!.Value, result.Reason.Available!.Value, result.Reason.Unit, result.Reason.Message));
        Assert.Null(result.AreaMm2);

        var area = Assert.IsType<EvaluatorResult.Infeasible>(EvaluatorResult.Parse("""{"infeasible": {"stage": "area", "reason": "too big"}, "area_mm2": 9}""", Workloads));
        Assert.Equal((InfeasibilityLevel.AreaBudget, 9.0), (area.Reason.Level, area.AreaMm2!.Value));
    }

    [Theory]
    [InlineData("", "result.json is not JSON")]
    [InlineData("NaN", "result.json is not JSON")]
    [InlineData("""{"area_mm2": NaN}""", "result.json is not JSON")]
    [InlineData("[1, 2]", "result.json must hold an object, not array")]
    [InlineData("""{"workloads": {}}""", "'result.json' lacks the required field 'area_mm2'")]
    [InlineData("""{"area_mm2": 1}""", "'result.json' lacks the required field 'workloads'")]
    [InlineData("""{"area_mm2": 1, "workloads": {"mobilenet_v2": {"latency_s": 1}}}""", "'workloads' lacks resnet50; every workload of the study must be reported")]
    [InlineData("""{"area_mm2": 1, "workloads": {"mobilenet_v2": {"latency_s": 1}, "resnet50": {"latency_s": 1}, "unet": {"latency_s": 1}}}""", "'workloads' names 'unet', which is not a workload of the study (mobilenet_v2, resnet50)")]
    [InlineData("""{"area_mm2": 1, "workloads": {"mobilenet_v2": {"latency_s": 1}, "mobilenet_v2": {"latency_s": 1}, "resnet50": {"latency_s": 1}}}""", "'workloads' names 'mobilenet_v2' twice")]
    [InlineData("""{"area_mm2": 0, "workloads": {}}""", "'area_mm2' must be positive, got 0")]
    [InlineData("""{"area_mm2": 1e999, "workloads": {}}""", "'area_mm2' must be a finite number")]
    [InlineData("""{"area_mm2": "3", "workloads": {}}""", "'area_mm2' must be a finite number, got string \"3\"")]
    [InlineData("""{"area_mm2": 1, "workloads": {"mobilenet_v2": {"latency_s": 1, "energy_j": -2}, "resnet50": {"latency_s": 1}}}""", "'workloads.mobilenet_v2.energy_j' must not be negative, got -2")]
    [InlineData("""{"area_mm2": 1, "workloads": {"mobilenet_v2": {"latency": 1}, "resnet50": {"latency_s": 1}}}""", "'workloads.mobilenet_v2' has the unknown field 'latency'; allowed fields: latency_s, energy_j, power_w")]
    [InlineData("""{"area_mm2": 1, "workloads": {}, "notes": "x"}""", "'result.json' has the unknown field 'notes'")]
    [InlineData("""{"infeasible": {"stage": "timing", "reason": "slow"}}""", "'infeasible.stage' is 'timing'; allowed: area, compile")]
    [InlineData("""{"infeasible": {"stage": "compile", "reason": "no"}}""", "'infeasible.level' is required for stage 'compile'")]
    [InlineData("""{"infeasible": {"stage": "compile", "level": "dram", "reason": "no"}}""", "'infeasible.level' is 'dram'; allowed: area_budget, parameter_memory")]
    [InlineData("""{"infeasible": {"stage": "area", "reason": ""}}""", "'infeasible.reason' must be non-empty text")]
    [InlineData("""{"infeasible": {"stage": "area", "reason": "x", "needed": 3}}""", "give all three or none")]
    [InlineData("""{"infeasible": {"stage": "area", "reason": "x"}, "workloads": {}}""", "both 'infeasible' and 'workloads'")]
    public void A_result_that_does_not_validate_says_why(string json, string reason)
    {
        var e = Assert.Throws<FormatException>(() => EvaluatorResult.Parse(json, Workloads));
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("evaluator: {command: ''}", "the command must be non-empty text on one line")]
    [InlineData("evaluator: {command: x, timeout_s: 0}", "must be a positive number of seconds up to 604800")]
    [InlineData("evaluator: {command: x, jobs: 0}", "evaluator.jobs")]
    [InlineData("evaluator: {command: x, backend: ssh}", "'ssh' is not allowed; allowed values: local, slurm")]
    [InlineData("evaluator: {command: x, time_s: 3}", "unknown field")]
    [InlineData("evaluator: python3 sim.py", "must be a mapping")]
    public void A_bad_evaluator_field_is_a_config_error(string yaml, string problem)
    {
        var e = Assert.Throws<ConfigException>(() => EvaluatorSettings.Parse(YamlNode.Parse(yaml, "s.yaml").Get("evaluator"), "/tmp"));
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_default_workdir_follows_the_database()
    {
        var settings = EvaluatorSettings.Parse(YamlNode.Parse("evaluator: {command: ./sim, timeout_s: 2.5}", "s.yaml").Get("evaluator"), "/tmp");
        Assert.Equal((TimeSpan.FromSeconds(2.5), Environment.ProcessorCount, EvaluatorBackend.Local), (settings.Timeout, settings.Jobs, settings.Backend));
        Assert.Equal(Path.Combine("/r/s.db.evaluations", "s"), settings.StudyFolder("/r/s.db", "s"));
        var explicitFolder = EvaluatorSettings.Parse(YamlNode.Parse("evaluator: {command: ./sim, workdir: evals}", "s.yaml").Get("evaluator"), "/w");
        Assert.Equal(Path.Combine("/w/evals", "s"), explicitFolder.StudyFolder("/r/s.db", "s"));
    }
}
