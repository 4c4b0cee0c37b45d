using MathNet.Numerics.Statistics;

namespace Apollo.Reports;

/// <summary>Order statistics used by the figures and summary tables.</summary>
public static class Statistics
{
    /// <summary>
    /// Linear-interpolation quantile of values sorted ascending: Hyndman and Fan's definition 7, numpy's default
    /// and R's type 7, so figures and tables agree with what an architect computes from the CSV; NaN when empty.
    /// </summary>
    public static double Quantile(IReadOnlyList<double> sorted, double q)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        if (sorted.Count == 0)
        {
            return double.NaN;
        }

        var values = sorted as double[] ?? [.. sorted];
        return SortedArrayStatistics.QuantileCustom(values, q, QuantileDefinition.R7);
    }

    public static double Median(IReadOnlyList<double> sorted) => Quantile(sorted, 0.5);
}
