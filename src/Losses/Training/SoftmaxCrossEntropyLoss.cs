using System;
using System.Buffers;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using Losses.Internal;
using MathNet.Numerics.LinearAlgebra;

namespace Losses;

/// <summary>Softmax cross-entropy of label distributions and logits as a reusable training loss: value and gradient in one pass.</summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>
/// <para>With class weights w (all 1 when none), smoothing ε and C classes, the effective labels are
/// <c>aᵢⱼ = wⱼ·((1 - ε)·yᵢⱼ + ε/C)</c> and, softmax computed once per row with
/// <c>lseᵢ = mᵢ + ln Σₖ exp(xᵢₖ - mᵢ)</c>: <c>ℓᵢ = Σⱼ aᵢⱼ·(lseᵢ - xᵢⱼ) = -Σⱼ wⱼ·y'ᵢⱼ·ln pᵢⱼ</c>,
/// <c>∂ℓᵢ/∂xᵢⱼ = (Σₖ aᵢₖ)·pᵢⱼ - aᵢⱼ</c>. Each row counts once, with weight <c>rᵢ = Σⱼ wⱼ·yᵢⱼ</c>:
/// <c>Sum = Σᵢ sᵢℓᵢ</c>, <c>Mean = Σᵢ sᵢℓᵢ / N</c>, <c>WeightedMean = Σᵢ sᵢℓᵢ / Σᵢ sᵢrᵢ</c>; the gradient is
/// <c>sᵢ·∂ℓᵢ/∂xᵢⱼ / D</c>.</para>
/// <para>PyTorch's <c>cross_entropy(x, y, weight=w, label_smoothing=ε)</c> with probability targets:
/// <c>reduction='mean'</c> is <see cref="Reduction.Mean"/> (it divides by N whatever the weights),
/// <c>'sum'</c> is <see cref="Reduction.Sum"/>. A batch of one-hot rows gives exactly what
/// <see cref="SparseSoftmaxCrossEntropyLoss{T}"/> gives for their class indices, with every option and reduction
/// (for one-hot rows <c>rᵢ = w_yᵢ</c>, so <see cref="Reduction.WeightedMean"/> is PyTorch's class-index
/// <c>'mean'</c>). Without options, <c>ℓᵢ</c> is TensorFlow's <c>tf.nn.softmax_cross_entropy_with_logits</c>.</para>
/// <para>With label smoothing and no class weights a batch of one-hot rows takes the class-index kernel, which never
/// writes the smoothed labels out: <c>ℓᵢ = (1 - ε)·(lseᵢ - xᵢ,kᵢ) + (ε/C)·Σⱼ (lseᵢ - xᵢⱼ)</c>, each sum of terms ≥ 0
/// in double, and <c>∂ℓᵢ/∂xᵢⱼ = pᵢⱼ - aᵢⱼ</c>. A batch that mixes one-hot rows with soft ones takes the labels
/// <c>aᵢⱼ</c> written out for every row, and a one-hot row's results there may differ from the class-index kernel's
/// in the last bits.</para>
/// <para>Immutable and thread-safe. Strict mode rejects NaN and infinite inputs, labels outside [0, 1], label
/// rows that do not sum to 1, and logits whose every row lies in [0, 1] and sums to 1 (softmax output
/// passed as logits, which applies softmax twice).</para>
/// </remarks>
public sealed class SoftmaxCrossEntropyLoss<T> : MatrixLabelLoss<T>
    where T : struct, System.Numerics.IFloatingPointIeee754<T>
{
    private readonly T _labelSmoothing = T.Zero;
    private readonly T[]? _classWeights;

    /// <summary>Label smoothing ε ∈ [0, 1]: labels become <c>(1 - ε)·y + ε/C</c> (PyTorch's <c>label_smoothing</c>); 0 unless set.</summary>
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

    internal override int TermsPerRow(int columns) => 1;

    internal override void CheckOptions(int columns)
        => LossOptions.CheckClassCount(_classWeights, columns, nameof(ClassWeights));

    internal override void Screen(ReadOnlySpan<T> labels, ReadOnlySpan<T> predictions, int rows, int columns)
    {
        StrictScreening.Probabilities(labels, rows, nameof(labels));
        StrictScreening.RowsSumToOne(labels, rows, columns, nameof(labels));
        StrictScreening.NotProbabilities(predictions, rows, columns, nameof(predictions));
    }

    /// <summary>
    /// Without class weights, one-hot labels run the class-index kernel: without smoothing the same bits as the dense
    /// kernel's, with smoothing those <see cref="SparseSoftmaxCrossEntropyLoss{T}"/> gives (see the remarks).
    /// </summary>
    internal override bool FindsClassIndices => _classWeights is null;

    internal override bool RowWeights(ReadOnlySpan<T> labels, int rows, int columns, Span<double> rowWeights, Span<int> classIndices, out bool oneHot)
    {
        oneHot = EffectiveLabels.RowWeights(labels, rows, columns, _classWeights, rowWeights, FindsClassIndices ? classIndices : default);
        return true;
    }

    internal override bool AppliesGradientFactors => true;

    internal override void Compute(
        ReadOnlySpan<T> labels,
        ReadOnlySpan<T> predictions,
        int rows,
        int columns,
        Span<double> losses,
        Span<T> gradient,
        ReadOnlySpan<T> gradientFactors,
        ReadOnlySpan<int> classIndices)
    {
        bool plain = _labelSmoothing == T.Zero && _classWeights is null;
        T[] pooled = ArrayPool<T>.Shared.Rent(plain || !classIndices.IsEmpty ? rows : rows + predictions.Length);
        Span<T> rowLosses = pooled.AsSpan(0, rows);
        if (!classIndices.IsEmpty)
        {
            // One-hot labels: the class-index kernel reads no labels. Without smoothing it gives each row's loss and
            // gradient with the bits the dense kernel gives a one-hot row (L = 1, D = s at the label); with smoothing it
            // takes the smoothed labels' sums from the logits alone. Either way as SparseSoftmaxCrossEntropyLoss does.
            RowSoftmax.SparseCrossEntropy(classIndices, predictions, rows, columns, rowLosses, gradient, gradientFactors, _labelSmoothing);
        }
        else
        {
            ReadOnlySpan<T> effective = labels;
            if (!plain)
            {
                Span<T> weighted = pooled.AsSpan(rows, predictions.Length);
                EffectiveLabels.FromLabels(labels, rows, columns, _labelSmoothing, _classWeights, weighted);
                effective = weighted;
            }

            RowSoftmax.CrossEntropy(effective, predictions, rows, columns, rowLosses, gradient, gradientFactors);
        }

        // The row's cross-entropy is formed in T, as by Loss.SoftmaxCrossEntropyWithLogits, and widened exactly.
        ElementTerms.Widen<T>(rowLosses, losses);
        ArrayPool<T>.Shared.Return(pooled);
    }

    internal override void Compute(
        ReadOnlySpan<T> labels, ReadOnlySpan<T> predictions, int rows, int columns, Span<double> losses, Span<T> gradient, ReadOnlySpan<T> gradientFactors)
        => Compute(labels, predictions, rows, columns, losses, gradient, gradientFactors, default);
}
