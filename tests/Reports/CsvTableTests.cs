using System.Globalization;
using Apollo.Reports;
using CsvHelper;

namespace Apollo.Reports.Tests;

public sealed class CsvTableTests
{
    [Fact]
    public void Strings_that_need_it_are_quoted_and_read_back_unchanged()
    {
        string[] awkward = ["plain", "a,b", "say \"hi\"", "two\nlines", "", " padded "];
        var text = CsvTable.Render(["name", "value"], awkward.Select((s, i) => (IReadOnlyList<object?>)[s, i]));

        using var reader = CsvReader.FromText(text, null);
        reader.ReadHeader();
        var back = new List<string>();
        while (reader.Read())
        {
            back.Add(reader.GetString(0));
        }

        Assert.Equal(awkward, back);
    }

    [Fact]
    public void Numbers_are_plain_invariant_cells_that_round_trip_and_null_is_empty()
    {
        var third = 1.0 / 3;
        var text = CsvTable.Render(["x", "n", "big", "none"], [[third, 7, 12_345_678_901L, null]]);
        var row = text.Split('\n')[1].Split(',');
        Assert.Equal(third, double.Parse(row[0], CultureInfo.InvariantCulture));
        Assert.Equal(["7", "12345678901", ""], row[1..]);
        Assert.Equal("x,n,big,none\n", text[..(text.IndexOf('\n', StringComparison.Ordinal) + 1)]);
    }

    [Fact]
    public void A_row_of_the_wrong_width_or_an_unknown_cell_type_is_refused()
    {
        using var table = new CsvTable(new StringWriter(), ["a", "b"]);
        Assert.Throws<ArgumentException>(() => table.WriteRow(["only one"]));
        Assert.Throws<ArgumentException>(() => table.WriteRow([DateTime.UnixEpoch, 1]));
    }
}
