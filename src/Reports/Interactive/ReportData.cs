using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Apollo.Compiler.Mapping;
using Apollo.Search.Storage;

namespace Apollo.Reports.Interactive;

/// <summary>A report parameter: its name, the distinct values seen (sorted), and whether it is a size in bytes (shown in KiB/MiB).</summary>
public sealed record ParameterData(string Name, IReadOnlyList<double> Values, bool Bytes);

/// <summary>
/// One study's trials in columns, in trial order, so that 100,000 trials stay a few megabytes of JSON. Indexes point
/// into <see cref="ReportData"/>'s lists; -1 means none.
/// </summary>
public sealed record StudyData(
    string Name,
    string Optimizer,
    string Fingerprint,
    double BudgetMm2,
    int Embedding,
    IReadOnlyList<int> Trial,
    IReadOnlyList<double> X,
    IReadOnlyList<double> Y,
    IReadOnlyList<int> Status,
    IReadOnlyList<double> Reward,
    IReadOnlyList<double?> Area,
    IReadOnlyList<int> Proposer,
    IReadOnlyList<int> Reason,
    IReadOnlyList<IReadOnlyList<int>> Parameters,
    IReadOnlyList<IReadOnlyList<double?>> LatencyMs,
    IReadOnlyList<IReadOnlyList<double?>>? EnergyMj);

/// <summary>An embedding as the page draws it: its name, trustworthiness and the studies that share its coordinates.</summary>
public sealed record EmbeddingData(string Name, double? Trustworthiness, bool Untrustworthy);

/// <summary>Share of a fingerprint's trials that failed at one (network, layer), or at the area budget (network and layer null).</summary>
public sealed record InfeasibilityCount(string Fingerprint, string Stage, string? Workload, string? Layer, int Trials, double Fraction);

/// <summary>Main-effect share of one parameter in a fingerprint's feasible rewards (see <see cref="ParameterImportance"/>).</summary>
public sealed record ImportanceData(string Fingerprint, string Parameter, double Share);

