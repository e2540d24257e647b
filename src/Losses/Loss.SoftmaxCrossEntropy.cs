using System;
using Losses.Internal;
using MathNet.Numerics.LinearAlgebra;

namespace Losses;

public static partial class Loss
{
    /// <summary>Softmax cross-entropy of label distributions and logits, one loss per example: the chapter's rel1.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="labels">Labels y, N×C: one-hot rows, or soft rows that sum to 1 (rel4).</param>
    /// <param name="logits">Unnormalised logits x, N×C: the raw model output, not softmax probabilities.</param>
    /// <returns>A new vector of N losses <c>ℓᵢ = -Σⱼ yᵢⱼ·ln softmax(xᵢ)ⱼ</c>.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The shapes differ or the matrices are empty.</exception>
    /// <remarks>
    /// <para><c>ℓᵢ = Σⱼ yᵢⱼ·(lseᵢ - xᵢⱼ)</c> with <c>lseᵢ = mᵢ + ln Σₖ exp(xᵢₖ - mᵢ)</c>, <c>mᵢ = maxₖ xᵢₖ</c>;
    /// gradient <c>∂ℓᵢ/∂xᵢⱼ = (Σₖ yᵢₖ)·softmax(xᵢ)ⱼ - yᵢⱼ</c>
    /// (<see cref="SoftmaxCrossEntropyWithLogitsGradient{T}(Matrix{T}, Matrix{T})"/>). Labels are not normalised.</para>
    /// <para>Never takes the log of a rounded probability, so logits of any magnitude give finite, correct
    /// losses. A zero label contributes exactly 0; a +∞ logit on the labelled class gives 0, on another
    /// class +∞; a row of only -∞ gives NaN.</para>
    /// <para>Passing softmax output as logits applies softmax twice (the chapter's rel2) and gives a
    /// different, wrong loss. Matches TensorFlow's <c>tf.nn.softmax_cross_entropy_with_logits</c> and
    /// PyTorch's <c>cross_entropy</c> with probability targets and <c>reduction='none'</c>.</para>
    /// </remarks>
    public static Vector<T> SoftmaxCrossEntropyWithLogits<T>(Matrix<T> labels, Matrix<T> logits)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
    {
        Guard.SameShape(labels, nameof(labels), logits, nameof(logits));
        var result = Vector<T>.Build.Dense(logits.RowCount);
        SoftmaxCrossEntropyWithLogits(labels, logits, result);
        return result;
    }

    /// <summary>Softmax cross-entropy per example, written into <paramref name="result"/>.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="labels">Labels y, N×C.</param>
    /// <param name="logits">Logits x, N×C.</param>
    /// <param name="result">The destination, length N; it may share its storage with <paramref name="logits"/> (an N×1 matrix built on one array), but not with <paramref name="labels"/>.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The shapes differ, the matrices are empty, or <paramref name="result"/> does not have length N or shares its storage with <paramref name="labels"/>.</exception>
    /// <remarks><c>ℓᵢ = Σⱼ yᵢⱼ·(lseᵢ - xᵢⱼ)</c>; see <see cref="SoftmaxCrossEntropyWithLogits{T}(Matrix{T}, Matrix{T})"/>.
    /// Allocates nothing for dense storage.</remarks>
    public static void SoftmaxCrossEntropyWithLogits<T>(Matrix<T> labels, Matrix<T> logits, Vector<T> result)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
    {
        Guard.SameShape(labels, nameof(labels), logits, nameof(logits));
        Guard.ResultPerRow(result, logits, nameof(logits));
        Guard.NotSharedWithInput(result, nameof(result), labels, nameof(labels));
        using var y = ColumnMajorInput<T>.Of(labels);
        using var x = ColumnMajorInput<T>.Of(logits);
        var loss = ColumnMajorOutput<T>.Of(result);
        RowSoftmax.CrossEntropy(y.Span, x.Span, logits.RowCount, logits.ColumnCount, loss.Span, Span<T>.Empty);
        loss.Commit();
    }

