using System;
using System.Numerics;

namespace Losses.Internal;

/// <summary>One element-wise loss term f(d) of the difference d = p - y and its derivative f'(d).</summary>
internal interface IElementTerm<T>
    where T : struct, IFloatingPointIeee754<T>
{
    static abstract T Loss(T difference, T delta);

    static abstract T Derivative(T difference, T delta);
}

/// <summary><c>f(d) = d²</c>, <c>f'(d) = 2d</c>.</summary>
internal readonly struct SquaredTerm<T> : IElementTerm<T>
    where T : struct, IFloatingPointIeee754<T>
{
    public static T Loss(T difference, T delta) => difference * difference;

    public static T Derivative(T difference, T delta) => difference + difference;
}

/// <summary><c>f(d) = |d|</c>, <c>f'(d) = sign(d)</c> with sign(0) = 0 and sign(NaN) = NaN.</summary>
internal readonly struct AbsoluteTerm<T> : IElementTerm<T>
    where T : struct, IFloatingPointIeee754<T>
{
    public static T Loss(T difference, T delta) => T.Abs(difference);

    public static T Derivative(T difference, T delta)
        => difference > T.Zero ? T.One
            : difference < T.Zero ? -T.One
            : difference == T.Zero ? T.Zero
            : T.NaN;
}

/// <summary>
/// Huber: <c>f(d) = ½d²</c> for |d| ≤ δ, else <c>δ·(|d| - ½δ)</c>; <c>f'(d) = clamp(d, -δ, δ)</c>
/// (NaN stays NaN).
/// </summary>
internal readonly struct HuberTerm<T> : IElementTerm<T>
    where T : struct, IFloatingPointIeee754<T>
{
    private static readonly T Half = T.CreateTruncating(0.5);

    public static T Loss(T difference, T delta)
    {
        T magnitude = T.Abs(difference);
        return magnitude <= delta ? Half * difference * difference : delta * (magnitude - (Half * delta));
    }

    public static T Derivative(T difference, T delta)
        => difference > delta ? delta
            : difference < -delta ? -delta
            : difference;
}

/// <summary>Element-wise regression terms over column-major storage, summed per row.</summary>
internal static class ElementTerms
{
    /// <summary>
    /// <c>ℓᵢ = Σⱼ f(pᵢⱼ - yᵢⱼ)</c> into <paramref name="rowSums"/> (one per row) and
    /// <c>∂ℓᵢ/∂pᵢⱼ = f'(pᵢⱼ - yᵢⱼ)</c> into <paramref name="gradient"/>.
    /// </summary>
    public static void Regression<T, TTerm>(
        ReadOnlySpan<T> labels, ReadOnlySpan<T> predictions, int rows, T delta, Span<T> rowSums, Span<T> gradient)
        where T : struct, IFloatingPointIeee754<T>
        where TTerm : IElementTerm<T>
    {
        rowSums.Clear();
        for (int offset = 0; offset < predictions.Length; offset += rows)
        {
            for (int row = 0; row < rows; row++)
            {
                T difference = predictions[offset + row] - labels[offset + row];
                rowSums[row] += TTerm.Loss(difference, delta);
                gradient[offset + row] = TTerm.Derivative(difference, delta);
            }
        }
    }

    /// <summary>Row sums of a column-major matrix into <paramref name="rowSums"/>.</summary>
    public static void SumRows<T>(ReadOnlySpan<T> values, int rows, Span<T> rowSums)
        where T : struct, IFloatingPointIeee754<T>
    {
        rowSums.Clear();
        for (int offset = 0; offset < values.Length; offset += rows)
        {
            for (int row = 0; row < rows; row++)
            {
                rowSums[row] += values[offset + row];
            }
        }
    }

    /// <summary>Keras's binary label smoothing <c>z' = (1 - ε)·z + ε/2</c>, element-wise.</summary>
    public static void SmoothBinaryLabels<T>(ReadOnlySpan<T> labels, T smoothing, Span<T> smoothed)
        where T : struct, IFloatingPointIeee754<T>
    {
        T keep = T.One - smoothing;
        T half = smoothing / T.CreateTruncating(2);
        for (int i = 0; i < labels.Length; i++)
        {
            smoothed[i] = (keep * labels[i]) + half;
        }
    }
}
