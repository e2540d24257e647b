using System;
using System.Numerics;
using System.Runtime.InteropServices;

namespace Losses.Internal;

/// <summary>
/// The regression loss objects' kernel (<see cref="ElementTerms.Regression{T, TTerm}"/>) split between threads
/// (<see cref="ParallelBlocks{TWork}"/>) in blocks of rows, as the row-wise softmax kernels are: each block adds its own
/// rows' terms column by column, in the order one thread adds them, and writes its own rows of the gradient, so every
/// thread count gives the same bits.
/// </summary>
internal unsafe struct RegressionRowsWork<T, TTerm> : IParallelWork
    where T : struct, IFloatingPointIeee754<T>
    where TTerm : IElementTerm<T>
{
    private int _rows;
    private int _rowsPerBlock;
    private T _delta;
    private ParallelWork.Pinned _labels;
    private ParallelWork.Pinned _predictions;
    private ParallelWork.Pinned _rowSums;
    private ParallelWork.Pinned _gradient;
    private ParallelWork.Pinned _rowFactors;

    public readonly int Blocks => (_rows + _rowsPerBlock - 1) / _rowsPerBlock;

    /// <summary>The threads for <paramref name="rows"/> × <paramref name="columns"/> elements (1: this thread only), as for the row-wise kernels.</summary>
    public static int Threads(int rows, int columns) => RowBlocksWork<T>.Threads(rows, columns);

    /// <summary>
    /// <see cref="ElementTerms.Regression{T, TTerm}"/>'s outputs, its rows split into blocks of an equal share per thread
    /// (<see cref="RowBlocksWork{T}.RowsPerBlock"/>) on up to <paramref name="threads"/> threads.
    /// </summary>
    public static void Run(
        ReadOnlySpan<T> labels, ReadOnlySpan<T> predictions, int rows, T delta, Span<double> rowSums, Span<T> gradient, ReadOnlySpan<T> rowFactors, int threads)
    {
        fixed (byte* y = MemoryMarshal.AsBytes(labels))
        fixed (byte* p = MemoryMarshal.AsBytes(predictions))
        fixed (double* sums = rowSums)
        fixed (byte* g = MemoryMarshal.AsBytes(gradient))
        fixed (byte* f = MemoryMarshal.AsBytes(rowFactors))
        {
            var work = new RegressionRowsWork<T, TTerm>
            {
                _rows = rows,
                _rowsPerBlock = RowBlocksWork<T>.RowsPerBlock(rows, threads),
                _delta = delta,
                _labels = ParallelWork.Pinned.Of(labels, y),
                _predictions = ParallelWork.Pinned.Of(predictions, p),
                _rowSums = ParallelWork.Pinned.Of<double>(rowSums, sums),
                _gradient = ParallelWork.Pinned.Of<T>(gradient, g),
                _rowFactors = ParallelWork.Pinned.Of(rowFactors, f),
            };
            ParallelBlocks<RegressionRowsWork<T, TTerm>>.Run(work, threads);
        }
    }

    public readonly void RunBlocks(ref int next)
    {
        ReadOnlySpan<T> labels = _labels.AsSpan<T>();
        ReadOnlySpan<T> predictions = _predictions.AsSpan<T>();
        Span<double> rowSums = _rowSums.AsSpan<double>();
        Span<T> gradient = _gradient.AsSpan<T>();
        ReadOnlySpan<T> rowFactors = _rowFactors.AsSpan<T>();
        while (ParallelWork.TryClaim(ref next, Blocks, out int block))
        {
            (int start, int length) = ParallelWork.Range(block, _rowsPerBlock, _rows);
            ElementTerms.RegressionRows<T, TTerm>(labels, predictions, _rows, start, length, _delta, rowSums, gradient, rowFactors);
        }
    }
}