    /// <summary>Gradient of the sum of <see cref="SoftmaxCrossEntropyWithLogits{T}(Matrix{T}, Matrix{T})"/> with respect to the logits.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="labels">Labels y, N×C.</param>
    /// <param name="logits">Logits x, N×C.</param>
    /// <returns>A new N×C matrix <c>∂(Σᵢ ℓᵢ)/∂xᵢⱼ = (Σₖ yᵢₖ)·softmax(xᵢ)ⱼ - yᵢⱼ</c>.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The shapes differ or the matrices are empty.</exception>
    /// <remarks><c>∂ℓᵢ/∂xᵢⱼ = (Σₖ yᵢₖ)·pᵢⱼ - yᵢⱼ</c>, which is <c>p - y</c> for labels that sum to 1.</remarks>
    public static Matrix<T> SoftmaxCrossEntropyWithLogitsGradient<T>(Matrix<T> labels, Matrix<T> logits)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
    {
        Guard.SameShape(labels, nameof(labels), logits, nameof(logits));
        var result = Matrix<T>.Build.Dense(logits.RowCount, logits.ColumnCount);
        SoftmaxCrossEntropyWithLogitsGradient(labels, logits, result);
        return result;
    }

    /// <summary>Gradient of the softmax cross-entropy, written into <paramref name="result"/>.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="labels">Labels y, N×C.</param>
    /// <param name="logits">Logits x, N×C.</param>
    /// <param name="result">The N×C destination; it may be <paramref name="logits"/> itself, but must not share storage with <paramref name="labels"/>.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The shapes differ, the matrices are empty, or <paramref name="result"/> is not N×C, is a diagonal matrix or shares its storage with <paramref name="labels"/>.</exception>
    /// <remarks><c>∂ℓᵢ/∂xᵢⱼ = (Σₖ yᵢₖ)·pᵢⱼ - yᵢⱼ</c>. Allocates nothing for dense storage.</remarks>
    public static void SoftmaxCrossEntropyWithLogitsGradient<T>(Matrix<T> labels, Matrix<T> logits, Matrix<T> result)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
    {
        Guard.SameShape(labels, nameof(labels), logits, nameof(logits));
        Guard.ResultShape(result, logits, nameof(logits));
        Guard.NotSharedWithInput(result, nameof(result), labels, nameof(labels));
        using var y = ColumnMajorInput<T>.Of(labels);
        using var x = ColumnMajorInput<T>.Of(logits);
        var gradient = ColumnMajorOutput<T>.Of(result);
        RowSoftmax.CrossEntropy(y.Span, x.Span, logits.RowCount, logits.ColumnCount, Span<T>.Empty, gradient.Span);
        gradient.Commit();
    }

    /// <summary>Softmax cross-entropy of class indices and logits, one loss per example: the chapter's rel5.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="labels">One class index per example, each in [0, C).</param>
    /// <param name="logits">Unnormalised logits x, N×C.</param>
    /// <returns>A new vector of N losses <c>ℓᵢ = -ln softmax(xᵢ)_kᵢ</c>, kᵢ = labels[i].</returns>
    /// <exception cref="ArgumentNullException"><paramref name="logits"/> is null.</exception>
    /// <exception cref="ArgumentException">The label count is not N, or <paramref name="logits"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A label is outside [0, C); the message names its row and value.</exception>
    /// <remarks>
    /// <para><c>ℓᵢ = lseᵢ - xᵢ,kᵢ</c> with <c>lseᵢ = mᵢ + ln Σⱼ exp(xᵢⱼ - mᵢ)</c>; gradient
    /// <c>∂ℓᵢ/∂xᵢⱼ = softmax(xᵢ)ⱼ - [j = kᵢ]</c>. Equal to
    /// <see cref="SoftmaxCrossEntropyWithLogits{T}(Matrix{T}, Matrix{T})"/> with the one-hot labels.</para>
    /// <para>Matches TensorFlow's <c>tf.nn.sparse_softmax_cross_entropy_with_logits</c> (which raises on an
    /// out-of-range index on CPU and returns NaN on GPU; this always raises) and PyTorch's
    /// <c>cross_entropy(reduction='none')</c> with class indices.</para>
    /// </remarks>
    public static Vector<T> SparseSoftmaxCrossEntropyWithLogits<T>(ReadOnlySpan<int> labels, Matrix<T> logits)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
    {
        Guard.ClassIndices(labels, logits, nameof(labels), nameof(logits));
        var result = Vector<T>.Build.Dense(logits.RowCount);
        SparseSoftmaxCrossEntropyWithLogits(labels, logits, result);
        return result;
    }

