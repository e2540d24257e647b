using System;
using MathNet.Numerics.LinearAlgebra;

namespace Losses;

/// <summary>A configured, immutable training loss whose labels are a matrix of the predictions' shape.</summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>
/// Implemented through <see cref="MatrixLabelLoss{T}"/> by <see cref="MeanSquaredErrorLoss{T}"/>, <see cref="MeanAbsoluteErrorLoss{T}"/>,
/// <see cref="RootMeanSquaredErrorLoss{T}"/>, <see cref="HuberLoss{T}"/>, <see cref="SigmoidCrossEntropyLoss{T}"/>
/// and <see cref="SoftmaxCrossEntropyLoss{T}"/>, so a training loop can take any of them. Implementations are
/// immutable and safe to call from several threads at once. <see cref="SparseSoftmaxCrossEntropyLoss{T}"/> takes
/// class indices instead of a label matrix and so has its own, otherwise identical, Evaluate methods.
/// </remarks>
public interface ILoss<T>
    where T : struct, System.Numerics.IFloatingPointIeee754<T>
{
    /// <summary>How the per-example losses are reduced to the value.</summary>
    Reduction Reduction { get; }

    /// <summary>Whether inputs that are almost always a mistake are rejected.</summary>
    bool Strict { get; }

    /// <summary>Evaluates the loss and its gradient on a batch in one pass.</summary>
    /// <param name="labels">Labels, N×C.</param>
    /// <param name="predictions">Model outputs (logits for the cross-entropy losses), N×C.</param>
    /// <param name="sampleWeights">One non-negative weight per row, length N; null for all 1.</param>
    /// <returns>The value, per-example losses, gradient and merge sums.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="labels"/> or <paramref name="predictions"/> is null.</exception>
    /// <exception cref="ArgumentException">A shape does not match, or Strict mode rejects an input.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A sample weight is negative.</exception>
    /// <remarks>See the implementing class for the formulas.</remarks>
    LossResult<T> Evaluate(Matrix<T> labels, Matrix<T> predictions, Vector<T>? sampleWeights = null);

    /// <summary>Evaluates the loss into caller buffers, allocating nothing for dense storage.</summary>
    /// <param name="labels">Labels, N×C.</param>
    /// <param name="predictions">Model outputs (logits for the cross-entropy losses), N×C.</param>
    /// <param name="gradient">Receives ∂Value/∂predictions, N×C; must not share storage with <paramref name="labels"/>, <paramref name="predictions"/>, <paramref name="sampleWeights"/> or <paramref name="perExample"/>.</param>
    /// <param name="perExample">Receives the N per-example losses; must not share storage with <paramref name="labels"/>, <paramref name="predictions"/>, <paramref name="sampleWeights"/> or <paramref name="gradient"/>.</param>
    /// <param name="sampleWeights">One non-negative weight per row, length N; null for all 1.</param>
    /// <returns>The reduced value.</returns>
    /// <exception cref="ArgumentNullException">A required argument is null.</exception>
    /// <exception cref="ArgumentException">A shape does not match, Strict mode rejects an input, or <paramref name="gradient"/> or
    /// <paramref name="perExample"/> shares its storage with an input or with the other.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A sample weight is negative.</exception>
    /// <remarks>See the implementing class for the formulas, and <see cref="MatrixLabelLoss{T}"/> for the storage the buffers may share.</remarks>
    T Evaluate(Matrix<T> labels, Matrix<T> predictions, Matrix<T> gradient, Vector<T> perExample, Vector<T>? sampleWeights = null);

    /// <summary>Evaluates the loss into caller buffers and adds the batch to an accumulator, allocating nothing for dense storage.</summary>
    /// <param name="labels">Labels, N×C.</param>
    /// <param name="predictions">Model outputs (logits for the cross-entropy losses), N×C.</param>
    /// <param name="gradient">Receives ∂Value/∂predictions, N×C; must not share storage with <paramref name="labels"/>, <paramref name="predictions"/>, <paramref name="sampleWeights"/> or <paramref name="perExample"/>.</param>
    /// <param name="perExample">Receives the N per-example losses; must not share storage with <paramref name="labels"/>, <paramref name="predictions"/>, <paramref name="sampleWeights"/> or <paramref name="gradient"/>.</param>
    /// <param name="accumulator">Receives this batch's sums.</param>
    /// <param name="sampleWeights">One non-negative weight per row, length N; null for all 1.</param>
    /// <returns>The reduced value of this batch.</returns>
    /// <exception cref="ArgumentNullException">A required argument is null.</exception>
    /// <exception cref="ArgumentException">A shape does not match, Strict mode rejects an input, <paramref name="gradient"/> or
    /// <paramref name="perExample"/> shares its storage with an input or with the other, or the accumulator holds another reduction.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A sample weight is negative.</exception>
    /// <remarks>See the implementing class for the formulas, and <see cref="MatrixLabelLoss{T}"/> for the storage the buffers may share.</remarks>
    T Evaluate(Matrix<T> labels, Matrix<T> predictions, Matrix<T> gradient, Vector<T> perExample, LossAccumulator<T> accumulator, Vector<T>? sampleWeights = null);
}
