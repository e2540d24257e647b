using System;
using System.Linq;

namespace Losses.Properties.Infrastructure;

/// <summary>A reference value and the size of the terms it was summed from, which sets the rounding tolerance.</summary>
internal readonly record struct Reference(double Value, double Scale)
{
    public static Reference NaN => new(double.NaN, 0);
}

/// <summary>
/// The formulas of API.md and NUMERICS.md written out independently of the library, in double, for
/// one row or one element at a time, with the edge-case policy spelled out as explicit cases rather
/// than left to IEEE arithmetic:
/// <list type="bullet">
/// <item>NaN in an input gives NaN in the outputs that depend on it.</item>
/// <item>A row with +∞ logits is the limit in which those logits share the probability equally.</item>
/// <item>A row of only -∞ logits has no limit: NaN.</item>
/// <item>An exact zero factor (a zero label, 1 - z = 0, q·z = 0) times an infinite or undefined term is 0.</item>
/// <item>Differences that overflow double are taken in halves, so a true value inside the range is found.</item>
/// </list>
/// For float inputs this is a higher-precision evaluation; for double inputs it is the same precision
/// as the library but a different evaluation order and explicit limit cases (the 50-digit
/// <c>References/generate.py</c> suite checks the digits).
/// </summary>
internal static class LimitReference
{
    /// <summary>softmax of one row.</summary>
    public static double[] Softmax(ReadOnlySpan<double> x)
    {
        var p = new double[x.Length];
        if (HasNoLimit(x))
        {
            Array.Fill(p, double.NaN);
            return p;
        }

        int infinite = CountPositiveInfinity(x);
        if (infinite > 0)
        {
            for (int j = 0; j < x.Length; j++)
            {
                p[j] = double.IsPositiveInfinity(x[j]) ? 1.0 / infinite : 0;
            }

            return p;
        }

        double m = Max(x);
        double sum = 0;
        for (int j = 0; j < x.Length; j++)
        {
            sum += Math.Exp(Shift(x[j], m));
        }

        for (int j = 0; j < x.Length; j++)
        {
            p[j] = Math.Exp(Shift(x[j], m)) / sum;
        }

        return p;
    }

    /// <summary>
    /// How far rounding the shifted logits sⱼ = xⱼ - max to a type with unit ε can move softmax(x)ⱼ,
    /// in units of ε, relatively: |sⱼ| from sⱼ itself and Σₖ pₖ·|sₖ| through the row sum (finite rows).
    /// </summary>
    public static double[] SoftmaxConditioning(ReadOnlySpan<double> x)
    {
        double[] p = Softmax(x);
        double max = Max(x);
        double spread = 0;
        for (int j = 0; j < x.Length; j++)
        {
            spread += p[j] == 0 ? 0 : p[j] * Math.Abs(x[j] - max);
        }

        var result = new double[x.Length];
        for (int j = 0; j < x.Length; j++)
        {
            result[j] = Math.Abs(Shift(x[j], max)) + spread;
        }

        return result;
    }

    /// <summary>log softmax of one row.</summary>
    public static double[] LogSoftmax(ReadOnlySpan<double> x)
    {
        var result = new double[x.Length];
        if (HasNoLimit(x))
        {
            Array.Fill(result, double.NaN);
            return result;
        }

        int infinite = CountPositiveInfinity(x);
        if (infinite > 0)
        {
            for (int j = 0; j < x.Length; j++)
            {
                result[j] = double.IsPositiveInfinity(x[j]) ? -Math.Log(infinite) : double.NegativeInfinity;
            }

            return result;
        }

        double m = Max(x);
        double logSum = LogSumShifted(x, m);
        for (int j = 0; j < x.Length; j++)
        {
            // x_j - m may overflow to -∞ only when the true value is below -MaxValue: -∞ is its rounding.
            result[j] = Shift(x[j], m) - logSum;
        }

        return result;
    }

