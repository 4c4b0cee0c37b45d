using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Apollo.Compiler.Mapping;
using Apollo.Configuration;
using Apollo.Search.Objective;
using Apollo.Search.Optimizers;
using Apollo.Search.Storage;

namespace Apollo.Search.Studies;

/// <summary>What an external evaluator scores: the study's workloads, weights and area budget.</summary>
/// <param name="Study">The study name (a folder of the workdir).</param>
/// <param name="Folder">The study's evaluation folder: <c>&lt;workdir&gt;/&lt;study&gt;</c>.</param>
/// <param name="WorkloadDirectories">Folders of the workload files in search order (the config's, then the shipped one), passed to the command.</param>
/// <param name="Workloads">Selected workloads, in the study's order (the reward sums in this order).</param>
/// <param name="Weights">Workload weights; unlisted workloads weigh 1.</param>
/// <param name="AreaBudgetMm2">Checked on the area the evaluator reports.</param>
public sealed record ExternalScoring(string Study, string Folder, IReadOnlyList<string> WorkloadDirectories, IReadOnlyList<string> Workloads, IReadOnlyDictionary<string, double> Weights, double AreaBudgetMm2);

/// <summary>
/// Scores trials with an outside command (docs/evaluators.md): writes each design point as <c>point.yaml</c> and
/// <c>point.json</c> into a fresh folder <c>trial-N</c>, runs the command there through an
/// <see cref="IEvaluatorLauncher"/>, and turns its <c>result.json</c> into a <see cref="TrialOutcome"/>. The reward is
/// the built-in objective's (<see cref="ThroughputPerArea"/>), against the baseline as the same command evaluated it
/// (once per study, in <c>baseline/</c>, reused while its point is unchanged). Every way the command can go wrong —
/// a non-zero exit, a timeout, no or an invalid result — is a <see cref="TrialOutcome.Failed"/> trial whose reason
/// quotes the end of the command's stderr.
/// </summary>
public sealed class ExternalEvaluator : IBatchEvaluator
{
    /// <summary>The result file the command writes in its folder.</summary>
    public const string ResultFile = "result.json";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private readonly DesignSpaceAdapter _adapter;
    private readonly ExternalScoring _scoring;
    private readonly IEvaluatorLauncher _launcher;
    private readonly ThroughputPerArea _perArea;

    private ExternalEvaluator(DesignSpaceAdapter adapter, ExternalScoring scoring, IEvaluatorLauncher launcher, EvaluatorResult.Feasible baseline)
    {
        _adapter = adapter;
        _scoring = scoring;
        _launcher = launcher;
        Baseline = baseline;
        _perArea = new ThroughputPerArea(baseline.AreaMm2, baseline.Workloads.Select(w => new WorkloadThroughput(w.Workload, 1.0 / w.LatencySeconds)), scoring.Weights);
    }

    /// <summary>The baseline as the command evaluated it: reward 1.0.</summary>
    public EvaluatorResult.Feasible Baseline { get; }

    /// <summary>
    /// Evaluates the baseline (or reuses its stored result when <c>baseline/point.yaml</c> is unchanged) and returns
    /// the evaluator. A baseline the command cannot score, or finds infeasible, is a <see cref="ConfigException"/> of
    /// <paramref name="configFile"/>'s <c>evaluator</c> field: no reward can be defined.
    /// </summary>
    public static ExternalEvaluator Create(string configFile, DesignSpaceAdapter adapter, ExternalScoring scoring, IReadOnlyList<KeyValuePair<string, double>> baseline, IEvaluatorLauncher launcher, CancellationToken cancellation)
    {
        var folder = Path.Combine(scoring.Folder, "baseline");
        var yaml = PointYaml("baseline", adapter.Template.TechnologyFile, baseline);
        var result = Path.Combine(folder, ResultFile);
        if (File.Exists(result) && File.Exists(Path.Combine(folder, "point.yaml")) && File.ReadAllText(Path.Combine(folder, "point.yaml")) == yaml
            && TryParse(File.ReadAllText(result), scoring.Workloads) is EvaluatorResult.Feasible cached)
        {
            return new ExternalEvaluator(adapter, scoring, launcher, cached);
        }

        var job = Write(folder, "baseline", null, adapter.Template.TechnologyFile, baseline, scoring);
        var run = launcher.Run([job], cancellation)[0];
        cancellation.ThrowIfCancellationRequested();
        var (outcome, problem) = Read(run, folder, scoring.Workloads);
        return outcome switch
        {
            EvaluatorResult.Feasible feasible => new ExternalEvaluator(adapter, scoring, launcher, feasible),
            EvaluatorResult.Infeasible infeasible => throw new ConfigException(configFile, null, "evaluator",
                $"the evaluator finds the baseline infeasible ({infeasible.Reason.Stage.Text()}, {infeasible.Reason.Level.Text()}: {infeasible.Reason.Message}); the baseline defines reward 1.0 and must be feasible; see {folder}"),
            _ => throw new ConfigException(configFile, null, "evaluator", $"the evaluator could not score the baseline: {problem}"),
        };
    }

