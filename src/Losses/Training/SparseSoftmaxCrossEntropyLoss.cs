using System;
using System.Buffers;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Globalization;
using Losses.Internal;
using MathNet.Numerics.LinearAlgebra;

namespace Losses;

/// <summary>Softmax cross-entropy of class indices and logits as a reusable training loss: value and gradient in one pass.</summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>
/// <para>For row i with class index kᵢ, class weights w (all 1 when none), smoothing ε, C classes and
/// <c>pᵢⱼ = softmax(xᵢ)ⱼ</c> computed once per row:
/// <c>ℓᵢ = (1 - ε)·w_kᵢ·(-ln pᵢ,kᵢ) + (ε/C)·Σⱼ wⱼ·(-ln pᵢⱼ)</c>, i.e. <c>Σⱼ aᵢⱼ·(lseᵢ - xᵢⱼ)</c> with
/// <c>aᵢⱼ = wⱼ·((1 - ε)·[j = kᵢ] + ε/C)</c>, and <c>∂ℓᵢ/∂xᵢⱼ = (Σₖ aᵢₖ)·pᵢⱼ - aᵢⱼ</c>. A row whose label is
/// <see cref="IgnoreIndex"/> has ℓᵢ = 0, a zero gradient, and counts for nothing. Each other row counts once
/// with weight <c>rᵢ = w_kᵢ</c>: <c>Sum = Σᵢ sᵢℓᵢ</c>, <c>Mean = Σᵢ sᵢℓᵢ / n</c> (n non-ignored rows),
/// <c>WeightedMean = Σᵢ sᵢℓᵢ / Σᵢ sᵢ·w_kᵢ</c>; the gradient is <c>sᵢ·∂ℓᵢ/∂xᵢⱼ / D</c>.</para>
/// <para>PyTorch's <c>cross_entropy(x, k, weight=w, ignore_index=IgnoreIndex, label_smoothing=ε)</c>:
/// its default <c>reduction='mean'</c> is <see cref="Reduction.WeightedMean"/> (this loss's default), and
/// <c>'sum'</c> is <see cref="Reduction.Sum"/>. Where every row is ignored PyTorch's mean is NaN; here it is 0
/// with a zero gradient. Without options, ℓᵢ is TensorFlow's
/// <c>tf.nn.sparse_softmax_cross_entropy_with_logits</c>. Equal, bit for bit, to
/// <see cref="SoftmaxCrossEntropyLoss{T}"/> with the one-hot rows of the same indices.</para>
/// <para>The caller buffers gradient and perExample must not share dense storage with the predictions or the sample
/// weights, nor with each other, as for <see cref="MatrixLabelLoss{T}"/>: that throws an <see cref="ArgumentException"/>
/// naming both before any work; storage that is not dense may be shared.</para>
/// <para>Immutable and thread-safe. Strict mode rejects NaN and infinite inputs and logits whose every row
/// lies in [0, 1] and sums to 1 (softmax output passed as logits).</para>
/// </remarks>
public sealed class SparseSoftmaxCrossEntropyLoss<T>
    where T : struct, System.Numerics.IFloatingPointIeee754<T>
{
    private readonly Reduction _reduction = Reduction.WeightedMean;
    private readonly T _labelSmoothing = T.Zero;
    private readonly T[]? _classWeights;

    /// <summary>How the per-example losses are reduced; <see cref="Reduction.WeightedMean"/> (PyTorch's default <c>'mean'</c> for class indices) unless set.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined <see cref="Losses.Reduction"/>.</exception>
    public Reduction Reduction
    {
        get => _reduction;
        init => _reduction = LossOptions.Reduction(value, nameof(Reduction));
    }

    /// <summary>When true, NaN and infinite inputs and probabilities passed as logits throw. Off by default.</summary>
    public bool Strict { get; init; }

    /// <summary>Label smoothing ε ∈ [0, 1]: the one-hot label becomes <c>(1 - ε)·onehot + ε/C</c> (PyTorch's <c>label_smoothing</c>); 0 unless set.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside [0, 1].</exception>
    public T LabelSmoothing
    {
        get => _labelSmoothing;
        init => _labelSmoothing = LossOptions.Smoothing(value, nameof(LabelSmoothing));
    }

    /// <summary>
    /// One weight wⱼ ≥ 0 per class (PyTorch's <c>weight</c>), copied when set; null (the default) for all 1.
    /// Its length must equal the logits' column count, checked at each call.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A weight is negative or not finite.</exception>
    public IReadOnlyList<T>? ClassWeights
    {
        get => _classWeights is null ? null : new ReadOnlyCollection<T>(_classWeights);
        init => _classWeights = LossOptions.ClassWeights(value, nameof(ClassWeights));
    }

    /// <summary>
    /// A label value whose rows are skipped (PyTorch's <c>ignore_index</c>, whose default is -100); null (the
    /// default) to ignore nothing, so that every label must be a class index. It may also be a class index
    /// in [0, C), e.g. a padding class.
    /// </summary>
    public int? IgnoreIndex { get; init; }

    /// <summary>Evaluates the sparse softmax cross-entropy and its gradient on a batch, softmax computed once.</summary>
    /// <param name="labels">One class index kᵢ per row, in [0, C) or equal to <see cref="IgnoreIndex"/>, length N.</param>
    /// <param name="predictions">Logits x, N×C: the raw scores before softmax.</param>
    /// <param name="sampleWeights">One weight sᵢ ≥ 0 per row, length N; null for all 1.</param>
    /// <returns>The value, ℓᵢ per row (0 for ignored rows), the gradient and the merge sums.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="predictions"/> is null.</exception>
    /// <exception cref="ArgumentException">The label count or weights are not length N, the logits are empty, the
    /// class weights are not length C, or Strict rejects an input.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A label is neither a class index nor <see cref="IgnoreIndex"/>, or a sample weight is negative.</exception>
    /// <remarks><c>ℓᵢ = (1 - ε)·w_kᵢ·(-ln pᵢ,kᵢ) + (ε/C)·Σⱼ wⱼ·(-ln pᵢⱼ)</c>;
    /// <c>∂Value/∂xᵢⱼ = sᵢ·((Σₖ aᵢₖ)·pᵢⱼ - aᵢⱼ) / D</c>. PyTorch <c>cross_entropy</c> with class indices.</remarks>
    public LossResult<T> Evaluate(ReadOnlySpan<int> labels, Matrix<T> predictions, Vector<T>? sampleWeights = null)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        Guard.NotEmpty(predictions, nameof(predictions));
        var gradient = Matrix<T>.Build.Dense(predictions.RowCount, predictions.ColumnCount);
        var perExample = Vector<T>.Build.Dense(predictions.RowCount);
        LossTotals<T> totals = Compute(labels, predictions, gradient, perExample, sampleWeights);
        return LossEvaluation.Result(totals, perExample, gradient, _reduction, takesSquareRoot: false);
    }

    /// <summary>Evaluates the sparse softmax cross-entropy into caller buffers, allocating nothing for dense storage.</summary>
    /// <param name="labels">One class index per row, in [0, C) or equal to <see cref="IgnoreIndex"/>, length N.</param>
    /// <param name="predictions">Logits x, N×C.</param>
    /// <param name="gradient">Receives ∂Value/∂x, N×C; must not share storage with <paramref name="predictions"/>, <paramref name="sampleWeights"/> or <paramref name="perExample"/>.</param>
    /// <param name="perExample">Receives ℓᵢ, length N; must not share storage with <paramref name="predictions"/>, <paramref name="sampleWeights"/> or <paramref name="gradient"/>.</param>
    /// <param name="sampleWeights">One weight sᵢ ≥ 0 per row, length N; null for all 1.</param>
    /// <returns>The reduced value.</returns>
    /// <exception cref="ArgumentNullException">A required argument is null.</exception>
    /// <exception cref="ArgumentException">A length or shape does not match, Strict rejects an input, or <paramref name="gradient"/>
    /// or <paramref name="perExample"/> shares its storage with an input or with the other.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A label is neither a class index nor <see cref="IgnoreIndex"/>, or a sample weight is negative.</exception>
    /// <remarks>Same formulas as <see cref="Evaluate(ReadOnlySpan{int}, Matrix{T}, Vector{T})"/>.</remarks>
    public T Evaluate(ReadOnlySpan<int> labels, Matrix<T> predictions, Matrix<T> gradient, Vector<T> perExample, Vector<T>? sampleWeights = null)
        => Compute(labels, predictions, gradient, perExample, sampleWeights).Value;

    /// <summary>
    /// Evaluates the sparse softmax cross-entropy into caller buffers and adds the batch to
    /// <paramref name="accumulator"/>, allocating nothing for dense storage.
    /// </summary>
    /// <param name="labels">One class index per row, in [0, C) or equal to <see cref="IgnoreIndex"/>, length N.</param>
    /// <param name="predictions">Logits x, N×C.</param>
    /// <param name="gradient">Receives ∂Value/∂x, N×C; must not share storage with <paramref name="predictions"/>, <paramref name="sampleWeights"/> or <paramref name="perExample"/>.</param>
    /// <param name="perExample">Receives ℓᵢ, length N; must not share storage with <paramref name="predictions"/>, <paramref name="sampleWeights"/> or <paramref name="gradient"/>.</param>
    /// <param name="accumulator">Receives this batch's sums, as <see cref="LossAccumulator{T}.Add(LossResult{T})"/> would.</param>
    /// <param name="sampleWeights">One weight sᵢ ≥ 0 per row, length N; null for all 1.</param>
    /// <returns>The reduced value of this batch.</returns>
    /// <exception cref="ArgumentNullException">A required argument is null.</exception>
    /// <exception cref="ArgumentException">A length or shape does not match, Strict rejects an input, <paramref name="gradient"/>
    /// or <paramref name="perExample"/> shares its storage with an input or with the other, or <paramref name="accumulator"/>
    /// holds results of another reduction.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A label is neither a class index nor <see cref="IgnoreIndex"/>, or a sample weight is negative.</exception>
    /// <remarks>Same formulas as <see cref="Evaluate(ReadOnlySpan{int}, Matrix{T}, Vector{T})"/>.</remarks>
    public T Evaluate(
        ReadOnlySpan<int> labels, Matrix<T> predictions, Matrix<T> gradient, Vector<T> perExample, LossAccumulator<T> accumulator, Vector<T>? sampleWeights = null)
    {
        ArgumentNullException.ThrowIfNull(accumulator);
        accumulator.CheckAccepts(_reduction, takesSquareRoot: false, nameof(accumulator));
        LossTotals<T> totals = Compute(labels, predictions, gradient, perExample, sampleWeights);
        accumulator.Add(totals.WeightedSum, totals.TotalWeight, totals.Count, _reduction, takesSquareRoot: false, nameof(accumulator));
        return totals.Value;
    }

    private LossTotals<T> Compute(ReadOnlySpan<int> labels, Matrix<T> predictions, Matrix<T> gradient, Vector<T> perExample, Vector<T>? sampleWeights)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        Guard.NotEmpty(predictions, nameof(predictions));
        int rows = predictions.RowCount;
        int columns = predictions.ColumnCount;
        if (labels.Length != rows)
        {
            throw new ArgumentException(
                $"labels has {labels.Length} class indices but predictions is {Guard.Shape(predictions)}: give one class index per row.",
                nameof(labels));
        }

        LossEvaluation.CheckBuffers(labels: null, predictions, gradient, perExample, sampleWeights);
        LossOptions.CheckClassCount(_classWeights, columns, nameof(ClassWeights));
        int ignored = CountIgnored(labels, columns);
        using var x = ColumnMajorInput<T>.Of(predictions);
        using var s = sampleWeights is null ? default : ColumnMajorInput<T>.Of(sampleWeights);
        LossEvaluation.CheckWeights(s.Span);
        if (Strict)
        {
            StrictScreening.Finite(x.Span, rows, nameof(predictions));
            StrictScreening.Finite(s.Span, 0, nameof(sampleWeights));
            StrictScreening.NotProbabilities(x.Span, rows, columns, nameof(predictions));
        }

        var g = ColumnMajorOutput<T>.Of(gradient);
        var l = ColumnMajorOutput<T>.Of(perExample);
        bool ignoring = IgnoreIndex.HasValue;
        int ignoreIndex = IgnoreIndex.GetValueOrDefault();
        ReadOnlySpan<T> classWeights = _classWeights;
        double[] pooledWeights = ArrayPool<double>.Shared.Rent(2 * rows);
        Span<double> losses = pooledWeights.AsSpan(rows, rows);

        // Without ignored rows or class weights every row weighs 1, which the reduction takes from an empty span.
        Span<double> rowWeights = ignoring || !classWeights.IsEmpty ? pooledWeights.AsSpan(0, rows) : Span<double>.Empty;
        if (!rowWeights.IsEmpty)
        {
            EffectiveLabels.RowWeights(labels, ignoring, ignoreIndex, classWeights, rowWeights);
        }

        // Each row's share of the reduction is known from the weights alone: the kernel applies it as it finishes the
        // gradient, unless a share needs double (then the reduction scales the rows).
        T[] pooledFactors = ArrayPool<T>.Shared.Rent(rows);
        Span<T> factors = pooledFactors.AsSpan(0, rows);
        ReductionWeights weights = LossEvaluation.Weigh(rows, s.Span, rowWeights, 1, _reduction);
        ReadOnlySpan<T> gradientFactors = LossEvaluation.TryGradientFactors(rows, s.Span, rowWeights, weights.Divisor, 1.0, factors)
            ? factors
            : default;
        if (_classWeights is null)
        {
            ClassIndexCrossEntropy(labels, ignored, ignoreIndex, x.Span, columns, l.Span, g.Span, gradientFactors, _labelSmoothing);
        }
        else
        {
            T[] pooled = ArrayPool<T>.Shared.Rent(rows * columns);
            Span<T> effective = pooled.AsSpan(0, rows * columns);
            EffectiveLabels.FromClassIndices(labels, ignoring, ignoreIndex, columns, _labelSmoothing, classWeights, effective);
            RowSoftmax.CrossEntropy(effective, x.Span, rows, columns, l.Span, g.Span, gradientFactors);
            ArrayPool<T>.Shared.Return(pooled);
        }

        if (ignored > 0)
        {
            for (int row = 0; row < rows; row++)
            {
                if (labels[row] == ignoreIndex)
                {
                    l.Span[row] = T.Zero;
                }
            }
        }

        ElementTerms.Widen<T>(l.Span, losses);
        LossTotals<T> totals = LossEvaluation.Reduce(
            losses, g.Span, rows, s.Span, rowWeights, weights, inputs: default, gradientScaled: !gradientFactors.IsEmpty);
        ArrayPool<T>.Shared.Return(pooledFactors);
        ArrayPool<double>.Shared.Return(pooledWeights);
        g.Commit();
        l.Commit();
        return totals;
    }

    /// <summary>The number of ignored rows, after checking that every other label is a class index.</summary>
    private int CountIgnored(ReadOnlySpan<int> labels, int columns)
    {
        int ignored = 0;
        for (int row = 0; row < labels.Length; row++)
        {
            int label = labels[row];
            if (label == IgnoreIndex)
            {
                ignored++;
            }
            else if ((uint)label >= (uint)columns)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(labels),
                    label,
                    IgnoreIndex is { } index
                        ? string.Create(CultureInfo.InvariantCulture, $"labels[{row}] = {label} is neither a class index in [0, {columns}) nor IgnoreIndex = {index}.")
                        : string.Create(CultureInfo.InvariantCulture, $"labels[{row}] = {label} is not a class index in [0, {columns}); set IgnoreIndex to skip rows with a marker label."));
            }
        }

        return ignored;
    }

    /// <summary>
    /// The case without class weights through the class-index kernel, with or without smoothing; ignored rows are given
    /// class 0 and zeroed later.
    /// </summary>
    private static void ClassIndexCrossEntropy(
        ReadOnlySpan<int> labels,
        int ignored,
        int ignoreIndex,
        ReadOnlySpan<T> logits,
        int columns,
        Span<T> losses,
        Span<T> gradient,
        ReadOnlySpan<T> gradientFactors,
        T smoothing)
    {
        int rows = labels.Length;
        if (ignored == 0)
        {
            RowSoftmax.SparseCrossEntropy(labels, logits, rows, columns, losses, gradient, gradientFactors, smoothing);
            return;
        }

        int[] pooled = ArrayPool<int>.Shared.Rent(rows);
        Span<int> indices = pooled.AsSpan(0, rows);
        for (int row = 0; row < rows; row++)
        {
            indices[row] = labels[row] == ignoreIndex ? 0 : labels[row];
        }

        RowSoftmax.SparseCrossEntropy(indices, logits, rows, columns, losses, gradient, gradientFactors, smoothing);
        ArrayPool<int>.Shared.Return(pooled);
    }
}
