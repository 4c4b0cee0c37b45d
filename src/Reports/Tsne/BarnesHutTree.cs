namespace Apollo.Reports.Tsne;

/// <summary>
/// The 2^d-ary space-partitioning tree of Barnes-Hut t-SNE (a quadtree in 2-D, an octree in 3-D; van der Maaten 2014, §4.2;
/// scikit-learn's <c>_quad_tree</c>). Each cell keeps its point count and centre of mass; the repulsive force on a point
/// from a cell of side w at squared distance d² from its centre of mass is taken as that of one heavy point when
/// w² &lt; θ²·d². Leaves hold up to <see cref="LeafCapacity"/> points (or coincident points), which are summed exactly.
/// Rebuilt every iteration, sequentially, so its layout depends only on the positions.
/// </summary>
internal sealed class BarnesHutTree
{
    private const int LeafCapacity = 4;
    private const int MaxDepth = 48;

    private readonly int _dims;
    private readonly int _slots;
    private int[] _order = [];
    private int[] _scratch = [];
    private byte[] _codes = [];
    private double[] _centres = [];
    private int _nodeCount;

    // Per cell: centre of mass, squared side, point count, range into _order, first child and number of children.
    private double[] _mass = [];
    private double[] _squaredWidth = [];
    private int[] _count = [];
    private int[] _start = [];
    private int[] _firstChild = [];
    private int[] _childCount = [];

    public BarnesHutTree(int dims)
    {
        if (dims is < 1 or > 3)
            throw new ArgumentOutOfRangeException(nameof(dims), dims, "Barnes-Hut t-SNE supports 1 to 3 embedding dimensions.");
        _dims = dims;
        _slots = 1 << dims;
    }

    public int NodeCount => _nodeCount;

    /// <summary>Point indices in depth-first cell order (valid after <see cref="Build"/>).</summary>
    public ReadOnlySpan<int> Order => _order;

    /// <summary>Builds the tree over row-major positions (N × dims).</summary>
    public void Build(double[] positions, int n)
    {
        if (_order.Length != n)
        {
            _order = new int[n];
            _scratch = new int[n];
            _codes = new byte[n];
            _centres = new double[(MaxDepth + 2) * _dims];
            Grow(Math.Max(16, 2 * n));
        }

        for (var i = 0; i < n; i++)
            _order[i] = i;
        Span<double> low = stackalloc double[_dims];
        Span<double> high = stackalloc double[_dims];
        low.Fill(double.PositiveInfinity);
        high.Fill(double.NegativeInfinity);
        for (var i = 0; i < n; i++)
        {
            for (var d = 0; d < _dims; d++)
            {
                low[d] = Math.Min(low[d], positions[(i * _dims) + d]);
                high[d] = Math.Max(high[d], positions[(i * _dims) + d]);
            }
        }

        double side = 0;
        for (var d = 0; d < _dims; d++)
        {
            side = Math.Max(side, high[d] - low[d]);
            _centres[d] = (low[d] + high[d]) / 2;
        }

        // Slightly larger than the bounding box so that the extreme points fall strictly inside.
        side = (side * (1 + 1e-6)) + 1e-12;
        _nodeCount = 1;
        BuildNode(positions, 0, 0, n, side, 0);
    }

    private void BuildNode(double[] positions, int node, int start, int end, double side, int depth)
    {
        var count = end - start;
        _count[node] = count;
        _start[node] = start;
        _squaredWidth[node] = side * side;
        _firstChild[node] = -1;
        _childCount[node] = 0;
        var massOffset = node * _dims;
        for (var d = 0; d < _dims; d++)
            _mass[massOffset + d] = 0;
        for (var m = start; m < end; m++)
        {
            var p = _order[m] * _dims;
            for (var d = 0; d < _dims; d++)
                _mass[massOffset + d] += positions[p + d];
        }

        for (var d = 0; d < _dims; d++)
            _mass[massOffset + d] /= count;
        if (count <= LeafCapacity || depth >= MaxDepth || AllCoincide(positions, start, end))
            return;

        // Counting sort of the cell's points into its 2^d children by the side of the centre they lie on.
        var centre = depth * _dims;
        Span<int> childSizes = stackalloc int[_slots];
        for (var m = start; m < end; m++)
        {
            var p = _order[m] * _dims;
            var code = 0;
            for (var d = 0; d < _dims; d++)
            {
                if (positions[p + d] > _centres[centre + d])
                    code |= 1 << d;
            }

            _codes[m] = (byte)code;
            childSizes[code]++;
        }

        Span<int> childStart = stackalloc int[_slots + 1];
        childStart[0] = start;
        for (var c = 0; c < _slots; c++)
            childStart[c + 1] = childStart[c] + childSizes[c];
        Span<int> cursor = stackalloc int[_slots];
        childStart[.._slots].CopyTo(cursor);
        for (var m = start; m < end; m++)
            _scratch[cursor[_codes[m]]++] = _order[m];
        Array.Copy(_scratch, start, _order, start, count);

        var children = 0;
        for (var c = 0; c < _slots; c++)
        {
            if (childSizes[c] > 0)
                children++;
        }

        if (_nodeCount + children > _count.Length)
            Grow(2 * (_nodeCount + children));
        var first = _nodeCount;
        _nodeCount += children;
        _firstChild[node] = first;
        _childCount[node] = children;
        var half = side / 2;
        var childCentre = (depth + 1) * _dims;
        var child = first;
        for (var c = 0; c < _slots; c++)
        {
            if (childSizes[c] == 0)
                continue;
            for (var d = 0; d < _dims; d++)
                _centres[childCentre + d] = _centres[centre + d] + ((c & (1 << d)) != 0 ? half / 2 : -half / 2);
            BuildNode(positions, child++, childStart[c], childStart[c + 1], half, depth + 1);
        }
    }