    public IReadOnlyList<TrialRecord> EvaluateBatch(int first, int batch, IReadOnlyList<Suggestion> suggestions, TimeProvider clock, CancellationToken cancellation)
    {
        var jobs = new List<EvaluatorJob>(suggestions.Count);
        var parameters = new List<IReadOnlyList<KeyValuePair<string, double>>>(suggestions.Count);
        for (var i = 0; i < suggestions.Count; i++)
        {
            var number = first + i;
            if (!_adapter.Space.Contains(suggestions[i].Point))
            {
                throw new InvalidOperationException($"trial {number}: the optimizer suggested a point outside the space: {suggestions[i].Point}");
            }

            parameters.Add(_adapter.Space.Values(suggestions[i].Point));
            jobs.Add(Write(TrialFolder(number), $"trial-{number}", number, _adapter.Template.TechnologyFile, parameters[i], _scoring));
        }

        var runs = _launcher.Run(jobs, cancellation);
        cancellation.ThrowIfCancellationRequested();
        var finished = clock.GetUtcNow();
        return suggestions
            .Select((s, i) => new TrialRecord(first + i, batch, parameters[i], Outcome(runs[i], jobs[i].Folder), s.Proposer, runs[i].ElapsedMilliseconds, finished))
            .ToList();
    }

    /// <summary>The folder of trial <paramref name="number"/>.</summary>
    public string TrialFolder(int number) => Path.Combine(_scoring.Folder, string.Create(CultureInfo.InvariantCulture, $"trial-{number}"));

    private TrialOutcome Outcome(EvaluatorRun run, string folder)
    {
        var (result, problem) = Read(run, folder, _scoring.Workloads);
        switch (result)
        {
            case null:
                return new TrialOutcome.Failed(problem!);
            case EvaluatorResult.Infeasible infeasible:
                return new TrialOutcome.Infeasible(infeasible.Reason, infeasible.AreaMm2);
            case EvaluatorResult.Feasible { AreaMm2: var area } when area > _scoring.AreaBudgetMm2:
                return new TrialOutcome.Infeasible(
                    TrialInfeasibility.From(new InfeasibleReason(InfeasibilityStage.Area, InfeasibilityLevel.AreaBudget, null, null, area, _scoring.AreaBudgetMm2, "mm²")), area);
            case EvaluatorResult.Feasible feasible:
                try
                {
                    var speedups = _perArea.Speedups(feasible.AreaMm2, feasible.Workloads.Select(w => new WorkloadThroughput(w.Workload, 1.0 / w.LatencySeconds)));
                    var metrics = feasible.Workloads.Zip(speedups, (w, s) => new WorkloadMetric(w.Workload, w.LatencySeconds, 1.0 / w.LatencySeconds, s.Speedup, w.EnergyJoules, w.PowerWatts)).ToList();
                    return new TrialOutcome.Completed(ThroughputPerArea.Reward(speedups), feasible.AreaMm2, metrics);
                }
                catch (ArgumentException e)
                {
                    // e.g. a latency so small that the speedup overflows: the numbers are valid JSON but not a reward.
                    return new TrialOutcome.Failed($"the evaluator's result gives no valid reward: {e.Message} (in {folder})");
                }

            default:
                throw new InvalidOperationException("unreachable: every result kind is handled");
        }
    }

