using System.Globalization;
using System.Net;
using System.Text;
using Apollo.Search.Storage;

namespace Apollo.Reports;

/// <summary>
/// Renders report.html: one self-contained page (figures inlined as PNG data URIs, no external
/// resources) that opens offline. Every text that comes from a database is HTML-escaped. A small inline
/// script records on &lt;body&gt; how many images loaded, for the browser test and for curious readers.
/// </summary>
public static class HtmlReport
{
    public static string Render(
        IReadOnlyList<StudyTrials> studies,
        IReadOnlyList<RunGroup> groups,
        IReadOnlyList<Figure> summaryFigures,
        IReadOnlyList<Figure> maps,
        IReadOnlyList<EmbeddingSummary> embeddings,
        ReportOptions options,
        Interactive.ReportData data)
    {
        var html = new StringBuilder();
        html.Append("""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>Apollo report</title>
            <style>
            body{font-family:system-ui,-apple-system,"DejaVu Sans",sans-serif;margin:1em 2em;color:#222;max-width:1360px}
            h1{margin-bottom:0}h2{margin-top:2em;border-bottom:1px solid #ddd}
            table{border-collapse:collapse;margin:1em 0;font-size:14px}th,td{border:1px solid #ccc;padding:4px 8px;text-align:right}
            th{background:#f3f3f3}td{white-space:nowrap}td.text,th.text{text-align:left}
            .warning{background:#fff3cd;border:1px solid #e0b000;padding:6px 10px;font-weight:bold}
            .figures{display:flex;flex-wrap:wrap;gap:12px}.figures figure{margin:0}.figures img{width:640px;border:1px solid #eee}
            figcaption{font-size:13px;color:#555}
            .controls{display:flex;gap:12px;align-items:center;margin:1em 0}.controls input[type=range]{width:420px}
            .legend .key{margin-right:14px;font-size:13px}.map-row{display:flex;gap:12px;align-items:flex-start}
            .map-canvas{border:1px solid #ddd;cursor:crosshair}.point-info{width:640px;font-size:13px}
            .point-info table{margin:4px 0}.scroll{overflow-x:auto;max-width:100%}tr.baseline td{background:#f0f0f0;font-style:italic}
            canvas.chart{border:1px solid #eee}.note{font-size:13px;color:#555}
            </style></head>
            <body data-images-loaded="0" data-images-total="0" data-figures-rendered="0">
            """);
        html.Append("<h1>Apollo design-space exploration report</h1>");
        html.Append(CultureInfo.InvariantCulture, $"<p>{studies.Count} stud{(studies.Count == 1 ? "y" : "ies")}, {studies.Sum(s => s.Trials.Count):N0} trials. ");
        html.Append("Maps: t-SNE of each design's parameters (log2, scaled to [0, 1]); stars are infeasible designs, circles feasible ones sized by reward, red crosses the best.</p>");
        AppendWarnings(html, embeddings);

        html.Append("<h2>Studies</h2><table><tr><th class=text>study</th><th class=text>optimizer</th><th>budget mm²</th><th class=text>fingerprint</th><th>seed</th><th>trials</th><th>feasible</th><th>best reward</th><th class=text>database</th></tr>");
        foreach (var s in studies)
        {
            html.Append(CultureInfo.InvariantCulture,
                $"<tr><td class=text>{E(s.QualifiedName)}</td><td class=text>{E(s.Optimizer)}</td><td>{s.BudgetMm2:G}</td><td class=text>{E(s.Fingerprint.Id)}</td><td>{s.Study.Definition.Seed}</td><td>{s.Trials.Count}</td><td>{s.FeasibleFraction:P1}</td><td>{s.BestReward:F4}</td><td class=text>{E(s.Database)}</td></tr>");
        }

        html.Append("</table>");
        var fingerprints = studies.Select(s => s.Fingerprint).DistinctBy(f => f.Id).ToList();
        html.Append("<p>Rewards mean the same only within one objective fingerprint (space and technology, baseline, workloads, weights, objective, constraints; the area budget is its own column): runs of different fingerprints are never pooled or ranked together.</p>");
        html.Append("<table><tr><th class=text>fingerprint</th><th class=text>settings</th></tr>");
        foreach (var f in fingerprints)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td class=text>{E(f.Id)}</td><td class=text>{E(f.Description)}</td></tr>");
        }

        html.Append("</table>");

