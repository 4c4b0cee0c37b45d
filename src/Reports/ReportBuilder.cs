using System.Globalization;
using System.Text;
using Apollo.Compiler.Mapping;
using Apollo.Reports.Tsne;
using Apollo.Search;
using Apollo.Search.Storage;
using ScottPlot;

namespace Apollo.Reports;

/// <summary>What to put in a report.</summary>
/// <param name="OutputDirectory">Folder for report.html, the figures and embedding.csv (created).</param>
/// <param name="Joint">Embed all selected studies together, so their maps share one set of coordinates.</param>
/// <param name="Seed">t-SNE seed.</param>
/// <param name="BestCount">How many best designs each map marks, and the top-designs table lists.</param>
/// <param name="Maps">Draw the t-SNE maps (skip them for a quick summary of many studies).</param>
public sealed record ReportOptions(string OutputDirectory, bool Joint = false, int Seed = 0, int BestCount = 10, bool Maps = true)
{
    /// <summary>Fractions of the optimization horizon drawn as frames in one embedding.</summary>
    public IReadOnlyList<double> Frames { get; init; } = [0.1, 0.25, 0.5, 1.0];
}

/// <summary>One t-SNE embedding as it went into the report.</summary>
public sealed record EmbeddingSummary(string Name, int Points, double Trustworthiness, int TrustworthinessSample, bool BarnesHut, TimeSpan Elapsed)
{
    /// <summary>Trustworthiness below <see cref="ReportBuilder.MinTrustworthiness"/> (never for NaN: too few points to measure).</summary>
    public bool Untrustworthy => Trustworthiness < ReportBuilder.MinTrustworthiness;

    /// <summary>The warning the CLI prints and report.html shows for an untrustworthy map; null for a trustworthy one.</summary>
    public string? Warning => Untrustworthy
        ? string.Create(CultureInfo.InvariantCulture,
            $"t-SNE map '{Name}' has trustworthiness {Trustworthiness:F3} < {ReportBuilder.MinTrustworthiness:F1}: many of its neighbours are not neighbours in the design space, so do not read regions or distances from it")
        : null;
}

/// <summary>Progress of a report: which embedding, and its t-SNE iteration.</summary>
public sealed record ReportProgress(string Stage, int Iteration, int TotalIterations);

public sealed record ReportResult(string HtmlPath, string CsvPath, IReadOnlyList<Figure> Figures, IReadOnlyList<EmbeddingSummary> Embeddings);

/// <summary>
/// Builds the report of DESIGN §9: t-SNE maps of the explored designs with frames over the horizon,
/// violins of each run's best reward, best-so-far and feasible-fraction curves, infeasibility reasons,
/// the top designs, and one self-contained HTML page.
/// </summary>
/// <param name="writeFile">Creates one output file (see <see cref="ReportFiles"/>); tests pass one that fails.</param>
/// <param name="explain">Re-evaluates each fingerprint's best design and its baseline for the page's bottleneck views; null leaves them out.</param>
public sealed class ReportBuilder(Action<string, byte[]>? writeFile = null, Interactive.ExplainBest? explain = null)
{
    /// <summary>Trustworthiness is O(n²); above this many points it is computed on an even subsample.</summary>
    public const int TrustworthinessSample = 2_000;

    /// <summary>
    /// Below this trustworthiness (k = 5) a map is flagged: a random layout scores about 0.5, t-SNE on the explored
    /// designs 0.95-0.99 (docs/tsne.md), and the collapsed joint map of the README's two databases scored 0.63.
    /// </summary>
    public const double MinTrustworthiness = 0.9;

