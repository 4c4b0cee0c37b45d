namespace Apollo.Reports.Tsne;

/// <summary>
/// A symmetric sparse matrix in compressed-row form: row i holds columns <c>Columns[RowStart[i]..RowStart[i+1])</c> in
/// ascending order with their <c>Values</c>.
/// </summary>
internal sealed record SparseAffinities(int[] RowStart, int[] Columns, double[] Values)
{
    public int Count => RowStart.Length - 1;
}

/// <summary>
/// Input-space similarities of t-SNE (van der Maaten &amp; Hinton 2008, §2-3): for each point a Gaussian whose precision β
/// is found by bisection so that the entropy of p(·|i) equals log(perplexity) nats, then the joint P = (P + Pᵀ) / sum.
/// Mirrors scikit-learn's <c>_binary_search_perplexity</c> (tolerance 1e-5, 100 steps, β starting at 1).
/// </summary>
internal static class Affinities
{
    internal const double EntropyTolerance = 1e-5;
    internal const int MaxSearchSteps = 100;
    internal const double MachineEpsilon = 2.220446049250313e-16;

    /// <summary>
    /// Conditional probabilities of one point over the given squared distances (self excluded); returns the entropy in nats.
    /// </summary>
    internal static double SearchRow(ReadOnlySpan<double> squaredDistances, Span<double> probabilities, double perplexity)
    {
        var desired = Math.Log(perplexity);
        // Shifting by the smallest distance leaves p and the entropy unchanged but keeps exp() from underflowing to 0.
        var shift = double.PositiveInfinity;
        foreach (var d in squaredDistances)
            shift = Math.Min(shift, d);
        double beta = 1, betaMin = double.NegativeInfinity, betaMax = double.PositiveInfinity, entropy = 0;
        for (var step = 0; step < MaxSearchSteps; step++)
        {
            double sum = 0;
            for (var j = 0; j < squaredDistances.Length; j++)
            {
                probabilities[j] = Math.Exp(-(squaredDistances[j] - shift) * beta);
                sum += probabilities[j];
            }

            if (sum == 0)
                sum = 1e-8;
            double weighted = 0;
            for (var j = 0; j < squaredDistances.Length; j++)
            {
                probabilities[j] /= sum;
                weighted += (squaredDistances[j] - shift) * probabilities[j];
            }

            entropy = Math.Log(sum) + beta * weighted;
            var difference = entropy - desired;
            if (Math.Abs(difference) <= EntropyTolerance)
                break;
            if (difference > 0)
            {
                betaMin = beta;
                beta = double.IsPositiveInfinity(betaMax) ? beta * 2 : (beta + betaMax) / 2;
            }
            else
            {
                betaMax = beta;
                beta = double.IsNegativeInfinity(betaMin) ? beta / 2 : (beta + betaMin) / 2;
            }
        }

        return entropy;
    }

    /// <summary>Dense joint P (row-major N × N, zero diagonal) as scikit-learn's exact method builds it: max(P / sum, ε).</summary>
    internal static double[] Dense(double[][] data, double perplexity, ParallelOptions parallel)
    {
        var n = data.Length;
        var conditional = new double[n * n];
        Parallel.For(0, n, parallel, () => (new double[n - 1], new double[n - 1]), (i, _, buffers) =>
        {
            var (distances, row) = buffers;
            for (int j = 0, m = 0; j < n; j++)
            {
                if (j != i)
                    distances[m++] = SquaredDistance(data[i], data[j]);
            }

            SearchRow(distances, row, perplexity);
            for (int j = 0, m = 0; j < n; j++)
            {
                if (j != i)
                    conditional[(i * n) + j] = row[m++];
            }

            return buffers;
        }, _ => { });

        var joint = new double[n * n];
        double sum = 0;
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                var value = conditional[(i * n) + j] + conditional[(j * n) + i];
                joint[(i * n) + j] = value;
                sum += value;
            }
        }

        sum = Math.Max(sum, MachineEpsilon);
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
                joint[(i * n) + j] = i == j ? 0 : Math.Max(joint[(i * n) + j] / sum, MachineEpsilon);
        }

        return joint;
    }

    /// <summary>
    /// Sparse joint P over the k nearest neighbours of each point (van der Maaten 2014, §4.1): conditional probabilities
    /// on the k neighbours only, symmetrised and normalised to sum 1.
    /// </summary>
    internal static SparseAffinities Sparse(int[] neighbours, double[] squaredDistances, int n, int k, double perplexity, ParallelOptions parallel)
    {
        var conditional = new double[n * k];
        Parallel.For(0, n, parallel, i =>
            SearchRow(squaredDistances.AsSpan(i * k, k), conditional.AsSpan(i * k, k), perplexity));
        return Symmetrize(neighbours, conditional, n, k, parallel);
    }

    /// <summary>P + Pᵀ of a k-neighbour conditional matrix, normalised by its sum; built sequentially so it is deterministic.</summary>
    internal static SparseAffinities Symmetrize(int[] neighbours, double[] conditional, int n, int k, ParallelOptions parallel)
    {
        var counts = new int[n + 1];
        for (var i = 0; i < n; i++)
        {
            counts[i] += k;
            for (var m = 0; m < k; m++)
                counts[neighbours[(i * k) + m]]++;
        }

        var start = new int[n + 1];
        for (var i = 0; i < n; i++)
            start[i + 1] = start[i] + counts[i];
        var fill = (int[])start.Clone();
        var columns = new int[start[n]];
        var values = new double[start[n]];
        for (var i = 0; i < n; i++)
        {
            for (var m = 0; m < k; m++)
            {
                var j = neighbours[(i * k) + m];
                var value = conditional[(i * k) + m];
                columns[fill[i]] = j;
                values[fill[i]++] = value;
                columns[fill[j]] = i;
                values[fill[j]++] = value;
            }
        }

        // Sort each row by column and merge the pairs (i→j and j→i) that both exist; a + b == b + a, so order is irrelevant.
        var merged = new int[n];
        Parallel.For(0, n, parallel, i =>
        {
            var length = start[i + 1] - start[i];
            Array.Sort(columns, values, start[i], length);
            var write = start[i];
            for (var read = start[i]; read < start[i + 1]; read++)
            {
                if (write > start[i] && columns[write - 1] == columns[read])
                {
                    values[write - 1] += values[read];
                }
                else
                {
                    columns[write] = columns[read];
                    values[write++] = values[read];
                }
            }

            merged[i] = write - start[i];
        });

        var rowStart = new int[n + 1];
        for (var i = 0; i < n; i++)
            rowStart[i + 1] = rowStart[i] + merged[i];
        var outColumns = new int[rowStart[n]];
        var outValues = new double[rowStart[n]];
        double sum = 0;
        for (var i = 0; i < n; i++)
        {
            Array.Copy(columns, start[i], outColumns, rowStart[i], merged[i]);
            Array.Copy(values, start[i], outValues, rowStart[i], merged[i]);
            for (var e = rowStart[i]; e < rowStart[i + 1]; e++)
                sum += outValues[e];
        }

        sum = Math.Max(sum, MachineEpsilon);
        for (var e = 0; e < outValues.Length; e++)
            outValues[e] /= sum;
        return new SparseAffinities(rowStart, outColumns, outValues);
    }

    internal static double SquaredDistance(double[] a, double[] b)
    {
        double sum = 0;
        for (var d = 0; d < a.Length; d++)
        {
            var diff = a[d] - b[d];
            sum += diff * diff;
        }

        return sum;
    }
}
