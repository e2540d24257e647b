using System;
using System.Buffers;
using Losses.Internal;
using MathNet.Numerics.LinearAlgebra;

namespace Losses;

/// <summary>Sigmoid (binary, multi-label) cross-entropy of logits as a reusable training loss: value and gradient in one pass.</summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>
/// <para>Labels z ∈ [0, 1] are first smoothed, as Keras does: <c>z' = (1 - ε)·z + ε/2</c>. With positive
/// weight q and <c>c = 1 + (q - 1)·z'</c>, each element costs
/// <c>ℓᵢⱼ = -q·z'·ln σ(x) - (1 - z')·ln(1 - σ(x)) = (1 - z')·x + c·(ln(1 + e^-|x|) + max(-x, 0))</c>, and
/// <c>ℓᵢ = Σⱼ ℓᵢⱼ</c>. Counted terms are the N·K elements: <c>Sum = Σᵢ sᵢℓᵢ</c>,
/// <c>Mean = Σᵢ sᵢℓᵢ / (N·K)</c>, <c>WeightedMean = Σᵢ sᵢℓᵢ / (K·Σᵢ sᵢ)</c>. Gradient
/// <c>∂Value/∂xᵢⱼ = sᵢ·(c·σ(xᵢⱼ) - q·z'ᵢⱼ) / D</c>.</para>
/// <para>Equals PyTorch's <c>binary_cross_entropy_with_logits(x, z', weight=s[:, None],
/// pos_weight=torch.full((K,), q), reduction=...)</c> for Sum and Mean, and TensorFlow's
/// <c>tf.nn.weighted_cross_entropy_with_logits</c> element-wise. Stable for logits of any magnitude.</para>
/// <para>Immutable and thread-safe. Strict mode rejects NaN and infinite inputs and labels outside [0, 1].</para>
/// </remarks>
public sealed class SigmoidCrossEntropyLoss<T> : MatrixLabelLoss<T>
    where T : struct, System.Numerics.IFloatingPointIeee754<T>
{
    private readonly T _positiveWeight = T.One;
    private readonly T _labelSmoothing = T.Zero;

    /// <summary>The weight q ≥ 0 of the positive term (PyTorch's <c>pos_weight</c> for every column); 1 unless set.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative or not finite.</exception>
    public T PositiveWeight
    {
        get => _positiveWeight;
        init => _positiveWeight = LossOptions.NonNegative(value, nameof(PositiveWeight));
    }

    /// <summary>Label smoothing ε ∈ [0, 1]: labels become <c>(1 - ε)·z + ε/2</c> (Keras's <c>label_smoothing</c>); 0 unless set.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside [0, 1].</exception>
    public T LabelSmoothing
    {
        get => _labelSmoothing;
        init => _labelSmoothing = LossOptions.Smoothing(value, nameof(LabelSmoothing));
    }

    internal override int TermsPerRow(int columns) => columns;

    internal override void Screen(ReadOnlySpan<T> labels, ReadOnlySpan<T> predictions, int rows, int columns)
        => StrictScreening.Probabilities(labels, rows, nameof(labels));

    internal override bool AppliesGradientFactors => true;

    internal override void Compute(
        ReadOnlySpan<T> labels, ReadOnlySpan<T> predictions, int rows, int columns, Span<double> losses, Span<T> gradient, ReadOnlySpan<T> gradientFactors)
    {
        // The element losses go straight into their rows' sums, on one thread or split between threads in blocks of rows,
        // each chunk's labels smoothed as it is read; split in element ranges (whose ranges share rows: columns too short
        // for blocks of rows), or with labels that need the redo in double, they are stored and summed after, from labels
        // smoothed beforehand: the same bits.
        if (Elementwise.LogisticCrossEntropyIntoRows(labels, predictions, _positiveWeight, losses, gradient, gradientFactors, _labelSmoothing))
        {
            return;
        }

        int length = predictions.Length;
        T[]? smoothed = null;
        ReadOnlySpan<T> effective = labels;
        if (_labelSmoothing != T.Zero)
        {
            smoothed = ArrayPool<T>.Shared.Rent(length);
            ElementTerms.SmoothBinaryLabels(labels, _labelSmoothing, smoothed.AsSpan(0, length));
            effective = smoothed.AsSpan(0, length);
        }

        T[] pooled = ArrayPool<T>.Shared.Rent(length);
        Span<T> elementLosses = pooled.AsSpan(0, length);
        Elementwise.LogisticCrossEntropy(effective, predictions, _positiveWeight, elementLosses, gradient, gradientFactors);
        ElementTerms.SumRows(elementLosses, rows, losses);
        ArrayPool<T>.Shared.Return(pooled);
        if (smoothed is not null)
        {
            ArrayPool<T>.Shared.Return(smoothed);
        }
    }
}