    public ReportResult Build(IReadOnlyList<StudyTrials> studies, ReportOptions options, IProgress<ReportProgress>? progress = null, CancellationToken cancellation = default)
    {
        Directory.CreateDirectory(options.OutputDirectory);
        var files = new ReportFiles(options.OutputDirectory, writeFile);
        var figures = new Figures(files);
        var embeddings = new List<EmbeddingSummary>();
        var maps = new List<Figure>();
        var rows = new List<IReadOnlyList<object?>>();
        var mapped = new Dictionary<StudyTrials, Interactive.ReportData.MappedStudy>();

        var fileParts = FileParts(studies);
        var fingerprints = studies.Select(s => s.Fingerprint).DistinctBy(f => f.Id).ToList();
        var withTrials = studies.Where(s => s.Trials.Count > 0 && options.Maps).ToList();
        // --joint embeds together the studies of one fingerprint: designs of different spaces or objectives never share a map.
        var units = options.Joint
            ? withTrials.GroupBy(s => s.Fingerprint.Id, StringComparer.Ordinal)
                .Select(g => g.Count() > 1
                    ? (Name: fingerprints.Count > 1 ? $"joint {g.Key}" : "joint", Studies: g.ToList())
                    : (Name: g.First().QualifiedName, Studies: g.ToList()))
                .ToList()
            : withTrials.Select(s => (Name: s.QualifiedName, Studies: new List<StudyTrials> { s })).ToList();
        foreach (var unit in units)
        {
            var trials = unit.Studies.SelectMany(s => s.Trials).ToList();
            var (xy, summary) = Embed(unit.Name, trials, options.Seed, progress, cancellation);
            embeddings.Add(summary);
            var limits = Limits(xy);
            var offset = 0;
            foreach (var study in unit.Studies)
            {
                var local = Slice(xy, offset, study.Trials.Count);
                offset += study.Trials.Count;
                mapped[study] = new Interactive.ReportData.MappedStudy(study, local, embeddings.Count - 1);
                foreach (var frame in options.Frames)
                {
                    var upTo = (int)Math.Ceiling(frame * study.Trials.Count);
                    var label = frame >= 1 ? "all trials" : string.Create(CultureInfo.InvariantCulture, $"first {frame:P0} ({upTo} trials)");
                    maps.Add(figures.TsneMap(
                        $"tsne-{fileParts[study]}-{(int)Math.Round(frame * 100)}",
                        $"{study.QualifiedName}: {label}",
                        study.Trials, local, upTo, limits, options.BestCount));
                }

                for (var i = 0; i < study.Trials.Count; i++)
                {
                    var t = study.Trials[i];
                    rows.Add([study.Database, study.Name, t.Number, local[i, 0], local[i, 1], t.Status.ToString().ToLowerInvariant(), t.Reward,
                        (t.Outcome as TrialOutcome.Infeasible)?.Reason.Level.Text()]);
                }
            }
        }

        progress?.Report(new ReportProgress("figures", 0, 0));
        var groups = RunGroup.Of(studies);
        var summaryFigures = new List<Figure>();
        foreach (var fingerprint in fingerprints)
        {
            // One set of cross-run figures per fingerprint; with one fingerprint the names stay as they always were.
            var mine = groups.Where(g => g.Fingerprint.Id == fingerprint.Id).ToList();
            var suffix = fingerprints.Count > 1 ? $"-{fingerprint.Id}" : "";
            var prefix = fingerprints.Count > 1 ? $"[{fingerprint.Id}] " : "";
            summaryFigures.Add(figures.Violins($"best-reward-violins{suffix}", $"{prefix}Best reward of each run, per optimizer and area budget", mine));
            summaryFigures.Add(figures.Bands($"best-so-far{suffix}", $"{prefix}Best reward so far", "best reward", mine, s => s.BestSoFar()));
            summaryFigures.Add(figures.Bands($"feasible-fraction{suffix}", $"{prefix}Fraction of trials so far that are feasible", "feasible fraction", mine, CumulativeFeasible));
            summaryFigures.Add(figures.InfeasibilityReasons($"infeasibility-reasons{suffix}", $"{prefix}Why trials were infeasible (stage/level)", mine));
        }

        summaryFigures.AddRange(ParetoFigure.ForStudies(files, studies)); // the fronts of multi-objective studies

        var csvPath = files.WriteText("embedding.csv", CsvTable.Render(["database", "study", "trial", "x", "y", "status", "reward", "level"], rows));
        progress?.Report(new ReportProgress("best designs", 0, 0));
        var explanations = explain is null ? [] : fingerprints
            .Select(f => studies.Where(s => s.Fingerprint.Id == f.Id)
                .SelectMany(s => s.Trials.Where(t => t.Status == TrialStatus.Completed).Select(t => (Study: s, Trial: t)))
                .OrderByDescending(x => x.Trial.Reward).ThenBy(x => x.Study.QualifiedName, StringComparer.Ordinal).ThenBy(x => x.Trial.Number)
                .FirstOrDefault())
            .Where(x => x.Study is not null)
            .Select(x => explain(x.Study, x.Trial))
            .OfType<Interactive.DesignExplanation>()
            .ToList();
        progress?.Report(new ReportProgress("page", 0, 0));
        var data = Interactive.ReportData.Of(
            studies.Select(s => mapped.TryGetValue(s, out var m) ? m : new Interactive.ReportData.MappedStudy(s, null, -1)).ToList(),
            embeddings, options.BestCount, explanations);
        var html = HtmlReport.Render(studies, groups, summaryFigures, maps, embeddings, options, data);
        var htmlPath = files.WriteText("report.html", html);
        return new ReportResult(htmlPath, csvPath, [.. summaryFigures, .. maps], embeddings);
    }

