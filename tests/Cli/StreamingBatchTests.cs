using System.Diagnostics;
using System.Globalization;
using System.IO.Pipes;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Apollo.Testing;

namespace Apollo.Cli.Tests;

/// <summary>
/// <c>evaluate --batch</c> streams: each line is answered as soon as it is evaluated, without waiting for more
/// input, and the output does not depend on how many points are evaluated at once.
/// </summary>
public sealed class StreamingBatchTests
{
    private const string Baseline = "{\"pe_x\":4,\"pe_y\":4,\"lanes\":64,\"cores\":4,\"pe_memory\":524288,\"core_memory\":32768,\"instruction_memory\":4096,\"parameter_memory\":16384,\"activation_memory\":8192,\"io_bandwidth\":20}";

    private const string Smaller = "{\"pe_x\":4,\"pe_y\":4,\"lanes\":64,\"cores\":4,\"pe_memory\":524288,\"core_memory\":4096,\"instruction_memory\":256,\"parameter_memory\":8192,\"activation_memory\":2048,\"io_bandwidth\":20}";

    /// <summary>Generous: CI machines are slow and shared. Without streaming the answer never comes before end of input.</summary>
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_line_is_answered_while_stdin_stays_open()
    {
        using var input = new AnonymousPipeServerStream(PipeDirection.Out);
        using var inputEnd = new AnonymousPipeClientStream(PipeDirection.In, input.ClientSafePipeHandle);
        var output = new LineWriter();
        var error = new StringWriter();
        var streams = new CliStreams(new StreamReader(inputEnd), output, error, Interactive: false);
        var run = ApolloApp.RunAsync(["evaluate", "--batch", "--workloads", "mobilenet_v2", "--budget", "6.8"], streams, new ConfigLocator(RepositoryPaths.Root, RepositoryPaths.Root));

        using var writer = new StreamWriter(input, new UTF8Encoding(false)) { AutoFlush = true };
        await writer.WriteLineAsync(Baseline);
        var first = JsonNode.Parse(await output.Next(AnswerTimeout, run))!;
        Assert.Equal(1.0, first["reward"]!.GetValue<double>());

        await writer.WriteLineAsync("not json");
        var second = JsonNode.Parse(await output.Next(AnswerTimeout, run))!;
        Assert.Equal(2, second["line"]!.GetValue<int>());

        await writer.WriteLineAsync(Smaller);
        var third = JsonNode.Parse(await output.Next(AnswerTimeout, run))!;
        Assert.Equal(4096, third["accelerator"]!["core_memory"]!.GetValue<double>());

        writer.Close(); // end of input: the command finishes and exits 0
        Assert.Equal(0, await run.WaitAsync(AnswerTimeout));
        Assert.Equal("", error.ToString());
    }

    [Fact]
    public async Task The_output_is_the_same_for_one_thread_and_for_many()
    {
        var rng = new Random(17);
        var lines = new List<string>();
        for (var i = 0; i < 300; i++)
        {
            lines.Add(i % 37 == 5 ? "{\"pe_x\":3}" : i % 53 == 7 ? "" : Point(DesignGenerators.Uniform(rng).ToParameters()));
        }

        var input = string.Join("\n", lines) + "\n";
        var one = await CliRunner.RunWithInput(input, "evaluate", "--batch", "--budget", "6.8", "--workloads", "mobilenet_v2,resnet50", "--threads", "1");
        var many = await CliRunner.RunWithInput(input, "evaluate", "--batch", "--budget", "6.8", "--workloads", "mobilenet_v2,resnet50", "--threads", "4"); // 4: allowed on one core too (at most 4 × cores)
        Assert.True(one.ExitCode == 0, one.Error);
        Assert.True(many.ExitCode == 0, many.Error);
        Assert.Equal(lines.Count(l => l.Length > 0), one.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(one.Out, many.Out);
    }

    [Fact]
    public async Task More_lines_than_the_read_ahead_window_are_all_answered_in_order()
    {
        // 600 lines > the 256-line window: the reader waits for the writer and neither deadlocks.
        var input = string.Concat(Enumerable.Range(0, 600).Select(i => (i % 2 == 0 ? Baseline : Smaller) + "\n"));
        var r = await CliRunner.RunWithInput(input, "evaluate", "--batch", "--workloads", "mobilenet_v2", "--threads", "2").WaitAsync(TimeSpan.FromMinutes(3));
        Assert.True(r.ExitCode == 0, r.Error);
        var answers = r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!["accelerator"]!["core_memory"]!.GetValue<double>()).ToList();
        Assert.Equal(Enumerable.Range(0, 600).Select(i => i % 2 == 0 ? 32768.0 : 4096.0), answers);
    }

