using System;
using Losses.Internal;
using MathNet.Numerics.LinearAlgebra;

namespace Losses;

/// <summary>Root mean squared error as a reusable training loss: value and gradient in one pass.</summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>
/// <para>The square root of <see cref="MeanSquaredErrorLoss{T}"/>'s value: per example
/// <c>ℓᵢ = Σⱼ (pᵢⱼ - yᵢⱼ)²</c> (the squared errors, before the root), <c>M</c> their reduction
/// (<c>Σᵢ sᵢℓᵢ</c>, <c>/ (N·K)</c> or <c>/ (K·Σᵢ sᵢ)</c>) and <c>Value = √M</c>. Gradient
/// <c>∂Value/∂pᵢⱼ = sᵢ·(pᵢⱼ - yᵢⱼ) / (D·Value)</c>, taken as 0 where Value = 0 (the kink).</para>
/// <para>The value is finite and accurate whenever the true RMSE is representable in T, for every reduction and
/// sample weighting, and the gradient with it: float rows are summed in double, and where even double's
/// <c>Σ sᵢℓᵢ / D</c> overflows or loses its digits (double errors beyond about 1e154 or below about 1e-154) the
/// value and the gradient are redone on the errors scaled by a power of two, as
/// <see cref="Loss.RootMeanSquaredError{T}(Matrix{T}, Matrix{T})"/> does. The merge sums cannot be rescaled:
/// for such a double batch <see cref="LossResult{T}.WeightedSum"/> is +∞ (or 0, or short of digits, for the
/// tiniest errors), and so is an accumulator's value over it.</para>
/// <para><c>Mean</c> without weights is <c>torch.sqrt(mse_loss(p, y))</c>,
/// <see cref="Loss.RootMeanSquaredError{T}(Matrix{T}, Matrix{T})"/> and Keras's <c>RootMeanSquaredError</c>
/// metric; <c>Sum</c> gives the Euclidean norm of the residuals. Merged batches
/// (<see cref="LossAccumulator{T}"/>) take the root of the merged mean, never a mean of roots.</para>
/// <para>Immutable and thread-safe; Strict mode rejects NaN and infinite inputs.</para>
/// </remarks>
public sealed class RootMeanSquaredErrorLoss<T> : MatrixLabelLoss<T>
    where T : struct, System.Numerics.IFloatingPointIeee754<T>
{
    internal override bool TakesSquareRoot => true;

    internal override int TermsPerRow(int columns) => columns;

    internal override void Compute(
        ReadOnlySpan<T> labels, ReadOnlySpan<T> predictions, int rows, int columns, Span<double> losses, Span<T> gradient, ReadOnlySpan<T> gradientFactors)
    {
        ElementTerms.Regression<T, SquaredTerm<T>>(labels, predictions, rows, T.Zero, losses, gradient);
    }
}