    /// <summary>ℓ = Σⱼ yⱼ·(lse - xⱼ) for one row, a zero label contributing exactly 0.</summary>
    public static Reference SoftmaxCrossEntropy(ReadOnlySpan<double> y, ReadOnlySpan<double> x)
    {
        if (HasNoLimit(x) || y.ToArray().Any(double.IsNaN))
        {
            return Reference.NaN;
        }

        int infinite = CountPositiveInfinity(x);
        double m = Max(x);
        double logSum = infinite > 0 ? Math.Log(infinite) : LogSumShifted(x, m);
        double value = 0;
        double scale = 0;
        for (int j = 0; j < x.Length; j++)
        {
            if (y[j] == 0)
            {
                continue;
            }

            double term;
            if (infinite > 0)
            {
                term = double.IsPositiveInfinity(x[j]) ? y[j] * logSum : y[j] * double.PositiveInfinity;
            }
            else if (double.IsNegativeInfinity(x[j]))
            {
                term = y[j] * double.PositiveInfinity;
            }
            else
            {
                // yⱼ·(log S + (m - xⱼ)), in halves when m - xⱼ overflows.
                double difference = m - x[j];
                term = double.IsInfinity(difference)
                    ? 2 * (y[j] * ((logSum / 2) + ((m / 2) - (x[j] / 2))))
                    : y[j] * (logSum + difference);
                scale += Math.Abs(y[j]) * (1 + logSum);
            }

            value += term;
            scale += Math.Abs(term);
        }

        return new Reference(value, scale);
    }

    /// <summary>∂(Σ ℓ)/∂xⱼ = (Σₖ yₖ)·pⱼ - yⱼ for one row.</summary>
    public static Reference[] SoftmaxCrossEntropyGradient(ReadOnlySpan<double> y, ReadOnlySpan<double> x)
    {
        double[] p = Softmax(x);
        double labelSum = 0;
        foreach (double label in y)
        {
            labelSum += label;
        }

        var gradient = new Reference[x.Length];
        for (int j = 0; j < x.Length; j++)
        {
            double product = labelSum * p[j];
            gradient[j] = new Reference(product - y[j], Math.Abs(product) + Math.Abs(y[j]) + Math.Abs(labelSum));
        }

        return gradient;
    }

    /// <summary>
    /// Weighted logistic loss of one element, split at x = 0 so that no infinity is subtracted:
    /// x ≥ 0: (1 - z)·x + c·ln(1 + e⁻ˣ); x &lt; 0: q·z·(-x) + c·ln(1 + eˣ); c = 1 + (q - 1)·z.
    /// With z = 0 the weight q does not enter at all (c = 1, q·z = 0).
    /// </summary>
    public static Reference LogisticCrossEntropy(double z, double x, double q)
    {
        if (double.IsNaN(z) || double.IsNaN(x))
        {
            return Reference.NaN;
        }

        double weighted = z == 0 ? 0 : q * z;
        double c = z == 0 ? 1 : 1 + ((q - 1) * z);
        double softplus = LogOnePlus(Math.Exp(-Math.Abs(x)));

        double linear = x >= 0 ? ZeroOr(1 - z, x) : ZeroOr(weighted, -x);
        double curved = ZeroOr(softplus, c);

        // The size of the terms as the library forms them: 1 - z and c = 1 + (q - 1)·z are rounded at the size of their parts.
        double linearSize = x >= 0 ? ZeroOr(1 + Math.Abs(z), Math.Abs(x)) : Math.Abs(linear);
        double curvedSize = ZeroOr(softplus, 1 + Math.Abs(ZeroOr(z, q - 1)));
        return new Reference(linear + curved, linearSize + curvedSize + Math.Abs(linear + curved));
    }

    /// <summary>
    /// ∂ℓ/∂x = c·σ(x) - q·z for one element, as ((1 - z)·a - q·z·b)/(1 + e) with e = e^-|x| and (a, b) = (1, e) for
    /// x ≥ 0, (e, 1) below: the same value with c - q·z = 1 - z taken exactly, so that its size is that of its two terms
    /// and a confident prediction's small gradient is not lost to the rounding of σ(x) near 1. With z = 0 the weight
    /// q does not enter; an infinite label gives the limit, ∓∞ (NaN where it meets an infinite logit).
    /// </summary>
    public static Reference LogisticCrossEntropyGradient(double z, double x, double q)
    {
        if (double.IsNaN(z) || double.IsNaN(x))
        {
            return Reference.NaN;
        }

        double weighted = z == 0 ? 0 : q * z;
        double e = Math.Exp(-Math.Abs(x));
        double a = x >= 0 ? 1 : e;
        double b = x >= 0 ? e : 1;
        double positive = (1 - z) * a / (1 + e);
        double negative = weighted * b / (1 + e);
        return new Reference(positive - negative, Math.Abs(positive) + Math.Abs(negative));
    }