    /// <summary>The run's result, or (result null) the problem with it: a failed trial's reason.</summary>
    private static (EvaluatorResult? Result, string? Problem) Read(EvaluatorRun run, string folder, IReadOnlyList<string> workloads)
    {
        string Failed(string what) =>
            run.StderrTail.Length == 0 ? $"{what} (no stderr; see {folder})" : $"{what}; stderr (last lines, all in {Path.Combine(folder, "stderr.txt")}): {run.StderrTail.ReplaceLineEndings(" | ")}";

        if (run.StartError is { } start)
        {
            return (null, $"the evaluator did not start: {start}");
        }

        if (run.TimedOut)
        {
            return (null, Failed(string.Create(CultureInfo.InvariantCulture, $"the evaluator timed out after {run.ElapsedMilliseconds / 1000:F1} s; its process tree was killed")));
        }

        if (run.ExitCode != 0)
        {
            return (null, Failed(string.Create(CultureInfo.InvariantCulture, $"the evaluator exited with code {run.ExitCode}")));
        }

        var path = Path.Combine(folder, ResultFile);
        if (!File.Exists(path))
        {
            return (null, Failed($"the evaluator exited with code 0 but wrote no {ResultFile}"));
        }

        try
        {
            return (EvaluatorResult.Parse(File.ReadAllText(path), workloads), null);
        }
        catch (FormatException e)
        {
            return (null, Failed($"invalid {ResultFile}: {e.Message}"));
        }
    }

    private static EvaluatorResult? TryParse(string json, IReadOnlyList<string> workloads)
    {
        try
        {
            return EvaluatorResult.Parse(json, workloads);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>Creates <paramref name="folder"/> afresh with the point's files; returns the job that evaluates it.</summary>
    private static EvaluatorJob Write(string folder, string name, int? trial, string technology, IReadOnlyList<KeyValuePair<string, double>> parameters, ExternalScoring scoring)
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true); // left by a batch that was in flight when a run stopped
        }

        Directory.CreateDirectory(folder);
        var yaml = Path.Combine(folder, "point.yaml");
        var json = Path.Combine(folder, "point.json");
        File.WriteAllText(yaml, PointYaml(name, technology, parameters));
        var point = new JsonObject
        {
            ["study"] = scoring.Study,
            ["trial"] = trial,
            ["name"] = name,
            ["technology"] = technology,
            ["workload_dir"] = scoring.WorkloadDirectories[0],
            ["workload_dirs"] = new JsonArray(scoring.WorkloadDirectories.Select(d => (JsonNode?)JsonValue.Create(d)).ToArray()),
            ["workloads"] = new JsonArray(scoring.Workloads.Select(w => (JsonNode?)JsonValue.Create(w)).ToArray()),
            ["area_budget_mm2"] = trial is null ? null : scoring.AreaBudgetMm2,
            ["parameters"] = new JsonObject(parameters.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)JsonValue.Create(p.Value)))),
        };
        File.WriteAllText(json, point.ToJsonString(Indented) + "\n");
        return new EvaluatorJob(folder, new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["APOLLO_TRIAL"] = trial?.ToString(CultureInfo.InvariantCulture) ?? "baseline",
            ["APOLLO_POINT_YAML"] = yaml,
            ["APOLLO_POINT_JSON"] = json,
            ["APOLLO_RESULT"] = Path.Combine(folder, ResultFile),
            ["APOLLO_WORKLOADS"] = string.Join(',', scoring.Workloads),
            ["APOLLO_WORKLOAD_DIR"] = scoring.WorkloadDirectories[0],
        });
    }

    /// <summary>The point as an accelerator file (docs/configs.md), readable by <c>apollo evaluate --accelerator</c>.</summary>
    private static string PointYaml(string name, string technology, IReadOnlyList<KeyValuePair<string, double>> parameters)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"# Design point written by Apollo for an external evaluator (docs/evaluators.md).\nname: {name}\ntechnology: '{technology.Replace("'", "''", StringComparison.Ordinal)}'\nparameters:\n");
        foreach (var (key, value) in parameters)
        {
            text.Append(CultureInfo.InvariantCulture, $"  {key}: {value.ToString("R", CultureInfo.InvariantCulture)}\n");
        }

        return text.ToString();
    }
}
