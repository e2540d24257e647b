using System;
using Losses.Internal;
using MathNet.Numerics.LinearAlgebra;

namespace Losses;

public static partial class Loss
{
    /// <summary>Element-wise logistic cross-entropy of independent 0/1 labels and logits.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="labels">Labels z in [0, 1], N×K (one column per independent binary output).</param>
    /// <param name="logits">Logits x, N×K.</param>
    /// <returns>A new N×K matrix <c>ℓ = -z·ln σ(x) - (1 - z)·ln(1 - σ(x))</c>, one loss per element.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The shapes differ or the matrices are empty.</exception>
    /// <remarks>
    /// <para><c>ℓ = max(x, 0) - x·z + ln(1 + e^-|x|)</c>; gradient <c>∂ℓ/∂x = σ(x) - z</c>
    /// (<see cref="SigmoidCrossEntropyWithLogitsGradient{T}(Matrix{T}, Matrix{T})"/>).</para>
    /// <para>Never exponentiates a positive number, and ln(1 + u) is evaluated accurately for tiny u, so
    /// logits of any magnitude give finite, correct losses; infinite logits give their limits
    /// (0 where the label agrees exactly, +∞ otherwise).</para>
    /// <para>Matches TensorFlow's <c>tf.nn.sigmoid_cross_entropy_with_logits</c> and PyTorch's
    /// <c>binary_cross_entropy_with_logits(reduction='none')</c>.</para>
    /// </remarks>
    public static Matrix<T> SigmoidCrossEntropyWithLogits<T>(Matrix<T> labels, Matrix<T> logits)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
        => WeightedCrossEntropyWithLogits(labels, logits, T.One);

    /// <summary>Element-wise logistic cross-entropy, written into <paramref name="result"/>.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="labels">Labels z in [0, 1], N×K.</param>
    /// <param name="logits">Logits x, N×K.</param>
    /// <param name="result">The N×K destination; it may be <paramref name="logits"/> itself, but must not share storage with <paramref name="labels"/>.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The shapes differ, the matrices are empty, or <paramref name="result"/> is not N×K, is a diagonal matrix or shares its storage with <paramref name="labels"/>.</exception>
    /// <remarks><c>ℓ = max(x, 0) - x·z + ln(1 + e^-|x|)</c>; see <see cref="SigmoidCrossEntropyWithLogits{T}(Matrix{T}, Matrix{T})"/>.</remarks>
    public static void SigmoidCrossEntropyWithLogits<T>(Matrix<T> labels, Matrix<T> logits, Matrix<T> result)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
        => WeightedCrossEntropyWithLogits(labels, logits, T.One, result);

    /// <summary>Gradient of <see cref="SigmoidCrossEntropyWithLogits{T}(Matrix{T}, Matrix{T})"/> with respect to the logits.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="labels">Labels z, N×K.</param>
    /// <param name="logits">Logits x, N×K.</param>
    /// <returns>A new N×K matrix <c>∂ℓ/∂x = σ(x) - z</c>.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The shapes differ or the matrices are empty.</exception>
    /// <remarks><c>∂ℓ/∂x = σ(x) - z</c>, with σ evaluated stably; finite for every non-NaN logit.</remarks>
    public static Matrix<T> SigmoidCrossEntropyWithLogitsGradient<T>(Matrix<T> labels, Matrix<T> logits)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
        => WeightedCrossEntropyWithLogitsGradient(labels, logits, T.One);

    /// <summary>Gradient of the logistic cross-entropy, written into <paramref name="result"/>.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="labels">Labels z, N×K.</param>
    /// <param name="logits">Logits x, N×K.</param>
    /// <param name="result">The N×K destination; it may be <paramref name="logits"/> itself, but must not share storage with <paramref name="labels"/>.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The shapes differ, the matrices are empty, or <paramref name="result"/> is not N×K, is a diagonal matrix or shares its storage with <paramref name="labels"/>.</exception>
    /// <remarks><c>∂ℓ/∂x = σ(x) - z</c>. Allocates nothing for dense storage.</remarks>
    public static void SigmoidCrossEntropyWithLogitsGradient<T>(Matrix<T> labels, Matrix<T> logits, Matrix<T> result)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
        => WeightedCrossEntropyWithLogitsGradient(labels, logits, T.One, result);

    /// <summary>Element-wise logistic cross-entropy with the positive term weighted by <paramref name="positiveWeight"/>.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="labels">Labels z in [0, 1], N×K.</param>
    /// <param name="logits">Logits x, N×K.</param>
    /// <param name="positiveWeight">The weight q of positive examples: q &gt; 1 raises recall, q &lt; 1 precision.</param>
    /// <returns>A new N×K matrix <c>ℓ = -q·z·ln σ(x) - (1 - z)·ln(1 - σ(x))</c>.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The shapes differ or the matrices are empty.</exception>
    /// <remarks>
    /// <para>With c = 1 + (q - 1)·z: <c>ℓ = (1 - z)·x + c·(ln(1 + e^-|x|) + max(-x, 0))</c>; gradient
    /// <c>∂ℓ/∂x = c·σ(x) - q·z</c> (<see cref="WeightedCrossEntropyWithLogitsGradient{T}(Matrix{T}, Matrix{T}, T)"/>).</para>
    /// <para>Evaluated with the linear term on the side where it does not cancel, so infinite logits give
    /// their limits instead of ∞ - ∞. q = 1 is <see cref="SigmoidCrossEntropyWithLogits{T}(Matrix{T}, Matrix{T})"/>.</para>
    /// <para>Matches TensorFlow's <c>tf.nn.weighted_cross_entropy_with_logits(labels, logits, pos_weight)</c>
    /// and PyTorch's <c>binary_cross_entropy_with_logits(pos_weight=q, reduction='none')</c>.</para>
    /// </remarks>
    public static Matrix<T> WeightedCrossEntropyWithLogits<T>(Matrix<T> labels, Matrix<T> logits, T positiveWeight)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
    {
        Guard.SameShape(labels, nameof(labels), logits, nameof(logits));
        var result = Matrix<T>.Build.Dense(logits.RowCount, logits.ColumnCount);
        WeightedCrossEntropyWithLogits(labels, logits, positiveWeight, result);
        return result;
    }

