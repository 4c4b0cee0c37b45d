using System.Diagnostics;
using System.Globalization;
using System.Text;
using Apollo.Compiler.Workloads;
using Apollo.Configuration;
using Apollo.Search.Optimizers;
using Apollo.Search.Studies;
using Apollo.Search.Sweeps;
using Apollo.Simulator.Template;
using Apollo.Testing;
using Xunit.Abstractions;

namespace Apollo.Search.Tests.Configuration;

/// <summary>
/// Every shipped YAML file under configs/ and experiments/, mutated at random (seeded) and fed to its
/// in-process loader. The only allowed outcomes are success and a <see cref="ConfigException"/> whose
/// message is one line; any other exception, or a case slower than <see cref="CaseLimit"/>, fails the test
/// with the file, the case number and the mutated text. The command-line half (exit codes of real
/// processes, batch lines) is in the CLI tests.
/// </summary>
public sealed class ConfigFuzzTests(ITestOutputHelper output) : IDisposable
{
    private const int Cases = 10_000;
    private const int Seed = 20_261_202;

    private static readonly TimeSpan CaseLimit = TimeSpan.FromSeconds(2);

    // The seed is fixed so that a failure reproduces; APOLLO_FUZZ_SEED explores other mutations locally.
    private static readonly int RunSeed = int.TryParse(Environment.GetEnvironmentVariable("APOLLO_FUZZ_SEED"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) ? s : Seed;

    private static readonly string[] HostileScalars =
    [
        "-1", "0", "1e308", "-1e308", "1e-300", "NaN", ".nan", ".inf", "-.inf", "Infinity", "2147483647", "2147483648",
        "-2147483649", "9007199254740993", "1e400", "0x10", "1_000_000_000_000", "\"\"", "''", "[]", "{}", "~", "null",
        "true", "[1, [2, [3]]]", "{a: {b: {c: 1}}}", "é🎉ü", "\t", "\"a\\nb\"", "&anchor x", "*missing", "!!binary AA==",
        "/dev/zero", ".", "..", "../../../../etc/passwd", "? [a, b]", "- - -", "|", ">", "%", "@", "`", "'unterminated",
        new string('x', 5000), string.Concat(Enumerable.Repeat("[", 100)) + string.Concat(Enumerable.Repeat("]", 100)),
    ];

    private const string SetsFolder = "sets-catalog";

    private readonly TempFolder _mirror = new("apollo-fuzz-");

    private enum Loader
    {
        Accelerator,
        Space,
        Technology,
        Workload,
        Sets,
        Search,
        Sweep,
    }

    public void Dispose() => _mirror.Dispose();

    [Fact]
    public async Task Mutated_shipped_configs_load_or_fail_with_a_one_line_config_error()
    {
        var files = ShippedFiles();
        Assert.Contains(files, f => f.Loader == Loader.Sweep);
        Assert.Equal(Enum.GetValues<Loader>().Length, files.Select(f => f.Loader).Distinct().Count());
        CopyToMirror(files);

        PrepareSetsCatalog();

        // Every loader accepts its unmutated file.
        foreach (var file in files)
        {
            Run(file, file.Text);
        }

        var current = "";
        var failures = new List<string>();
        var outcomes = new Dictionary<string, int>(StringComparer.Ordinal);
        var seconds = new Dictionary<Loader, double>();
        var watch = Stopwatch.StartNew();
        var work = Task.Run(() =>
        {
            var rng = new Random(RunSeed);
            // Cases are spread evenly over the loaders, then over each loader's files, so that the twelve
            // workload files do not take most of the cases (and of the time).
            var byLoader = files.GroupBy(f => f.Loader).OrderBy(g => g.Key).Select(g => g.ToList()).ToList();
            for (var i = 0; i < Cases && failures.Count < 5; i++)
            {
                var group = byLoader[i % byLoader.Count];
                var file = group[rng.Next(group.Count)];
                var text = Mutate(file.Text, rng);
                Volatile.Write(ref current, $"case {i}, {file.Relative}:\n{text}");
                var started = Stopwatch.GetTimestamp();
                var outcome = Outcome(file, text);
                var elapsed = Stopwatch.GetElapsedTime(started);
                if (outcome.Failure is { } failure || elapsed > CaseLimit)
                {
                    failures.Add($"seed {RunSeed}, case {i} ({file.Relative}, {elapsed.TotalSeconds:F1} s): {outcome.Failure ?? "too slow"}\n--- mutated text ---\n{Shorten(text)}\n---");
                }

                outcomes[outcome.Kind] = outcomes.GetValueOrDefault(outcome.Kind) + 1;
                seconds[file.Loader] = seconds.GetValueOrDefault(file.Loader) + elapsed.TotalSeconds;
            }
        });
        try
        {
            // A hang never returns: the watchdog reports the case that was running.
            await work.WaitAsync(TimeSpan.FromSeconds(600));
        }
        catch (TimeoutException)
        {
            Assert.Fail($"a case did not finish: {Shorten(Volatile.Read(ref current))}");
        }

        output.WriteLine($"seed {RunSeed}: {Cases} cases over {files.Count} files in {watch.Elapsed.TotalSeconds:F1} s: " +
            string.Join(", ", outcomes.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key} {kv.Value}")) +
            "; seconds per loader: " + string.Join(", ", seconds.Select(kv => $"{kv.Key} {kv.Value:F1}")));
        Assert.True(failures.Count == 0, string.Join("\n\n", failures));
        Assert.True(outcomes.GetValueOrDefault("loaded") > 0, "no mutation loaded: the mutations are too destructive to test the loaders' checks");
    }

    [Fact]
    public void Every_loader_refuses_50000_levels_of_nesting_and_non_scalar_keys()
    {
        var files = ShippedFiles();
        CopyToMirror(files);

        PrepareSetsCatalog();
        var deep = "\ndeep: " + new string('[', 50_000) + new string(']', 50_000) + "\n";
        foreach (var file in files.GroupBy(f => f.Loader).Select(g => g.First()))
        {
            var e = Assert.Throws<ConfigException>(() => Run(file, file.Text + deep));
            Assert.Contains($"deeper than {YamlNode.MaxDepth} levels", e.Message);
            var key = Assert.Throws<ConfigException>(() => Run(file, file.Text + "\n? [a, b]\n: 1\n"));
            Assert.Contains("a key must be plain text", key.Message);
        }
    }

    private void CopyToMirror(IEnumerable<(string Relative, Loader Loader, string Text)> files)
    {
        foreach (var (relative, _, _) in files)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Mirror(relative))!);
            File.Copy(Path.Combine(RepositoryPaths.Root, relative), Mirror(relative));
        }
    }

    private void PrepareSetsCatalog()
    {
        // sets.yaml is loaded with its catalog; a folder of one-layer stand-ins with the shipped names keeps
        // each of those cases from parsing every shipped network again.
        Directory.CreateDirectory(Mirror(SetsFolder));
        foreach (var name in WorkloadCatalog.Load(RepositoryPaths.Config("workloads")).Names)
        {
            File.WriteAllText(Mirror($"{SetsFolder}/{name}.yaml"), $"name: {name}\ndomain: speech\ndescription: d\nsource: s\npublished: {{macs: 1, parameters: 1, convention: c, source: s}}\nlayers: [{{name: l, op: matmul, k: 2, n: 2}}]\n");
        }
    }

    private (string Kind, string? Failure) Outcome((string Relative, Loader Loader, string Text) file, string text)
    {
        try
        {
            Run(file, text);
            return ("loaded", null);
        }
        catch (ConfigException e)
        {
            return e.Message.Contains('\n', StringComparison.Ordinal) || e.Message.Contains('\r', StringComparison.Ordinal) || e.Message.Length == 0
                ? ("config error", $"a ConfigException message is not one line: {e.Message}")
                : ("config error", null);
        }
        catch (Exception e)
        {
            return ("other exception", e.ToString());
        }
    }

    // Lone surrogates (a mutation may split an emoji) become U+FFFD instead of failing the write.
    private static void Write(string path, string text) => File.WriteAllText(path, text, new UTF8Encoding(false));

    // Writes the text next to the shipped file's copy in the mirror, so that relative paths resolve as they do in
    // the repository while the copies that other files name (a sweep's base, a space's technology) stay intact.
    private void Run((string Relative, Loader Loader, string Text) file, string text)
    {
        var path = Path.ChangeExtension(Mirror(file.Relative), ".fuzz.yaml");
        Write(path, text);
        var registry = OptimizerRegistry.Default;
        var configs = Mirror("configs");
        _ = file.Loader switch
        {
            Loader.Accelerator => AcceleratorFiles.LoadAccelerator(path),
            Loader.Space => AcceleratorFiles.LoadSpace(path),
            Loader.Technology => Technology.Load(path),
            Loader.Workload => WorkloadCatalog.LoadFile(path),
            Loader.Sets => LoadSets(text),
            Loader.Search => SearchConfig.Load(path, _mirror.Path, configs, registry),
            _ => (object)SweepConfig.Load(path, _mirror.Path, configs, registry),
        };
    }

    private WorkloadCatalog LoadSets(string text)
    {
        Write(Mirror($"{SetsFolder}/sets.yaml"), text);
        return WorkloadCatalog.Load(Mirror(SetsFolder));
    }

    private string Mirror(string relative) => Path.Combine(_mirror.Path, relative);

    private static List<(string Relative, Loader Loader, string Text)> ShippedFiles() =>
        new[] { "configs", "experiments" }
            .SelectMany(top => Directory.EnumerateFiles(Path.Combine(RepositoryPaths.Root, top), "*.yaml", SearchOption.AllDirectories))
            .Select(f => Path.GetRelativePath(RepositoryPaths.Root, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .Select(r => (r, Classify(r, File.ReadAllText(Path.Combine(RepositoryPaths.Root, r))), File.ReadAllText(Path.Combine(RepositoryPaths.Root, r))))
            .ToList();

    private static Loader Classify(string relative, string text) => relative switch
    {
        _ when relative.StartsWith("configs/technology/", StringComparison.Ordinal) => Loader.Technology,
        _ when relative.StartsWith("configs/accelerators/", StringComparison.Ordinal) =>
            Path.GetFileName(relative).StartsWith("space", StringComparison.Ordinal) ? Loader.Space : Loader.Accelerator,
        "configs/workloads/sets.yaml" => Loader.Sets,
        _ when relative.StartsWith("configs/workloads/", StringComparison.Ordinal) => Loader.Workload,
        _ when relative.StartsWith("experiments/calibration/full-load/", StringComparison.Ordinal) => Loader.Workload,
        _ when text.Split('\n').Any(l => l.StartsWith("matrix:", StringComparison.Ordinal)) => Loader.Sweep,
        _ when text.Split('\n').Any(l => l.StartsWith("study:", StringComparison.Ordinal)) => Loader.Search,
        _ => throw new InvalidOperationException($"{relative}: shipped YAML file of unknown kind; add it to {nameof(Classify)}"),
    };

    // One to three edits: line deletions, duplications and swaps, scalars replaced by hostile values,
    // deep nesting, tabs, stray YAML punctuation, non-scalar keys, truncation.
    private static string Mutate(string text, Random rng)
    {
        var lines = text.Split('\n').ToList();
        var edits = rng.Next(1, 4);
        for (var e = 0; e < edits; e++)
        {
            var at = rng.Next(lines.Count);
            switch (rng.Next(10))
            {
                case 0:
                    lines.RemoveAt(at);
                    break;
                case 1:
                    lines.Insert(at, lines[rng.Next(lines.Count)]);
                    break;
                case 2:
                    var other = rng.Next(lines.Count);
                    (lines[at], lines[other]) = (lines[other], lines[at]);
                    break;
                case 3 or 4 or 5:
                    lines[at] = ReplaceScalar(lines[at], rng);
                    break;
                case 6:
                    var depth = rng.Next(2) == 0 ? rng.Next(60, 70) : 50_000;
                    lines.Insert(at, "deep: " + new string('[', depth) + new string(']', depth));
                    break;
                case 7:
                    lines[at] = lines[at].Replace("  ", rng.Next(2) == 0 ? "\t" : "\u00a0 ", StringComparison.Ordinal);
                    break;
                case 8:
                    var line = lines[at];
                    var pos = rng.Next(line.Length + 1);
                    lines[at] = line[..pos] + "?:-[]{}#&*!|>'\"%@`,\u2028\0"[rng.Next(21)] + line[pos..];
                    break;
                default:
                    lines.Insert(at, rng.Next(2) == 0 ? "? [a, b]\n: 1" : "? {k: v}\n: 1");
                    break;
            }

            if (lines.Count == 0)
            {
                lines.Add("");
            }
        }

        var result = string.Join('\n', lines);
        return rng.Next(20) == 0 ? result[..rng.Next(result.Length + 1)] : result;
    }

    // Replaces one value-like token (after ': ', '- ', '[' or ',') with a hostile scalar, or the key if there is none.
    private static string ReplaceScalar(string line, Random rng)
    {
        var value = HostileScalars[rng.Next(HostileScalars.Length)];
        var starts = new List<int>();
        for (var i = 0; i < line.Length - 1; i++)
        {
            if ((line[i] is ':' or ',' or '-' && line[i + 1] == ' ') || line[i] == '[')
            {
                starts.Add(i + (line[i] == '[' ? 1 : 2));
            }
        }

        if (starts.Count == 0)
        {
            return value + ": " + line.TrimStart();
        }

        var start = starts[rng.Next(starts.Count)];
        var end = start;
        while (end < line.Length && line[end] is not (',' or ']' or '}' or '#'))
        {
            end++;
        }

        return line[..start] + value + line[end..];
    }

    private static string Shorten(string text) =>
        text.Length <= 4000 ? text : text[..2000] + $"\n... ({(text.Length - 4000).ToString(CultureInfo.InvariantCulture)} characters) ...\n" + text[^2000..];
}