        foreach (var f in fingerprints)
        {
            html.Append(CultureInfo.InvariantCulture, $"<h2>Across runs, fingerprint {E(f.Id)}</h2><table><tr><th class=text>optimizer @ budget</th><th>runs</th><th>median best</th><th>IQR of best</th><th>feasible fraction</th></tr>");
            foreach (var g in groups.Where(g => g.Fingerprint.Id == f.Id))
            {
                var best = g.Runs.Select(r => r.BestReward).OrderBy(v => v).ToArray();
                var feasible = g.Runs.Sum(r => r.Trials.Count(t => t.Status == TrialStatus.Completed)) / (double)Math.Max(1, g.Runs.Sum(r => r.Trials.Count));
                html.Append(CultureInfo.InvariantCulture,
                    $"<tr><td class=text>{E(g.Label)}</td><td>{best.Length}</td><td>{Statistics.Median(best):F4}</td><td>{Statistics.Quantile(best, 0.25):F4} – {Statistics.Quantile(best, 0.75):F4}</td><td>{feasible:P1}</td></tr>");
            }

            html.Append("</table>");
        }

        html.Append("<h2>Explore the designs</h2><p>Play the search over its horizon, hover over a point for its design (click to pin it), colour or filter by optimizer and by the P3BO member that proposed each trial. Stars: infeasible; circles: feasible, sized by reward; red crosses: the best so far.</p>");
        html.Append("<div id=interactive></div><div id=architect></div>");
        AppendFigures(html, summaryFigures);

        html.Append("<h2>Maps of the explored designs</h2><table><tr><th class=text>embedding</th><th>points</th><th>trustworthiness (k=5)</th><th>measured on</th><th class=text>method</th><th>time s</th></tr>");
        foreach (var e in embeddings)
        {
            html.Append(CultureInfo.InvariantCulture,
                $"<tr><td class=text>{E(e.Name)}</td><td>{e.Points}</td><td{(e.Untrustworthy ? " class=warning" : "")}>{e.Trustworthiness:F3}</td><td>{e.TrustworthinessSample}</td><td class=text>{(e.BarnesHut ? "Barnes-Hut" : "exact")}</td><td>{e.Elapsed.TotalSeconds:F1}</td></tr>");
        }

        html.Append("</table>");
        AppendWarnings(html, embeddings);
        html.Append(!options.Maps ? "<p>Maps were skipped (--no-maps).</p>" : options.Joint ? "<p>All studies share one embedding, so their maps are directly comparable.</p>" : "<p>Each study has its own embedding; its frames share it.</p>");
        AppendFigures(html, maps);

        // The data as JSON (the serializer escapes '<', so no text can end the element early), then the page's script.
        html.Append("<script type=\"application/json\" id=\"apollo-data\">").Append(data.ToJson()).Append("</script>\n<script>").Append(Script.Value).Append("</script>");
        html.Append("""
            <script>
            window.addEventListener('load', function () {
              var images = Array.prototype.slice.call(document.images);
              document.body.dataset.imagesTotal = images.length;
              document.body.dataset.imagesLoaded = images.filter(function (i) { return i.complete && i.naturalWidth > 0; }).length;
            });
            </script>
            </body></html>
            """);
        return html.ToString();
    }

    private static void AppendWarnings(StringBuilder html, IReadOnlyList<EmbeddingSummary> embeddings)
    {
        foreach (var e in embeddings.Where(e => e.Untrustworthy))
        {
            html.Append(CultureInfo.InvariantCulture, $"<p class=warning>Warning: {E(e.Warning)}.</p>");
        }
    }

    private static void AppendFigures(StringBuilder html, IReadOnlyList<Figure> figures)
    {
        html.Append("<div class=figures>");
        foreach (var f in figures)
        {
            html.Append(CultureInfo.InvariantCulture,
                $"<figure><img alt=\"{E(f.Title)}\" src=\"data:image/png;base64,{Convert.ToBase64String(f.Png)}\"><figcaption>{E(f.Title)} ({E(Path.GetFileName(f.SvgPath))})</figcaption></figure>");
        }

        html.Append("</div>");
    }

    /// <summary>The page's script, inlined from the embedded resource report.js.</summary>
    private static readonly Lazy<string> Script = new(() =>
    {
        using var stream = typeof(HtmlReport).Assembly.GetManifestResourceStream("Apollo.Reports.Interactive.report.js")
            ?? throw new InvalidOperationException("report.js is missing from the Apollo.Reports assembly");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    private static string E(string? text) => WebUtility.HtmlEncode(text ?? "");
}
