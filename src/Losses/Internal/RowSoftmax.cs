using System;
using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;

namespace Losses.Internal;

/// <summary>
/// Row-wise softmax kernels over column-major storage (element (i, j) of an r-row matrix at
/// <c>[j·r + i]</c>). Rows are processed in blocks; within a block every row reduction runs column
/// by column, vectorised across the rows, so that each pass reads memory contiguously.
/// </summary>
/// <remarks>
/// Per row, with m = maxⱼ xⱼ: the shifted logit sⱼ = xⱼ - m, S = Σⱼ exp(sⱼ) and log S, so that
/// log softmax(x)ⱼ = sⱼ - log S, subtracted in that order (one rounding fewer at the size of m).
/// Two rows are special. A row whose maximum is +∞ takes its limit: the +∞ entries shift to 0, the
/// rest to -∞, so the row's probability is shared equally by its +∞ entries. A row of only -∞ has no
/// limit: its maximum is replaced by NaN so that everything computed from it is NaN.
/// </remarks>
internal static class RowSoftmax
{
    /// <summary>Rows per block: a block's statistics and one column segment stay in L1.</summary>
    internal const int BlockRows = 256;

    private const int ScratchSpans = 5;

    /// <summary>softmax(x) row-wise into <paramref name="probabilities"/>, which may alias <paramref name="logits"/>.</summary>
    public static void Softmax<T>(ReadOnlySpan<T> logits, int rows, int columns, Span<T> probabilities)
        where T : struct, IFloatingPointIeee754<T>
    {
        T[] pooled = ArrayPool<T>.Shared.Rent(ScratchSpans * BlockRows);
        for (int start = 0; start < rows; start += BlockRows)
        {
            var block = new Block<T>(pooled, start, Math.Min(BlockRows, rows - start));
            block.ComputeStatistics(logits, rows, columns);
            for (int column = 0; column < columns; column++)
            {
                Span<T> target = probabilities.Slice((column * rows) + start, block.Length);
                Shift(logits.Slice((column * rows) + start, block.Length), block.Max, target);
                TensorPrimitives.Exp(target, target);
                TensorPrimitives.Divide(target, block.Sum, target);
            }
        }

        ArrayPool<T>.Shared.Return(pooled);
    }

    /// <summary>log softmax(x) row-wise into <paramref name="logProbabilities"/>, which may alias <paramref name="logits"/>.</summary>
    public static void LogSoftmax<T>(ReadOnlySpan<T> logits, int rows, int columns, Span<T> logProbabilities)
        where T : struct, IFloatingPointIeee754<T>
    {
        T[] pooled = ArrayPool<T>.Shared.Rent(ScratchSpans * BlockRows);
        for (int start = 0; start < rows; start += BlockRows)
        {
            var block = new Block<T>(pooled, start, Math.Min(BlockRows, rows - start));
            block.ComputeStatistics(logits, rows, columns);
            for (int column = 0; column < columns; column++)
            {
                Span<T> target = logProbabilities.Slice((column * rows) + start, block.Length);
                Shift(logits.Slice((column * rows) + start, block.Length), block.Max, target);
                TensorPrimitives.Subtract(target, block.LogSum, target);
            }
        }

        ArrayPool<T>.Shared.Return(pooled);
    }

    /// <summary>
    /// Softmax cross-entropy with dense labels, fused: <c>ℓᵢ = Σⱼ yᵢⱼ·(log Sᵢ - sᵢⱼ)</c> into
    /// <paramref name="losses"/> (one per row) and <c>∂(Σᵢ ℓᵢ)/∂xᵢⱼ = (Σₖ yᵢₖ)·pᵢⱼ - yᵢⱼ</c> into
    /// <paramref name="gradient"/>. Either output may be empty to skip it. A zero label contributes
    /// exactly 0, whatever its logit (so 0·∞ never arises).
    /// </summary>
    public static void CrossEntropy<T>(
        ReadOnlySpan<T> labels, ReadOnlySpan<T> logits, int rows, int columns, Span<T> losses, Span<T> gradient)
        where T : struct, IFloatingPointIeee754<T>
    {
        T[] pooled = ArrayPool<T>.Shared.Rent(ScratchSpans * BlockRows);
        for (int start = 0; start < rows; start += BlockRows)
        {
            var block = new Block<T>(pooled, start, Math.Min(BlockRows, rows - start));
            block.ComputeStatistics(logits, rows, columns);
            Span<T> labelSum = block.Accumulator;
            if (!losses.IsEmpty)
            {
                Span<T> loss = losses.Slice(start, block.Length);
                loss.Clear();
                for (int column = 0; column < columns; column++)
                {
                    int offset = (column * rows) + start;
                    ReadOnlySpan<T> y = labels.Slice(offset, block.Length);
                    Shift(logits.Slice(offset, block.Length), block.Max, block.Work);
                    for (int i = 0; i < y.Length; i++)
                    {
                        if (y[i] != T.Zero)
                        {
                            loss[i] += y[i] * (block.LogSum[i] - block.Work[i]);
                        }
                    }
                }
            }

            if (!gradient.IsEmpty)
            {
                labelSum.Clear();
                for (int column = 0; column < columns; column++)
                {
                    TensorPrimitives.Add(labelSum, labels.Slice((column * rows) + start, block.Length), labelSum);
                }

                for (int column = 0; column < columns; column++)
                {
                    int offset = (column * rows) + start;
                    Span<T> target = gradient.Slice(offset, block.Length);
                    Shift(logits.Slice(offset, block.Length), block.Max, target);
                    TensorPrimitives.Exp(target, target);
                    TensorPrimitives.Divide(target, block.Sum, target);
                    TensorPrimitives.Multiply(target, labelSum, target);
                    TensorPrimitives.Subtract(target, labels.Slice(offset, block.Length), target);
                }
            }
        }

        ArrayPool<T>.Shared.Return(pooled);
    }

