using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Apollo.Cli.Tests;

/// <summary>
/// Hostile input to <c>evaluate --batch</c>: every non-blank line gets exactly one answer, in order, and the
/// stream never stops early.
/// </summary>
public sealed class BatchInputTests
{
    private const string Baseline = "\"pe_x\":4,\"pe_y\":4,\"lanes\":64,\"cores\":4,\"pe_memory\":524288,\"core_memory\":32768,\"instruction_memory\":4096,\"parameter_memory\":16384,\"activation_memory\":8192,\"io_bandwidth\":20";

    [Fact]
    public async Task A_duplicate_key_gets_an_error_object_and_the_lines_around_it_are_answered()
    {
        var input = $"{{{Baseline}}}\n{{\"pe_x\":4,\"pe_x\":8}}\n{{{Baseline},\"pe_x\":8}}\n{{{Baseline}}}\n";
        var r = await CliRunner.RunWithInput(input, "evaluate", "--batch", "--workloads", "mobilenet_v2");
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Equal("", r.Error);
        var lines = r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        Assert.Equal(4, lines.Count);
        Assert.Equal(1.0, lines[0]["reward"]!.GetValue<double>());
        Assert.Equal(2, lines[1]["line"]!.GetValue<int>());
        Assert.Equal("field 'pe_x': given more than once", lines[1]["error"]!.GetValue<string>());
        Assert.Equal(3, lines[2]["line"]!.GetValue<int>());
        Assert.Contains("more than once", lines[2]["error"]!.GetValue<string>());
        Assert.Equal(1.0, lines[3]["reward"]!.GetValue<double>());
    }

