using System;
using Losses.Internal;
using MathNet.Numerics.LinearAlgebra;

namespace Losses;

/// <summary>Huber loss as a reusable training loss: quadratic near 0, linear beyond <see cref="HuberLoss{T}.Delta"/>.</summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>
/// <para>Per element d = pᵢⱼ - yᵢⱼ: <c>h(d) = ½d²</c> if |d| ≤ δ, else <c>δ·(|d| - ½δ)</c>; per example
/// <c>ℓᵢ = Σⱼ h(pᵢⱼ - yᵢⱼ)</c>. Counted terms are the N·K elements: <c>Sum = Σᵢ sᵢℓᵢ</c>,
/// <c>Mean = Σᵢ sᵢℓᵢ / (N·K)</c>, <c>WeightedMean = Σᵢ sᵢℓᵢ / (K·Σᵢ sᵢ)</c>. Gradient
/// <c>∂Value/∂pᵢⱼ = sᵢ·clamp(d, -δ, δ) / D</c>.</para>
/// <para>Without sample weights, <c>Mean</c> is PyTorch's <c>huber_loss(reduction='mean', delta=δ)</c> and
/// <c>Sum</c> is <c>reduction='sum'</c>; with sample weights <c>Mean</c> is Keras's <c>Huber(delta)</c>.
/// (PyTorch's <c>smooth_l1_loss</c> with β is this loss divided by β.)</para>
/// <para>Immutable and thread-safe; Strict mode rejects NaN and infinite inputs.</para>
/// </remarks>
public sealed class HuberLoss<T> : MatrixLabelLoss<T>
    where T : struct, System.Numerics.IFloatingPointIeee754<T>
{
    private readonly T _delta = T.One;

    /// <summary>The threshold δ &gt; 0 between the quadratic and the linear part; 1 (PyTorch's and Keras's default) unless set.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not finite and greater than 0.</exception>
    public T Delta
    {
        get => _delta;
        init => _delta = LossOptions.Positive(value, nameof(Delta));
    }

    internal override int TermsPerRow(int columns) => columns;

    /// <summary>The kernel applies each row's share of the reduction as it writes the gradient.</summary>
    internal override bool AppliesGradientFactors => true;

    internal override double? RescaledReduction(ReadOnlySpan<T> labels, ReadOnlySpan<T> predictions, ReadOnlySpan<double> shares)
        => RegressionMeans.WeightedSumOfTerms<T, HuberTerm<T>>(labels, predictions, shares, _delta);

    internal override void Compute(
        ReadOnlySpan<T> labels, ReadOnlySpan<T> predictions, int rows, int columns, Span<double> losses, Span<T> gradient, ReadOnlySpan<T> gradientFactors)
    {
        ElementTerms.Regression<T, HuberTerm<T>>(labels, predictions, rows, _delta, losses, gradient, gradientFactors);
    }
}
