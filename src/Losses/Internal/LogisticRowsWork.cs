using System;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Threading;

namespace Losses.Internal;

/// <summary>
/// The sigmoid loss object's kernel with the element losses added into their rows' sums
/// (<see cref="Elementwise.LogisticCrossEntropyIntoRows{T}"/>) split between threads (<see cref="ParallelBlocks{TWork}"/>)
/// in blocks of rows: each block takes its rows' segment of every column in turn, so each row's losses are added in
/// column order, as on one thread, and no two threads share a row. An element's loss and gradient do not depend on where
/// it falls in a chunk or a vector (the logistic kernels work lane by lane, tails padded to a whole vector), so every
/// thread count gives the same bits.
/// </summary>
internal unsafe struct LogisticRowsWork<T> : IParallelWork
    where T : struct, IFloatingPointIeee754<T>
{
    /// <summary>
    /// Fewest rows in a block: a column segment of at least this many elements keeps the per-segment work (a chunk's
    /// setup, its scratch) small beside the segment's own; shorter columns are split in element ranges instead.
    /// </summary>
    public const int MinimumRowsPerBlock = 256;

    private int _rows;
    private int _columns;
    private int _rowsPerBlock;
    private T _positiveWeight;
    private ParallelWork.Pinned _labels;
    private ParallelWork.Pinned _logits;
    private ParallelWork.Pinned _rowSums;
    private ParallelWork.Pinned _gradient;
    private ParallelWork.Pinned _rowFactors;
    private int* _redo;

    public readonly int Blocks => (_rows + _rowsPerBlock - 1) / _rowsPerBlock;

    /// <summary>The threads for <paramref name="rows"/> × <paramref name="columns"/> elements in blocks of rows (1: none).</summary>
    public static int Threads(int rows, int columns)
        => ParallelWork.Threads((long)rows * columns, rows / MinimumRowsPerBlock);

    /// <summary>
    /// <see cref="Elementwise.LogisticCrossEntropyIntoRows{T}"/> on up to <paramref name="threads"/> threads, each block
    /// of rows clearing its own sums first. False, with the outputs meaningless, where a block met labels that call for
    /// the redo in double.
    /// </summary>
    public static bool Run(
        ReadOnlySpan<T> labels,
        ReadOnlySpan<T> logits,
        T positiveWeight,
        Span<double> rowSums,
        Span<T> gradient,
        ReadOnlySpan<T> rowFactors,
        int threads)
    {
        int redo = 0;
        fixed (byte* y = MemoryMarshal.AsBytes(labels))
        fixed (byte* x = MemoryMarshal.AsBytes(logits))
        fixed (double* sums = rowSums)
        fixed (byte* g = MemoryMarshal.AsBytes(gradient))
        fixed (byte* f = MemoryMarshal.AsBytes(rowFactors))
        {
            int rows = rowSums.Length;
            var work = new LogisticRowsWork<T>
            {
                _rows = rows,
                _columns = logits.Length / rows,
                _rowsPerBlock = Math.Max(MinimumRowsPerBlock, RowBlocksWork<T>.RowsPerBlock(rows, threads)),
                _positiveWeight = positiveWeight,
                _labels = ParallelWork.Pinned.Of(labels, y),
                _logits = ParallelWork.Pinned.Of(logits, x),
                _rowSums = ParallelWork.Pinned.Of<double>(rowSums, sums),
                _gradient = ParallelWork.Pinned.Of<T>(gradient, g),
                _rowFactors = ParallelWork.Pinned.Of(rowFactors, f),
                _redo = &redo,
            };
            ParallelBlocks<LogisticRowsWork<T>>.Run(work, threads);
        }

        return Volatile.Read(ref redo) == 0;
    }

    public readonly void RunBlocks(ref int next)
    {
        ReadOnlySpan<T> labels = _labels.AsSpan<T>();
        ReadOnlySpan<T> logits = _logits.AsSpan<T>();
        Span<double> rowSums = _rowSums.AsSpan<double>();
        Span<T> gradient = _gradient.AsSpan<T>();
        ReadOnlySpan<T> rowFactors = _rowFactors.AsSpan<T>();
        while (ParallelWork.TryClaim(ref next, Blocks, out int block))
        {
            (int start, int length) = ParallelWork.Range(block, _rowsPerBlock, _rows);
            rowSums.Slice(start, length).Clear();
            for (int column = 0; column < _columns && Volatile.Read(ref *_redo) == 0; column++)
            {
                int offset = (column * _rows) + start;
                if (!Elementwise.LogisticCrossEntropyRange(
                    labels.Slice(offset, length),
                    logits.Slice(offset, length),
                    _positiveWeight,
                    Span<T>.Empty,
                    gradient.IsEmpty ? gradient : gradient.Slice(offset, length),
                    rowFactors,
                    offset,
                    rowSums))
                {
                    Volatile.Write(ref *_redo, 1);
                }
            }
        }
    }
}
