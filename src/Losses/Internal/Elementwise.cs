using System;
using System.Numerics;

namespace Losses.Internal;

/// <summary>
/// Element-wise kernels of the logistic family and the regression losses, each written once for
/// every IEEE floating-point type.
/// </summary>
internal static class Elementwise
{
    /// <summary>σ(x): 1/(1 + e⁻ˣ) for x ≥ 0 and eˣ/(1 + eˣ) for x &lt; 0, so exp never overflows.</summary>
    public static T Sigmoid<T>(T x)
        where T : struct, IFloatingPointIeee754<T>
    {
        T e = T.Exp(-T.Abs(x));
        T denominator = T.One + e;
        return x >= T.Zero ? T.One / denominator : e / denominator;
    }

    /// <summary>σ(x) element-wise; <paramref name="destination"/> may alias <paramref name="x"/>.</summary>
    public static void Sigmoid<T>(ReadOnlySpan<T> x, Span<T> destination)
        where T : struct, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = Sigmoid(x[i]);
        }
    }

    /// <summary>
    /// ln(1 + u) for u ≥ 0, accurate to a few ulps for tiny u (where ln of the rounded 1 + u would
    /// lose every digit): ln(w)·u/(w - 1) with w = 1 + u corrects the rounding of w.
    /// </summary>
    public static T LogOnePlus<T>(T u)
        where T : struct, IFloatingPointIeee754<T>
    {
        T w = T.One + u;
        return w == T.One ? u : T.Log(w) * (u / (w - T.One));
    }

    /// <summary>a·b, except that a zero <paramref name="a"/> gives 0 even when b is infinite.</summary>
    public static T TimesOrZero<T>(T a, T b)
        where T : struct, IFloatingPointIeee754<T>
        => a == T.Zero ? T.Zero : a * b;

    /// <summary>
    /// Weighted logistic loss, fused, with c = 1 + (q - 1)·z:
    /// <c>ℓ = (1 - z)·x + c·ln(1 + e^-|x|)</c> for x ≥ 0 and <c>ℓ = -q·z·x + c·ln(1 + e^-|x|)</c> for x &lt; 0
    /// (TensorFlow's weighted form with softplus(-x) = -x + softplus(x) applied on the negative side),
    /// and <c>∂ℓ/∂x = c·σ(x) - q·z</c>. q = 1 is the plain sigmoid cross-entropy. A zero factor in front
    /// of an infinite logit contributes 0, which is the limit. Either output may be empty.
    /// </summary>
    public static void LogisticCrossEntropy<T>(
        ReadOnlySpan<T> labels, ReadOnlySpan<T> logits, T positiveWeight, Span<T> losses, Span<T> gradient)
        where T : struct, IFloatingPointIeee754<T>
    {
        T q = positiveWeight;
        for (int i = 0; i < logits.Length; i++)
        {
            T x = logits[i];
            T z = labels[i];
            T c = T.One + ((q - T.One) * z);
            T e = T.Exp(-T.Abs(x));
            bool nonNegative = x >= T.Zero;
            if (!losses.IsEmpty)
            {
                T linear = nonNegative ? TimesOrZero(T.One - z, x) : TimesOrZero(q * z, -x);
                losses[i] = linear + TimesOrZero(c, LogOnePlus(e));
            }

            if (!gradient.IsEmpty)
            {
                T sigmoid = nonNegative ? T.One / (T.One + e) : e / (T.One + e);
                gradient[i] = (c * sigmoid) - (q * z);
            }
        }
    }

    /// <summary>
    /// Cross-entropy of probabilities, row sums: <c>ℓᵢ = -Σⱼ yᵢⱼ·ln pᵢⱼ</c>, a zero label contributing
    /// exactly 0 (so 0·ln 0 = 0), into <paramref name="losses"/>; <c>-yᵢⱼ/pᵢⱼ</c> (0 where yᵢⱼ = 0) into
    /// <paramref name="gradient"/>. Either output may be empty.
    /// </summary>
    public static void ProbabilityCrossEntropy<T>(
        ReadOnlySpan<T> labels, ReadOnlySpan<T> probabilities, int rows, Span<T> losses, Span<T> gradient)
        where T : struct, IFloatingPointIeee754<T>
    {
        losses.Clear();
        for (int index = 0; index < probabilities.Length; index++)
        {
            T y = labels[index];
            bool counted = y != T.Zero;
            if (!losses.IsEmpty && counted)
            {
                losses[index % rows] -= y * T.Log(probabilities[index]);
            }

            if (!gradient.IsEmpty)
            {
                gradient[index] = counted ? -y / probabilities[index] : T.Zero;
            }
        }
    }

    /// <summary>Σ (p - y)², summed in double (also for float) with compensation.</summary>
    public static double SumOfSquaredDifferences<T>(ReadOnlySpan<T> labels, ReadOnlySpan<T> predictions)
        where T : struct, IFloatingPointIeee754<T>
    {
        var sum = new CompensatedSum();
        for (int i = 0; i < predictions.Length; i++)
        {
            double difference = double.CreateTruncating(predictions[i]) - double.CreateTruncating(labels[i]);
            sum.Add(difference * difference);
        }

        return sum.Value;
    }

    /// <summary>Σ |p - y|, summed in double (also for float) with compensation.</summary>
    public static double SumOfAbsoluteDifferences<T>(ReadOnlySpan<T> labels, ReadOnlySpan<T> predictions)
        where T : struct, IFloatingPointIeee754<T>
    {
        var sum = new CompensatedSum();
        for (int i = 0; i < predictions.Length; i++)
        {
            sum.Add(Math.Abs(double.CreateTruncating(predictions[i]) - double.CreateTruncating(labels[i])));
        }

        return sum.Value;
    }

    /// <summary><c>gᵢ = (pᵢ - yᵢ)·scale</c>; a zero scale gives 0 (the kink of RMSE at 0).</summary>
    public static void ScaledDifference<T>(ReadOnlySpan<T> labels, ReadOnlySpan<T> predictions, T scale, Span<T> gradient)
        where T : struct, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < gradient.Length; i++)
        {
            gradient[i] = TimesOrZero(scale, predictions[i] - labels[i]);
        }
    }

    /// <summary><c>gᵢ = sign(pᵢ - yᵢ)·scale</c> with sign(0) = 0 and sign(NaN) = NaN.</summary>
    public static void ScaledSignOfDifference<T>(ReadOnlySpan<T> labels, ReadOnlySpan<T> predictions, T scale, Span<T> gradient)
        where T : struct, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < gradient.Length; i++)
        {
            T difference = predictions[i] - labels[i];
            gradient[i] = difference > T.Zero ? scale
                : difference < T.Zero ? -scale
                : difference == T.Zero ? T.Zero
                : T.NaN;
        }
    }
}