    public static double Sigmoid(double x)
        => double.IsNaN(x) ? double.NaN : x >= 0 ? 1 / (1 + Math.Exp(-x)) : Math.Exp(x) / (1 + Math.Exp(x));

    /// <summary>-Σⱼ yⱼ·ln pⱼ for one row, a zero label contributing exactly 0 (0·ln 0 = 0).</summary>
    public static Reference CrossEntropy(ReadOnlySpan<double> y, ReadOnlySpan<double> p)
    {
        double value = 0;
        double scale = 0;
        for (int j = 0; j < p.Length; j++)
        {
            if (y[j] == 0)
            {
                continue;
            }

            double term = -y[j] * Math.Log(p[j]);
            value += term;
            scale += Math.Abs(term) + Math.Abs(y[j]);
        }

        return new Reference(value, scale);
    }

    /// <summary>-yⱼ/pⱼ, 0 where yⱼ = 0.</summary>
    public static Reference CrossEntropyGradient(double y, double p)
        => y == 0 ? new Reference(0, 0) : new Reference(-y / p, Math.Abs(y / p));

    /// <summary>The three regression losses of one batch, with the errors scaled so that nothing overflows before the result.</summary>
    public static (double MeanSquared, double RootMeanSquared, double MeanAbsolute) Regression(ReadOnlySpan<double> y, ReadOnlySpan<double> p)
    {
        int n = p.Length;
        var (errors, factor, infinite, undefined) = Errors(y, p);
        if (undefined)
        {
            return (double.NaN, double.NaN, double.NaN);
        }

        if (infinite > 0)
        {
            return (double.PositiveInfinity, double.PositiveInfinity, double.PositiveInfinity);
        }

        double largest = errors.Max(Math.Abs);
        if (largest == 0)
        {
            return (0, 0, 0);
        }

        double meanAbsolute = factor * largest * (CompensatedSum(errors.Select(e => Math.Abs(e) / largest)) / n);
        if (factor == 1 && largest < 1e150)
        {
            // No square overflows: sum the squares of the differences with compensation.
            double meanSquared = CompensatedSum(errors.Select(e => e * e)) / n;
            return (meanSquared, Math.Sqrt(meanSquared), meanAbsolute);
        }

        double root = factor * largest * Math.Sqrt(CompensatedSum(errors.Select(e => (e / largest) * (e / largest))) / n);
        return (root * root, root, meanAbsolute);
    }

    /// <summary>
    /// The gradients of the three regression losses with respect to p. MSE: 2·eₖ/n; MAE: sign(eₖ)/n
    /// (0 at eₖ = 0); RMSE: eₖ/(n·RMSE), 0 when RMSE = 0, and for one infinite error eₖ its limit
    /// sign(eₖ)/√n (the others 0). NaN only where an input is NaN (everywhere for RMSE, whose every
    /// entry depends on every error) or an error is ∞ - ∞.
    /// </summary>
    public static (double[] MeanSquared, double[] RootMeanSquared, double[] MeanAbsolute) RegressionGradient(ReadOnlySpan<double> y, ReadOnlySpan<double> p)
    {
        int n = p.Length;
        var (errors, factor, infinite, undefined) = Errors(y, p);
        var squared = errors.Select(e => double.IsInfinity(e) ? e : factor * e * (2.0 / n)).ToArray();
        var absolute = errors.Select(e => double.IsNaN(e) ? double.NaN : Math.Sign(e) / (double)n).ToArray();
        var root = new double[n];
        if (undefined || infinite > 1)
        {
            Array.Fill(root, double.NaN);
            return (squared, root, absolute);
        }

        if (infinite == 1)
        {
            for (int k = 0; k < n; k++)
            {
                root[k] = double.IsInfinity(errors[k]) ? Math.Sign(errors[k]) / Math.Sqrt(n) : 0;
            }

            return (squared, root, absolute);
        }

        double largest = errors.Max(Math.Abs);
        if (largest == 0)
        {
            return (squared, root, absolute);
        }

        double denominator = n * Math.Sqrt(CompensatedSum(errors.Select(e => (e / largest) * (e / largest))) / n);
        for (int k = 0; k < n; k++)
        {
            root[k] = errors[k] / largest / denominator;
        }

        return (squared, root, absolute);
    }