    /// <summary>Element-wise weighted logistic cross-entropy, written into <paramref name="result"/>.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="labels">Labels z in [0, 1], N×K.</param>
    /// <param name="logits">Logits x, N×K.</param>
    /// <param name="positiveWeight">The weight q of positive examples.</param>
    /// <param name="result">The N×K destination; it may be <paramref name="logits"/> itself, but must not share storage with <paramref name="labels"/>.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The shapes differ, the matrices are empty, or <paramref name="result"/> is not N×K, is a diagonal matrix or shares its storage with <paramref name="labels"/>.</exception>
    /// <remarks><c>ℓ = (1 - z)·x + (1 + (q - 1)·z)·(ln(1 + e^-|x|) + max(-x, 0))</c>; see
    /// <see cref="WeightedCrossEntropyWithLogits{T}(Matrix{T}, Matrix{T}, T)"/>. Allocates nothing for dense storage.</remarks>
    public static void WeightedCrossEntropyWithLogits<T>(Matrix<T> labels, Matrix<T> logits, T positiveWeight, Matrix<T> result)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
    {
        Guard.SameShape(labels, nameof(labels), logits, nameof(logits));
        Guard.ResultShape(result, logits, nameof(logits));
        Guard.NotSharedWithInput(result, nameof(result), labels, nameof(labels));
        using var z = ColumnMajorInput<T>.Of(labels);
        using var x = ColumnMajorInput<T>.Of(logits);
        var loss = ColumnMajorOutput<T>.Of(result);
        Elementwise.LogisticCrossEntropy(z.Span, x.Span, positiveWeight, loss.Span, Span<T>.Empty);
        loss.Commit();
    }

    /// <summary>Gradient of <see cref="WeightedCrossEntropyWithLogits{T}(Matrix{T}, Matrix{T}, T)"/> with respect to the logits.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="labels">Labels z, N×K.</param>
    /// <param name="logits">Logits x, N×K.</param>
    /// <param name="positiveWeight">The weight q of positive examples.</param>
    /// <returns>A new N×K matrix <c>∂ℓ/∂x = (1 + (q - 1)·z)·σ(x) - q·z</c>.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The shapes differ or the matrices are empty.</exception>
    /// <remarks><c>∂ℓ/∂x = (q·z + 1 - z)·σ(x) - q·z</c>.</remarks>
    public static Matrix<T> WeightedCrossEntropyWithLogitsGradient<T>(Matrix<T> labels, Matrix<T> logits, T positiveWeight)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
    {
        Guard.SameShape(labels, nameof(labels), logits, nameof(logits));
        var result = Matrix<T>.Build.Dense(logits.RowCount, logits.ColumnCount);
        WeightedCrossEntropyWithLogitsGradient(labels, logits, positiveWeight, result);
        return result;
    }

    /// <summary>Gradient of the weighted logistic cross-entropy, written into <paramref name="result"/>.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="labels">Labels z, N×K.</param>
    /// <param name="logits">Logits x, N×K.</param>
    /// <param name="positiveWeight">The weight q of positive examples.</param>
    /// <param name="result">The N×K destination; it may be <paramref name="logits"/> itself, but must not share storage with <paramref name="labels"/>.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The shapes differ, the matrices are empty, or <paramref name="result"/> is not N×K, is a diagonal matrix or shares its storage with <paramref name="labels"/>.</exception>
    /// <remarks><c>∂ℓ/∂x = (q·z + 1 - z)·σ(x) - q·z</c>. Allocates nothing for dense storage.</remarks>
    public static void WeightedCrossEntropyWithLogitsGradient<T>(Matrix<T> labels, Matrix<T> logits, T positiveWeight, Matrix<T> result)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
    {
        Guard.SameShape(labels, nameof(labels), logits, nameof(logits));
        Guard.ResultShape(result, logits, nameof(logits));
        Guard.NotSharedWithInput(result, nameof(result), labels, nameof(labels));
        using var z = ColumnMajorInput<T>.Of(labels);
        using var x = ColumnMajorInput<T>.Of(logits);
        var gradient = ColumnMajorOutput<T>.Of(result);
        Elementwise.LogisticCrossEntropy(z.Span, x.Span, positiveWeight, Span<T>.Empty, gradient.Span);
        gradient.Commit();
    }
}
