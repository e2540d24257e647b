using System;
using Losses.Internal;
using MathNet.Numerics.LinearAlgebra;

namespace Losses;

/// <summary>Mean absolute error as a reusable training loss: value and gradient in one pass.</summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>
/// <para>Per example (row i of N×K): <c>ℓᵢ = Σⱼ |pᵢⱼ - yᵢⱼ|</c>. Counted terms are the N·K elements:
/// <c>Sum = Σᵢ sᵢℓᵢ</c>, <c>Mean = Σᵢ sᵢℓᵢ / (N·K)</c>, <c>WeightedMean = Σᵢ sᵢℓᵢ / (K·Σᵢ sᵢ)</c>.
/// Gradient <c>∂Value/∂pᵢⱼ = sᵢ·sign(pᵢⱼ - yᵢⱼ) / D</c>, D the reduction's divisor, with sign(0) = 0 at the kink.</para>
/// <para>Without sample weights, <c>Mean</c> is PyTorch's <c>l1_loss(reduction='mean')</c> and
/// <see cref="Loss.MeanAbsoluteError{T}(Matrix{T}, Matrix{T})"/>; <c>Sum</c> is <c>l1_loss(reduction='sum')</c>.
/// With sample weights, <c>Mean</c> is Keras's <c>MeanAbsoluteError()(y, p, sample_weight)</c>. The reduction
/// runs in double with compensation, also for float.</para>
/// <para>Immutable and thread-safe; Strict mode rejects NaN and infinite inputs.</para>
/// </remarks>
public sealed class MeanAbsoluteErrorLoss<T> : MatrixLabelLoss<T>
    where T : struct, System.Numerics.IFloatingPointIeee754<T>
{
    internal override int TermsPerRow(int columns) => columns;

    /// <summary>The kernel applies each row's share of the reduction as it writes the gradient.</summary>
    internal override bool AppliesGradientFactors => true;

    internal override double? RescaledReduction(ReadOnlySpan<T> labels, ReadOnlySpan<T> predictions, ReadOnlySpan<double> shares)
        => RegressionMeans.WeightedSumOfTerms<T, AbsoluteTerm<T>>(labels, predictions, shares, T.Zero);

    internal override void Compute(
        ReadOnlySpan<T> labels, ReadOnlySpan<T> predictions, int rows, int columns, Span<double> losses, Span<T> gradient, ReadOnlySpan<T> gradientFactors)
    {
        ElementTerms.Regression<T, AbsoluteTerm<T>>(labels, predictions, rows, T.Zero, losses, gradient, gradientFactors);
    }
}
