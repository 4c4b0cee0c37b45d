namespace Apollo.Search.Optimizers.Gp;

/// <summary>
/// Numerically stable log expected improvement (Ament et al., "Unexpected Improvements to Expected
/// Improvement for Bayesian Optimization", NeurIPS 2023): log EI = log σ + log h(z), h(z) = z Φ(z) + φ(z),
/// z = (μ − f*)/σ. For z ≪ 0 the direct formula cancels catastrophically, so h is written as
/// φ(z)·(1 − t·M(t)), t = −z, with the Mills ratio M evaluated by a continued fraction, and by its
/// asymptotic series far in the tail.
/// </summary>
internal static class LogEi
{
    private static readonly double LogSqrt2Pi = 0.5 * Math.Log(2 * Math.PI);

    public static double Value(double mean, double sigma, double incumbent)
    {
        if (!(sigma > 1e-12))
        {
            var improvement = mean - incumbent;
            return improvement > 0 ? Math.Log(improvement) : double.NegativeInfinity;
        }

        return Math.Log(sigma) + LogH((mean - incumbent) / sigma);
    }

    /// <summary>log(z Φ(z) + φ(z)).</summary>
    public static double LogH(double z)
    {
        if (z > -3)
        {
            return Math.Log(z * Phi(z) + Math.Exp(LogPhiDensity(z)));
        }

        var t = -z;
        double g; // 1 − t M(t) ∈ (0, 1/t²)
        if (t < 12)
        {
            g = 1 - t * MillsRatio(t);
        }
        else
        {
            var u = 1 / (t * t);
            g = u * (1 - u * (3 - u * (15 - u * (105 - u * 945))));
        }

        return LogPhiDensity(z) + Math.Log(g);
    }

    public static double LogPhiDensity(double z) => -0.5 * z * z - LogSqrt2Pi;

    /// <summary>Standard normal CDF.</summary>
    public static double Phi(double z) => 0.5 * MathNet.Numerics.SpecialFunctions.Erfc(-z / Math.Sqrt(2));

    /// <summary>log Φ(z), stable for very negative z.</summary>
    public static double LogPhi(double z) => z > -5 ? Math.Log(Phi(z)) : LogPhiDensity(z) + Math.Log(MillsRatio(-z));

    /// <summary>M(t) = (1 − Φ(t))/φ(t) for t ≥ 0 by Lentz's continued fraction 1/(t+1/(t+2/(t+…))).</summary>
    public static double MillsRatio(double t)
    {
        if (t < 3)
        {
            return 0.5 * MathNet.Numerics.SpecialFunctions.Erfc(t / Math.Sqrt(2)) / Math.Exp(LogPhiDensity(t));
        }

        const double tiny = 1e-300;
        var f = t;
        var c = t;
        var d = 0.0;
        for (var k = 1; k < 200; k++)
        {
            d = t + k * d;
            d = Math.Abs(d) < tiny ? tiny : d;
            c = t + k / c;
            c = Math.Abs(c) < tiny ? tiny : c;
            d = 1 / d;
            var delta = c * d;
            f *= delta;
            if (Math.Abs(delta - 1) < 1e-16)
            {
                break;
            }
        }

        return 1 / f;
    }
}