    /// <summary>Softmax cross-entropy of class indices, written into <paramref name="result"/>.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="labels">One class index per example, each in [0, C).</param>
    /// <param name="logits">Logits x, N×C.</param>
    /// <param name="result">The destination, length N; it may share its storage with <paramref name="logits"/> (an N×1 matrix built on one array).</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The label count is not N, <paramref name="logits"/> is empty, or <paramref name="result"/> does not have length N.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A label is outside [0, C).</exception>
    /// <remarks><c>ℓᵢ = lseᵢ - xᵢ,kᵢ</c>; see <see cref="SparseSoftmaxCrossEntropyWithLogits{T}(ReadOnlySpan{int}, Matrix{T})"/>.
    /// Allocates nothing for dense storage.</remarks>
    public static void SparseSoftmaxCrossEntropyWithLogits<T>(ReadOnlySpan<int> labels, Matrix<T> logits, Vector<T> result)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
    {
        Guard.ClassIndices(labels, logits, nameof(labels), nameof(logits));
        Guard.ResultPerRow(result, logits, nameof(logits));
        using var x = ColumnMajorInput<T>.Of(logits);
        var loss = ColumnMajorOutput<T>.Of(result);
        RowSoftmax.SparseCrossEntropy(labels, x.Span, logits.RowCount, logits.ColumnCount, loss.Span, Span<T>.Empty);
        loss.Commit();
    }

    /// <summary>Gradient of the sum of <see cref="SparseSoftmaxCrossEntropyWithLogits{T}(ReadOnlySpan{int}, Matrix{T})"/> with respect to the logits.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="labels">One class index per example, each in [0, C).</param>
    /// <param name="logits">Logits x, N×C.</param>
    /// <returns>A new N×C matrix <c>∂ℓᵢ/∂xᵢⱼ = softmax(xᵢ)ⱼ - [j = kᵢ]</c>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="logits"/> is null.</exception>
    /// <exception cref="ArgumentException">The label count is not N, or <paramref name="logits"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A label is outside [0, C).</exception>
    /// <remarks><c>∂ℓᵢ/∂xᵢⱼ = pᵢⱼ - [j = kᵢ]</c>.</remarks>
    public static Matrix<T> SparseSoftmaxCrossEntropyWithLogitsGradient<T>(ReadOnlySpan<int> labels, Matrix<T> logits)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
    {
        Guard.ClassIndices(labels, logits, nameof(labels), nameof(logits));
        var result = Matrix<T>.Build.Dense(logits.RowCount, logits.ColumnCount);
        SparseSoftmaxCrossEntropyWithLogitsGradient(labels, logits, result);
        return result;
    }

    /// <summary>Gradient of the sparse softmax cross-entropy, written into <paramref name="result"/>.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="labels">One class index per example, each in [0, C).</param>
    /// <param name="logits">Logits x, N×C.</param>
    /// <param name="result">The N×C destination; it may be <paramref name="logits"/> itself.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The label count is not N, <paramref name="logits"/> is empty, or <paramref name="result"/> is not N×C or is a diagonal matrix.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A label is outside [0, C).</exception>
    /// <remarks><c>∂ℓᵢ/∂xᵢⱼ = pᵢⱼ - [j = kᵢ]</c>. Allocates nothing for dense storage.</remarks>
    public static void SparseSoftmaxCrossEntropyWithLogitsGradient<T>(ReadOnlySpan<int> labels, Matrix<T> logits, Matrix<T> result)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
    {
        Guard.ClassIndices(labels, logits, nameof(labels), nameof(logits));
        Guard.ResultShape(result, logits, nameof(logits));
        using var x = ColumnMajorInput<T>.Of(logits);
        var gradient = ColumnMajorOutput<T>.Of(result);
        RowSoftmax.SparseCrossEntropy(labels, x.Span, logits.RowCount, logits.ColumnCount, Span<T>.Empty, gradient.Span);
        gradient.Commit();
    }
}