    [Theory]
    [InlineData("-1", "between 0 and")]
    [InlineData("100000", "between 0 and")]
    public async Task A_bad_threads_value_exits_2_before_reading(string threads, string expected)
    {
        var r = await CliRunner.RunWithInput(Baseline + "\n", "evaluate", "--batch", "--threads", threads);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--threads", r.Error);
        Assert.Contains(expected, r.Error);
        Assert.Equal("", r.Out);
    }

    [Fact]
    public async Task Threads_without_batch_is_refused()
    {
        var r = await CliRunner.Run("evaluate", "--accelerator", "configs/accelerators/baseline.yaml", "--threads", "2");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--batch", r.Error);
    }

    [Fact]
    [Trait("Category", "System")] // a real apollo process behind pipes
    public async Task A_real_process_answers_each_line_before_the_next_is_written_and_exits_0_at_end_of_input()
    {
        using var child = ApolloProcess.Start("evaluate", "--batch", "--workloads", "mobilenet_v2", "--budget", "6.8");
        try
        {
            var clock = Stopwatch.StartNew();
            await child.StandardInput.WriteLineAsync(Baseline);
            await child.StandardInput.FlushAsync();
            var first = await child.StandardOutput.ReadLineAsync().WaitAsync(AnswerTimeout);
            Assert.Equal(1.0, JsonNode.Parse(first!)!["reward"]!.GetValue<double>());

            await child.StandardInput.WriteLineAsync(Smaller);
            await child.StandardInput.FlushAsync();
            var second = await child.StandardOutput.ReadLineAsync().WaitAsync(AnswerTimeout);
            Assert.True(JsonNode.Parse(second!)!["feasible"]!.GetValue<bool>(), second);
            Assert.True(clock.Elapsed < 2 * AnswerTimeout);

            child.StandardInput.Close();
            await child.WaitForExitAsync(new CancellationTokenSource(AnswerTimeout).Token);
            Assert.Equal(0, child.ExitCode);
            Assert.Null(await child.StandardOutput.ReadLineAsync());
            Assert.Equal("", await child.StandardError.ReadToEndAsync());
        }
        finally
        {
            if (!child.HasExited)
            {
                child.Kill();
            }
        }
    }

    [Fact]
    [Trait("Category", "System")] // a real apollo process sent SIGTERM
    public async Task Sigterm_while_waiting_for_input_exits_130()
    {
        using var child = ApolloProcess.Start("evaluate", "--batch", "--workloads", "mobilenet_v2");
        try
        {
            await child.StandardInput.WriteLineAsync(Baseline);
            await child.StandardInput.FlushAsync();
            Assert.NotNull(await child.StandardOutput.ReadLineAsync().WaitAsync(AnswerTimeout));

            // stdin stays open: the reader is blocked in a read. SIGTERM takes Ctrl+C's path (a background child
            // inherits an ignored SIGINT, so the test cannot send that).
            using (var kill = Process.Start("bash", ["-c", $"kill -TERM {child.Id.ToString(CultureInfo.InvariantCulture)}"]))
            {
                await kill.WaitForExitAsync();
            }

            await child.WaitForExitAsync(new CancellationTokenSource(AnswerTimeout).Token);
            Assert.Equal(130, child.ExitCode);
        }
        finally
        {
            if (!child.HasExited)
            {
                child.Kill();
            }
        }
    }

    private static string Point(IEnumerable<KeyValuePair<string, double>> parameters)
    {
        var obj = new JsonObject();
        foreach (var (k, v) in parameters)
        {
            obj[k] = v;
        }

        return obj.ToJsonString();
    }

    /// <summary>A standard output that hands each written line to the test as it is written.</summary>
    private sealed class LineWriter : TextWriter
    {
        private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
        private readonly StringBuilder _partial = new();

        public override Encoding Encoding => Encoding.UTF8;

        public override void Write(char value)
        {
            lock (_partial)
            {
                if (value == '\n')
                {
                    _lines.Writer.TryWrite(_partial.ToString().TrimEnd('\r'));
                    _partial.Clear();
                }
                else
                {
                    _partial.Append(value);
                }
            }
        }

        public override void Write(string? value)
        {
            foreach (var c in value ?? "")
            {
                Write(c);
            }
        }

        public override void WriteLine(string? value)
        {
            Write(value);
            Write('\n');
        }

        /// <summary>The next line; fails when none comes in time or the command ends first.</summary>
        public async Task<string> Next(TimeSpan timeout, Task<int> command)
        {
            var line = _lines.Reader.ReadAsync().AsTask();
            var done = await Task.WhenAny(line, command, Task.Delay(timeout));
            Assert.True(done == line, done == command ? $"the command ended (exit {command.Result}) before answering" : $"no answer within {timeout.TotalSeconds} s");
            return await line;
        }
    }
}