    [Fact]
    public async Task An_error_object_echoes_a_capped_prefix_of_the_bad_value()
    {
        var huge = new string('x', 10_000);
        var input = $"{{{Baseline},\"pe_y\":\"{huge}\"}}\n{{\"{huge}\":1}}\n";
        var r = await CliRunner.RunWithInput(input, "evaluate", "--batch", "--workloads", "mobilenet_v2");
        Assert.Equal(0, r.ExitCode);
        var errors = r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!["error"]!.GetValue<string>()).ToList();
        Assert.Equal(2, errors.Count);
        Assert.StartsWith("field 'pe_y': expected a finite number, got \"xxx", errors[0], StringComparison.Ordinal);
        Assert.All(errors, e => Assert.InRange(e.Length, 1, 400));
        Assert.All(errors, e => Assert.Contains(new string('x', 40) + "…", e));
        Assert.All(errors, e => Assert.DoesNotContain(new string('x', 81), e));
    }

    [Fact]
    public async Task Two_thousand_hostile_lines_each_get_exactly_one_answer()
    {
        var rng = new Random(20261202);
        var lines = Enumerable.Range(0, 2_000).Select(_ => HostileLine(rng)).ToList();
        var input = string.Join("\n", lines) + "\n";
        var clock = Stopwatch.StartNew();
        var run = CliRunner.RunWithInput(input, "evaluate", "--batch", "--budget", "6.8", "--workloads", "mobilenet_v2");
        var finished = await Task.WhenAny(run, Task.Delay(TimeSpan.FromMinutes(3)));
        Assert.True(finished == run, "evaluate --batch did not finish within 3 minutes");
        var r = await run;

        Assert.True(r.ExitCode is 0 or 2, $"exit {r.ExitCode}: {r.Error}");
        Assert.DoesNotContain(" at ", r.Error, StringComparison.Ordinal);
        var answers = r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var expected = lines.Select((text, i) => (Text: text, Line: i + 1)).Where(l => !string.IsNullOrWhiteSpace(l.Text)).ToList();
        Assert.Equal(expected.Count, answers.Length);
        for (var i = 0; i < answers.Length; i++)
        {
            var answer = JsonNode.Parse(answers[i])!.AsObject();
            if (answer["error"] is { } error)
            {
                Assert.Equal(expected[i].Line, answer["line"]!.GetValue<int>());
                Assert.DoesNotContain("internal error", error.GetValue<string>(), StringComparison.Ordinal);
                Assert.InRange(error.GetValue<string>().Length, 1, 500);
            }
            else
            {
                Assert.NotNull(answer["accelerator"]);
                Assert.True(double.IsFinite(answer["reward"]!.GetValue<double>()));
            }
        }

        Assert.True(clock.Elapsed < TimeSpan.FromMinutes(3));
    }

    [Fact]
    [Trait("Category", "System")] // a real apollo process reading raw bytes
    public async Task Invalid_utf8_bytes_in_a_real_process_get_error_objects()
    {
        var file = Path.Combine(Path.GetTempPath(), $"apollo-utf8-{Guid.NewGuid():N}.jsonl");
        var bytes = new List<byte>();
        bytes.AddRange(Encoding.UTF8.GetBytes($"{{{Baseline}}}\n"));
        bytes.AddRange([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d, 0x0a]); // {"\xff\xfe":1}
        bytes.AddRange([0xc3, 0x28, 0x0a, 0x80, 0x80, 0x80, 0x0a]);
        bytes.AddRange(Encoding.UTF8.GetBytes($"{{{Baseline}}}\n"));
        await File.WriteAllBytesAsync(file, bytes.ToArray());
        try
        {
            var r = await ApolloProcess.Bash($"apollo evaluate --batch --workloads mobilenet_v2 < '{file}'", TimeSpan.FromMinutes(1));
            Assert.True(r.ExitCode == 0, r.Error);
            Assert.Equal("", r.Error);
            var answers = r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
            Assert.Equal(5, answers.Count);
            Assert.Equal(1.0, answers[0]["reward"]!.GetValue<double>());
            Assert.Equal([2, 3, 4], answers.Skip(1).Take(3).Select(a => a["line"]!.GetValue<int>()));
            Assert.Equal(1.0, answers[4]["reward"]!.GetValue<double>());
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>One line of hostile input; never contains a line break (that would make two lines).</summary>
    private static string HostileLine(Random rng)
    {
        string[] names = ["pe_x", "pe_y", "lanes", "cores", "pe_memory", "core_memory", "instruction_memory", "parameter_memory", "activation_memory", "io_bandwidth"];
        string[] values = ["4", "64", "1e400", "-1e400", "NaN", "Infinity", "-0", "0", "-4", "4.0000000000000001", "1" + new string('9', 400), "\"4\"", "null", "true", "[]", "{}", "[4]", "{\"v\":4}", "0x10", "1e-400", "2147483648", "9007199254740993"];
        string Value() => rng.Next(4) == 0 ? values[rng.Next(values.Length)] : "4";
        string Good(string key) => Baseline.Split(',').FirstOrDefault(p => p.StartsWith($"\"{key}\"", StringComparison.Ordinal))?.Split(':')[1] ?? "4";
        string Point(IEnumerable<string> keys) => "{" + string.Join(",", keys.Select(k => $"\"{k}\":{(rng.Next(3) > 0 ? Good(k) : Value())}")) + "}";
        return rng.Next(16) switch
        {
            0 => "{" + Baseline + "}", // a valid point
            1 => Point(names), // valid keys, some hostile values
            2 => Point(names.Append(names[rng.Next(names.Length)])), // a duplicate key
            3 => Point(names.Append("pe_z")), // an unknown key
            4 => Point(names.Where(_ => rng.Next(4) > 0)), // missing keys
            5 => new string('[', rng.Next(1, 20_000)) + new string(']', rng.Next(0, 20_000)), // deep nesting
            6 => "{\"pe_x\":" + new string('[', 100) + "4" + new string(']', 100) + "}",
            7 => "{" + Baseline + ",\"pe_y\":\"" + new string('y', rng.Next(1_000, 200_000)) + "\"}", // a very long line
            8 => "{" + Baseline.Replace("\"lanes\"", "\"la\uD800nes\"", StringComparison.Ordinal) + "}", // an unpaired surrogate (invalid UTF-16)
            9 => "{\"pe_x\":\uFFFD\uFFFE}",
            10 => Point(names)[..rng.Next(1, 60)], // truncated
            11 => new string(Enumerable.Range(0, rng.Next(1, 300)).Select(_ => (char)rng.Next(32, 0xD7FF)).ToArray()), // noise without line breaks
            12 => values[rng.Next(values.Length)], // a bare value
            13 => rng.Next(2) == 0 ? "   \t " : "", // blank: skipped, not answered
            14 => "{" + string.Join(",", Enumerable.Range(0, 2_000).Select(i => $"\"k{i.ToString(CultureInfo.InvariantCulture)}\":{i.ToString(CultureInfo.InvariantCulture)}")) + "}", // many unknown keys
            _ => "{" + Baseline + "} {" + Baseline + "}", // two objects on one line
        };
    }
}
