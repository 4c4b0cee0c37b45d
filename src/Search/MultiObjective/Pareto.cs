namespace Apollo.Search.MultiObjective;

/// <summary>
/// Pareto dominance, non-dominated sorting and crowding distance over objective vectors.
/// <para>
/// Convention (the same in all of <c>Apollo.Search.MultiObjective</c>): every objective is
/// <b>maximized</b>. A study that minimizes something (area, energy, ZDT's f1 and f2) passes its
/// negation. a dominates b when a ≥ b in every objective and a &gt; b in at least one; equal vectors
/// do not dominate each other.
/// </para>
/// <para>
/// Non-dominated sorting is the fast non-dominated sort and crowding distance the one of Deb, Pratap,
/// Agarwal and Meyarivan, "A Fast and Elitist Multiobjective Genetic Algorithm: NSGA-II", IEEE
/// Transactions on Evolutionary Computation 6(2), 2002. All results depend only on the values and
/// their order in the input (ties keep input order), never on hashing.
/// </para>
/// </summary>
public static class Pareto
{
    /// <summary>True when <paramref name="a"/> is at least as good as <paramref name="b"/> everywhere and better somewhere (maximization).</summary>
    /// <exception cref="ArgumentException">The vectors have different lengths.</exception>
    public static bool Dominates(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Count != b.Count)
        {
            throw new ArgumentException($"Objective vectors of lengths {a.Count} and {b.Count} cannot be compared.", nameof(b));
        }

        var better = false;
        for (var m = 0; m < a.Count; m++)
        {
            if (a[m] < b[m])
            {
                return false;
            }

            better |= a[m] > b[m];
        }

        return better;
    }

    /// <summary>
    /// The fast non-dominated sort (Deb et al. 2002, O(M·N²)): front 0 holds the indices of the
    /// points no other point dominates, front k those dominated only by points of fronts &lt; k.
    /// Each front lists indices in increasing order; every index appears in exactly one front.
    /// </summary>
    /// <exception cref="ArgumentException">The points have different lengths or a value is not finite.</exception>
    public static IReadOnlyList<IReadOnlyList<int>> NonDominatedSort(IReadOnlyList<IReadOnlyList<double>> points)
    {
        var p = Check(points);
        var n = p.Length;
        var dominatedBy = new int[n]; // n_p: how many points dominate p
        var dominates = new List<int>[n]; // S_p: the points p dominates
        for (var i = 0; i < n; i++)
        {
            dominates[i] = [];
        }

        for (var i = 0; i < n; i++)
        {
            for (var j = i + 1; j < n; j++)
            {
                switch (Compare(p[i], p[j]))
                {
                    case > 0:
                        dominates[i].Add(j);
                        dominatedBy[j]++;
                        break;
                    case < 0:
                        dominates[j].Add(i);
                        dominatedBy[i]++;
                        break;
                }
            }
        }

        var fronts = new List<IReadOnlyList<int>>();
        var current = Enumerable.Range(0, n).Where(i => dominatedBy[i] == 0).ToList();
        while (current.Count > 0)
        {
            fronts.Add(current);
            var next = new List<int>();
            foreach (var i in current)
            {
                foreach (var j in dominates[i])
                {
                    if (--dominatedBy[j] == 0)
                    {
                        next.Add(j);
                    }
                }
            }

            next.Sort();
            current = next;
        }

        return fronts;
    }

    /// <summary>Indices (increasing) of the points no other point dominates: front 0 of <see cref="NonDominatedSort"/>.</summary>
    /// <exception cref="ArgumentException">The points have different lengths or a value is not finite.</exception>
    public static IReadOnlyList<int> NonDominated(IReadOnlyList<IReadOnlyList<double>> points)
    {
        var p = Check(points);
        var result = new List<int>();
        for (var i = 0; i < p.Length; i++)
        {
            var dominated = false;
            for (var j = 0; j < p.Length && !dominated; j++)
            {
                dominated = j != i && Compare(p[j], p[i]) > 0;
            }

            if (!dominated)
            {
                result.Add(i);
            }
        }

        return result;
    }

    /// <summary>
    /// Crowding distance (Deb et al. 2002) of each member of <paramref name="front"/>, in the order of
    /// <paramref name="front"/>: for every objective the members are sorted by it (ties by position in
    /// <paramref name="front"/>), the two extremes get +∞ and each other member adds the gap between
    /// its two neighbours divided by the objective's range on the front (nothing when the range is 0).
    /// Fronts of one or two members are all +∞.
    /// </summary>
    /// <exception cref="ArgumentException">The points have different lengths, a value is not finite, or an index is out of range.</exception>
    public static double[] CrowdingDistance(IReadOnlyList<IReadOnlyList<double>> points, IReadOnlyList<int> front)
    {
        var p = Check(points);
        ArgumentNullException.ThrowIfNull(front);
        var k = front.Count;
        var distance = new double[k];
        if (k == 0)
        {
            return distance;
        }

        foreach (var i in front)
        {
            if (i < 0 || i >= p.Length)
            {
                throw new ArgumentException($"Front index {i} is outside the {p.Length} points.", nameof(front));
            }
        }

        var objectives = p[front[0]].Length;
        var order = new int[k];
        for (var m = 0; m < objectives; m++)
        {
            for (var i = 0; i < k; i++)
            {
                order[i] = i;
            }

            var objective = m;
            Array.Sort(order, (a, b) =>
            {
                var c = p[front[a]][objective].CompareTo(p[front[b]][objective]);
                return c != 0 ? c : a.CompareTo(b);
            });
            distance[order[0]] = double.PositiveInfinity;
            distance[order[k - 1]] = double.PositiveInfinity;
            var range = p[front[order[k - 1]]][m] - p[front[order[0]]][m];
            if (range <= 0)
            {
                continue;
            }

            for (var i = 1; i < k - 1; i++)
            {
                distance[order[i]] += (p[front[order[i + 1]]][m] - p[front[order[i - 1]]][m]) / range;
            }
        }

        return distance;
    }

    /// <summary>+1 when a dominates b, −1 when b dominates a, 0 otherwise (maximization).</summary>
    private static int Compare(double[] a, double[] b)
    {
        var aBetter = false;
        var bBetter = false;
        for (var m = 0; m < a.Length; m++)
        {
            if (a[m] > b[m])
            {
                aBetter = true;
            }
            else if (a[m] < b[m])
            {
                bBetter = true;
            }
        }

        return aBetter == bBetter ? 0 : aBetter ? 1 : -1;
    }

    /// <summary>Copies the points to arrays after checking one length and finite values.</summary>
    internal static double[][] Check(IReadOnlyList<IReadOnlyList<double>> points, int? dimensions = null)
    {
        ArgumentNullException.ThrowIfNull(points);
        var result = new double[points.Count][];
        for (var i = 0; i < points.Count; i++)
        {
            var v = points[i] ?? throw new ArgumentException($"Point {i} is null.", nameof(points));
            dimensions ??= v.Count;
            if (v.Count != dimensions || v.Count == 0)
            {
                throw new ArgumentException($"Point {i} has {v.Count} objectives; expected {dimensions} (at least 1).", nameof(points));
            }

            var a = new double[v.Count];
            for (var m = 0; m < a.Length; m++)
            {
                a[m] = double.IsFinite(v[m]) ? v[m] : throw new ArgumentException($"Point {i} has a non-finite objective {v[m]}.", nameof(points));
            }

            result[i] = a;
        }

        return result;
    }
}
