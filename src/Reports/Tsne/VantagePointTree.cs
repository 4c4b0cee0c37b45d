using System.Collections.Concurrent;

namespace Apollo.Reports.Tsne;

/// <summary>
/// Exact k-nearest-neighbour search with a vantage-point tree (Yianilos 1993), as in van der Maaten's bhtsne
/// (van der Maaten 2014, §4.1). Each node splits its points at the median distance to a randomly chosen vantage point;
/// a query descends the near side first and visits the far side only if the ball of the current k-th distance crosses
/// the split. Queries run in parallel; each is sequential, so results do not depend on the thread count.
/// </summary>
internal sealed class VantagePointTree
{
    private readonly double[][] _points;
    private readonly int[] _items;
    private readonly double[] _thresholds;
    private readonly int[] _left;
    private readonly int[] _right;
    private readonly int _root;

    public VantagePointTree(double[][] points, int seed)
    {
        _points = points;
        var n = points.Length;
        _items = new int[n];
        for (var i = 0; i < n; i++)
            _items[i] = i;
        // Node k is the point at _items[k]: the vantage point of the subtree over _items[k..end).
        _thresholds = new double[n];
        _left = new int[n];
        _right = new int[n];
        var keys = new double[n];
        var random = new Random(seed);
        _root = Build(0, n, random, keys);
    }

    private int Build(int lower, int upper, Random random, double[] keys)
    {
        if (upper == lower)
            return -1;
        var node = lower;
        _left[node] = _right[node] = -1;
        if (upper - lower == 1)
            return node;
        var pick = lower + random.Next(upper - lower);
        (_items[lower], _items[pick]) = (_items[pick], _items[lower]);
        var vantage = _points[_items[lower]];
        for (var m = lower + 1; m < upper; m++)
            keys[m] = Math.Sqrt(Affinities.SquaredDistance(vantage, _points[_items[m]]));
        // A full sort of the range is O(n log n) per level, cheap next to the queries, and handles heavy ties (grid data).
        Array.Sort(keys, _items, lower + 1, upper - lower - 1);
        var median = (upper + lower) / 2;
        _thresholds[node] = keys[median];
        _left[node] = Build(lower + 1, median, random, keys);
        _right[node] = Build(median, upper, random, keys);
        return node;
    }

    /// <summary>The k nearest other points of every point: indices and squared distances, row-major N × k, nearest first.</summary>
    public (int[] Indices, double[] SquaredDistances) AllNeighbours(int k, ParallelOptions parallel)
    {
        var n = _points.Length;
        var indices = new int[n * k];
        var distances = new double[n * k];
        Parallel.ForEach(Partitioner.Create(0, n, 64), parallel, range =>
        {
            var heapIndex = new int[k];
            var heapDistance = new double[k];
            for (var i = range.Item1; i < range.Item2; i++)
            {
                var size = 0;
                var tau = double.PositiveInfinity;
                Search(_root, i, k, heapIndex, heapDistance, ref size, ref tau);
                // Pop the max-heap from the back so the row is sorted nearest first.
                for (var m = size - 1; m >= 0; m--)
                {
                    indices[(i * k) + m] = heapIndex[0];
                    distances[(i * k) + m] = heapDistance[0] * heapDistance[0];
                    PopHeap(heapIndex, heapDistance, ref size);
                }
            }
        });
        return (indices, distances);
    }

    private void Search(int node, int query, int k, int[] heapIndex, double[] heapDistance, ref int size, ref double tau)
    {
        if (node < 0)
            return;
        var item = _items[node];
        var distance = Math.Sqrt(Affinities.SquaredDistance(_points[item], _points[query]));
        if (item != query && distance < tau)
        {
            if (size == k)
                PopHeap(heapIndex, heapDistance, ref size);
            PushHeap(heapIndex, heapDistance, ref size, item, distance);
            if (size == k)
                tau = heapDistance[0];
        }

        var threshold = _thresholds[node];
        if (distance < threshold)
        {
            if (distance - tau <= threshold)
                Search(_left[node], query, k, heapIndex, heapDistance, ref size, ref tau);
            if (distance + tau >= threshold)
                Search(_right[node], query, k, heapIndex, heapDistance, ref size, ref tau);
        }
        else
        {
            if (distance + tau >= threshold)
                Search(_right[node], query, k, heapIndex, heapDistance, ref size, ref tau);
            if (distance - tau <= threshold)
                Search(_left[node], query, k, heapIndex, heapDistance, ref size, ref tau);
        }
    }

    private static void PushHeap(int[] index, double[] distance, ref int size, int item, double value)
    {
        var child = size++;
        while (child > 0)
        {
            var parent = (child - 1) / 2;
            if (distance[parent] >= value)
                break;
            index[child] = index[parent];
            distance[child] = distance[parent];
            child = parent;
        }

        index[child] = item;
        distance[child] = value;
    }

    private static void PopHeap(int[] index, double[] distance, ref int size)
    {
        var last = --size;
        var item = index[last];
        var value = distance[last];
        var parent = 0;
        while (true)
        {
            var child = (2 * parent) + 1;
            if (child >= size)
                break;
            if (child + 1 < size && distance[child + 1] > distance[child])
                child++;
            if (distance[child] <= value)
                break;
            index[parent] = index[child];
            distance[parent] = distance[child];
            parent = child;
        }

        if (size > 0)
        {
            index[parent] = item;
            distance[parent] = value;
        }
    }
}
