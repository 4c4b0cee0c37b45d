using Apollo.Benchmarks;

// `quick CASE [repeats]`: a plain stopwatch loop over one evaluation case on one thread, for fast
// before/after comparisons while working; the figures in docs/benchmarks.md come from BenchmarkDotNet.
// `quick report N [DIR]`: one whole report of N made-up trials, timed by stage, and the size of its page (kept in DIR).
if (args is ["quick", "report", var size, ..])
{
    ReportRun.Run(int.Parse(size, System.Globalization.CultureInfo.InvariantCulture), Console.Out, args.Length > 3 ? Path.GetFullPath(args[3]) : null);
    return;
}

if (args is ["quick", var name, ..])
{
    var repeats = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 3;
    QuickRun.Run(name, repeats, Console.Out);
    return;
}

BenchmarkDotNet.Running.BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
