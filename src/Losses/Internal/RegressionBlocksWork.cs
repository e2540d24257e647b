using System;
using System.Numerics;
using System.Runtime.InteropServices;

namespace Losses.Internal;

/// <summary>
/// The regression kernels split between threads (<see cref="ParallelBlocks{TWork}"/>) in fixed blocks of
/// <see cref="BlockLength"/> elements: the sum of term(p - y) (<typeparamref name="TTerm"/>: squares or absolute values),
/// one compensated partial sum per block, which the caller adds up in block order, or the gradient's scaled
/// differences (squares) or scaled signs (absolute values), element by element. A block's arithmetic does not depend
/// on the thread that runs it, and the partials are written to fixed places, so every thread count gives the same bits.
/// </summary>
internal unsafe struct RegressionBlocksWork<T, TTerm> : IParallelWork
    where T : struct, IFloatingPointIeee754<T>
    where TTerm : struct, Elementwise.IDifferenceTerm
{
    /// <summary>Elements per block: 256 KiB of float labels and predictions, and a multiple of every vector width.</summary>
    public const int BlockLength = 1 << 16;

    private int _length;
    private double _scale;
    private ParallelWork.Pinned _labels;
    private ParallelWork.Pinned _predictions;
    private ParallelWork.Pinned _gradient;
    private ParallelWork.Pinned _partials;

    public readonly int Blocks => BlocksOf(_length);

    /// <summary>How many blocks <paramref name="length"/> elements make.</summary>
    public static int BlocksOf(int length) => (length + BlockLength - 1) / BlockLength;

    /// <summary>The threads for <paramref name="length"/> elements (1 below the threshold, or when multi-threading is off).</summary>
    public static int Threads(int length) => ParallelWork.Threads(length, BlocksOf(length));

    /// <summary>Block <paramref name="block"/>'s compensated sum into <c>partials[2·block]</c> (sum) and <c>[2·block + 1]</c> (compensation).</summary>
    public static void SumBlock(ReadOnlySpan<T> labels, ReadOnlySpan<T> predictions, int block, Span<double> partials)
    {
        (int start, int length) = ParallelWork.Range(block, BlockLength, predictions.Length);
        CompensatedSum sum = Elementwise.SumOfDifferenceTermsRange<T, TTerm>(labels.Slice(start, length), predictions.Slice(start, length));
        partials[2 * block] = sum.Sum;
        partials[(2 * block) + 1] = sum.Compensation;
    }

    /// <summary>Every block's <see cref="SumBlock"/> on up to <paramref name="threads"/> threads.</summary>
    public static void Sums(ReadOnlySpan<T> labels, ReadOnlySpan<T> predictions, Span<double> partials, int threads)
    {
        fixed (byte* y = MemoryMarshal.AsBytes(labels))
        fixed (byte* p = MemoryMarshal.AsBytes(predictions))
        fixed (double* sums = partials)
        {
            var work = new RegressionBlocksWork<T, TTerm>
            {
                _length = predictions.Length,
                _labels = ParallelWork.Pinned.Of(labels, y),
                _predictions = ParallelWork.Pinned.Of(predictions, p),
                _partials = ParallelWork.Pinned.Of<double>(partials, sums),
            };
            ParallelBlocks<RegressionBlocksWork<T, TTerm>>.Run(work, threads);
        }
    }

    /// <summary>The gradient, (p - y)·scale for squares and sign(p - y)·scale for absolute values, on up to <paramref name="threads"/> threads.</summary>
    public static void Gradient(ReadOnlySpan<T> labels, ReadOnlySpan<T> predictions, double scale, Span<T> gradient, int threads)
    {
        fixed (byte* y = MemoryMarshal.AsBytes(labels))
        fixed (byte* p = MemoryMarshal.AsBytes(predictions))
        fixed (byte* g = MemoryMarshal.AsBytes(gradient))
        {
            var work = new RegressionBlocksWork<T, TTerm>
            {
                _length = predictions.Length,
                _scale = scale,
                _labels = ParallelWork.Pinned.Of(labels, y),
                _predictions = ParallelWork.Pinned.Of(predictions, p),
                _gradient = ParallelWork.Pinned.Of<T>(gradient, g),
            };
            ParallelBlocks<RegressionBlocksWork<T, TTerm>>.Run(work, threads);
        }
    }

    public readonly void RunBlocks(ref int next)
    {
        ReadOnlySpan<T> labels = _labels.AsSpan<T>();
        ReadOnlySpan<T> predictions = _predictions.AsSpan<T>();
        Span<T> gradient = _gradient.AsSpan<T>();
        Span<double> partials = _partials.AsSpan<double>();
        while (ParallelWork.TryClaim(ref next, Blocks, out int block))
        {
            if (gradient.IsEmpty)
            {
                SumBlock(labels, predictions, block, partials);
                continue;
            }

            (int start, int length) = ParallelWork.Range(block, BlockLength, _length);
            Elementwise.DifferenceGradientRange<T, TTerm>(
                labels.Slice(start, length), predictions.Slice(start, length), _scale, gradient.Slice(start, length));
        }
    }
}
