using System.CommandLine;
using System.Globalization;
using Apollo.Search.Storage;

namespace Apollo.Cli.Commands;

/// <summary>
/// <c>apollo merge SHARD... --out DB</c>: copies every study of each shard into one database, idempotently
/// (see <see cref="ShardMerger"/>). Exit 0 when everything merged cleanly; 1 when a shard was unreadable or a
/// study conflicted (reported one line each on stderr, after the good shards were merged); 2 when the output
/// cannot be opened.
/// </summary>
public sealed class MergeCommand(CliStreams streams, ConfigLocator locator)
{
    public Command Build()
    {
        var shards = new Argument<string[]>("shards") { Description = "SQLite shards to merge (e.g. results/<sweep>/shards/*.db).", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--out") { Description = "Output database (created if missing).", Required = true };
        var command = new Command("merge", "Merge SQLite shards (one per sweep cell) into one database; merging twice changes nothing.") { shards, output };
        command.SetAction((result, _) => CommandErrors.Guard(streams, () =>
        {
            var outPath = locator.UserPath(result.GetValue(output)!);
            var report = new ShardMerger().Merge(result.GetValue(shards)!.Select(locator.UserPath), outPath);

            foreach (var s in report.Studies.Where(s => s.Action != StudyMergeAction.Conflict))
            {
                streams.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Verb(s.Action)} {s.Study}: {s.TrialsAdded} trials added ({s.Shard})"));
            }

            foreach (var s in report.Studies.Where(s => s.Action == StudyMergeAction.Conflict))
            {
                streams.Error.WriteLine($"error: {s.Shard}: {s.Problem}; not merged");
            }

            foreach (var bad in report.BadShards)
            {
                streams.Error.WriteLine($"error: {bad.Shard}: {bad.Reason}; skipped");
            }

            int Count(StudyMergeAction a) => report.Studies.Count(s => s.Action == a);
            streams.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"merged into {outPath}: {Count(StudyMergeAction.Copied)} studies copied, {Count(StudyMergeAction.Extended)} extended, {Count(StudyMergeAction.AlreadyPresent)} already present, {Count(StudyMergeAction.Conflict)} conflicting, {report.BadShards.Count} bad shards; {report.Studies.Sum(s => s.TrialsAdded)} trials added"));
            return Task.FromResult(report.Clean ? CommandErrors.Ok : CommandErrors.Failure);
        }));
        return command;
    }

    private static string Verb(StudyMergeAction action) => action switch
    {
        StudyMergeAction.Copied => "copied",
        StudyMergeAction.Extended => "extended",
        _ => "already present",
    };
}
