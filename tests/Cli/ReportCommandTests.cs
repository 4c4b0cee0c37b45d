using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Apollo.Testing;
using Microsoft.Data.Sqlite;
using SkiaSharp;

namespace Apollo.Cli.Tests;

public sealed partial class ReportCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("apollo-report-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private async Task<string> Study(string name, string optimizer, int seed)
    {
        var path = Path.Combine(_dir, name + ".yaml");
        await File.WriteAllTextAsync(path, $"""
            study: {name}
            space: {RepositoryPaths.Config("accelerators", "space.yaml")}
            baseline: {RepositoryPaths.Config("accelerators", "baseline.yaml")}
            workload_dir: {RepositoryPaths.Config("workloads")}
            workloads: [mobilenet_v2, resnet50]
            area_budget_mm2: 6.8
            optimizer: {optimizer}
            trials: 150
            batch_size: 10
            seed: {seed}
            database: {Path.Combine(_dir, "studies.db")}
            """);
        var r = await CliRunner.Run("search", path, "--no-report");
        Assert.True(r.ExitCode == 0, r.Error);
        return Path.Combine(_dir, "studies.db");
    }

    [Fact]
    public async Task Report_writes_figures_csv_and_a_self_contained_page_that_escapes_database_text()
    {
        var db = await Study("evo<script>", "evolution", 1);
        await Study("rand&co", "random", 2);
        var output = Path.Combine(_dir, "report");
        var r = await CliRunner.Run("report", db, "--out", output, "--joint");
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("trustworthiness", r.Out);

        var html = await File.ReadAllTextAsync(Path.Combine(output, "report.html"));
        // The data element, the page's script and its load script: the study name is escaped in the tables and the JSON.
        Assert.Equal(3, Regex.Matches(html, "<script").Count);
        Assert.Contains("evo&lt;script&gt;", html);
        Assert.Contains("evo\\u003Cscript\\u003E", html);
        Assert.Contains("rand&amp;co", html);
        Assert.DoesNotContain("src=\"http", html);
        Assert.Contains("data:image/png;base64,", html);

        // The page's data: every trial, and the best design re-evaluated with the simulator beside the baseline.
        var start = html.IndexOf("<script type=\"application/json\" id=\"apollo-data\">", StringComparison.Ordinal);
        var json = html[(html.IndexOf('>', start) + 1)..html.IndexOf("</script>", start, StringComparison.Ordinal)];
        var data = JsonNode.Parse(json)!;
        Assert.Equal([150, 150], data["studies"]!.AsArray().Select(s => s!["trial"]!.AsArray().Count));
        var explanation = Assert.Single(data["explanations"]!.AsArray())!;
        var best = data["studies"]!.AsArray().Max(s => s!["reward"]!.AsArray().Max(r => r!.GetValue<double>()));
        Assert.Equal(best, explanation["reward"]!.GetValue<double>(), 5);
        foreach (var design in new[] { explanation["best"]!, explanation["baseline"]! })
        {
            Assert.Equal(["mobilenet_v2", "resnet50"], design["networks"]!.AsArray().Select(n => n!["workload"]!.GetValue<string>()));
            Assert.Equal(design["area_mm2"]!.GetValue<double>(), design["area"]!.AsArray().Sum(a => a!["mm2"]!.GetValue<double>()), 2);
            Assert.All(design["layers"]!.AsArray(), l => Assert.Contains(l!["binding"]!.GetValue<string>(), new[] { "compute", "memory stall", "overhead" }));
        }

        Assert.True(explanation["best"]!["area_mm2"]!.GetValue<double>() <= 6.8);
        Assert.True(File.Exists(Path.Combine(output, "best-reward-violins.svg")));
        Assert.True(File.Exists(Path.Combine(output, "best-so-far.png")));
        var csv = await File.ReadAllLinesAsync(Path.Combine(output, "embedding.csv"));
        Assert.Equal(1 + 300, csv.Length);
    }

    [Fact]
    public async Task No_maps_skips_the_embeddings_but_keeps_the_cross_run_figures()
    {
        var db = await Study("quick", "random", 4);
        var output = Path.Combine(_dir, "quick-report");
        var r = await CliRunner.Run("report", db, "--out", output, "--no-maps");
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Empty(Directory.GetFiles(output, "tsne-*"));
        Assert.True(File.Exists(Path.Combine(output, "best-so-far.svg")));
        Assert.Contains("Maps were skipped", await File.ReadAllTextAsync(Path.Combine(output, "report.html")));
    }

    [Fact]
    public async Task Summary_gives_median_and_iqr_per_optimizer_and_budget()
    {
        var db = await Study("evo", "evolution", 1);
        await Study("rand", "random", 2);
        var r = await CliRunner.Run("summary", db);
        Assert.True(r.ExitCode == 0, r.Error);
        var lines = r.Out.Trim().Split('\n');
        Assert.StartsWith("| fingerprint | optimizer | area budget mm² | runs |", lines[0], StringComparison.Ordinal);
        Assert.Equal(6, lines.Length);
        var fingerprint = Assert.Single(lines, l => l.StartsWith("fingerprint ", StringComparison.Ordinal))[12..20];
        Assert.Contains(lines, l => l.StartsWith($"| {fingerprint} | evolution | 6.8 | 1 | 150 |", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith($"| {fingerprint} | random | 6.8 | 1 | 150 |", StringComparison.Ordinal));

        var csv = await CliRunner.Run("summary", db, "--format", "csv");
        Assert.True(csv.ExitCode == 0, csv.Error);
        var rows = csv.Out.Trim().Split('\n');
        Assert.Equal("fingerprint,optimizer,area_budget_mm2,runs,trials_per_run,median_best,q1_best,q3_best,min_best,max_best,feasible_fraction,median_wall_s", rows[0]);
        Assert.Equal(3, rows.Length);
        foreach (var row in rows[1..])
        {
            // Every cell after the fingerprint and the optimizer's name is a plain number: units are in the header and the docs.
            Assert.All(row.Split(',')[2..], cell => Assert.True(double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out _), cell));
        }
    }

    [Trait("Category", "System")] // installs and runs Chromium
    [Fact]
    public async Task Report_opens_in_a_real_browser_with_every_image_loaded()
    {
        var db = await Study("browser", "p3bo", 3);
        var output = Path.Combine(_dir, "browser-report");
        Assert.Equal(0, (await CliRunner.Run("report", db, "--out", output)).ExitCode);
        var page = new Uri(Path.Combine(output, "report.html")).AbsoluteUri;
        var chromium = EnsureChromium();

        var dom = await RunChromium(chromium, "--dump-dom", "--virtual-time-budget=10000", page);
        var loaded = ImagesAttribute().Match(dom);
        Assert.True(loaded.Success, "the page's load script did not run: " + dom[..Math.Min(300, dom.Length)]);
        var total = int.Parse(loaded.Groups["total"].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(total >= 8, $"only {total} images on the page");
        Assert.Equal(total, int.Parse(loaded.Groups["loaded"].Value, System.Globalization.CultureInfo.InvariantCulture));

        var screenshot = Path.Combine(_dir, "page.png");
        await RunChromium(chromium, $"--screenshot={screenshot}", "--window-size=1400,2000", page);
        using var bitmap = SKBitmap.Decode(screenshot);
        Assert.NotNull(bitmap);
        var colors = new HashSet<uint>();
        var ink = 0;
        for (var y = 0; y < bitmap.Height; y += 4)
        {
            for (var x = 0; x < bitmap.Width; x += 4)
            {
                var c = bitmap.GetPixel(x, y);
                colors.Add((uint)c);
                ink += c.Red + c.Green + c.Blue < 600 ? 1 : 0;
            }
        }

        // A blank or broken page is one or two colours; the report has text, plots and markers.
        Assert.True(colors.Count > 50, $"the screenshot has only {colors.Count} colours");
        Assert.True(ink > bitmap.Width * bitmap.Height / 16 / 100, $"the screenshot is nearly empty ({ink} dark samples)");
    }

    [Trait("Category", "System")] // installs and runs Chromium
    [Fact]
    public async Task Interactive_report_shows_a_hovered_design_animates_and_stays_offline()
    {
        var db = await Study("live", "p3bo", 5);
        var output = Path.Combine(_dir, "live-report");
        var run = await CliRunner.Run("report", db, "--out", output);
        Assert.True(run.ExitCode == 0, run.Error);
        var page = new Uri(Path.Combine(output, "report.html")).AbsoluteUri;
        await using var browser = await DevToolsBrowser.Start(EnsureChromium(), 1400, 1000);
        await browser.Navigate(page);
        Assert.Equal("true", (await browser.Evaluate("document.body.dataset.ready"))?.GetValue<string>());

        // Every figure renders: each canvas has ink, and each one the script drew reported itself.
        var inked = (await browser.Evaluate("""
            Array.from(document.querySelectorAll('canvas')).map(function (c) {
              var d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data, n = 0;
              for (var i = 3; i < d.length; i += 4) { if (d[i] > 0) { n++; } }
              return n; })
            """))!.AsArray().Select(n => n!.GetValue<int>()).ToList();
        Assert.True(inked.Count >= 5, $"only {inked.Count} canvases");
        Assert.All(inked, n => Assert.True(n > 500, $"a canvas has only {n} drawn pixels: {string.Join(", ", inked)}"));
        Assert.Equal(inked.Count.ToString(CultureInfo.InvariantCulture), (await browser.Evaluate("document.body.dataset.figuresRendered"))?.GetValue<string>());
        Assert.Equal(await browser.Evaluate("document.images.length"), await browser.Evaluate("Array.from(document.images).filter(function (i) { return i.complete && i.naturalWidth > 0; }).length"), JsonNode.DeepEquals);

        // Hovering over the best design shows the parameters of the trial under the mouse, as the database holds them.
        using var store = Apollo.Search.Storage.TrialStore.OpenReadOnly(db);
        var summary = Assert.Single(store.ListStudies());
        var trials = store.LoadTrials(summary.Study.Id);
        var study = $"{Path.GetFileName(db)}:live";
        var position = (await browser.Evaluate($"JSON.stringify(apolloReport.pointPosition('{study}', {summary.BestTrialNumber}))"))!.GetValue<string>();
        var xy = JsonNode.Parse(position)!;
        await browser.Evaluate($"window.scrollTo(0, {xy["y"]!.GetValue<double>() - 300})");
        xy = JsonNode.Parse((await browser.Evaluate($"JSON.stringify(apolloReport.pointPosition('{study}', {summary.BestTrialNumber}))"))!.GetValue<string>())!;
        await browser.MoveMouse(xy["x"]!.GetValue<double>(), xy["y"]!.GetValue<double>());
        var shown = (await browser.Evaluate("document.querySelector('.point-info').dataset.trial"))?.GetValue<string>();
        Assert.NotNull(shown);
        var trial = trials.Single(t => t.Number == int.Parse(shown, CultureInfo.InvariantCulture));
        var text = (await browser.Evaluate("document.querySelector('.point-info').innerText"))!.GetValue<string>();
        Assert.Contains($"trial {trial.Number}", text);
        Assert.Contains(trial.Proposer, text);
        foreach (var (name, value) in trial.Parameters)
        {
            var expected = name.EndsWith("memory", StringComparison.Ordinal)
                ? value >= 1 << 20 ? FormattableString.Invariant($"{value / (1 << 20):G4} MiB") : value >= 1024 ? FormattableString.Invariant($"{value / 1024:G4} KiB") : FormattableString.Invariant($"{value} B")
                : value.ToString(CultureInfo.InvariantCulture);
            Assert.Contains($"{name}\t{expected}", text);
        }

        // Play advances the horizon, from the start, frame by frame. The page was scrolled to the hovered design,
        // which can leave the button outside the window: bring it into view before clicking it.
        await browser.Evaluate("document.getElementById('play').scrollIntoView({ block: 'center' })");
        var button = JsonNode.Parse((await browser.Evaluate("JSON.stringify(document.getElementById('play').getBoundingClientRect())"))!.GetValue<string>())!;
        await browser.Click(button["x"]!.GetValue<double>() + 5, button["y"]!.GetValue<double>() + 5);
        async Task<int> Horizon() => int.Parse((await browser.Evaluate("document.body.dataset.horizon"))!.GetValue<string>(), CultureInfo.InvariantCulture);
        await Task.Delay(300);
        var first = await Horizon();
        await Task.Delay(300);
        var later = await Horizon();
        Assert.True(first < later && first < 150, $"the horizon went from {first} to {later} (of 150 trials)");
        Assert.Equal("pause", (await browser.Evaluate("document.getElementById('play').textContent"))?.GetValue<string>());

        // No console error, no exception, and no request but the page itself.
        var events = browser.Events.ToList();
        Assert.DoesNotContain(events, e => e.Method == "Runtime.exceptionThrown");
        Assert.DoesNotContain(events, e => e.Method == "Runtime.consoleAPICalled" && e.Params["type"]?.GetValue<string>() is "error" or "assert");
        Assert.DoesNotContain(events, e => e.Method == "Log.entryAdded" && e.Params["entry"]?["level"]?.GetValue<string>() == "error");
        var requests = events.Where(e => e.Method == "Network.requestWillBeSent").Select(e => e.Params["request"]!["url"]!.GetValue<string>()).ToList();
        Assert.All(requests, url => Assert.True(url == page || url.StartsWith("data:", StringComparison.Ordinal), $"the page requested {url}"));

        using var bitmap = SKBitmap.Decode(await browser.Screenshot());
        Assert.True(bitmap.Width >= 1300 && bitmap.Height > 1000, $"screenshot {bitmap.Width}×{bitmap.Height}");
        var width = (await browser.Evaluate("document.documentElement.scrollWidth"))!.GetValue<int>();
        Assert.True(width <= 1400, $"the page is {width} px wide; it must fit a 1,400-px window");
    }

    private static string EnsureChromium()
    {
        var script = Path.Combine(RepositoryPaths.Root, "scripts", "ensure-chromium.sh");
        var info = new ProcessStartInfo("bash", [script]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"cannot install Chromium for the browser test: {error}");
        return output.Trim().Split('\n')[^1];
    }

    private async Task<string> RunChromium(string chromium, params string[] args)
    {
        var info = new ProcessStartInfo(chromium) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var flag in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", $"--user-data-dir={Directory.CreateTempSubdirectory("chromium-").FullName}" })
        {
            info.ArgumentList.Add(flag);
        }

        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"chromium failed: {await stderr}");
        return await stdout;
    }

    [GeneratedRegex("data-images-loaded=\"(?<loaded>\\d+)\" data-images-total=\"(?<total>\\d+)\"")]
    private static partial Regex ImagesAttribute();
}
