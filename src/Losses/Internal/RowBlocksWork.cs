using System;
using System.Numerics;
using System.Runtime.InteropServices;

namespace Losses.Internal;

/// <summary>A row kernel's call split into blocks of rows for <see cref="ParallelBlocks{TWork}"/>.</summary>
internal unsafe struct RowBlocksWork<T> : IParallelWork
    where T : struct, IFloatingPointIeee754<T>
{
    /// <summary>Fewest rows in a block of a multi-threaded call: two vectors of floats at 512 bits.</summary>
    public const int MinimumRowsPerBlock = 32;

    private RowKernel _kernel;
    private int _rows;
    private int _columns;
    private int _rowsPerBlock;
    private ParallelWork.Pinned _logits;
    private ParallelWork.Pinned _labels;
    private ParallelWork.Pinned _classIndices;
    private ParallelWork.Pinned _outputs;
    private ParallelWork.Pinned _losses;
    private ParallelWork.Pinned _gradientFactors;
    private T _smoothing;

    public readonly int Blocks => (_rows + _rowsPerBlock - 1) / _rowsPerBlock;

    /// <summary>The threads for a call of <paramref name="rows"/> × <paramref name="columns"/> logits (1: this thread only).</summary>
    public static int Threads(int rows, int columns)
        => ParallelWork.Threads((long)rows * columns, rows / MinimumRowsPerBlock);

    /// <summary>
    /// Rows per block when <paramref name="threads"/> threads share <paramref name="rows"/>: at most an equal share
    /// per thread, in whole vectors of rows (the caller also caps it at the cache-sized block), so that wide
    /// matrices keep long column segments to stream.
    /// </summary>
    public static int RowsPerBlock(int rows, int threads)
    {
        int share = (rows + threads - 1) / threads;
        return Math.Max(MinimumRowsPerBlock, (share + 15) / 16 * 16);
    }

    /// <summary>Runs every block of <paramref name="arguments"/> on up to <paramref name="threads"/> threads.</summary>
    public static void Run(scoped in RowArguments<T> arguments, int rowsPerBlock, int threads)
    {
        fixed (byte* logits = MemoryMarshal.AsBytes(arguments.Logits))
        fixed (byte* labels = MemoryMarshal.AsBytes(arguments.Labels))
        fixed (int* classIndices = arguments.ClassIndices)
        fixed (byte* outputs = MemoryMarshal.AsBytes(arguments.Outputs))
        fixed (byte* losses = MemoryMarshal.AsBytes(arguments.Losses))
        fixed (byte* gradientFactors = MemoryMarshal.AsBytes(arguments.GradientFactors))
        {
            var work = new RowBlocksWork<T>
            {
                _kernel = arguments.Kernel,
                _rows = arguments.Rows,
                _columns = arguments.Columns,
                _rowsPerBlock = rowsPerBlock,
                _logits = ParallelWork.Pinned.Of(arguments.Logits, logits),
                _labels = ParallelWork.Pinned.Of(arguments.Labels, labels),
                _classIndices = ParallelWork.Pinned.Of(arguments.ClassIndices, classIndices),
                _outputs = ParallelWork.Pinned.Of<T>(arguments.Outputs, outputs),
                _losses = ParallelWork.Pinned.Of<T>(arguments.Losses, losses),
                _gradientFactors = ParallelWork.Pinned.Of(arguments.GradientFactors, gradientFactors),
                _smoothing = arguments.Smoothing,
            };
            ParallelBlocks<RowBlocksWork<T>>.Run(work, threads);
        }
    }

    public readonly void RunBlocks(ref int next)
    {
        var arguments = new RowArguments<T>(
            _kernel,
            _logits.AsSpan<T>(),
            _rows,
            _columns,
            _labels.AsSpan<T>(),
            _classIndices.AsSpan<int>(),
            _outputs.AsSpan<T>(),
            _losses.AsSpan<T>(),
            _gradientFactors.AsSpan<T>(),
            _smoothing);
        using var scratch = new RowSoftmax.Scratch<T>(_rowsPerBlock);

        // Each block on its own (RowSoftmax.RunBlock without a next block): claiming a next block ahead, to chain the
        // blocks as the one-threaded loop does, made warm multi-threaded calls allocate now and then (1,680 B
        // process-wide in 100 calls, in two of four full test runs), and was left out.
        var chain = default(RowSoftmax.BlockChain);
        for (int index = 0; ParallelWork.TryClaim(ref next, Blocks, out int block); index++)
        {
            // Blocks hold whole strips of sixteen rows but the last: what the narrow kernel leaves of it (the rows after
            // its strips) is one short block.
            int start = block * _rowsPerBlock;
            int length = Math.Min(_rowsPerBlock, _rows - start);
            int done = RowSoftmax.NarrowRows(arguments, start, length);
            if (done < length)
            {
                RowSoftmax.RunBlock(arguments, scratch, index, start + done, next: -1, ref chain);
            }
        }
    }
}