/// <summary>
/// Everything the interactive page draws, embedded in report.html as one JSON document (snake_case keys; the
/// serializer escapes &lt;, &gt; and &amp;, so database text can never close the script element that holds it).
/// </summary>
public sealed record ReportData(
    int BestCount,
    IReadOnlyList<ParameterData> Parameters,
    IReadOnlyList<string> Workloads,
    IReadOnlyList<string> Proposers,
    IReadOnlyList<string> Reasons,
    IReadOnlyList<EmbeddingData> Embeddings,
    IReadOnlyList<StudyData> Studies,
    IReadOnlyList<InfeasibilityCount> Infeasibility,
    IReadOnlyList<ImportanceData> Importance,
    IReadOnlyList<DesignExplanation> Explanations)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = JavaScriptEncoder.Default,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>One study placed on a map: its trials and their coordinates in embedding <paramref name="Embedding"/>.</summary>
    public sealed record MappedStudy(StudyTrials Study, double[,]? Xy, int Embedding);

    /// <summary>Builds the page's data from the studies and their map coordinates (none with --no-maps: x and y are empty).</summary>
    public static ReportData Of(IReadOnlyList<MappedStudy> studies, IReadOnlyList<EmbeddingSummary> embeddings, int bestCount, IReadOnlyList<DesignExplanation> explanations)
    {
        var parameterNames = studies.SelectMany(s => s.Study.Trials.SelectMany(t => t.Parameters.Select(p => p.Key))).Distinct().ToList();
        var values = parameterNames.ToDictionary(
            n => n,
            n => studies.SelectMany(s => s.Study.Trials.SelectMany(t => t.Parameters.Where(p => p.Key == n).Select(p => p.Value))).Distinct().Order().ToList(),
            StringComparer.Ordinal);
        var parameters = parameterNames.Select(n => new ParameterData(n, values[n], IsBytes(n))).ToList();
        var workloads = studies.SelectMany(s => s.Study.Trials.SelectMany(t => t.Metrics.Select(m => m.Workload))).Distinct().ToList();
        var proposers = new Index();
        var reasons = new Index();
        var hasEnergy = studies.Any(s => s.Study.Trials.Any(t => t.Metrics.Any(m => m.EnergyJoules is not null)));

        var data = new List<StudyData>();
        foreach (var (study, xy, embedding) in studies)
        {
            var trials = study.Trials;
            var valueIndex = parameterNames.Select(n => values[n].Select((v, i) => (v, i)).ToDictionary(x => x.v, x => x.i)).ToList();
            var columns = parameterNames.Select(_ => new int[trials.Count]).ToList();
            var latency = workloads.Select(_ => new double?[trials.Count]).ToList();
            var energy = hasEnergy ? workloads.Select(_ => new double?[trials.Count]).ToList() : null;
            for (var i = 0; i < trials.Count; i++)
            {
                var byName = trials[i].Parameters.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
                for (var p = 0; p < parameterNames.Count; p++)
                {
                    columns[p][i] = byName.TryGetValue(parameterNames[p], out var v) ? valueIndex[p][v] : -1;
                }

                foreach (var m in trials[i].Metrics)
                {
                    var w = workloads.IndexOf(m.Workload);
                    latency[w][i] = Significant(m.LatencySeconds * 1e3);
                    if (energy is not null && m.EnergyJoules is { } e)
                    {
                        energy[w][i] = Significant(e * 1e3);
                    }
                }
            }

            data.Add(new StudyData(
                study.QualifiedName, study.Optimizer, study.Fingerprint.Id, study.BudgetMm2, xy is null ? -1 : embedding,
                trials.Select(t => t.Number).ToList(),
                xy is null ? [] : Enumerable.Range(0, trials.Count).Select(i => Math.Round(xy[i, 0], 3)).ToList(),
                xy is null ? [] : Enumerable.Range(0, trials.Count).Select(i => Math.Round(xy[i, 1], 3)).ToList(),
                trials.Select(t => (int)t.Status).ToList(),
                trials.Select(t => Significant(t.Reward)).ToList(),
                trials.Select(t => t.AreaMm2 is { } a ? Significant(a) : (double?)null).ToList(),
                trials.Select(t => proposers.Of(t.Proposer)).ToList(),
                trials.Select(t => t.Outcome switch
                {
                    TrialOutcome.Infeasible x => reasons.Of(x.Reason.Message),
                    TrialOutcome.Failed f => reasons.Of("failed: " + f.Error),
                    _ => -1,
                }).ToList(),
                columns,
                latency,
                energy));
        }

        var all = studies.Select(s => s.Study).ToList();
        return new ReportData(
            bestCount, parameters, workloads, proposers.Names, reasons.Names,
            embeddings.Select(e => new EmbeddingData(e.Name, double.IsNaN(e.Trustworthiness) ? null : Math.Round(e.Trustworthiness, 3), e.Untrustworthy)).ToList(),
            data, InfeasibilityByLayer(all), ParameterImportance.Of(all), explanations);
    }

    /// <summary>Memory sizes of the template are in bytes; the page shows them in KiB/MiB.</summary>
    private static bool IsBytes(string parameter) => parameter.EndsWith("memory", StringComparison.Ordinal) || parameter.EndsWith("bytes", StringComparison.Ordinal);

    /// <summary>Six significant digits: what a reader can use, and half the bytes of a round-trip double.</summary>
    internal static double Significant(double value) =>
        value == 0 || !double.IsFinite(value) ? value : Math.Round(value, Math.Clamp(5 - (int)Math.Floor(Math.Log10(Math.Abs(value))), 0, 15));

    /// <summary>Per fingerprint, where infeasible trials failed: the area budget, or the (network, layer) the compiler could not map.</summary>
    internal static IReadOnlyList<InfeasibilityCount> InfeasibilityByLayer(IReadOnlyList<StudyTrials> studies) =>
        studies.GroupBy(s => s.Fingerprint.Id, StringComparer.Ordinal)
            .SelectMany(g =>
            {
                var total = g.Sum(s => s.Trials.Count);
                return g.SelectMany(s => s.Trials).Select(t => t.Outcome).OfType<TrialOutcome.Infeasible>()
                    .GroupBy(x => (Stage: x.Reason.Stage.ToString().ToLowerInvariant() + "/" + x.Reason.Level.Text(), x.Reason.Workload, x.Reason.Layer))
                    .Select(c => new InfeasibilityCount(g.Key, c.Key.Stage, c.Key.Workload, c.Key.Layer, c.Count(), Significant((double)c.Count() / total)))
                    .OrderByDescending(c => c.Trials).ThenBy(c => c.Stage, StringComparer.Ordinal)
                    .ThenBy(c => c.Workload, StringComparer.Ordinal).ThenBy(c => c.Layer, StringComparer.Ordinal);
            })
            .ToList();

    /// <summary>Distinct strings in order of first use.</summary>
    private sealed class Index
    {
        private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
        private readonly List<string> _names = [];

        public IReadOnlyList<string> Names => _names;

        public int Of(string name)
        {
            if (!_index.TryGetValue(name, out var i))
            {
                i = _names.Count;
                _index[name] = i;
                _names.Add(name);
            }

            return i;
        }
    }
}
