using System;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Threading;

namespace Losses.Internal;

/// <summary>
/// An element-wise loss object's kernel over the rows from a block's first to its last: each row's terms added into its
/// sum column by column, in the order one thread adds them over the whole batch, and the block's rows of the gradient.
/// </summary>
internal interface IRowSumsKernel<T>
    where T : struct, IFloatingPointIeee754<T>
{
    /// <summary>Fewest rows in a block of a multi-threaded call.</summary>
    static abstract int MinimumRowsPerBlock { get; }

    /// <summary>
    /// The <paramref name="length"/> rows from <paramref name="start"/>: their sums (cleared first) in
    /// <paramref name="rowSums"/> and their entries of <paramref name="gradient"/>, which, with <paramref name="rowFactors"/>,
    /// cover every row. False, with the block's outputs meaningless, where the inputs call for the caller's own way.
    /// <paramref name="parameter"/> and <paramref name="second"/> are the kernel's options.
    /// </summary>
    static abstract bool Run(
        ReadOnlySpan<T> labels,
        ReadOnlySpan<T> predictions,
        int rows,
        int start,
        int length,
        T parameter,
        T second,
        Span<double> rowSums,
        Span<T> gradient,
        ReadOnlySpan<T> rowFactors);
}

/// <summary>
/// The regression loss objects' terms (<see cref="ElementTerms.RegressionRows{T, TTerm}"/>); <c>parameter</c> is the
/// Huber δ (<c>second</c> is not used). Blocks of as few rows as the row-wise softmax kernels'.
/// </summary>
internal readonly struct RegressionRowSums<T, TTerm> : IRowSumsKernel<T>
    where T : struct, IFloatingPointIeee754<T>
    where TTerm : IElementTerm<T>
{
    public static int MinimumRowsPerBlock => RowBlocksWork<T>.MinimumRowsPerBlock;

    public static bool Run(
        ReadOnlySpan<T> labels,
        ReadOnlySpan<T> predictions,
        int rows,
        int start,
        int length,
        T parameter,
        T second,
        Span<double> rowSums,
        Span<T> gradient,
        ReadOnlySpan<T> rowFactors)
    {
        ElementTerms.RegressionRows<T, TTerm>(labels, predictions, rows, start, length, parameter, rowSums, gradient, rowFactors);
        return true;
    }
}

