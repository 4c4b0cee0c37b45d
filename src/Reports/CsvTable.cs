using System.Globalization;
using CsvHelper;

namespace Apollo.Reports;

/// <summary>
/// The one CSV writer for every table Apollo exports (trials, embeddings, summaries): RFC 4180 quoting by
/// CsvHelper, invariant culture, numbers as plain numeric cells (doubles round-trip with "R"; units live in the
/// column names and the docs, never in cells), an absent value as an empty cell.
/// </summary>
public sealed class CsvTable : IDisposable
{
    private readonly CsvWriter _csv;
    private readonly int _columns;

    /// <summary>Starts a table on <paramref name="writer"/> (left open) and writes its header row.</summary>
    public CsvTable(TextWriter writer, IReadOnlyList<string> header)
    {
        ArgumentNullException.ThrowIfNull(header);
        if (header.Count == 0)
        {
            throw new ArgumentException("a table needs at least one column", nameof(header));
        }

        // LF line ends, as the other text Apollo writes; CsvHelper still quotes fields holding CR or LF.
        _csv = CsvWriter.Create(writer, CsvWriterOptions.Default with { NewLine = "\n" }, leaveOpen: true);
        _columns = header.Count;
        foreach (var name in header)
        {
            _csv.WriteField(name);
        }

        _csv.EndRecord();
    }

    /// <summary>Writes one row; each cell is a string, a number (int, long, double) or null.</summary>
    /// <exception cref="ArgumentException">The row has another number of cells than the header, or a cell of another type.</exception>
    public void WriteRow(IReadOnlyList<object?> cells)
    {
        ArgumentNullException.ThrowIfNull(cells);
        if (cells.Count != _columns)
        {
            throw new ArgumentException($"a row of {cells.Count} cells in a table of {_columns} columns", nameof(cells));
        }

        foreach (var cell in cells)
        {
            _csv.WriteField(Format(cell));
        }

        _csv.EndRecord();
    }

    /// <summary>Writes the whole table to a string (header and rows).</summary>
    public static string Render(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<object?>> rows)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var table = new CsvTable(text, header))
        {
            foreach (var row in rows)
            {
                table.WriteRow(row);
            }
        }

        return text.ToString();
    }

    public void Dispose()
    {
        _csv.Flush();
        _csv.Dispose();
    }

    private static string Format(object? cell) => cell switch
    {
        null => "",
        string s => s,
        int i => i.ToString(CultureInfo.InvariantCulture),
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        _ => throw new ArgumentException($"a cell of type {cell.GetType().Name}; cells are strings, numbers or null", nameof(cell)),
    };
}