    private bool AllCoincide(double[] positions, int start, int end)
    {
        var first = _order[start] * _dims;
        for (var m = start + 1; m < end; m++)
        {
            var p = _order[m] * _dims;
            for (var d = 0; d < _dims; d++)
            {
                if (positions[p + d] != positions[first + d])
                    return false;
            }
        }

        return true;
    }

    private void Grow(int capacity)
    {
        Array.Resize(ref _mass, capacity * _dims);
        Array.Resize(ref _squaredWidth, capacity);
        Array.Resize(ref _count, capacity);
        Array.Resize(ref _start, capacity);
        Array.Resize(ref _firstChild, capacity);
        Array.Resize(ref _childCount, capacity);
    }

    /// <summary>Stack size a traversal needs.</summary>
    public int StackSize => ((MaxDepth + 2) * _slots) + 1;

    /// <summary>
    /// Repulsion on point i: adds Σ_j w_ij² (y_i − y_j) to <paramref name="force"/> and returns Σ_j w_ij (j ≠ i), where
    /// w_ij = (1 + |y_i − y_j|² / dof)^(−(dof+1)/2) and far cells count as their centre of mass times their size.
    /// </summary>
    public double Repulsion(double[] positions, int i, double squaredTheta, double dof, Span<double> force, int[] stack)
    {
        if (_dims == 2 && dof == 1)
            return Repulsion2D(positions, i, squaredTheta, force, stack);
        var dims = _dims;
        var exponent = (dof + 1) / 2;
        var studentOne = dof == 1;
        var p = i * dims;
        double sumQ = 0;
        var top = 0;
        stack[top++] = 0;
        Span<double> delta = stackalloc double[dims];
        while (top > 0)
        {
            var node = stack[--top];
            var children = _childCount[node];
            if (children == 0)
            {
                // Leaf: exact sum over its few points, skipping i itself.
                var end = _start[node] + _count[node];
                for (var m = _start[node]; m < end; m++)
                {
                    var j = _order[m];
                    if (j == i)
                        continue;
                    var q = j * dims;
                    double d2 = 0;
                    for (var d = 0; d < dims; d++)
                    {
                        delta[d] = positions[p + d] - positions[q + d];
                        d2 += delta[d] * delta[d];
                    }

                    var w = studentOne ? 1 / (1 + d2) : Math.Pow(dof / (dof + d2), exponent);
                    sumQ += w;
                    var w2 = w * w;
                    for (var d = 0; d < dims; d++)
                        force[d] += w2 * delta[d];
                }

                continue;
            }

            var c = node * dims;
            double dist2 = 0;
            for (var d = 0; d < dims; d++)
            {
                delta[d] = positions[p + d] - _mass[c + d];
                dist2 += delta[d] * delta[d];
            }

            if (_squaredWidth[node] < squaredTheta * dist2)
            {
                var size = _count[node];
                var w = studentOne ? 1 / (1 + dist2) : Math.Pow(dof / (dof + dist2), exponent);
                sumQ += size * w;
                var mult = size * w * w;
                for (var d = 0; d < dims; d++)
                    force[d] += mult * delta[d];
            }
            else
            {
                // Push in reverse so children are visited in order (any fixed order keeps results deterministic).
                var first = _firstChild[node];
                for (var k = children - 1; k >= 0; k--)
                    stack[top++] = first + k;
            }
        }

        return sumQ;
    }

    /// <summary>The same traversal unrolled for the common case (2-D, one degree of freedom); identical arithmetic.</summary>
    private double Repulsion2D(double[] positions, int i, double squaredTheta, Span<double> force, int[] stack)
    {
        double x = positions[2 * i], y = positions[(2 * i) + 1];
        double sumQ = 0, fx = 0, fy = 0;
        var mass = _mass;
        var squaredWidth = _squaredWidth;
        var childCount = _childCount;
        var count = _count;
        var top = 0;
        stack[top++] = 0;
        while (top > 0)
        {
            var node = stack[--top];
            var children = childCount[node];
            if (children == 0)
            {
                var end = _start[node] + count[node];
                for (var m = _start[node]; m < end; m++)
                {
                    var j = _order[m];
                    if (j == i)
                        continue;
                    var dx = x - positions[2 * j];
                    var dy = y - positions[(2 * j) + 1];
                    var w = 1 / (1 + ((dx * dx) + (dy * dy)));
                    sumQ += w;
                    var w2 = w * w;
                    fx += w2 * dx;
                    fy += w2 * dy;
                }

                continue;
            }

            var cx = x - mass[2 * node];
            var cy = y - mass[(2 * node) + 1];
            var dist2 = (cx * cx) + (cy * cy);
            if (squaredWidth[node] < squaredTheta * dist2)
            {
                var size = count[node];
                var q = 1 / (1 + dist2);
                sumQ += size * q;
                var mult = size * q * q;
                fx += mult * cx;
                fy += mult * cy;
            }
            else
            {
                var first = _firstChild[node];
                for (var k = children - 1; k >= 0; k--)
                    stack[top++] = first + k;
            }
        }

        force[0] += fx;
        force[1] += fy;
        return sumQ;
    }
}
