using System.Text;
using Apollo.Cli.Commands;
using Apollo.Configuration;
using Apollo.Search.Storage;

namespace Apollo.Cli.Tests;

/// <summary>The one place that maps exceptions to exit codes: one line on stderr, never a stack trace unless asked.</summary>
public sealed class CommandErrorsTests
{
    public static TheoryData<string, int, string> Cases() => new()
    {
        { "config", CommandErrors.BadInput, "error: f.yaml:3: field 'x': bad" },
        { "store", CommandErrors.BadInput, "error: not an Apollo store" },
        { "locked", CommandErrors.BadInput, "error: study 's' is locked" },
        { "cancelled", CommandErrors.Interrupted, "interrupted" },
        { "disk-full", CommandErrors.Failure, "error: No space left on device" },
        { "permission", CommandErrors.Failure, "error: Access to the path '/x' is denied." },
        { "closed-stdout", CommandErrors.OutputClosed, "" },
        { "bug", CommandErrors.Failure, "internal error: InvalidOperationException: Sequence contains no elements" },
        { "aggregate", CommandErrors.BadInput, "error: f.yaml:3: field 'x': bad" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Each_exception_becomes_one_line_and_its_exit_code(string kind, int code, string line)
    {
        var (streams, error) = Streams(debug: false);
        var exit = await CommandErrors.Guard(streams, () => throw Make(kind));
        Assert.Equal(code, exit);
        var lines = error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (line.Length == 0)
        {
            Assert.Empty(lines);
            return;
        }

        Assert.Equal(line, lines[0]);
        Assert.DoesNotContain(" at ", error.ToString(), StringComparison.Ordinal);
        Assert.Equal(kind == "bug" ? 2 : 1, lines.Length);
        if (kind == "bug")
        {
            Assert.Contains("APOLLO_DEBUG=1", lines[1]);
        }
    }

    [Fact]
    public async Task Apollo_debug_prints_the_stack_trace_of_an_unexpected_exception()
    {
        var (streams, error) = Streams(debug: true);
        Assert.Equal(CommandErrors.Failure, await CommandErrors.Guard(streams, () => throw Make("bug")));
        Assert.StartsWith("internal error: InvalidOperationException", error.ToString(), StringComparison.Ordinal);
        Assert.Contains(" at ", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Category", "System")] // real apollo processes behind bash pipes
    public async Task A_reader_that_closes_the_pipe_early_gets_a_quiet_exit()
    {
        var input = string.Concat(Enumerable.Repeat("{\"pe_x\":4,\"pe_y\":4,\"lanes\":64,\"cores\":4,\"pe_memory\":524288,\"core_memory\":32768,\"instruction_memory\":4096,\"parameter_memory\":16384,\"activation_memory\":8192,\"io_bandwidth\":20}\n", 3000));
        var file = Path.Combine(Path.GetTempPath(), $"apollo-pipe-{Guid.NewGuid():N}.jsonl");
        await File.WriteAllTextAsync(file, input);
        try
        {
            // 3,000 answers of ~600 bytes overflow the pipe's buffer long after head has gone.
            var r = await ApolloProcess.Bash($"apollo evaluate --batch --workloads mobilenet_v2 < '{file}' | head -1 >/dev/null; exit ${{PIPESTATUS[0]}}", TimeSpan.FromMinutes(2));
            Assert.Equal(CommandErrors.OutputClosed, r.ExitCode);
            Assert.Equal("", r.Out + r.Error);

            var trials = await ApolloProcess.Bash("apollo space >&-", TimeSpan.FromMinutes(1));
            Assert.Equal(CommandErrors.OutputClosed, trials.ExitCode);
            Assert.Equal("", trials.Out + trials.Error);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    [Trait("Category", "System")] // a real apollo process writing to /dev/full
    public async Task A_full_disk_on_stdout_is_one_line_and_exit_1()
    {
        var r = await ApolloProcess.Bash("apollo space > /dev/full", TimeSpan.FromMinutes(1));
        Assert.Equal(CommandErrors.Failure, r.ExitCode);
        Assert.Equal("error: cannot write standard output: No space left on device", r.Error.Trim());
    }

    private static (CliStreams Streams, StringWriter Error) Streams(bool debug)
    {
        var error = new StringWriter();
        return (new CliStreams(new StringReader(""), new StringWriter(new StringBuilder()), error, Interactive: false) { Debug = debug }, error);
    }

    private static Exception Make(string kind) => kind switch
    {
        "config" => new ConfigException("f.yaml", 3, "x", "bad"),
        "store" => new StoreException("not an Apollo store"),
        "locked" => new StudyLockedException("study 's' is locked"),
        "cancelled" => new OperationCanceledException(),
        "disk-full" => new IOException("No space left on device", 28),
        "permission" => new UnauthorizedAccessException("Access to the path '/x' is denied."),
        "closed-stdout" => new OutputClosedException(new IOException("Broken pipe", 32)),
        "aggregate" => new AggregateException(new ConfigException("f.yaml", 3, "x", "bad")),
        _ => Thrown(),
    };

    private static Exception Thrown()
    {
        try
        {
            _ = Array.Empty<int>().First();
            return new InvalidOperationException("unreachable");
        }
        catch (InvalidOperationException e)
        {
            return e; // with a stack trace, as a real bug has
        }
    }
}
