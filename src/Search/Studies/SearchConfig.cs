using System.Globalization;
using Apollo.Compiler.Workloads;
using Apollo.Configuration;
using Apollo.Search.Objective;
using Apollo.Search.Optimizers;

namespace Apollo.Search.Studies;

/// <summary>
/// One prior study a search transfers from (<c>transfer:</c> in YAML, <c>--transfer-from DB[:STUDY]</c>):
/// <paramref name="Database"/> resolved against the working directory like <c>database</c>; <paramref name="Study"/>
/// null when the database holds exactly one study; <paramref name="Digest"/> the content digest of its trials, set
/// when the study is prepared and kept in the snapshot so that a changed prior is refused on resume.
/// </summary>
public sealed record TransferSource(string Database, string? Study, string? Digest = null);

/// <summary>Stop rules of a study besides its trial budget (DESIGN §7, Timeline's victory conditions).</summary>
public sealed record StopSettings(int? NoImprovementTrials, TimeSpan? WallClock);

/// <summary>
/// A search config as read from YAML (documented field by field in docs/search-config.md). Paths inside
/// the file are resolved against the file's folder, except <see cref="Database"/>, which is resolved
/// against the working directory so that results land where the user runs Apollo.
/// </summary>
public sealed record SearchConfig(
    string File,
    string Study,
    string SpaceFile,
    string BaselineFile,
    string WorkloadDirectory,
    IReadOnlyList<string>? Workloads,
    string? WorkloadSet,
    IReadOnlyDictionary<string, double> WorkloadWeights,
    double AreaBudgetMm2,
    string Optimizer,
    YamlNode? OptimizerOptions,
    int Trials,
    int BatchSize,
    int Seed,
    string Database,
    StopSettings Stop,
    int Threads,
    string Text)
{
    /// <summary>
    /// Optimizers propose only points that pass the constraints known before evaluation (the area budget), so
    /// no trial is spent on them (the study's remark: such constraints "are known a priori and can be bypassed
    /// by formulating them as optimization constraints"). Off by default: the study's protocol spends trials
    /// on over-budget points and lets the optimizers learn the boundary.
    /// </summary>
    public bool APrioriConstraints { get; init; }

    /// <summary>The external evaluator that scores the trials instead of the built-in model (docs/evaluators.md); null for the built-in model.</summary>
    public EvaluatorSettings? Evaluator { get; init; }

    /// <summary>
    /// Workload folders the config names after <see cref="WorkloadDirectory"/> (<c>workload_dir</c> as a list), searched
    /// in order; empty when it names one folder or none.
    /// </summary>
    public IReadOnlyList<string> MoreWorkloadDirectories { get; init; } = [];

    /// <summary>Prior studies this study is warm-started from (docs/search-config.md, <c>transfer</c>), in order; empty: a cold start.</summary>
    public IReadOnlyList<TransferSource> Transfer { get; init; } = [];

    /// <summary>The shipped configs/workloads, searched after the config's own folders so its networks and sets stay available; null: none.</summary>
    public string? ShippedWorkloadDirectory { get; init; }

    /// <summary>Every workload folder the study reads, in search order (a name's first definition wins): the config's, then the shipped one.</summary>
    public IReadOnlyList<string> WorkloadSearchPath =>
        new[] { WorkloadDirectory }.Concat(MoreWorkloadDirectories).Concat(ShippedWorkloadDirectory is { } s ? [s] : []).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>
    /// What the study optimizes: <c>objective</c>, <c>constraints</c> and <c>objectives</c> (docs/search-config.md);
    /// the default is the Apollo study's throughput per area with the area budget only.
    /// </summary>
    public ObjectiveSettings Objective { get; init; } = ObjectiveSettings.Default;

    /// <summary>Applies <c>--power-budget</c> (W; null: unchanged).</summary>
    public SearchConfig WithPowerBudget(double? watts) => this with { Objective = Objective.WithPowerBudget(ObjectiveSettings.CheckPowerBudget(watts)) };

    /// <summary>Largest trial budget (and <c>stop.no_improvement_trials</c>): 10,000,000.</summary>
    public const int MaxTrials = 10_000_000;

    /// <summary>
    /// Longest study name: 120 characters. The default database is <c>results/&lt;study&gt;.db</c> and its writer
    /// lock <c>&lt;database&gt;.&lt;study&gt;.lock.owner</c>; with 120 characters both stay below the 255-byte file-name limit.
    /// </summary>
    public const int MaxStudyNameLength = 120;

    /// <summary>Largest batch: 4,096 trials per ask/tell round.</summary>
    public const int MaxBatchSize = 4096;

    /// <summary>Most evaluation threads: 1,024.</summary>
    public const int MaxThreads = 1024;

    /// <summary>Longest wall-clock limit: one year (525,960 minutes); a <see cref="TimeSpan"/> holds far more, a double of minutes does not convert beyond it.</summary>
    public const double MaxWallClockMinutes = 525_960;

    /// <summary>Largest area budget: 100,000 mm² (more than a whole 300 mm wafer).</summary>
    public const double MaxAreaBudgetMm2 = 100_000;

    /// <summary>Smallest and largest workload weight: 10⁻⁶ and 10⁶.</summary>
    public const double MinWeight = 1e-6, MaxWeight = 1e6;

    public static readonly string[] Fields =
        ["study", "space", "baseline", "workload_dir", "workloads", "workload_set", "workload_weights", "area_budget_mm2", "optimizer", "trials", "batch_size", "seed", "database", "stop", "threads", "a_priori_constraints", "evaluator", "transfer", .. ObjectiveSettings.Fields];

    /// <summary>Loads and validates a search config; nothing is written before this succeeds.</summary>
    public static SearchConfig Load(string path, string workingDirectory, string defaultConfigs, OptimizerRegistry registry)
    {
        var text = ConfigFile.ReadText(path);
        var root = YamlNode.Parse(text, path);
        root.RejectUnknownKeys(Fields);
        var folder = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";

        string FileField(string key, string fallback)
        {
            var node = root.TryGet(key);
            var resolved = node is null ? fallback : Path.GetFullPath(Path.Combine(folder, node.AsString()));
            var problem = ConfigFile.Problem(resolved);
            return problem is null ? resolved : throw (node?.Error($"{resolved}: {problem}") ?? root.Error(key, $"{resolved}: {problem}"));
        }

        var workloadDirectories = WorkloadDirectories(root, folder, Path.Combine(defaultConfigs, "workloads"));
        var study = root.GetString("study");
        if (study.Length == 0 || study.Any(c => char.IsControl(c)))
        {
            throw root.Get("study").Error("the study name must be non-empty text without control characters");
        }

        if (study.Length > MaxStudyNameLength)
        {
            throw root.Get("study").Error($"the study name has {study.Length} characters; at most {MaxStudyNameLength} are allowed (it becomes part of file names)");
        }

        IReadOnlyList<string>? workloads = null;
        if (root.TryGet("workloads") is { } w)
        {
            var items = w.Items();
            workloads = items.Select(i => i.AsString()).ToList();
            WorkloadCatalog.CheckSelection(workloads, (i, problem) => i < 0 ? w.Error(problem) : items[i].Error(problem));
        }

        var workloadSet = root.TryGet("workload_set")?.AsString();
        if (workloads is not null && workloadSet is not null)
        {
            throw root.Get("workload_set").Error("give either 'workloads' or 'workload_set', not both");
        }

        var weights = new Dictionary<string, double>(StringComparer.Ordinal);
        if (root.TryGet("workload_weights") is { } weightNode)
        {
            foreach (var (name, node) in weightNode.Entries())
            {
                var v = node.AsDouble();
                weights[name] = v > 0 ? node.AsDouble(MinWeight, MaxWeight) : throw node.Error("a workload weight must be positive");
            }
        }

        var optimizerNode = root.Get("optimizer");
        string optimizer;
        YamlNode? options = null;
        if (optimizerNode.IsMapping)
        {
            optimizerNode.RejectUnknownKeys("name", "options");
            optimizer = optimizerNode.GetString("name");
            options = optimizerNode.TryGet("options");
        }
        else
        {
            optimizer = optimizerNode.AsString();
        }

        if (!registry.Names.Contains(optimizer))
        {
            throw (optimizerNode.IsMapping ? optimizerNode.Get("name") : optimizerNode).Error($"unknown optimizer '{optimizer}'; valid optimizers: {string.Join(", ", registry.Names)}");
        }

        var budgetNode = root.Get("area_budget_mm2");
        var budget = budgetNode.AsDouble();
        if (budget is <= 0 or > MaxAreaBudgetMm2)
        {
            throw budgetNode.Error($"the area budget must be a positive number of mm² up to {YamlNode.Invariant(MaxAreaBudgetMm2)} (the Apollo study used 6.8, 5.8 and 4.8), got {budgetNode.AsString()}");
        }

        var stop = new StopSettings(null, null);
        if (root.TryGet("stop") is { } stopNode)
        {
            stopNode.RejectUnknownKeys("no_improvement_trials", "wall_clock_minutes");
            var minutes = stopNode.TryGet("wall_clock_minutes")?.AsDouble();
            if (minutes is <= 0 or > MaxWallClockMinutes)
            {
                throw stopNode.Get("wall_clock_minutes").Error($"must be a positive number of minutes up to {YamlNode.Invariant(MaxWallClockMinutes)} (one year), got {stopNode.GetString("wall_clock_minutes")}");
            }

            stop = new StopSettings(stopNode.TryGet("no_improvement_trials")?.AsInt(1, MaxTrials), minutes is { } m ? TimeSpan.FromMinutes(m) : null);
        }

        var database = root.GetString("database", Path.Combine("results", study + ".db"));
        if (Directory.Exists(Path.Combine(workingDirectory, database)))
        {
            var message = $"{Path.GetFullPath(Path.Combine(workingDirectory, database))} is a folder; 'database' names the SQLite file (created if missing)";
            throw root.TryGet("database")?.Error(message) ?? root.Error("database", message);
        }

        return new SearchConfig(
            Path.GetFullPath(path),
            study,
            FileField("space", Path.Combine(defaultConfigs, "accelerators", "space.yaml")),
            FileField("baseline", Path.Combine(defaultConfigs, "accelerators", "baseline.yaml")),
            workloadDirectories[0],
            workloads,
            workloadSet,
            weights,
            budget,
            optimizer,
            options,
            root.Get("trials").AsInt(1, MaxTrials),
            root.TryGet("batch_size")?.AsInt(1, MaxBatchSize) ?? 16,
            root.TryGet("seed")?.AsInt() ?? 0,
            Path.GetFullPath(Path.Combine(workingDirectory, database)),
            stop,
            root.TryGet("threads")?.AsInt(0, MaxThreads) ?? 0,
            text)
        {
            APrioriConstraints = root.GetBool("a_priori_constraints", false),
            MoreWorkloadDirectories = workloadDirectories.Skip(1).ToList(),
            ShippedWorkloadDirectory = Path.GetFullPath(Path.Combine(defaultConfigs, "workloads")),
            Evaluator = root.TryGet("evaluator") is { } evaluator ? EvaluatorSettings.Parse(evaluator, workingDirectory) : null,
            Objective = ParseObjective(root),
            Transfer = TransferSources(root, workingDirectory),
        };
    }

    /// <summary>The objective block; an external evaluator scores throughput per area only (docs/evaluators.md).</summary>
    private static ObjectiveSettings ParseObjective(YamlNode root)
    {
        var objective = ObjectiveSettings.Parse(root);
        if (root.Has("evaluator") && !objective.IsDefault)
        {
            var key = ObjectiveSettings.Fields.First(root.Has);
            throw root.Get(key).Error("a study scored by an external evaluator has the default objective (throughput_per_area) and only the area budget; drop this field or the evaluator");
        }

        return objective;
    }

    /// <summary><c>transfer</c>: a list of <c>{database, study}</c>; the database must exist (study may be left out when it holds one).</summary>
    private static List<TransferSource> TransferSources(YamlNode root, string workingDirectory)
    {
        if (root.TryGet("transfer") is not { } node)
        {
            return [];
        }

        if (!node.IsSequence)
        {
            throw node.Error("a list of prior studies, each {database: FILE, study: NAME} (study may be left out when the database holds one)");
        }

        return node.Items().Select(item =>
        {
            if (!item.IsMapping)
            {
                throw item.Error("each prior study is {database: FILE, study: NAME}");
            }

            item.RejectUnknownKeys("database", "study");
            var database = Path.GetFullPath(Path.Combine(workingDirectory, item.GetString("database")));
            return System.IO.File.Exists(database)
                ? new TransferSource(database, item.TryGet("study")?.AsString())
                : throw item.Get("database").Error($"{database}: database not found (resolved against the working directory, like 'database')");
        }).ToList();
    }

    /// <summary>Adds the sources of <c>--transfer-from DB[:STUDY]</c> after those of the file.</summary>
    public SearchConfig WithTransferFrom(IEnumerable<string> sources, string workingDirectory)
    {
        var added = sources.Select(spec =>
        {
            // DB[:STUDY]: the whole text when it names a file, else split at the last colon.
            var whole = Path.GetFullPath(Path.Combine(workingDirectory, spec));
            var colon = spec.LastIndexOf(':');
            var (db, study) = System.IO.File.Exists(whole) || colon <= 0 ? (whole, (string?)null) : (Path.GetFullPath(Path.Combine(workingDirectory, spec[..colon])), spec[(colon + 1)..]);
            return System.IO.File.Exists(db) && study is not "" ? new TransferSource(db, study)
                : throw new ConfigException("<command line>", null, "--transfer-from", $"'{spec}': {(study is "" ? "the study name after ':' is empty" : $"{db}: database not found")}; give DB or DB:STUDY");
        }).ToList();
        return added.Count == 0 ? this : this with { Transfer = [.. Transfer, .. added] };
    }

    /// <summary><c>workload_dir</c>: one folder or a list of folders, each resolved against the config's folder and checked.</summary>
    private static List<string> WorkloadDirectories(YamlNode root, string folder, string fallback)
    {
        if (root.TryGet("workload_dir") is not { } node)
        {
            return [Path.GetFullPath(fallback)];
        }

        var items = node.IsSequence ? node.Items() : [node];
        if (items.Count == 0)
        {
            throw node.Error("name at least one workload folder (or leave workload_dir out for the shipped configs/workloads)");
        }

        return items.Select(item =>
        {
            var resolved = Path.GetFullPath(Path.Combine(folder, item.AsString()));
            return Directory.Exists(resolved) ? resolved : throw item.Error($"{resolved}: folder not found");
        }).ToList();
    }

    /// <summary>The workloads of <see cref="WorkloadSearchPath"/>.</summary>
    public WorkloadCatalog LoadWorkloadCatalog() => WorkloadCatalog.Load(WorkloadSearchPath);

    /// <summary>The workloads this config selects (default: the <c>all</c> set).</summary>
    public IReadOnlyList<Workload> ResolveWorkloads(WorkloadCatalog catalog) =>
        Workloads is not null ? catalog.Resolve(Workloads) : catalog.ResolveSet(WorkloadSet ?? "all");

    /// <summary>Applies command-line overrides; each must be valid on its own.</summary>
    public SearchConfig With(string? optimizer, int? trials, int? seed, double? budget, string? database, string workingDirectory, OptimizerRegistry registry)
    {
        if (optimizer is not null && !registry.Names.Contains(optimizer))
        {
            throw new ConfigException("<command line>", null, "--optimizer", $"unknown optimizer '{optimizer}'; valid optimizers: {string.Join(", ", registry.Names)}");
        }

        if (trials is <= 0 or > MaxTrials)
        {
            throw new ConfigException("<command line>", null, "--trials", $"must be from 1 to {MaxTrials}, got {trials}");
        }

        if (budget is { } b && !(b > 0 && b <= MaxAreaBudgetMm2))
        {
            throw new ConfigException("<command line>", null, "--budget", $"must be a positive number of mm² up to {YamlNode.Invariant(MaxAreaBudgetMm2)}, got {YamlNode.Invariant(b)}");
        }

        return this with
        {
            // Options belong to the optimizer named in the file; another optimizer starts from its defaults.
            OptimizerOptions = optimizer is null || optimizer == Optimizer ? OptimizerOptions : null,
            Optimizer = optimizer ?? Optimizer,
            Trials = trials ?? Trials,
            Seed = seed ?? Seed,
            AreaBudgetMm2 = budget ?? AreaBudgetMm2,
            Database = database is null ? Database : Path.GetFullPath(Path.Combine(workingDirectory, database)),
        };
    }

    /// <summary>The snapshot line of the optimizer's options (absent when none were given, and in older snapshots).</summary>
    public const string OptimizerOptionsSetting = "optimizer_options";

    /// <summary>
    /// The settings a resumed study must keep, from a snapshot: every resolved field except the trial
    /// budget (which a resume may extend) and comments.
    /// </summary>
    public static IReadOnlyDictionary<string, string> ResumeSettings(string snapshot) =>
        snapshot.Split('\n')
            .Where(l => l.Length > 0 && !l.StartsWith('#') && l.Contains(':', StringComparison.Ordinal))
            .Select(l => (Key: l[..l.IndexOf(':', StringComparison.Ordinal)], Value: l[(l.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim()))
            .Where(kv => kv.Key != "trials")
            .GroupBy(kv => kv.Key)
            .ToDictionary(g => g.Key, g => g.First().Value, StringComparer.Ordinal);

    /// <summary>The transfer sources a snapshot records, as <c>study@database</c> in config order; empty for a cold start or an older snapshot.</summary>
    public static IReadOnlyList<string> TransferSourcesOf(string snapshot)
    {
        var line = snapshot.Split('\n').FirstOrDefault(l => l.StartsWith("transfer:", StringComparison.Ordinal));
        return line is null ? [] : YamlNode.Parse(line, "<snapshot>").Get("transfer").Items()
            .Select(i => $"{i.GetString("study")}@{i.GetString("database")}").ToList();
    }

    /// <summary>The resolved settings as YAML text, stored with the study so it can be inspected and rerun.</summary>
    public string Snapshot()
    {
        static string Q(string s) => "'" + s.Replace("'", "''", StringComparison.Ordinal) + "'";
        var inv = CultureInfo.InvariantCulture;
        var lines = new List<string>
        {
            $"# resolved from {File}",
            $"study: {Q(Study)}",
            $"space: {Q(SpaceFile)}",
            $"baseline: {Q(BaselineFile)}",
            // One folder as before layering, so earlier snapshots still match; several as a list.
            MoreWorkloadDirectories.Count == 0 ? $"workload_dir: {Q(WorkloadDirectory)}" : $"workload_dir: [{string.Join(", ", new[] { WorkloadDirectory }.Concat(MoreWorkloadDirectories).Select(Q))}]",
            Workloads is not null ? $"workloads: [{string.Join(", ", Workloads.Select(Q))}]" : $"workload_set: {Q(WorkloadSet ?? "all")}",
            $"area_budget_mm2: {AreaBudgetMm2.ToString("R", inv)}",
            $"optimizer: {Q(Optimizer)}",
            $"trials: {Trials.ToString(inv)}",
            $"batch_size: {BatchSize.ToString(inv)}",
            $"seed: {Seed.ToString(inv)}",
        };
        if (OptimizerOptions is not null)
        {
            // Written only when given, so earlier snapshots still match; recorded so that summaries can tell two
            // configurations of one optimizer apart (resume checks the options by replaying the trials).
            lines.Insert(lines.FindIndex(l => l.StartsWith("optimizer:", StringComparison.Ordinal)) + 1, $"{OptimizerOptionsSetting}: {OptimizerOptions.ToFlow()}");
        }

        if (APrioriConstraints)
        {
            lines.Add("a_priori_constraints: true"); // written only when on, so earlier snapshots still match
        }

        if (WorkloadWeights.Count > 0)
        {
            lines.Add($"workload_weights: {{{string.Join(", ", WorkloadWeights.Select(kv => $"{Q(kv.Key)}: {kv.Value.ToString("R", inv)}"))}}}");
        }

        lines.AddRange(Objective.SnapshotLines()); // compared on resume: part of the study's identity
        if (Transfer.Count > 0)
        {
            // Compared on resume: with the digest, a prior that gained or changed trials is refused.
            lines.Add($"transfer: [{string.Join(", ", Transfer.Select(t => $"{{database: {Q(t.Database)}, study: {Q(t.Study ?? "")}, digest: {Q(t.Digest ?? "")}}}"))}]");
        }

        if (Evaluator is not null)
        {
            // Compared on resume: another command would score the remaining trials differently.
            lines.Add($"evaluator: {Q(Evaluator.Command)}");
        }

        lines.Add("# original file:");
        lines.AddRange(Text.Split('\n').Select(l => "#   " + l.TrimEnd('\r')));
        return string.Join('\n', lines) + "\n";
    }
}
