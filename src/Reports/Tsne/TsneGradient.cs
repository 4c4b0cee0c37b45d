using System.Collections.Concurrent;

namespace Apollo.Reports.Tsne;

/// <summary>
/// Gradient of KL(P‖Q) for t-SNE with a Student-t kernel of <c>dof</c> degrees of freedom
/// (van der Maaten &amp; Hinton 2008, eq. 5; scikit-learn's <c>_kl_divergence</c> and <c>_kl_divergence_bh</c>):
/// ∂C/∂y_i = c Σ_j (p_ij − q_ij) w_ij (y_i − y_j), w_ij = (1 + |y_i − y_j|²/dof)^(−(dof+1)/2), q_ij = w_ij / Z,
/// c = 2(dof+1)/dof (4 for dof = 1). The Barnes-Hut form splits it into an attractive sum over the sparse P and a
/// repulsive sum Σ_j w_ij² (y_i − y_j) / Z estimated with a tree (van der Maaten 2014, §4.2).
/// Every point's terms go to its own slot and sums over points are taken sequentially in index order, so results are
/// bit-identical for any thread count.
/// </summary>
internal sealed class TsneGradient
{
    internal const double Float32Tiny = 1.1754943508222875e-38;

    private readonly int _n;
    private readonly int _dims;
    private readonly double _dof;
    private readonly ParallelOptions _parallel;
    private readonly double[] _rowSum;
    private readonly double[] _rowError;
    private readonly double[] _weights;
    private readonly BarnesHutTree? _tree;
    private readonly double[] _repulsion;

    public TsneGradient(int n, int dims, bool barnesHut, ParallelOptions parallel)
    {
        _n = n;
        _dims = dims;
        _dof = Math.Max(dims - 1, 1);
        _parallel = parallel;
        _rowSum = new double[n];
        _rowError = new double[n];
        _weights = barnesHut ? [] : new double[n * n];
        _tree = barnesHut ? new BarnesHutTree(dims) : null;
        _repulsion = barnesHut ? new double[n * dims] : [];
    }

    private double Scale => 2 * (_dof + 1) / _dof;

    private double Kernel(double squaredDistance) =>
        _dof == 1 ? 1 / (1 + squaredDistance) : Math.Pow(_dof / (_dof + squaredDistance), (_dof + 1) / 2);

    private int ChunkSize => Math.Max(16, _n / (8 * Environment.ProcessorCount));

    /// <summary>Exact gradient with dense P (row-major N × N) multiplied by <paramref name="exaggeration"/>; returns KL if asked, else NaN.</summary>
    public double Exact(double[] p, double exaggeration, double[] y, double[] gradient, bool computeError)
    {
        int n = _n, dims = _dims;
        Parallel.ForEach(Partitioner.Create(0, n, ChunkSize), _parallel, range =>
        {
            for (var i = range.Item1; i < range.Item2; i++)
            {
                double sum = 0;
                for (var j = 0; j < n; j++)
                {
                    if (j == i)
                    {
                        _weights[(i * n) + j] = 0;
                        continue;
                    }

                    double d2 = 0;
                    for (var d = 0; d < dims; d++)
                    {
                        var diff = y[(i * dims) + d] - y[(j * dims) + d];
                        d2 += diff * diff;
                    }

                    var w = Kernel(d2);
                    _weights[(i * n) + j] = w;
                    sum += w;
                }

                _rowSum[i] = sum;
            }
        });
        double z = 0;
        for (var i = 0; i < n; i++)
            z += _rowSum[i];
        var scale = Scale;
        Parallel.ForEach(Partitioner.Create(0, n, ChunkSize), _parallel, range =>
        {
            Span<double> g = stackalloc double[dims];
            for (var i = range.Item1; i < range.Item2; i++)
            {
                g.Clear();
                double error = 0;
                for (var j = 0; j < n; j++)
                {
                    if (j == i)
                        continue;
                    var w = _weights[(i * n) + j];
                    var pij = exaggeration * p[(i * n) + j];
                    var qij = Math.Max(w / z, Affinities.MachineEpsilon);
                    var coefficient = (pij - qij) * w;
                    for (var d = 0; d < dims; d++)
                        g[d] += coefficient * (y[(i * dims) + d] - y[(j * dims) + d]);
                    if (computeError)
                        error += pij * Math.Log(Math.Max(pij, Affinities.MachineEpsilon) / qij);
                }

                for (var d = 0; d < dims; d++)
                    gradient[(i * dims) + d] = scale * g[d];
                _rowError[i] = error;
            }
        });
        return computeError ? SumRows(_rowError) : double.NaN;
    }

