using Apollo.Search.Storage;
using Microsoft.Data.Sqlite;
using static Apollo.Search.Tests.Storage.StoreTestData;

namespace Apollo.Search.Tests.Storage;

/// <summary>
/// The ask/tell log (<c>asked_trials</c>, <c>asked_parameters</c>): pending points live outside <c>trials</c>, a tell
/// moves one into <c>trials</c> once, and files without the log (every file written before it) read as before.
/// </summary>
public sealed class AskTellLogTests : IDisposable
{
    private static readonly DateTimeOffset At = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private readonly TempDirectory _temp = new();

    private string DbPath => _temp.File("asktell.db");

    public void Dispose() => _temp.Dispose();

    private static AskedPoint Point(int number) => new(Completed(number).Parameters, "evolution#2");

    [Fact]
    public void A_file_without_the_log_has_no_asked_trials_and_gains_no_tables_from_reading()
    {
        using (var store = TrialStore.Open(DbPath))
        {
            var id = store.CreateStudy(Study()).Id;
            store.AppendBatch(id, [Completed(0), Infeasible(1)]);
            Assert.Empty(store.LoadAsked(id));
        }

        using var readOnly = TrialStore.OpenReadOnly(DbPath);
        Assert.Empty(readOnly.LoadAsked(readOnly.FindStudy("study-a")!.Id));
        using var connection = new SqliteConnection($"Data Source={DbPath};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM sqlite_schema WHERE name LIKE 'asked%'";
        Assert.Equal(0L, command.ExecuteScalar());
    }

    [Fact]
    public void Pending_trials_are_not_trials_and_a_tell_stores_one_once()
    {
        using var store = TrialStore.Open(DbPath);
        var id = store.CreateStudy(Study()).Id;
        var round = store.RecordAsk(id, [Point(0), Point(1), Point(2)], At);
        Assert.Equal([0, 1, 2], round.Select(a => a.Number));
        Assert.All(round, a => Assert.True(a.IsPending && a.Batch == 0 && a.ToldBefore == 0));
        Assert.Empty(store.LoadTrials(id));
        Assert.Equal(0, store.ListStudies().Single().Trials);

        // Tells in any order; numbers stay those of the ask.
        Assert.Equal(0, store.RecordTell(id, Completed(2)));
        Assert.Equal(1, store.RecordTell(id, Infeasible(0) with { Parameters = Point(0).Parameters }));
        var twice = Assert.Throws<StoreException>(() => store.RecordTell(id, Completed(2)));
        Assert.Contains("told already", twice.Message);
        Assert.Throws<StoreException>(() => store.RecordTell(id, Completed(7)));
        Assert.Throws<StoreException>(() => store.RecordTell(id, Completed(1) with { Parameters = Completed(5).Parameters }));

        Assert.Equal([0, 2], store.LoadTrials(id).Select(t => t.Number));
        var summary = store.ListStudies().Single();
        Assert.Equal((2, 1), (summary.Trials, summary.Feasible));
        var asked = store.LoadAsked(id);
        Assert.Equal([1, null, 0], asked.Select(a => a.TellIndex));
        Assert.Equal(Point(1).Parameters, asked[1].Parameters);
        Assert.Equal(At, asked[1].AskedAt);

        // The next round continues after every told and pending number and remembers the two tells before it.
        var next = Assert.Single(store.RecordAsk(id, [Point(3)], At));
        Assert.Equal((3, 1, 2), (next.Number, next.Batch, next.ToldBefore));
    }

    [Fact]
    public void Search_and_ask_tell_refuse_each_others_studies()
    {
        using var store = TrialStore.Open(DbPath);
        var searched = store.CreateStudy(Study("searched")).Id;
        store.AppendBatch(searched, [Completed(0)]);
        Assert.Contains("never asked", Assert.Throws<StoreException>(() => store.RecordAsk(searched, [Point(1)], At)).Message);

        var asked = store.CreateStudy(Study("asked")).Id;
        store.RecordAsk(asked, [Point(0)], At);
        Assert.Contains("apollo tell", Assert.Throws<StoreException>(() => store.AppendBatch(asked, [Completed(0)])).Message);
        Assert.Empty(store.LoadTrials(asked));
    }

    [Fact]
    public void A_non_finite_parameter_is_refused_before_anything_is_written()
    {
        using var store = TrialStore.Open(DbPath);
        var id = store.CreateStudy(Study()).Id;
        Assert.Throws<StoreException>(() => store.RecordAsk(id, [Point(0), new([new("pe_x", double.NaN)], "random")], At));
        Assert.Empty(store.LoadAsked(id));
    }
}
