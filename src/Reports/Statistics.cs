namespace Apollo.Reports;

/// <summary>Order statistics used by the figures and summary tables.</summary>
public static class Statistics
{
    /// <summary>Linear-interpolation quantile of values sorted ascending (numpy's default method).</summary>
    public static double Quantile(IReadOnlyList<double> sorted, double q)
    {
        if (sorted.Count == 0)
        {
            return double.NaN;
        }

        var position = q * (sorted.Count - 1);
        var lower = (int)Math.Floor(position);
        var upper = Math.Min(lower + 1, sorted.Count - 1);
        return sorted[lower] + ((position - lower) * (sorted[upper] - sorted[lower]));
    }

    public static double Median(IReadOnlyList<double> sorted) => Quantile(sorted, 0.5);
}
