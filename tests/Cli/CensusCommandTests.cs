namespace Apollo.Cli.Tests;

public sealed class CensusCommandTests
{
    [Fact]
    public async Task Census_groups_outcomes_by_stage_and_level_in_their_stored_spelling()
    {
        var r = await CliRunner.Run("census", "--samples", "300", "--budget", "6.8", "--seed", "1", "--workload-set", "vision");
        Assert.True(r.ExitCode == 0, r.Error);
        var rows = r.Out.Split('\n').Where(l => l.Contains('│', StringComparison.Ordinal)).Select(l => l.Split('│')[1].Trim()).ToList();

        // A uniform sample of the default space is mostly over a 6.8 mm² budget; the rows use the same stage/level
        // texts as the store and the JSON (area/area_budget, compile/pe_memory, ...), never enum member names.
        Assert.Contains("area/area_budget", rows);
        Assert.Contains("feasible", rows);
        Assert.All(rows.Where(l => l.Contains('/', StringComparison.Ordinal)), l => Assert.Matches("^(area|compile)/[a-z_]+$", l));
    }
}
