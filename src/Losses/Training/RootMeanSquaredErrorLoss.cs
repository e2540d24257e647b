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
/// <para><c>Mean</c> without weights is <c>torch.sqrt(mse_loss(p, y))</c>,
/// <see cref="Loss.RootMeanSquaredError{T}(Matrix{T}, Matrix{T})"/> and Keras's <c>RootMeanSquaredError</c>
/// metric; <c>Sum</c> gives the Euclidean norm of the residuals. Merged batches
/// (<see cref="LossAccumulator{T}"/>) take the root of the merged mean, never a mean of roots.</para>
/// <para>Immutable and thread-safe; Strict mode rejects NaN and infinite inputs.</para>
/// </remarks>
public sealed class RootMeanSquaredErrorLoss<T> : IMatrixLossTerms<T>
    where T : struct, System.Numerics.IFloatingPointIeee754<T>
{
    private readonly Reduction _reduction = Reduction.Mean;

    /// <summary>How the per-example losses are reduced; <see cref="Reduction.Mean"/> (PyTorch's default) unless set.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined <see cref="Losses.Reduction"/>.</exception>
    public Reduction Reduction
    {
        get => _reduction;
        init => _reduction = LossOptions.Reduction(value, nameof(Reduction));
    }

    /// <summary>When true, NaN and infinite labels, predictions or sample weights throw instead of propagating. Off by default.</summary>
    public bool Strict { get; init; }

    bool IMatrixLossTerms<T>.TakesSquareRoot => true;

    /// <summary>Evaluates the root mean squared error and its gradient on a batch.</summary>
    /// <param name="labels">Targets y, N×K.</param>
    /// <param name="predictions">Predictions p, N×K.</param>
    /// <param name="sampleWeights">One weight sᵢ ≥ 0 per row, length N; null for all 1.</param>
    /// <returns>The value, <c>ℓᵢ = Σⱼ (pᵢⱼ - yᵢⱼ)²</c> per row, the gradient and the merge sums.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="labels"/> or <paramref name="predictions"/> is null.</exception>
    /// <exception cref="ArgumentException">The shapes differ, are empty, the weights are not length N, or Strict rejects an input.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A sample weight is negative.</exception>
    /// <remarks><c>Value = √(Σᵢ sᵢ·Σⱼ (pᵢⱼ - yᵢⱼ)² / D)</c>; <c>∂/∂pᵢⱼ = sᵢ·(pᵢⱼ - yᵢⱼ) / (D·Value)</c>, 0 when Value = 0.
    /// <c>torch.sqrt(mse_loss(p, y))</c>.</remarks>
    public LossResult<T> Evaluate(Matrix<T> labels, Matrix<T> predictions, Vector<T>? sampleWeights = null)
        => LossEvaluation.Evaluate(this, labels, predictions, sampleWeights);

    /// <summary>Evaluates the root mean squared error into caller buffers, allocating nothing for dense storage.</summary>
    /// <param name="labels">Targets y, N×K.</param>
    /// <param name="predictions">Predictions p, N×K.</param>
    /// <param name="gradient">Receives ∂Value/∂p, N×K.</param>
    /// <param name="perExample">Receives <c>ℓᵢ = Σⱼ (pᵢⱼ - yᵢⱼ)²</c>, length N.</param>
    /// <param name="sampleWeights">One weight sᵢ ≥ 0 per row, length N; null for all 1.</param>
    /// <returns>The reduced value.</returns>
    /// <exception cref="ArgumentNullException">A required argument is null.</exception>
    /// <exception cref="ArgumentException">A shape does not match, or Strict rejects an input.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A sample weight is negative.</exception>
    /// <remarks>Same formulas as <see cref="Evaluate(Matrix{T}, Matrix{T}, Vector{T})"/>.</remarks>
    public T Evaluate(Matrix<T> labels, Matrix<T> predictions, Matrix<T> gradient, Vector<T> perExample, Vector<T>? sampleWeights = null)
        => LossEvaluation.Evaluate(this, labels, predictions, gradient, perExample, sampleWeights).Value;

    int IMatrixLossTerms<T>.TermsPerRow(int columns) => columns;

    void IMatrixLossTerms<T>.CheckOptions(int columns)
    {
    }

    void IMatrixLossTerms<T>.Screen(ReadOnlySpan<T> labels, ReadOnlySpan<T> predictions, int rows, int columns)
    {
    }

    bool IMatrixLossTerms<T>.Compute(
        ReadOnlySpan<T> labels, ReadOnlySpan<T> predictions, int rows, int columns, Span<T> losses, Span<T> gradient, Span<double> rowWeights)
    {
        ElementTerms.Regression<T, SquaredTerm<T>>(labels, predictions, rows, T.Zero, losses, gradient);
        return false;
    }
}