/// <summary>
/// The sigmoid loss object's weighted logistic loss with each element's loss added into its row's sum
/// (<see cref="Elementwise.LogisticCrossEntropyRange{T}"/> over the block's segment of each column in turn);
/// <c>parameter</c> is the positive weight, <c>second</c> the label smoothing. An element's loss and gradient do not depend on where it falls in a chunk or
/// a vector (the logistic kernels work lane by lane, a tail padded to a whole vector). False where labels large enough
/// to overflow float call for the redo in double.
/// </summary>
internal readonly struct LogisticRowSums<T> : IRowSumsKernel<T>
    where T : struct, IFloatingPointIeee754<T>
{
    /// <summary>
    /// A column segment of at least this many elements keeps the per-segment work (a chunk's setup, its scratch) small
    /// beside the segment's own; shorter columns are split in element ranges instead.
    /// </summary>
    public static int MinimumRowsPerBlock => 256;

    public static bool Run(
        ReadOnlySpan<T> labels,
        ReadOnlySpan<T> predictions,
        int rows,
        int start,
        int length,
        T parameter,
        T second,
        Span<double> rowSums,
        Span<T> gradient,
        ReadOnlySpan<T> rowFactors)
    {
        rowSums.Slice(start, length).Clear();
        for (int offset = start; offset < predictions.Length; offset += rows)
        {
            if (!Elementwise.LogisticCrossEntropyRange(
                labels.Slice(offset, length),
                predictions.Slice(offset, length),
                parameter,
                Span<T>.Empty,
                gradient.IsEmpty ? gradient : gradient.Slice(offset, length),
                rowFactors,
                offset,
                rowSums,
                second))
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>
/// An element-wise loss object's call split between threads (<see cref="ParallelBlocks{TWork}"/>) in blocks of rows, as
/// the row-wise softmax kernels are: each block adds its own rows' terms column by column, in the order one thread adds
/// them, and writes its own rows of the gradient, so every thread count gives the same bits.
/// </summary>
internal unsafe struct RowSumsWork<T, TKernel> : IParallelWork
    where T : struct, IFloatingPointIeee754<T>
    where TKernel : IRowSumsKernel<T>
{
    private int _rows;
    private int _rowsPerBlock;
    private T _parameter;
    private T _second;
    private ParallelWork.Pinned _labels;
    private ParallelWork.Pinned _predictions;
    private ParallelWork.Pinned _rowSums;
    private ParallelWork.Pinned _gradient;
    private ParallelWork.Pinned _rowFactors;
    private int* _failed;

    public readonly int Blocks => (_rows + _rowsPerBlock - 1) / _rowsPerBlock;

    /// <summary>The threads for <paramref name="rows"/> × <paramref name="columns"/> elements (1: this thread only).</summary>
    public static int Threads(int rows, int columns)
        => ParallelWork.Threads((long)rows * columns, rows / TKernel.MinimumRowsPerBlock);

    /// <summary>
    /// The kernel over every row (<paramref name="rowSums"/> has one per row), in blocks of an equal share per thread
    /// (<see cref="RowBlocksWork{T}.RowsPerBlock"/>, at least the kernel's fewest) on up to <paramref name="threads"/>
    /// threads. False where a block's kernel returned false.
    /// </summary>
    public static bool Run(
        ReadOnlySpan<T> labels,
        ReadOnlySpan<T> predictions,
        T parameter,
        T second,
        Span<double> rowSums,
        Span<T> gradient,
        ReadOnlySpan<T> rowFactors,
        int threads)
    {
        int failed = 0;
        fixed (byte* y = MemoryMarshal.AsBytes(labels))
        fixed (byte* p = MemoryMarshal.AsBytes(predictions))
        fixed (double* sums = rowSums)
        fixed (byte* g = MemoryMarshal.AsBytes(gradient))
        fixed (byte* f = MemoryMarshal.AsBytes(rowFactors))
        {
            var work = new RowSumsWork<T, TKernel>
            {
                _rows = rowSums.Length,
                _rowsPerBlock = Math.Max(TKernel.MinimumRowsPerBlock, RowBlocksWork<T>.RowsPerBlock(rowSums.Length, threads)),
                _parameter = parameter,
                _second = second,
                _labels = ParallelWork.Pinned.Of(labels, y),
                _predictions = ParallelWork.Pinned.Of(predictions, p),
                _rowSums = ParallelWork.Pinned.Of<double>(rowSums, sums),
                _gradient = ParallelWork.Pinned.Of<T>(gradient, g),
                _rowFactors = ParallelWork.Pinned.Of(rowFactors, f),
                _failed = &failed,
            };
            ParallelBlocks<RowSumsWork<T, TKernel>>.Run(work, threads);
        }

        return Volatile.Read(ref failed) == 0;
    }

    public readonly void RunBlocks(ref int next)
    {
        ReadOnlySpan<T> labels = _labels.AsSpan<T>();
        ReadOnlySpan<T> predictions = _predictions.AsSpan<T>();
        Span<double> rowSums = _rowSums.AsSpan<double>();
        Span<T> gradient = _gradient.AsSpan<T>();
        ReadOnlySpan<T> rowFactors = _rowFactors.AsSpan<T>();
        while (Volatile.Read(ref *_failed) == 0 && ParallelWork.TryClaim(ref next, Blocks, out int block))
        {
            (int start, int length) = ParallelWork.Range(block, _rowsPerBlock, _rows);
            if (!TKernel.Run(labels, predictions, _rows, start, length, _parameter, _second, rowSums, gradient, rowFactors))
            {
                Volatile.Write(ref *_failed, 1);
            }
        }
    }
}
