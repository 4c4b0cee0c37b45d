using Apollo.Compiler.Workloads;
using Apollo.Configuration;
using Apollo.Search.Optimizers;
using Apollo.Search.Studies;
using Apollo.Simulator.Template;

namespace Apollo.Cli.Commands;

/// <summary>A study ready to run: its runner and what the start-up line reports about it.</summary>
public sealed record PreparedStudy(SearchConfig Config, StudyRunner Runner, TemplateSpace Template, int WorkloadCount);

/// <summary>
/// Checks a resolved search config against its files (space, baseline, workloads, weights, optimizer options,
/// a feasible baseline) and wires the study's runner. Shared by <c>search</c>, <c>sweep</c> and <c>sweep-cell</c>,
/// so that everything that can be wrong with a config is found before any database is touched.
/// </summary>
public sealed class StudySetup(TimeProvider clock)
{
    /// <exception cref="ConfigException">Any problem with the config or the files it names.</exception>
    public PreparedStudy Prepare(SearchConfig config, OptimizerRegistry registry)
    {
        var template = AcceleratorFiles.LoadSpace(config.SpaceFile);
        var baseline = AcceleratorFiles.LoadAccelerator(config.BaselineFile);
        var workloads = config.ResolveWorkloads(WorkloadCatalog.Load(config.WorkloadDirectory));
        foreach (var name in config.WorkloadWeights.Keys.Where(k => workloads.All(w => w.Name != k)))
        {
            throw new ConfigException(config.File, null, $"workload_weights.{name}", $"not one of the selected workloads: {string.Join(", ", workloads.Select(w => w.Name))}");
        }

        _ = registry.Create(config.Optimizer, new DesignSpaceAdapter(template).Space, config.Seed, registry.Parse(config.Optimizer, config.OptimizerOptions));
        var objective = EvaluationSetup.CreateObjective(Technology.Load(template.TechnologyFile), workloads, baseline, config.AreaBudgetMm2, config.WorkloadWeights);
        return new PreparedStudy(config, new StudyRunner(config, new DesignSpaceAdapter(template), objective, registry, clock), template, workloads.Count);
    }
}
