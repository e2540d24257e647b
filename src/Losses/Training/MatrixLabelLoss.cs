using System;
using MathNet.Numerics.LinearAlgebra;

namespace Losses;

/// <summary>
/// The common part of the loss objects whose labels are a matrix of the predictions' shape: the reduction,
/// Strict mode and the two Evaluate overloads. Each derived class supplies its per-row loss.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>
/// <para>With ℓᵢ the derived class's loss of row i (see its remarks), sᵢ the sample weights (1 when none are
/// given), n the counted terms and W their total weight (<see cref="LossResult{T}"/>):
/// <c>Sum = Σᵢ sᵢℓᵢ</c>, <c>Mean = Σᵢ sᵢℓᵢ / n</c>, <c>WeightedMean = Σᵢ sᵢℓᵢ / W</c>, and
/// <c>∂Value/∂xᵢⱼ = sᵢ·(∂ℓᵢ/∂xᵢⱼ) / D</c> with D the reduction's divisor. A batch with D = 0 gives 0 and a zero
/// gradient. The reduction runs in double with compensation, also for float, on the per-example losses as
/// computed: the element-wise losses add each row's terms in double (each term of a float difference taken in
/// double), so no float square or row sum overflows or underflows before the value does; the per-example output
/// is ℓᵢ rounded once to T (+∞ or 0 where ℓᵢ itself lies beyond T's range). For double, where a row sum or
/// <c>Σᵢ sᵢℓᵢ</c> overflows double or is too small to keep its digits (squared errors beyond about 1e154 or below
/// about 1e-154, absolute or Huber errors near MaxValue, extreme sample weights), the regression losses redo the
/// value from the errors at a power-of-two scale, so it is finite and accurate wherever the true value is
/// representable.</para>
/// <para>The caller buffers of the Evaluate overloads, gradient and perExample, must not share their storage with the
/// labels, the predictions or the sample weights, which are read after the buffers are first written, nor with each other:
/// a dense buffer that is one of them, or is built on its array (<c>Matrix&lt;T&gt;.Build.Dense(rows, columns, array)</c>,
/// <c>Vector&lt;T&gt;.Build.Dense(array)</c>; a vector can share a one-column matrix's array), throws an
/// <see cref="ArgumentException"/> naming both before any work. Storage that is not dense (sparse, say) may be shared:
/// an input of it is read into a buffer of its own before anything is written, and a buffer of it is filled only at the end.</para>
/// <para>Derived classes are immutable (options are init-only and validated when set) and thread-safe:
/// every scratch buffer comes from <see cref="System.Buffers.ArrayPool{T}"/>. Only this library derives from it.</para>
/// </remarks>
public abstract class MatrixLabelLoss<T> : ILoss<T>
    where T : struct, System.Numerics.IFloatingPointIeee754<T>
{
    private readonly Reduction _reduction = Reduction.Mean;

    private protected MatrixLabelLoss()
    {
    }

    /// <summary>How the per-example losses are reduced; <see cref="Reduction.Mean"/> (PyTorch's default <c>'mean'</c>) unless set.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined <see cref="Losses.Reduction"/>.</exception>
    public Reduction Reduction
    {
        get => _reduction;
        init => _reduction = LossOptions.Reduction(value, nameof(Reduction));
    }

    /// <summary>
    /// When true, inputs that are almost always a mistake throw an <see cref="ArgumentException"/> saying what to
    /// do instead: NaN or infinite labels, predictions or sample weights, and the class-specific checks listed in
    /// the derived class's remarks. Off by default, when NaN propagates into the results.
    /// </summary>
    public bool Strict { get; init; }

    /// <summary>Whether the value is the square root of the reduction.</summary>
    internal virtual bool TakesSquareRoot => false;

    /// <summary>Evaluates the loss and its gradient on a batch in one fused pass.</summary>
    /// <param name="labels">Labels y, N×C.</param>
    /// <param name="predictions">Model outputs x, N×C: predictions for regression, raw logits for cross-entropy.</param>
    /// <param name="sampleWeights">One weight sᵢ ≥ 0 per row, length N; null for all 1.</param>
    /// <returns>A new result: the value, the N per-example losses ℓᵢ, the N×C gradient and the merge sums.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="labels"/> or <paramref name="predictions"/> is null.</exception>
    /// <exception cref="ArgumentException">The shapes differ or are empty, <paramref name="sampleWeights"/> is not
    /// length N, an option does not fit the batch (class weights not length C), or Strict mode rejects an input.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A sample weight is negative.</exception>
    /// <remarks><c>Value = Σᵢ sᵢℓᵢ / D</c>, <c>Gradient = sᵢ·(∂ℓᵢ/∂xᵢⱼ) / D</c>; ℓᵢ and the matching PyTorch
    /// function are in the derived class's remarks.</remarks>
    public LossResult<T> Evaluate(Matrix<T> labels, Matrix<T> predictions, Vector<T>? sampleWeights = null)
        => LossEvaluation.Evaluate(this, labels, predictions, sampleWeights);

    /// <summary>Evaluates the loss into caller buffers, allocating nothing once warmed up for dense storage.</summary>
    /// <param name="labels">Labels y, N×C.</param>
    /// <param name="predictions">Model outputs x, N×C.</param>
    /// <param name="gradient">Receives ∂Value/∂x, N×C; must not share storage with <paramref name="labels"/>, <paramref name="predictions"/>, <paramref name="sampleWeights"/> or <paramref name="perExample"/>.</param>
    /// <param name="perExample">Receives the N per-example losses ℓᵢ (before sample weighting), rounded to T; must not share storage with <paramref name="labels"/>, <paramref name="predictions"/>, <paramref name="sampleWeights"/> or <paramref name="gradient"/>.</param>
    /// <param name="sampleWeights">One weight sᵢ ≥ 0 per row, length N; null for all 1.</param>
    /// <returns>The reduced value.</returns>
    /// <exception cref="ArgumentNullException">A required argument is null.</exception>
    /// <exception cref="ArgumentException">A shape or length does not match, an option does not fit the batch,
    /// Strict mode rejects an input, or <paramref name="gradient"/> or <paramref name="perExample"/> shares its storage with
    /// an input or with the other.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A sample weight is negative.</exception>
    /// <remarks>Same formulas as <see cref="Evaluate(Matrix{T}, Matrix{T}, Vector{T})"/>.</remarks>
    public T Evaluate(Matrix<T> labels, Matrix<T> predictions, Matrix<T> gradient, Vector<T> perExample, Vector<T>? sampleWeights = null)
        => LossEvaluation.Evaluate(this, labels, predictions, gradient, perExample, sampleWeights).Value;

    /// <summary>
    /// Evaluates the loss into caller buffers and adds the batch to <paramref name="accumulator"/>, allocating
    /// nothing once warmed up for dense storage: the training step that also tracks the epoch's loss.
    /// </summary>
    /// <param name="labels">Labels y, N×C.</param>
    /// <param name="predictions">Model outputs x, N×C.</param>
    /// <param name="gradient">Receives ∂Value/∂x, N×C; must not share storage with <paramref name="labels"/>, <paramref name="predictions"/>, <paramref name="sampleWeights"/> or <paramref name="perExample"/>.</param>
    /// <param name="perExample">Receives the N per-example losses ℓᵢ (before sample weighting), rounded to T; must not share storage with <paramref name="labels"/>, <paramref name="predictions"/>, <paramref name="sampleWeights"/> or <paramref name="gradient"/>.</param>
    /// <param name="accumulator">Receives this batch's sums, as <see cref="LossAccumulator{T}.Add(LossResult{T})"/> would.</param>
    /// <param name="sampleWeights">One weight sᵢ ≥ 0 per row, length N; null for all 1.</param>
    /// <returns>The reduced value of this batch.</returns>
    /// <exception cref="ArgumentNullException">A required argument is null.</exception>
    /// <exception cref="ArgumentException">A shape or length does not match, an option does not fit the batch,
    /// Strict mode rejects an input, <paramref name="gradient"/> or <paramref name="perExample"/> shares its storage with
    /// an input or with the other, or <paramref name="accumulator"/> holds results of another reduction.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A sample weight is negative.</exception>
    /// <remarks>Same formulas as <see cref="Evaluate(Matrix{T}, Matrix{T}, Vector{T})"/>; the accumulator then gives
    /// the exact value over all the batches added.</remarks>
    public T Evaluate(
        Matrix<T> labels, Matrix<T> predictions, Matrix<T> gradient, Vector<T> perExample, LossAccumulator<T> accumulator, Vector<T>? sampleWeights = null)
    {
        ArgumentNullException.ThrowIfNull(accumulator);
        accumulator.CheckAccepts(Reduction, TakesSquareRoot, nameof(accumulator));
        LossTotals<T> totals = LossEvaluation.Evaluate(this, labels, predictions, gradient, perExample, sampleWeights);
        accumulator.Add(totals.WeightedSum, totals.TotalWeight, totals.Count, Reduction, TakesSquareRoot, nameof(accumulator));
        return totals.Value;
    }

    /// <summary>The constant the per-element factors written by Compute are multiplied by to give ∂ℓᵢ/∂xᵢⱼ; 1 unless overridden.</summary>
    internal virtual double GradientScale => 1.0;

    /// <summary>The counted terms per row: the columns for element-wise losses, 1 for softmax.</summary>
    internal abstract int TermsPerRow(int columns);

    /// <summary>Checks the options against the batch (class weights against the classes).</summary>
    internal virtual void CheckOptions(int columns)
    {
    }

    /// <summary>The Strict checks beyond finiteness.</summary>
    internal virtual void Screen(ReadOnlySpan<T> labels, ReadOnlySpan<T> predictions, int rows, int columns)
    {
    }

    /// <summary>
    /// The reduction <c>Σᵢ wᵢℓᵢ</c> (<paramref name="shares"/>: wᵢ = sᵢ/D, 0 for a row that does not count) redone
    /// from the inputs where the plain one overflowed double or lost its digits: finite and accurate wherever the
    /// true value is, for the losses whose terms scale with the errors; null for the others.
    /// </summary>
    internal virtual double? RescaledReduction(ReadOnlySpan<T> labels, ReadOnlySpan<T> predictions, ReadOnlySpan<double> shares)
        => null;

    /// <summary>
    /// Writes each row's own weight rᵢ into <paramref name="rowWeights"/> and returns true, for a loss whose rows
    /// carry weights; false (all 1) otherwise. Called before <see cref="Compute(ReadOnlySpan{T}, ReadOnlySpan{T}, int, int, Span{double}, Span{T}, ReadOnlySpan{T}, ReadOnlySpan{int})"/>, so that the gradient factors that
    /// depend on them are known when the gradient is computed.
    /// </summary>
    /// <remarks>
    /// For a loss that <see cref="FindsClassIndices"/>, the same pass over the labels also finds whether every row is
    /// one-hot (<paramref name="oneHot"/>), with each row's class in <paramref name="classIndices"/>, for
    /// <see cref="Compute(ReadOnlySpan{T}, ReadOnlySpan{T}, int, int, Span{double}, Span{T}, ReadOnlySpan{T}, ReadOnlySpan{int})"/>.
    /// </remarks>
    internal virtual bool RowWeights(ReadOnlySpan<T> labels, int rows, int columns, Span<double> rowWeights, Span<int> classIndices, out bool oneHot)
    {
        oneHot = false;
        return false;
    }

    /// <summary>Whether <see cref="RowWeights"/> may find the labels one-hot.</summary>
    internal virtual bool FindsClassIndices => false;

    /// <summary>Whether <see cref="Compute(ReadOnlySpan{T}, ReadOnlySpan{T}, int, int, Span{double}, Span{T}, ReadOnlySpan{T})"/> applies row factors to the gradient as it computes it.</summary>
    internal virtual bool AppliesGradientFactors => false;

    /// <summary>
    /// Writes ℓᵢ, in double, into <paramref name="losses"/> and ∂ℓᵢ/∂xᵢⱼ / <see cref="GradientScale"/> into
    /// <paramref name="gradient"/> (column-major; for a square-root loss, the errors themselves, see
    /// <see cref="LossEvaluation.Reduce"/>), or, when <paramref name="gradientFactors"/> is not empty (only for a loss
    /// that <see cref="AppliesGradientFactors"/>), ∂ℓᵢ/∂xᵢⱼ times fᵢ: the gradient of the reduced value.
    /// </summary>
    internal abstract void Compute(
        ReadOnlySpan<T> labels, ReadOnlySpan<T> predictions, int rows, int columns, Span<double> losses, Span<T> gradient, ReadOnlySpan<T> gradientFactors);

    /// <summary>
    /// <see cref="Compute(ReadOnlySpan{T}, ReadOnlySpan{T}, int, int, Span{double}, Span{T}, ReadOnlySpan{T})"/>, with the
    /// labels' class indices where they are one-hot (empty otherwise), for a loss that <see cref="FindsClassIndices"/>.
    /// </summary>
    internal virtual void Compute(
        ReadOnlySpan<T> labels,
        ReadOnlySpan<T> predictions,
        int rows,
        int columns,
        Span<double> losses,
        Span<T> gradient,
        ReadOnlySpan<T> gradientFactors,
        ReadOnlySpan<int> classIndices)
        => Compute(labels, predictions, rows, columns, losses, gradient, gradientFactors);
}