    /// <summary>
    /// Barnes-Hut gradient with sparse P multiplied by <paramref name="exaggeration"/>; returns KL over the entries of P
    /// (with the tree's Z) if asked, else NaN.
    /// </summary>
    public double BarnesHut(SparseAffinities p, double exaggeration, double[] y, double theta, double[] gradient, bool computeError)
    {
        var tree = _tree ?? throw new InvalidOperationException("This gradient was created for the exact method.");
        int n = _n, dims = _dims;
        tree.Build(y, n);
        var squaredTheta = theta * theta;
        Array.Clear(_repulsion);
        Parallel.ForEach(Partitioner.Create(0, n, ChunkSize), _parallel, range =>
        {
            var stack = new int[tree.StackSize];
            // Visiting points in tree order lets consecutive traversals reuse the same cells from cache; each point still
            // writes only its own slots, so the order changes nothing in the result.
            for (var s = range.Item1; s < range.Item2; s++)
            {
                var i = tree.Order[s];
                _rowSum[i] = tree.Repulsion(y, i, squaredTheta, _dof, _repulsion.AsSpan(i * dims, dims), stack);
            }
        });
        var z = SumRows(_rowSum);
        var scale = Scale;
        var repulsion = _repulsion;
        var rowError = _rowError;
        var dof = _dof;
        Parallel.ForEach(Partitioner.Create(0, n, ChunkSize), _parallel, range =>
        {
            if (dims == 2 && dof == 1)
                Attraction2D(range.Item1, range.Item2, p.RowStart, p.Columns, p.Values, exaggeration, y, z, scale, repulsion, gradient, rowError, computeError);
            else
                Attraction(range.Item1, range.Item2, p, exaggeration, y, z, scale, gradient, computeError);
        });
        return computeError ? SumRows(_rowError) : double.NaN;
    }

    private void Attraction(int from, int to, SparseAffinities p, double exaggeration, double[] y, double z, double scale, double[] gradient, bool computeError)
    {
        var dims = _dims;
        Span<double> attraction = stackalloc double[dims];
        Span<double> delta = stackalloc double[dims];
        for (var i = from; i < to; i++)
        {
            attraction.Clear();
            double error = 0;
            for (var e = p.RowStart[i]; e < p.RowStart[i + 1]; e++)
            {
                var j = p.Columns[e];
                double d2 = 0;
                for (var d = 0; d < dims; d++)
                {
                    delta[d] = y[(i * dims) + d] - y[(j * dims) + d];
                    d2 += delta[d] * delta[d];
                }

                var w = Kernel(d2);
                var pij = exaggeration * p.Values[e];
                var coefficient = pij * w;
                for (var d = 0; d < dims; d++)
                    attraction[d] += coefficient * delta[d];
                if (computeError)
                    error += pij * Math.Log(Math.Max(pij, Float32Tiny) / Math.Max(w / z, Float32Tiny));
            }

            for (var d = 0; d < dims; d++)
                gradient[(i * dims) + d] = scale * (attraction[d] - (_repulsion[(i * dims) + d] / z));
            _rowError[i] = error;
        }
    }

    /// <summary><see cref="Attraction"/> unrolled for 2-D with one degree of freedom; identical arithmetic.</summary>
    private static void Attraction2D(int from, int to, int[] rowStart, int[] columns, double[] values, double exaggeration, double[] y,
        double z, double scale, double[] repulsion, double[] gradient, double[] rowError, bool computeError)
    {
        for (var i = from; i < to; i++)
        {
            double ax = 0, ay = 0, error = 0;
            double x0 = y[2 * i], y0 = y[(2 * i) + 1];
            var end = rowStart[i + 1];
            for (var e = rowStart[i]; e < end; e++)
            {
                var j = columns[e];
                var dx = x0 - y[2 * j];
                var dy = y0 - y[(2 * j) + 1];
                var w = 1 / (1 + ((dx * dx) + (dy * dy)));
                var pij = exaggeration * values[e];
                var coefficient = pij * w;
                ax += coefficient * dx;
                ay += coefficient * dy;
                if (computeError)
                    error += pij * Math.Log(Math.Max(pij, Float32Tiny) / Math.Max(w / z, Float32Tiny));
            }

            gradient[2 * i] = scale * (ax - (repulsion[2 * i] / z));
            gradient[(2 * i) + 1] = scale * (ay - (repulsion[(2 * i) + 1] / z));
            rowError[i] = error;
        }
    }

    private static double SumRows(double[] rows)
    {
        double sum = 0;
        foreach (var value in rows)
            sum += value;
        return sum;
    }
}
