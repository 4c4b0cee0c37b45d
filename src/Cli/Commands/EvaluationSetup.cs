using Apollo.Compiler.Evaluation;
using Apollo.Compiler.Workloads;
using Apollo.Configuration;
using Apollo.Search.Objective;
using Apollo.Simulator.Template;

namespace Apollo.Cli.Commands;

/// <summary>Resolves workloads, technology, baseline and budget into an objective, for evaluate and batch.</summary>
public static class EvaluationSetup
{
    public const string DefaultWorkloadSet = "all";

    /// <summary>Selects workloads by comma-separated names, or by set name (default: all).</summary>
    public static IReadOnlyList<Workload> SelectWorkloads(WorkloadCatalog catalog, string? names, string? set)
    {
        if (names is not null && set is not null)
        {
            throw new ConfigException("<command line>", null, "--workloads", "give either --workloads or --workload-set, not both");
        }

        if (names is not null)
        {
            var list = names.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (list.Length == 0)
            {
                throw new ConfigException("<command line>", null, "--workloads", $"no workload named; available: {string.Join(", ", catalog.Names)}");
            }

            WorkloadCatalog.CheckSelection(list, (_, problem) => new ConfigException("<command line>", null, "--workloads", problem));
            return catalog.Resolve(list);
        }

        return catalog.ResolveSet(set ?? DefaultWorkloadSet);
    }

    /// <summary>The objective over <paramref name="workloads"/>; an infeasible baseline is a config error naming its file.</summary>
    public static DesignObjective CreateObjective(Technology technology, IReadOnlyList<Workload> workloads, AcceleratorDefinition baseline, double? budget, IReadOnlyDictionary<string, double>? weights = null,
        ObjectiveSettings? settings = null)
    {
        if (budget is <= 0)
        {
            throw new ConfigException("<command line>", null, "--budget", "the area budget must be a positive number of mm²");
        }

        try
        {
            var objective = settings ?? ObjectiveSettings.Default;
            return new DesignObjective(new DesignEvaluator(technology, workloads), baseline.Config, budget, weights, objective.Objective, objective.Constraints);
        }
        catch (InvalidOperationException e)
        {
            throw new ConfigException(baseline.File, null, "parameters", e.Message, e);
        }
    }
}
