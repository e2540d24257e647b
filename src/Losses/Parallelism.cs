using System;
using System.Threading;

namespace Losses;

/// <summary>How many threads the kernels may use for one large batch.</summary>
/// <remarks>
/// <para>The row-wise kernels (<see cref="Activation.Softmax{T}(MathNet.Numerics.LinearAlgebra.Matrix{T})"/>,
/// <see cref="Activation.LogSoftmax{T}(MathNet.Numerics.LinearAlgebra.Matrix{T})"/>, softmax cross-entropy with
/// logits, dense and sparse, values and gradients, and the softmax loss objects) split a batch of at least
/// <see cref="MinimumElements"/> logits into blocks of rows, and so do the regression loss objects
/// (<see cref="MeanSquaredErrorLoss{T}"/>, <see cref="RootMeanSquaredErrorLoss{T}"/>,
/// <see cref="MeanAbsoluteErrorLoss{T}"/>, <see cref="HuberLoss{T}"/>), each block adding its own rows' terms in
/// column order; the logistic kernels
/// (<see cref="Activation.Sigmoid{T}(MathNet.Numerics.LinearAlgebra.Matrix{T})"/>, sigmoid and weighted
/// cross-entropy with logits, values and gradients) and the
/// regression functions (mean squared, root mean squared and mean absolute error, values and gradients) into ranges
/// of 65,536 elements; <see cref="SigmoidCrossEntropyLoss{T}"/> into blocks of at least 256 rows where the batch has
/// at least 512 rows, else into such ranges; a regression value adds its ranges' sums in range order, with
/// compensation, on one thread too. The blocks run on up to <see cref="MaxDegreeOfParallelism"/> threads: the calling
/// thread and thread-pool threads.
/// Smaller batches, and batches of fewer than 64 rows for the row-wise kernels, always run on the calling thread,
/// where a hand-off would cost more than it saves.</para>
/// <para>Every element is computed by the same code whatever thread runs it and whatever block it falls in, so
/// results are bit-identical for every setting. A multi-threaded call allocates nothing once warmed up, and
/// never waits for a thread-pool thread that has not started: the calling thread takes back work no other
/// thread has picked up.</para>
/// </remarks>
public static class Parallelism
{
    private static int _maxDegreeOfParallelism = Environment.ProcessorCount;

    /// <summary>
    /// The smallest batch, in elements (rows × columns), that may be split between threads: 65,536 logits take
    /// about a tenth of a millisecond, well above the cost of handing blocks to other threads.
    /// </summary>
    public const int MinimumElements = 65_536;

    /// <summary>
    /// The most threads one call uses, the calling thread included; 1 turns multi-threading off. Defaults to
    /// <see cref="Environment.ProcessorCount"/>. Takes effect for calls that start after it is set.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public static int MaxDegreeOfParallelism
    {
        get => Volatile.Read(ref _maxDegreeOfParallelism);
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1, nameof(MaxDegreeOfParallelism));
            Volatile.Write(ref _maxDegreeOfParallelism, value);
        }
    }
}
