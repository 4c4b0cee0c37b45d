using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Apollo.Cli.Output;
using Apollo.Search.Objective;
using Apollo.Simulator.Template;

namespace Apollo.Cli.Commands;

/// <summary>
/// The JSON-lines protocol for external optimizers (<c>evaluate --batch</c>, docs/cli.md): each input line is an
/// object of parameter values, each output line the result for it, in input order. A bad line gets
/// {"line": n, "error": "..."} and the stream goes on.
/// </summary>
/// <remarks>
/// Streaming, so that a sequential client (write one point, wait for its answer) is answered at once: a reader
/// thread reads lines and starts each line's evaluation, at most <c>jobs</c> at a time; the writer writes each
/// answer as soon as it and every answer before it are ready, and flushes after every line. Each answer depends
/// only on its line, so the output is the same for any <c>jobs</c>. At most <see cref="Window"/> lines are read
/// ahead of the last answer written, so memory stays bounded when whoever reads stdout is slower than evaluation.
/// </remarks>
internal sealed class BatchEvaluation(CliStreams streams, TemplateSpace space, DesignObjective objective, double? budget, string? study, int jobs)
{
    /// <summary>Most lines read but not yet answered: a few per evaluation thread, at least 256.</summary>
    public int Window { get; } = Math.Max(256, 4 * jobs);

    /// <summary>
    /// Answers every non-blank line of stdin, then returns 0. A read error is thrown after the answers to the lines
    /// before it are written; a write error (stdout closed) and cancellation (Ctrl+C) are thrown at once.
    /// </summary>
    public async Task<int> Run(CancellationToken cancellation)
    {
        // Not disposed: an evaluation still running when the command stops (Ctrl+C, stdout closed) releases them.
        var window = new SemaphoreSlim(Window);
        var workers = new SemaphoreSlim(jobs);
        var answers = Channel.CreateUnbounded<Task<string>>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);

        // A thread of its own: Console.In reads synchronously, and a blocked read must not hold a pool thread that an
        // evaluation needs. It is a background thread, so a read that never returns does not keep the process alive.
        var reader = Task.Factory.StartNew(() => Read(answers.Writer, window, workers, stop.Token), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        try
        {
            await foreach (var answer in answers.Reader.ReadAllAsync(cancellation))
            {
                await streams.Out.WriteLineAsync(await answer.WaitAsync(cancellation));
                await streams.Out.FlushAsync(cancellation);
                window.Release();
            }
        }
        catch
        {
            await stop.CancelAsync(); // stop reading and starting evaluations
            throw;
        }

        await reader; // a read error, after every line before it was answered
        return CommandErrors.Ok;
    }

    private void Read(ChannelWriter<Task<string>> answers, SemaphoreSlim window, SemaphoreSlim workers, CancellationToken stop)
    {
        try
        {
            var lineNumber = 0;
            while (streams.In.ReadLine() is { } line)
            {
                lineNumber++;
                if (string.IsNullOrWhiteSpace(line))
                {
                    continue;
                }

                window.Wait(stop);
                workers.Wait(stop);
                var number = lineNumber;
                answers.TryWrite(Task.Run(() =>
                {
                    try
                    {
                        return EvaluateLine(number, line);
                    }
                    finally
                    {
                        workers.Release();
                    }
                }));
            }
        }
        finally
        {
            answers.TryComplete();
        }
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
            return EvaluationJson.Build(objective.Score(config), budget, perLayer: false, study).ToJsonString(EvaluationJson.Options);
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
