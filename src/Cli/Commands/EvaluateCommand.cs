using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Apollo.Cli.Output;
using Apollo.Compiler.Workloads;
using Apollo.Configuration;
using Apollo.Search.Objective;
using Apollo.Simulator.Template;
using Spectre.Console;

namespace Apollo.Cli.Commands;

/// <summary><c>apollo evaluate</c>: one design point from a file, or a JSON-lines stream from stdin (--batch).</summary>
public sealed class EvaluateCommand(CliStreams streams, ConfigLocator locator)
{
    private readonly Option<string?> _accelerator = new("--accelerator") { Description = "Accelerator YAML file (see configs/accelerators/baseline.yaml)." };
    private readonly Option<string?> _workloads = new("--workloads") { Description = "Comma-separated workload names (see configs/workloads)." };
    private readonly Option<string?> _workloadSet = new("--workload-set") { Description = "A named workload set from configs/workloads/sets.yaml (default: all)." };
    private readonly Option<string?> _workloadDir = new("--workload-dir") { Description = "Folder of workload YAML files (default: configs/workloads)." };
    private readonly Option<double?> _budget = new("--budget") { Description = "Area budget in mm²; points above it are infeasible (default: none)." };
    private readonly Option<bool> _perLayer = new("--per-layer") { Description = "Show every layer's mapping and cycle breakdown." };
    private readonly Option<string> _format = new("--format") { Description = "Output format.", DefaultValueFactory = _ => "table" };
    private readonly Option<bool> _batch = new("--batch") { Description = "Read design points as JSON lines from stdin, write one JSON result per line." };
    private readonly Option<string?> _space = new("--space") { Description = "Search space YAML the points must lie in (default: configs/accelerators/space.yaml)." };
    private readonly Option<string?> _baseline = new("--baseline") { Description = "Baseline accelerator YAML that defines reward 1.0 (default: configs/accelerators/baseline.yaml)." };

    public Command Build()
    {
        _format.AcceptOnlyFromAmong("table", "json");
        var command = new Command("evaluate", "Compile and simulate a design point: area, per-workload latency and throughput, reward, or why it is infeasible.")
        {
            _accelerator, _workloads, _workloadSet, _workloadDir, _budget, _perLayer, _format, _batch, _space, _baseline,
        };
        command.SetAction((result, cancellation) => CommandErrors.Guard(streams, () => Run(result, cancellation)));
        return command;
    }

    private async Task<int> Run(ParseResult result, CancellationToken cancellation)
    {
        var budget = CliValues.Budget(result.GetValue(_budget));
        var space = AcceleratorFiles.LoadSpace(result.GetValue(_space) is { } s ? locator.UserPath(s) : locator.DefaultSpace);
        var baseline = AcceleratorFiles.LoadAccelerator(result.GetValue(_baseline) is { } b ? locator.UserPath(b) : locator.DefaultBaseline);
        var catalog = WorkloadCatalog.Load(result.GetValue(_workloadDir) is { } d ? locator.UserPath(d) : locator.DefaultWorkloads);
        var workloads = EvaluationSetup.SelectWorkloads(catalog, result.GetValue(_workloads), result.GetValue(_workloadSet));

        if (result.GetValue(_batch))
        {
            if (result.GetValue(_accelerator) is not null)
            {
                throw new ConfigException("<command line>", null, "--accelerator", "--batch reads design points from stdin; do not give --accelerator");
            }

            var technology = Technology.Load(space.TechnologyFile);
            var objective = EvaluationSetup.CreateObjective(technology, workloads, baseline, budget);
            return await new BatchEvaluation(streams, space, objective, budget).Run(cancellation);
        }

        var path = result.GetValue(_accelerator) ?? throw new ConfigException("<command line>", null, "--accelerator", "required (or use --batch to read points from stdin)");
        var accelerator = AcceleratorFiles.LoadAccelerator(locator.UserPath(path));
        space.Validate(accelerator.Config, (field, problem) => new ConfigException(accelerator.File, accelerator.ParameterLines.GetValueOrDefault(field), $"parameters.{field}", problem));
        var tech = Technology.Load(accelerator.TechnologyFile);
        var scored = EvaluationSetup.CreateObjective(tech, workloads, baseline, budget).Score(accelerator.Config);
        if (result.GetValue(_format) == "json")
        {
            await streams.Out.WriteLineAsync(EvaluationJson.Build(scored, budget, result.GetValue(_perLayer)).ToJsonString(EvaluationJson.Options));
        }
        else
        {
            EvaluationTable.Write(streams.CreateConsole(), accelerator.Name, scored, budget, result.GetValue(_perLayer));
        }

        return CommandErrors.Ok;
    }
}

