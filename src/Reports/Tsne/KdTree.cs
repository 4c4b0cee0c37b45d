using System.Collections.Concurrent;

namespace Apollo.Reports.Tsne;

/// <summary>
/// Exact k-nearest-neighbour search with a k-d tree (Bentley 1975; Friedman, Bentley &amp; Finkel 1977), the structure
/// scikit-learn's <c>NearestNeighbors</c> picks for low-dimensional dense input. Cells split the widest side of their
/// points' bounding box at the median; leaves hold up to <see cref="LeafSize"/> points stored contiguously; a query
/// visits the nearer child first and skips a cell whose tight bounding box is not closer than the current k-th neighbour.
/// Used for the 3·perplexity neighbours of Barnes-Hut t-SNE (van der Maaten 2014, §4.1). Queries run in parallel, each
/// sequentially over a tree built without randomness, so results do not depend on the thread count.
/// </summary>
internal sealed class KdTree
{
    private const int LeafSize = 16;

    private readonly int _dims;
    private readonly int _n;
    private readonly double[] _points; // tree order, row-major
    private readonly int[] _original; // tree slot → input row
    private readonly List<double> _low = [];
    private readonly List<double> _high = [];
    private readonly List<int> _start = [];
    private readonly List<int> _end = [];
    private readonly List<int> _left = [];
    private readonly List<int> _right = [];

    public KdTree(double[][] data)
    {
        _n = data.Length;
        _dims = data[0].Length;
        _original = new int[_n];
        for (var i = 0; i < _n; i++)
            _original[i] = i;
        var keys = new double[_n];
        Build(data, 0, _n, keys);
        _points = new double[_n * _dims];
        for (var s = 0; s < _n; s++)
            Array.Copy(data[_original[s]], 0, _points, s * _dims, _dims);
    }

    private int Build(double[][] data, int start, int end, double[] keys)
    {
        var node = _start.Count;
        _start.Add(start);
        _end.Add(end);
        _left.Add(-1);
        _right.Add(-1);
        var widest = 0;
        double widestSpan = -1;
        for (var d = 0; d < _dims; d++)
        {
            double low = double.PositiveInfinity, high = double.NegativeInfinity;
            for (var s = start; s < end; s++)
            {
                var value = data[_original[s]][d];
                low = Math.Min(low, value);
                high = Math.Max(high, value);
            }

            _low.Add(low);
            _high.Add(high);
            if (high - low > widestSpan)
            {
                widestSpan = high - low;
                widest = d;
            }
        }

        if (end - start <= LeafSize || widestSpan <= 0)
            return node;
        for (var s = start; s < end; s++)
            keys[s] = data[_original[s]][widest];
        Array.Sort(keys, _original, start, end - start);
        var middle = (start + end) / 2;
        var left = Build(data, start, middle, keys);
        var right = Build(data, middle, end, keys);
        _left[node] = left;
        _right[node] = right;
        return node;
    }

    /// <summary>The k nearest other points of every point: indices and squared distances, row-major N × k, nearest first.</summary>
    public (int[] Indices, double[] SquaredDistances) AllNeighbours(int k, ParallelOptions parallel)
    {
        var indices = new int[_n * k];
        var distances = new double[_n * k];
        var low = _low.ToArray();
        var high = _high.ToArray();
        var nodes = new Node(low, high, [.. _start], [.. _end], [.. _left], [.. _right]);
        Parallel.ForEach(Partitioner.Create(0, _n, 64), parallel, range =>
        {
            var heapSlot = new int[k];
            var heapDistance = new double[k];
            for (var s = range.Item1; s < range.Item2; s++)
            {
                var size = 0;
                var tau = double.PositiveInfinity;
                Search(nodes, 0, s, k, heapSlot, heapDistance, ref size, ref tau);
                var row = _original[s] * k;
                for (var m = size - 1; m >= 0; m--)
                {
                    indices[row + m] = _original[heapSlot[0]];
                    distances[row + m] = heapDistance[0];
                    MaxHeap.Pop(heapSlot, heapDistance, ref size);
                }
            }
        });
        return (indices, distances);
    }

    private sealed record Node(double[] Low, double[] High, int[] Start, int[] End, int[] Left, int[] Right);

    private void Search(Node nodes, int node, int query, int k, int[] heapSlot, double[] heapDistance, ref int size, ref double tau)
    {
        var left = nodes.Left[node];
        var q = query * _dims;
        if (left < 0)
        {
            for (var s = nodes.Start[node]; s < nodes.End[node]; s++)
            {
                if (s == query)
                    continue;
                double d2 = 0;
                var p = s * _dims;
                for (var d = 0; d < _dims; d++)
                {
                    var diff = _points[q + d] - _points[p + d];
                    d2 += diff * diff;
                }

                if (d2 < tau)
                {
                    if (size == k)
                        MaxHeap.Pop(heapSlot, heapDistance, ref size);
                    MaxHeap.Push(heapSlot, heapDistance, ref size, s, d2);
                    if (size == k)
                        tau = heapDistance[0];
                }
            }

            return;
        }

        var right = nodes.Right[node];
        var toLeft = BoxDistance(nodes, left, q);
        var toRight = BoxDistance(nodes, right, q);
        var (near, nearDistance, far, farDistance) = toLeft <= toRight ? (left, toLeft, right, toRight) : (right, toRight, left, toLeft);
        if (nearDistance < tau)
            Search(nodes, near, query, k, heapSlot, heapDistance, ref size, ref tau);
        if (farDistance < tau)
            Search(nodes, far, query, k, heapSlot, heapDistance, ref size, ref tau);
    }

    private double BoxDistance(Node nodes, int node, int q)
    {
        double d2 = 0;
        var b = node * _dims;
        for (var d = 0; d < _dims; d++)
        {
            var value = _points[q + d];
            var gap = Math.Max(Math.Max(nodes.Low[b + d] - value, value - nodes.High[b + d]), 0);
            d2 += gap * gap;
        }

        return d2;
    }
}

/// <summary>A binary max-heap over parallel arrays (item, key), keyed by distance.</summary>
internal static class MaxHeap
{
    public static void Push(int[] items, double[] keys, ref int size, int item, double key)
    {
        var child = size++;
        while (child > 0)
        {
            var parent = (child - 1) / 2;
            if (keys[parent] >= key)
                break;
            items[child] = items[parent];
            keys[child] = keys[parent];
            child = parent;
        }

        items[child] = item;
        keys[child] = key;
    }

    public static void Pop(int[] items, double[] keys, ref int size)
    {
        var last = --size;
        var item = items[last];
        var key = keys[last];
        var parent = 0;
        while (true)
        {
            var child = (2 * parent) + 1;
            if (child >= size)
                break;
            if (child + 1 < size && keys[child + 1] > keys[child])
                child++;
            if (keys[child] <= key)
                break;
            items[parent] = items[child];
            keys[parent] = keys[child];
            parent = child;
        }

        if (size > 0)
        {
            items[parent] = item;
            keys[parent] = key;
        }
    }
}