    private static (double[,] Xy, EmbeddingSummary Summary) Embed(string name, IReadOnlyList<TrialRecord> trials, int seed, IProgress<ReportProgress>? progress, CancellationToken cancellation)
    {
        var data = DesignEncoding.Encode(trials);
        var n = data.Length;
        if (n < 5)
        {
            // Too few points for t-SNE's neighbourhoods: lay them out on a line.
            var line = new double[n, 2];
            for (var i = 0; i < n; i++)
            {
                line[i, 0] = i;
            }

            return (line, new EmbeddingSummary(name, n, double.NaN, 0, false, TimeSpan.Zero));
        }

        // Perplexity must stay below the number of neighbours available.
        var perplexity = Math.Min(30, (n - 1) / 3.0);
        var result = new Tsne.Tsne(new TsneOptions(Perplexity: perplexity, Seed: seed)).Fit(
            data,
            progress is null ? null : new SynchronousProgress<TsneProgress>(p => progress.Report(new ReportProgress(name, p.Iteration, p.TotalIterations))),
            cancellation);

        var step = Math.Max(1, n / TrustworthinessSample);
        var sample = Enumerable.Range(0, n).Where(i => i % step == 0).ToArray();
        var low = new double[sample.Length, 2];
        for (var i = 0; i < sample.Length; i++)
        {
            low[i, 0] = result.Embedding[sample[i], 0];
            low[i, 1] = result.Embedding[sample[i], 1];
        }

        var k = Math.Min(5, ((sample.Length - 1) / 2) - 1);
        var trust = k >= 1 ? Trustworthiness.Compute(sample.Select(i => data[i]).ToArray(), low, k) : double.NaN;
        return (result.Embedding, new EmbeddingSummary(name, n, trust, sample.Length, result.UsedBarnesHut, result.Elapsed));
    }

    private static double[] CumulativeFeasible(StudyTrials study)
    {
        var fraction = new double[study.Trials.Count];
        var feasible = 0;
        for (var i = 0; i < fraction.Length; i++)
        {
            feasible += study.Trials[i].Status == TrialStatus.Completed ? 1 : 0;
            fraction[i] = (double)feasible / (i + 1);
        }

        return fraction;
    }

    private static AxisLimits Limits(double[,] xy)
    {
        double minX = double.MaxValue, maxX = double.MinValue, minY = double.MaxValue, maxY = double.MinValue;
        for (var i = 0; i < xy.GetLength(0); i++)
        {
            minX = Math.Min(minX, xy[i, 0]);
            maxX = Math.Max(maxX, xy[i, 0]);
            minY = Math.Min(minY, xy[i, 1]);
            maxY = Math.Max(maxY, xy[i, 1]);
        }

        var padX = Math.Max(1e-6, (maxX - minX) * 0.05);
        var padY = Math.Max(1e-6, (maxY - minY) * 0.05);
        return new AxisLimits(minX - padX, maxX + padX, minY - padY, maxY + padY);
    }

    private static double[,] Slice(double[,] xy, int offset, int count)
    {
        var slice = new double[count, 2];
        for (var i = 0; i < count; i++)
        {
            slice[i, 0] = xy[offset + i, 0];
            slice[i, 1] = xy[offset + i, 1];
        }

        return slice;
    }

    internal static string FileName(string name) => ReportFiles.NamePart(name);

    /// <summary>
    /// The file-name part of each study's maps: its database's file name and the study name,
    /// <c>p3bo-quickstart</c> for study quickstart in p3bo.db. Where two studies would still share a part (databases of
    /// one name in two folders, or names that sanitize alike), both get 8 hex digits of the SHA-256 of their full
    /// database path and name, so that no study's files overwrite another's.
    /// </summary>
    internal static IReadOnlyDictionary<StudyTrials, string> FileParts(IReadOnlyList<StudyTrials> studies)
    {
        var parts = studies.Select(s => $"{ReportFiles.NamePart(Path.GetFileNameWithoutExtension(s.Database))}-{ReportFiles.NamePart(s.Name)}").ToArray();
        var counts = parts.CountBy(p => p, StringComparer.Ordinal).ToDictionary(c => c.Key, c => c.Value, StringComparer.Ordinal);
        var result = new Dictionary<StudyTrials, string>();
        for (var i = 0; i < studies.Count; i++)
        {
            var study = studies[i];
            var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes($"{Path.GetFullPath(study.Database)}\n{study.Name}")))[..8];
            result[study] = counts[parts[i]] > 1 ? $"{parts[i]}-{hash}" : parts[i];
        }

        return result;
    }

}