/// <summary>
/// The JSON-lines protocol for external optimizers: each input line is an object of parameter values,
/// each output line the result for it, in order. A bad line gets {"line": n, "error": "..."} and the
/// stream goes on. Points are evaluated in parallel in chunks; output order is input order.
/// </summary>
internal sealed class BatchEvaluation(CliStreams streams, TemplateSpace space, DesignObjective objective, double? budget)
{
    private const int Chunk = 256;

    public async Task<int> Run(CancellationToken cancellation)
    {
        var lineNumber = 0;
        var pending = new List<(int Line, string Text)>(Chunk);
        while (await streams.In.ReadLineAsync(cancellation) is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            pending.Add((lineNumber, line));
            if (pending.Count == Chunk)
            {
                await Flush(pending, cancellation);
            }
        }

        await Flush(pending, cancellation);
        return CommandErrors.Ok;
    }

    private async Task Flush(List<(int Line, string Text)> pending, CancellationToken cancellation)
    {
        var outputs = new string[pending.Count];
        Parallel.For(0, pending.Count, new ParallelOptions { CancellationToken = cancellation }, i =>
            outputs[i] = EvaluateLine(pending[i].Line, pending[i].Text));
        foreach (var output in outputs)
        {
            await streams.Out.WriteLineAsync(output);
        }

        await streams.Out.FlushAsync(cancellation);
        pending.Clear();
    }

    /// <summary>Longest input line that is parsed; a longer one gets an error object without being parsed.</summary>
    public const int MaxLineLength = 65_536;

    private const int MaxMessage = 400;

    /// <summary>The answer line for one input line: its evaluation, or an error object; never throws for a bad line.</summary>
    private string EvaluateLine(int line, string text)
    {
        AcceleratorConfig config;
        try
        {
            config = Parse(text);
            space.Validate(config, (field, problem) => new FormatException($"field '{CliValues.Echo(field)}': {problem}"));
        }
        catch (Exception e) when (e is FormatException or JsonException or ArgumentException or InvalidOperationException)
        {
            return Error(line, e.Message);
        }

        try
        {
            return EvaluationJson.Build(objective.Score(config), budget, perLayer: false).ToJsonString(EvaluationJson.Options);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A bug in the evaluation of one point must not cost the answers to all the others.
            return Error(line, $"internal error: {e.GetType().Name}: {e.Message}");
        }
    }

    private static string Error(int line, string message) =>
        new JsonObject { ["line"] = line, ["error"] = CliValues.Echo(message.ReplaceLineEndings(" "), MaxMessage) }.ToJsonString(EvaluationJson.Options);

    private static AcceleratorConfig Parse(string text)
    {
        if (text.Length > MaxLineLength)
        {
            throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"line of {text.Length:N0} characters; the limit is {MaxLineLength:N0}"));
        }

        using var document = JsonDocument.Parse(text);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("expected a JSON object of parameter values, e.g. {\"pe_x\":4,...}");
        }

        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var property in document.RootElement.EnumerateObject())
        {
            var value = property.Value is { ValueKind: JsonValueKind.Number } v && v.TryGetDouble(out var d) && double.IsFinite(d)
                ? d
                : throw new FormatException($"field '{CliValues.Echo(property.Name)}': expected a finite number, got {CliValues.Echo(property.Value.GetRawText())}");
            if (!values.TryAdd(property.Name, value))
            {
                throw new FormatException($"field '{CliValues.Echo(property.Name)}': given more than once");
            }
        }

        // The line number is in the error object already; the message names only the field.
        return AcceleratorConfig.FromParameters(values, (field, problem) => new FormatException($"field '{CliValues.Echo(field)}': {problem}"));
    }
}
