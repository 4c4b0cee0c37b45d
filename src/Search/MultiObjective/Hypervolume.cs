namespace Apollo.Search.MultiObjective;

/// <summary>
/// The dominated hypervolume (the S-metric of Zitzler &amp; Thiele, "Multiobjective Optimization Using
/// Evolutionary Algorithms — A Comparative Case Study", PPSN 1998) of a set of objective vectors.
/// <para>
/// Convention: objectives are <b>maximized</b> (as in <see cref="Pareto"/>), and the reference point
/// is a lower corner: the hypervolume is the volume of the union of the boxes
/// [reference, p] over the points p. A point that is not strictly above the reference in every
/// objective adds nothing (its box is empty), so such points may be passed and are ignored; dominated
/// and repeated points are allowed and change nothing. A study that minimizes f passes −f and −r,
/// e.g. ZDT's reference (1.1, 1.1) becomes (−1.1, −1.1).
/// </para>
/// <para>
/// Exact in every dimension. 1-D: the largest gap. 2-D: a sort and one sweep, O(n log n). 3-D: the
/// dimension sweep of Fonseca, Paquete and López-Ibáñez, "An Improved Dimension-Sweep Algorithm for
/// the Hypervolume Indicator", IEEE CEC 2006 (HV3D): points in decreasing third objective are inserted
/// into a 2-D staircase whose area is updated incrementally; the staircase is a sorted array
/// (binary search, O(log n) comparisons per point; insertion moves at most n entries, a memmove
/// that stays well under a millisecond for tens of thousands of points). 4-D and more: slicing along
/// the last objective (Zitzler's HSO), each slice by the (d−1)-D method — exponential in d, meant for
/// a few objectives and modest fronts.
/// </para>
/// </summary>
public static class Hypervolume
{
    /// <summary>The volume dominated by <paramref name="points"/> above <paramref name="reference"/> (maximization); 0 for no points.</summary>
    /// <exception cref="ArgumentException">A point's length differs from the reference's, or a value is not finite.</exception>
    public static double Of(IReadOnlyList<IReadOnlyList<double>> points, IReadOnlyList<double> reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var r = Pareto.Check([reference])[0];
        var p = Pareto.Check(points, r.Length);

        // Shift to an origin reference and drop the points whose box is empty.
        var shifted = new List<double[]>(p.Length);
        foreach (var v in p)
        {
            var u = new double[v.Length];
            var inside = true;
            for (var m = 0; m < u.Length && inside; m++)
            {
                u[m] = v[m] - r[m];
                inside = u[m] > 0;
            }

            if (inside)
            {
                shifted.Add(u);
            }
        }

        return Volume(shifted, r.Length);
    }

    /// <summary>Volume of the union of boxes [0, u] (every u &gt; 0) in the first <paramref name="d"/> coordinates.</summary>
    private static double Volume(List<double[]> u, int d) => d switch
    {
        _ when u.Count == 0 => 0,
        1 => u.Max(v => v[0]),
        2 => Area(u),
        3 => Volume3(u),
        _ => Sliced(u, d),
    };

    /// <summary>2-D sweep: in decreasing x, each point adds the strip of y it raises the staircase by, at width x.</summary>
    private static double Area(List<double[]> u)
    {
        var sorted = u.OrderByDescending(v => v[0]).ThenByDescending(v => v[1]).ToList();
        var area = 0.0;
        var height = 0.0;
        foreach (var v in sorted)
        {
            if (v[1] > height)
            {
                area += v[0] * (v[1] - height);
                height = v[1];
            }
        }

        return area;
    }

    /// <summary>HV3D (Fonseca et al. 2006): sweep z downwards over a 2-D staircase whose area is kept up to date.</summary>
    private static double Volume3(List<double[]> u)
    {
        var sorted = u.OrderByDescending(v => v[2]).ToList();
        var staircase = new Staircase(sorted.Count);
        var volume = 0.0;
        for (var i = 0; i < sorted.Count; i++)
        {
            staircase.Insert(sorted[i][0], sorted[i][1]);
            var below = i + 1 < sorted.Count ? sorted[i + 1][2] : 0.0;
            volume += staircase.Area * (sorted[i][2] - below);
        }

        return volume;
    }

    /// <summary>HSO: slabs between consecutive values of the last objective, each the (d−1)-D volume of the points above it.</summary>
    private static double Sliced(List<double[]> u, int d)
    {
        var sorted = u.OrderByDescending(v => v[d - 1]).ToList();
        var above = new List<double[]>(sorted.Count);
        var volume = 0.0;
        for (var i = 0; i < sorted.Count; i++)
        {
            above.Add(sorted[i]);
            var below = i + 1 < sorted.Count ? sorted[i + 1][d - 1] : 0.0;
            var thickness = sorted[i][d - 1] - below;
            if (thickness > 0)
            {
                volume += Volume(above, d - 1) * thickness;
            }
        }

        return volume;
    }

    /// <summary>
    /// The non-dominated points of a 2-D set (maximization, origin reference) in increasing x (so
    /// decreasing y), and the area they dominate.
    /// </summary>
    private sealed class Staircase(int capacity)
    {
        private readonly List<double> _x = new(capacity);
        private readonly List<double> _y = new(capacity);

        public double Area { get; private set; }

        public void Insert(double x, double y)
        {
            // First entry with x' >= x: among those it has the largest y', so it alone decides dominance.
            var i = LowerBound(x);
            if (i < _x.Count && _y[i] >= y)
            {
                return;
            }

            // Height of the staircase just right of x: the first entry with x' > x (an entry at x' = x is dominated).
            var right = i < _x.Count && _x[i] == x ? i + 1 : i;
            var height = right < _x.Count ? _y[right] : 0.0;

            // Walk left over the entries with x' <= x: add the area between them and the new point,
            // removing those the new point dominates (y' <= y).
            var added = 0.0;
            var edge = x;
            var m = right - 1;
            while (m >= 0 && _y[m] <= y)
            {
                added += (edge - _x[m]) * (y - height);
                edge = _x[m];
                height = _y[m];
                m--;
            }

            added += (edge - (m >= 0 ? _x[m] : 0.0)) * (y - height);
            _x.RemoveRange(m + 1, right - m - 1);
            _y.RemoveRange(m + 1, right - m - 1);
            _x.Insert(m + 1, x);
            _y.Insert(m + 1, y);
            Area += added;
        }

        private int LowerBound(double x)
        {
            int lo = 0, hi = _x.Count;
            while (lo < hi)
            {
                var mid = (lo + hi) >>> 1;
                if (_x[mid] < x)
                {
                    lo = mid + 1;
                }
                else
                {
                    hi = mid;
                }
            }

            return lo;
        }
    }
}
