using System;
using Losses.Internal;
using MathNet.Numerics.LinearAlgebra;

namespace Losses;

/// <summary>Mean squared error as a reusable training loss: value and gradient in one pass.</summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>
/// <para>Per example (row i of N×K): <c>ℓᵢ = Σⱼ (pᵢⱼ - yᵢⱼ)²</c>. Counted terms are the N·K elements,
/// so with sample weights sᵢ: <c>Sum = Σᵢ sᵢℓᵢ</c>, <c>Mean = Σᵢ sᵢℓᵢ / (N·K)</c>,
/// <c>WeightedMean = Σᵢ sᵢℓᵢ / (K·Σᵢ sᵢ)</c>. Gradient <c>∂Value/∂pᵢⱼ = sᵢ·2·(pᵢⱼ - yᵢⱼ) / D</c>, D the
/// reduction's divisor.</para>
/// <para>Without sample weights, <c>Mean</c> is PyTorch's <c>mse_loss(reduction='mean')</c> and
/// <see cref="Loss.MeanSquaredError{T}(Matrix{T}, Matrix{T})"/>; <c>Sum</c> is <c>mse_loss(reduction='sum')</c>.
/// With sample weights, <c>Mean</c> is Keras's <c>MeanSquaredError()(y, p, sample_weight)</c>. The reduction
/// runs in double with compensation, also for float.</para>
/// <para>Immutable and thread-safe; Strict mode rejects NaN and infinite inputs.</para>
/// </remarks>
public sealed class MeanSquaredErrorLoss<T> : MatrixLabelLoss<T>
    where T : struct, System.Numerics.IFloatingPointIeee754<T>
{
    internal override int TermsPerRow(int columns) => columns;

    /// <summary>The kernel applies each row's share of the reduction as it writes the gradient.</summary>
    internal override bool AppliesGradientFactors => true;

    /// <summary>2: the kernel writes d, half of ∂ℓᵢ/∂pᵢⱼ = 2d, so that 2d cannot overflow T.</summary>
    internal override double GradientScale => 2.0;

    internal override double? RescaledReduction(ReadOnlySpan<T> labels, ReadOnlySpan<T> predictions, ReadOnlySpan<double> shares)
        => RegressionMeans.WeightedSumOfTerms<T, SquaredTerm<T>>(labels, predictions, shares, T.Zero);

    internal override void Compute(
        ReadOnlySpan<T> labels, ReadOnlySpan<T> predictions, int rows, int columns, Span<double> losses, Span<T> gradient, ReadOnlySpan<T> gradientFactors)
    {
        ElementTerms.Regression<T, SquaredTerm<T>>(labels, predictions, rows, T.Zero, losses, gradient, gradientFactors);
    }
}
