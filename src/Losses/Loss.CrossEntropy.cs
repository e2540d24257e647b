using System;
using Losses.Internal;
using MathNet.Numerics.LinearAlgebra;

namespace Losses;

public static partial class Loss
{
    /// <summary>Cross-entropy of labels and probabilities, one loss per example: the chapter's hand-composed rel3.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="labels">Labels y, N×C.</param>
    /// <param name="probabilities">Probabilities p in [0, 1], N×C, such as the output of <see cref="Activation.Softmax{T}(Matrix{T})"/>.</param>
    /// <returns>A new vector of N losses <c>ℓᵢ = -Σⱼ yᵢⱼ·ln pᵢⱼ</c>.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The shapes differ or the matrices are empty.</exception>
    /// <remarks>
    /// <para><c>ℓᵢ = -Σⱼ yᵢⱼ·ln pᵢⱼ</c>, with a zero label contributing exactly 0 (so 0·ln 0 = 0);
    /// gradient <c>∂ℓᵢ/∂pᵢⱼ = -yᵢⱼ/pᵢⱼ</c>, 0 where yᵢⱼ = 0.</para>
    /// <para>Equal to <see cref="SoftmaxCrossEntropyWithLogits{T}(Matrix{T}, Matrix{T})"/> of the logits
    /// when p = softmax(logits), but it takes the log of rounded probabilities: a probability that
    /// rounded to 0 under a nonzero label gives +∞. Prefer the logits form in training.</para>
    /// <para>Matches <c>-tf.reduce_sum(labels * tf.log(probabilities), 1)</c>.</para>
    /// </remarks>
    public static Vector<T> CrossEntropy<T>(Matrix<T> labels, Matrix<T> probabilities)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
    {
        Guard.SameShape(labels, nameof(labels), probabilities, nameof(probabilities));
        var result = Vector<T>.Build.Dense(probabilities.RowCount);
        CrossEntropy(labels, probabilities, result);
        return result;
    }

    /// <summary>Cross-entropy of labels and probabilities, written into <paramref name="result"/>.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="labels">Labels y, N×C.</param>
    /// <param name="probabilities">Probabilities p, N×C.</param>
    /// <param name="result">The destination, length N; it may share its storage with <paramref name="probabilities"/> (an N×1 matrix built on one array), but not with <paramref name="labels"/>.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The shapes differ, the matrices are empty, or <paramref name="result"/> does not have length N or shares its storage with <paramref name="labels"/>.</exception>
    /// <remarks><c>ℓᵢ = -Σⱼ yᵢⱼ·ln pᵢⱼ</c>; see <see cref="CrossEntropy{T}(Matrix{T}, Matrix{T})"/>. Allocates nothing for dense storage.</remarks>
    public static void CrossEntropy<T>(Matrix<T> labels, Matrix<T> probabilities, Vector<T> result)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
    {
        Guard.SameShape(labels, nameof(labels), probabilities, nameof(probabilities));
        Guard.ResultPerRow(result, probabilities, nameof(probabilities));
        Guard.NotSharedWithInput(result, nameof(result), labels, nameof(labels));
        using var y = ColumnMajorInput<T>.Of(labels);
        using var p = ColumnMajorInput<T>.Of(probabilities);
        var loss = ColumnMajorOutput<T>.Of(result);
        // With result built on an N×1 probabilities matrix's array, the kernel reads a block's probabilities before it
        // writes the block's losses (it sums each row in a buffer of its own), so in place is exact.
        Elementwise.ProbabilityCrossEntropy(y.Span, p.Span, probabilities.RowCount, loss.Span, Span<T>.Empty);
        loss.Commit();
    }

    /// <summary>Gradient of the sum of <see cref="CrossEntropy{T}(Matrix{T}, Matrix{T})"/> with respect to the probabilities.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="labels">Labels y, N×C.</param>
    /// <param name="probabilities">Probabilities p, N×C.</param>
    /// <returns>A new N×C matrix <c>∂ℓᵢ/∂pᵢⱼ = -yᵢⱼ/pᵢⱼ</c>, 0 where yᵢⱼ = 0.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The shapes differ or the matrices are empty.</exception>
    /// <remarks><c>∂ℓᵢ/∂pᵢⱼ = -yᵢⱼ/pᵢⱼ</c>; a nonzero label over a zero probability gives -∞.</remarks>
    public static Matrix<T> CrossEntropyGradient<T>(Matrix<T> labels, Matrix<T> probabilities)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
    {
        Guard.SameShape(labels, nameof(labels), probabilities, nameof(probabilities));
        var result = Matrix<T>.Build.Dense(probabilities.RowCount, probabilities.ColumnCount);
        CrossEntropyGradient(labels, probabilities, result);
        return result;
    }

    /// <summary>Gradient of the cross-entropy of probabilities, written into <paramref name="result"/>.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="labels">Labels y, N×C.</param>
    /// <param name="probabilities">Probabilities p, N×C.</param>
    /// <param name="result">The N×C destination; it may be <paramref name="probabilities"/> itself, but must not share storage with <paramref name="labels"/>.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The shapes differ, the matrices are empty, or <paramref name="result"/> is not N×C, is a diagonal matrix or shares its storage with <paramref name="labels"/>.</exception>
    /// <remarks><c>∂ℓᵢ/∂pᵢⱼ = -yᵢⱼ/pᵢⱼ</c>, 0 where yᵢⱼ = 0. Allocates nothing for dense storage.</remarks>
    public static void CrossEntropyGradient<T>(Matrix<T> labels, Matrix<T> probabilities, Matrix<T> result)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
    {
        Guard.SameShape(labels, nameof(labels), probabilities, nameof(probabilities));
        Guard.ResultShape(result, probabilities, nameof(probabilities));
        Guard.NotSharedWithInput(result, nameof(result), labels, nameof(labels));
        using var y = ColumnMajorInput<T>.Of(labels);
        using var p = ColumnMajorInput<T>.Of(probabilities);
        var gradient = ColumnMajorOutput<T>.Of(result);
        Elementwise.ProbabilityCrossEntropy(y.Span, p.Span, probabilities.RowCount, Span<T>.Empty, gradient.Span);
        gradient.Commit();
    }
}