    /// <summary>
    /// Softmax cross-entropy with class indices, fused: <c>ℓᵢ = log Sᵢ - sᵢ,ₖ</c> for k = labelᵢ into
    /// <paramref name="losses"/> and <c>pᵢⱼ - [j = k]</c> into <paramref name="gradient"/>. Either
    /// output may be empty. The labels are already checked to lie in [0, columns).
    /// </summary>
    public static void SparseCrossEntropy<T>(
        ReadOnlySpan<int> labels, ReadOnlySpan<T> logits, int rows, int columns, Span<T> losses, Span<T> gradient)
        where T : struct, IFloatingPointIeee754<T>
    {
        T[] pooled = ArrayPool<T>.Shared.Rent(ScratchSpans * BlockRows);
        for (int start = 0; start < rows; start += BlockRows)
        {
            var block = new Block<T>(pooled, start, Math.Min(BlockRows, rows - start));
            block.ComputeStatistics(logits, rows, columns);
            if (!losses.IsEmpty)
            {
                for (int i = 0; i < block.Length; i++)
                {
                    int row = start + i;
                    T logit = logits[(labels[row] * rows) + row];
                    losses[row] = block.LogSum[i] - ShiftOne(logit, block.Max[i]);
                }
            }

            if (!gradient.IsEmpty)
            {
                for (int column = 0; column < columns; column++)
                {
                    int offset = (column * rows) + start;
                    Span<T> target = gradient.Slice(offset, block.Length);
                    Shift(logits.Slice(offset, block.Length), block.Max, target);
                    TensorPrimitives.Exp(target, target);
                    TensorPrimitives.Divide(target, block.Sum, target);
                }

                for (int i = 0; i < block.Length; i++)
                {
                    int row = start + i;
                    gradient[(labels[row] * rows) + row] -= T.One;
                }
            }
        }

        ArrayPool<T>.Shared.Return(pooled);
    }

    /// <summary><c>sᵢ = xᵢ - mᵢ</c>, with <c>xᵢ = mᵢ</c> giving exactly 0 (the limit for a +∞ maximum).</summary>
    private static void Shift<T>(ReadOnlySpan<T> logits, ReadOnlySpan<T> max, Span<T> shifted)
        where T : struct, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < shifted.Length; i++)
        {
            shifted[i] = ShiftOne(logits[i], max[i]);
        }
    }

    private static T ShiftOne<T>(T logit, T max)
        where T : struct, IFloatingPointIeee754<T>
        => logit == max ? T.Zero : logit - max;

    /// <summary>The scratch of one block of rows: its statistics and two work spans, from one pooled array.</summary>
    private readonly ref struct Block<T>
        where T : struct, IFloatingPointIeee754<T>
    {
        private readonly int _start;

        public Block(T[] pooled, int start, int length)
        {
            _start = start;
            Length = length;
            Max = pooled.AsSpan(0, length);
            Sum = pooled.AsSpan(BlockRows, length);
            LogSum = pooled.AsSpan(2 * BlockRows, length);
            Work = pooled.AsSpan(3 * BlockRows, length);
            Accumulator = pooled.AsSpan(4 * BlockRows, length);
        }

        public int Length { get; }

        public Span<T> Max { get; }

        public Span<T> Sum { get; }

        public Span<T> LogSum { get; }

        public Span<T> Work { get; }

        public Span<T> Accumulator { get; }

        /// <summary>Row maxima m, S = Σⱼ exp(xⱼ - m) and log S for the block's rows.</summary>
        public void ComputeStatistics(ReadOnlySpan<T> logits, int rows, int columns)
        {
            logits.Slice(_start, Length).CopyTo(Max);
            for (int column = 1; column < columns; column++)
            {
                TensorPrimitives.Max(Max, logits.Slice((column * rows) + _start, Length), Max);
            }

            for (int i = 0; i < Length; i++)
            {
                if (T.IsNegativeInfinity(Max[i]))
                {
                    // A row of only -∞ has no limit: NaN flows into everything computed from it.
                    Max[i] = T.NaN;
                }
            }

            Sum.Clear();
            for (int column = 0; column < columns; column++)
            {
                Shift(logits.Slice((column * rows) + _start, Length), Max, Work);
                TensorPrimitives.Exp(Work, Work);
                TensorPrimitives.Add(Sum, Work, Sum);
            }

            TensorPrimitives.Log(Sum, LogSum);
        }
    }
}