    /// <summary>
    /// eₖ = pₖ - yₖ, or (pₖ - yₖ)/2 for every k (factor 2) when a difference of finite inputs overflows;
    /// ±∞ where an input is infinite; NaN for NaN inputs and ∞ - ∞.
    /// </summary>
    private static (double[] Errors, double Factor, int Infinite, bool Undefined) Errors(ReadOnlySpan<double> y, ReadOnlySpan<double> p)
    {
        int n = p.Length;
        var errors = new double[n];
        bool overflow = false;
        int infinite = 0;
        bool undefined = false;
        for (int k = 0; k < n; k++)
        {
            errors[k] = p[k] - y[k];
            bool infiniteInput = double.IsInfinity(p[k]) || double.IsInfinity(y[k]);
            overflow |= double.IsInfinity(errors[k]) && !infiniteInput;
            infinite += infiniteInput && !double.IsNaN(errors[k]) ? 1 : 0;
            undefined |= double.IsNaN(errors[k]);
        }

        if (!overflow)
        {
            return (errors, 1, infinite, undefined);
        }

        for (int k = 0; k < n; k++)
        {
            errors[k] = double.IsInfinity(p[k]) || double.IsInfinity(y[k]) ? errors[k] : (p[k] / 2) - (y[k] / 2);
        }

        return (errors, 2, infinite, undefined);
    }

    /// <summary>ln(1 + u) for u ≥ 0 to full precision: ln(w)·u/(w - 1) with w = 1 + u corrects the rounding of w (Goldberg, 1991).</summary>
    private static double LogOnePlus(double u)
    {
        double w = 1 + u;
        return w == 1 ? u : Math.Log(w) * (u / (w - 1));
    }

    /// <summary>Σ with Neumaier's compensation: the rounding error of each addition is added back at the end.</summary>
    private static double CompensatedSum(System.Collections.Generic.IEnumerable<double> terms)
    {
        double sum = 0;
        double compensation = 0;
        foreach (double term in terms)
        {
            double total = sum + term;
            compensation += Math.Abs(sum) >= Math.Abs(term) ? (sum - total) + term : (term - total) + sum;
            sum = total;
        }

        return double.IsFinite(sum) ? sum + compensation : sum;
    }

    private static bool HasNoLimit(ReadOnlySpan<double> x)
    {
        bool allNegativeInfinity = true;
        foreach (double value in x)
        {
            if (double.IsNaN(value))
            {
                return true;
            }

            allNegativeInfinity &= double.IsNegativeInfinity(value);
        }

        return allNegativeInfinity;
    }

    private static int CountPositiveInfinity(ReadOnlySpan<double> x)
    {
        int count = 0;
        foreach (double value in x)
        {
            count += double.IsPositiveInfinity(value) ? 1 : 0;
        }

        return count;
    }

    private static double Max(ReadOnlySpan<double> x)
    {
        double m = double.NegativeInfinity;
        foreach (double value in x)
        {
            m = Math.Max(m, value);
        }

        return m;
    }

    private static double Shift(double x, double m) => x == m ? 0 : x - m;

    private static double LogSumShifted(ReadOnlySpan<double> x, double m)
    {
        double sum = 0;
        foreach (double value in x)
        {
            sum += Math.Exp(Shift(value, m));
        }

        return Math.Log(sum);
    }

    private static double ZeroOr(double factor, double other) => factor == 0 ? 0 : factor * other;
}
