using System.Runtime.Intrinsics;

namespace Apollo.Search.Optimizers.Gp;

/// <summary>
/// The few dense kernels the GP needs, on row-major arrays. Reductions use a fixed lane width
/// (Vector256, which has a bit-identical software fallback) and a fixed summation order, so that
/// results do not depend on the machine's vector width — a resumed study must replay exactly.
/// </summary>
internal static class DenseMath
{
    public static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var n = a.Length;
        var acc0 = Vector256<double>.Zero;
        var acc1 = Vector256<double>.Zero;
        var i = 0;
        for (; i + 8 <= n; i += 8)
        {
            acc0 += Vector256.Create(a.Slice(i, 4)) * Vector256.Create(b.Slice(i, 4));
            acc1 += Vector256.Create(a.Slice(i + 4, 4)) * Vector256.Create(b.Slice(i + 4, 4));
        }

        var acc = acc0 + acc1;
        var s = acc[0] + acc[1] + acc[2] + acc[3];
        for (; i < n; i++)
        {
            s += a[i] * b[i];
        }

        return s;
    }

    /// <summary>y -= alpha * x.</summary>
    public static void SubtractScaled(Span<double> y, double alpha, ReadOnlySpan<double> x)
    {
        var n = y.Length;
        var va = Vector256.Create(alpha);
        var i = 0;
        for (; i + 4 <= n; i += 4)
        {
            (Vector256.Create(y.Slice(i, 4)) - va * Vector256.Create(x.Slice(i, 4))).CopyTo(y.Slice(i, 4));
        }

        for (; i < n; i++)
        {
            y[i] -= alpha * x[i];
        }
    }

    /// <summary>
    /// In-place lower Cholesky of the leading n×n block of a row-major matrix with row stride
    /// <paramref name="stride"/> (only the lower triangle is read and written). False when the
    /// matrix is not numerically positive definite.
    /// </summary>
    public static bool Cholesky(double[] a, int n, int stride)
    {
        for (var j = 0; j < n; j++)
        {
            var rowJ = a.AsSpan(j * stride, j);
            var d = a[j * stride + j] - Dot(rowJ, rowJ);
            if (!(d > 0) || !double.IsFinite(d))
            {
                return false;
            }

            var ljj = Math.Sqrt(d);
            a[j * stride + j] = ljj;
            for (var i = j + 1; i < n; i++)
            {
                a[i * stride + j] = (a[i * stride + j] - Dot(a.AsSpan(i * stride, j), rowJ)) / ljj;
            }
        }

        return true;
    }

    /// <summary>Solves L v = b in place (b becomes v) for the leading n×n lower factor.</summary>
    public static void ForwardSolve(double[] l, int n, int stride, Span<double> b)
    {
        for (var i = 0; i < n; i++)
        {
            b[i] = (b[i] - Dot(l.AsSpan(i * stride, i), b[..i])) / l[i * stride + i];
        }
    }

    /// <summary>Solves Lᵀ x = b in place for the leading n×n lower factor.</summary>
    public static void BackSolve(double[] l, int n, int stride, Span<double> b)
    {
        for (var i = n - 1; i >= 0; i--)
        {
            b[i] /= l[i * stride + i];
            SubtractScaled(b[..i], b[i], l.AsSpan(i * stride, i));
        }
    }

    /// <summary>K⁻¹ (full, row-major n×n) from its lower Cholesky factor.</summary>
    public static double[] InverseFromCholesky(double[] l, int n, int stride)
    {
        // Column i of K⁻¹ solves K x = e_i; n solves of O(n²) each.
        var inv = new double[n * n];
        var col = new double[n];
        for (var i = 0; i < n; i++)
        {
            Array.Clear(col);
            col[i] = 1;
            ForwardSolve(l, n, stride, col);
            BackSolve(l, n, stride, col);
            for (var r = 0; r < n; r++)
            {
                inv[r * n + i] = col[r];
            }
        }

        return inv;
    }
}
