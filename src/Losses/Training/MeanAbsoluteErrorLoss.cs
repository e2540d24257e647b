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
public sealed class MeanAbsoluteErrorLoss<T> : IMatrixLossTerms<T>
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

    bool IMatrixLossTerms<T>.TakesSquareRoot => false;

    /// <summary>Evaluates the mean absolute error and its gradient on a batch.</summary>
    /// <param name="labels">Targets y, N×K.</param>
    /// <param name="predictions">Predictions p, N×K.</param>
    /// <param name="sampleWeights">One weight sᵢ ≥ 0 per row, length N; null for all 1.</param>
    /// <returns>The value, <c>ℓᵢ = Σⱼ |pᵢⱼ - yᵢⱼ|</c> per row, the gradient and the merge sums.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="labels"/> or <paramref name="predictions"/> is null.</exception>
    /// <exception cref="ArgumentException">The shapes differ, are empty, the weights are not length N, or Strict rejects an input.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A sample weight is negative.</exception>
    /// <remarks><c>Mean = Σᵢ sᵢ·Σⱼ |pᵢⱼ - yᵢⱼ| / (N·K)</c>; <c>∂/∂pᵢⱼ = sᵢ·sign(pᵢⱼ - yᵢⱼ) / (N·K)</c>.
    /// PyTorch <c>l1_loss</c>.</remarks>
    public LossResult<T> Evaluate(Matrix<T> labels, Matrix<T> predictions, Vector<T>? sampleWeights = null)
        => LossEvaluation.Evaluate(this, labels, predictions, sampleWeights);

    /// <summary>Evaluates the mean absolute error into caller buffers, allocating nothing for dense storage.</summary>
    /// <param name="labels">Targets y, N×K.</param>
    /// <param name="predictions">Predictions p, N×K.</param>
    /// <param name="gradient">Receives ∂Value/∂p, N×K.</param>
    /// <param name="perExample">Receives <c>ℓᵢ = Σⱼ |pᵢⱼ - yᵢⱼ|</c>, length N.</param>
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
        ElementTerms.Regression<T, AbsoluteTerm<T>>(labels, predictions, rows, T.Zero, losses, gradient);
        return false;
    }
}
