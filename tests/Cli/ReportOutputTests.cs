using System.Text;
using Apollo.Reports;
using SkiaSharp;

namespace Apollo.Cli.Tests;

/// <summary>The report's files: never half-written on a full disk, bounded names, a folder and not a file.</summary>
public sealed class ReportOutputTests : TestWithTempFolder
{
    private async Task<string> Study(string name, int trials = 40)
    {
        var r = await CliRunner.Run("search", SearchConfig(name, trials), "--no-report");
        Assert.True(r.ExitCode == 0, r.Error);
        return Path.Combine(Dir, "studies.db");
    }

    [Fact]
    public async Task Out_pointing_at_a_file_exits_2_and_leaves_the_file_alone()
    {
        var db = await Study("file-out");
        var file = Path.Combine(Dir, "taken.txt");
        await File.WriteAllTextAsync(file, "keep");
        var r = await CliRunner.Run("report", db, "--out", file);
        Assert.Equal(2, r.ExitCode);
        Assert.Equal($"error: <command line>: field '--out': {file} is a file; the report needs a folder (created if missing)", r.Error.Trim());
        Assert.Equal("keep", await File.ReadAllTextAsync(file));
    }

    [Fact]
    public async Task A_five_thousand_character_study_name_gives_bounded_file_names()
    {
        // Configs cap study names at 120 characters, but a database from elsewhere (another tool, a hand edit, an
        // older Apollo) may hold any name: the report must still bound its file names.
        var name = "s" + new string('n', 4_999);
        var db = await Study("short");
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={db};Pooling=False"))
        {
            connection.Open();
            using var rename = connection.CreateCommand();
            rename.CommandText = "UPDATE studies SET name = $name";
            rename.Parameters.AddWithValue("$name", name);
            Assert.Equal(1, rename.ExecuteNonQuery());
        }

        var output = Path.Combine(Dir, "long");
        var r = await CliRunner.Run("report", db, "--out", output);
        Assert.True(r.ExitCode == 0, r.Error);
        var maps = Directory.GetFiles(output, "tsne-*.png").Select(Path.GetFileName).ToList();
        Assert.Equal(4, maps.Count);
        Assert.All(maps, m => Assert.InRange(m!.Length, 1, 140));
        Assert.Contains($"tsne-studies-{ReportFiles.NamePart(name)}-100.png", maps);
    }

    [Fact]
    public void Name_parts_are_sanitized_bounded_and_distinct()
    {
        Assert.Equal("quickstart-random-b6.8-s1", ReportFiles.NamePart("quickstart-random-b6.8-s1"));
        var spaced = ReportFiles.NamePart("a b");
        var underscored = ReportFiles.NamePart("a_b");
        Assert.Equal("a_b", underscored);
        Assert.StartsWith("a_b-", spaced, StringComparison.Ordinal);
        Assert.NotEqual(spaced, underscored);
        var longA = ReportFiles.NamePart(new string('a', 5_000));
        var longB = ReportFiles.NamePart(new string('a', 4_999) + "b");
        Assert.Equal(ReportFiles.MaxNameLength + 9, longA.Length);
        Assert.NotEqual(longA, longB);
        Assert.DoesNotContain(ReportFiles.NamePart("../../etc"), c => c is '/' or '\\');
        Assert.False(ReportFiles.NamePart("..").StartsWith('.'));
    }

    [Fact]
    public async Task A_write_that_fails_midway_leaves_no_partial_file()
    {
        var db = await Study("disk-full-sim");
        var output = Path.Combine(Dir, "sim");
        Directory.CreateDirectory(output);
        var writes = 0;
        var builder = new ReportBuilder((path, bytes) =>
        {
            if (++writes == 3)
            {
                File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]); // half a file, then the disk is full
                throw new IOException("No space left on device");
            }

            File.WriteAllBytes(path, bytes);
        });
        var e = Assert.Throws<IOException>(() => builder.Build(ReportSource.Load([db], []), new ReportOptions(output)));
        Assert.StartsWith($"cannot write {output}/", e.Message, StringComparison.Ordinal);
        Assert.EndsWith(": No space left on device", e.Message, StringComparison.Ordinal);
        AssertOnlyWholeFiles(output, expected: 2);
    }

    [Fact]
    [Trait("Category", "System")] // mounts a 200 KiB tmpfs as root (else falls back to the writer seam)
    public async Task A_full_disk_gives_one_line_exit_1_and_no_partial_file()
    {
        var db = await Study("disk-full", trials: 60);
        var mount = Directory.CreateDirectory(Path.Combine(Dir, "small")).FullName;
        if (!Mount(mount))
        {
            // Not root (or no tmpfs): the same failure through the writer seam, so the case is never skipped.
            await A_write_that_fails_midway_leaves_no_partial_file();
            return;
        }

        try
        {
            var output = Path.Combine(mount, "report");
            var r = await CliRunner.Run("report", db, "--out", output);
            Assert.Equal(1, r.ExitCode);
            var line = Assert.Single(r.Error.Trim().Split('\n'));
            Assert.StartsWith($"error: cannot write {output}/", line, StringComparison.Ordinal);
            Assert.EndsWith("No space left on device", line, StringComparison.Ordinal);
            AssertOnlyWholeFiles(output, expected: null);
        }
        finally
        {
            Assert.True(Unmount(mount), $"cannot unmount {mount}");
        }
    }

    // Under a loaded parallel test run the kernel may still count the mount as busy for a moment after the
    // report's files are closed; retry, then detach it lazily so that the folder can be deleted.
    private static bool Unmount(string folder)
    {
        for (var attempt = 0; attempt < 10; attempt++)
        {
            if (Commands.ExternalResult.Run("umount", [folder], TimeSpan.FromMinutes(1)).Succeeded)
            {
                return true;
            }

            GC.Collect();
            GC.WaitForPendingFinalizers();
            Thread.Sleep(500);
        }

        return Commands.ExternalResult.Run("umount", ["-l", folder], TimeSpan.FromMinutes(1)).Succeeded;
    }

    private static bool Mount(string folder) =>
        Environment.UserName == "root" && OperatingSystem.IsLinux()
        && Commands.ExternalResult.Run("mount", ["-t", "tmpfs", "-o", "size=200k", "tmpfs", folder], TimeSpan.FromMinutes(1)).Succeeded;

    /// <summary>No temporary or empty file is left, and every PNG that is there decodes.</summary>
    private static void AssertOnlyWholeFiles(string folder, int? expected)
    {
        var files = Directory.Exists(folder) ? Directory.GetFiles(folder) : [];
        if (expected is { } count)
        {
            Assert.Equal(count, files.Length);
        }

        Assert.DoesNotContain(files, f => f.EndsWith(".tmp", StringComparison.Ordinal));
        Assert.All(files, f => Assert.True(new FileInfo(f).Length > 0, $"{f} is empty"));
        foreach (var png in files.Where(f => f.EndsWith(".png", StringComparison.Ordinal)))
        {
            using var bitmap = SKBitmap.Decode(png);
            Assert.True(bitmap is not null, $"{png} does not decode");
        }

        foreach (var svg in files.Where(f => f.EndsWith(".svg", StringComparison.Ordinal)))
        {
            Assert.EndsWith("</svg>", File.ReadAllText(svg, Encoding.UTF8).TrimEnd(), StringComparison.Ordinal);
        }
    }
}
