using System;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Threading;

namespace Losses.Internal;

/// <summary>
/// Runs a row kernel's blocks on several threads without allocating: each calling thread owns one job
/// (created on its first multi-threaded call) with one reusable work item per helper thread. Blocks are
/// taken from a shared counter, so a slow or late thread only takes fewer of them.
/// </summary>
/// <remarks>
/// A work item is claimed once per call, either by the thread-pool thread that runs it or, when the calling
/// thread has finished every block first, by the calling thread, which takes it back unstarted. The call
/// waits only for claimed items, so a busy thread pool never delays it. An item that runs after it was taken
/// back finds it unclaimable and returns; if a later call has armed it again, it simply works for that call.
/// The spans are pinned for the duration of the call, which ends only when every claimed item has finished.
/// </remarks>
internal sealed unsafe class ParallelRowBlocks<T>
    where T : struct, IFloatingPointIeee754<T>
{
    private const int Idle = 0;
    private const int Armed = 1;
    private const int Claimed = 2;

    [ThreadStatic]
    private static ParallelRowBlocks<T>? t_job;

    private readonly Helper[] _helpers;
    private readonly object _gate = new();
    private int _pending;
    private int _nextBlock;
    private int _blocks;
    private int _rowsPerBlock;

    private RowKernel _kernel;
    private int _rows;
    private int _columns;
    private Pinned _logits;
    private Pinned _labels;
    private Pinned _classIndices;
    private Pinned _outputs;
    private Pinned _losses;

    private ParallelRowBlocks()
    {
        _helpers = new Helper[Math.Max(Environment.ProcessorCount - 1, 1)];
        for (int i = 0; i < _helpers.Length; i++)
        {
            _helpers[i] = new Helper(this);
        }
    }

    /// <summary>The threads to use for a batch: 1 below the size threshold or when multi-threading is off.</summary>
    public static int Workers(long elements, int rows)
    {
        if (elements < Parallelism.MinimumElements || rows < 2 * MinimumRowsPerBlock)
        {
            return 1;
        }

        int threads = Math.Min(Parallelism.MaxDegreeOfParallelism, Environment.ProcessorCount);
        return Math.Max(1, Math.Min(threads, rows / MinimumRowsPerBlock));
    }

    /// <summary>
    /// Rows per block when <paramref name="workers"/> threads share <paramref name="rows"/>: at most an equal share
    /// per thread, in whole vectors of rows (the caller also caps it at the cache-sized block), so that wide
    /// matrices keep long column segments to stream.
    /// </summary>
    public static int RowsPerBlock(int rows, int workers)
    {
        int share = (rows + workers - 1) / workers;
        return Math.Max(MinimumRowsPerBlock, (share + 15) / 16 * 16);
    }

    /// <summary>Fewest rows in a block of a multi-threaded call: two vectors of floats at 512 bits.</summary>
    private const int MinimumRowsPerBlock = 32;

    /// <summary>Runs every block of <paramref name="arguments"/> on up to <paramref name="workers"/> threads.</summary>
    public static void Run(scoped in RowArguments<T> arguments, int rowsPerBlock, int workers)
    {
        ParallelRowBlocks<T> job = t_job ??= new ParallelRowBlocks<T>();
        fixed (byte* logits = MemoryMarshal.AsBytes(arguments.Logits))
        fixed (byte* labels = MemoryMarshal.AsBytes(arguments.Labels))
        fixed (int* classIndices = arguments.ClassIndices)
        fixed (byte* outputs = MemoryMarshal.AsBytes(arguments.Outputs))
        fixed (byte* losses = MemoryMarshal.AsBytes(arguments.Losses))
        {
            job._kernel = arguments.Kernel;
            job._rows = arguments.Rows;
            job._columns = arguments.Columns;
            job._logits = new Pinned(logits, arguments.Logits.Length);
            job._labels = new Pinned(labels, arguments.Labels.Length);
            job._classIndices = new Pinned((byte*)classIndices, arguments.ClassIndices.Length);
            job._outputs = new Pinned(outputs, arguments.Outputs.Length);
            job._losses = new Pinned(losses, arguments.Losses.Length);
            job.Execute(rowsPerBlock, Math.Min(workers - 1, job._helpers.Length));
        }
    }

    private void Execute(int rowsPerBlock, int helpers)
    {
        _rowsPerBlock = rowsPerBlock;
        _blocks = (_rows + rowsPerBlock - 1) / rowsPerBlock;
        _nextBlock = 0;
        _pending = helpers;
        for (int i = 0; i < helpers; i++)
        {
            // Arming publishes the fields above to the thread that claims the item.
            Volatile.Write(ref _helpers[i].State, Armed);
            ThreadPool.UnsafeQueueUserWorkItem(_helpers[i], preferLocal: false);
        }

        RunBlocks();
        for (int i = 0; i < helpers; i++)
        {
            if (Interlocked.CompareExchange(ref _helpers[i].State, Claimed, Armed) == Armed)
            {
                // Not started: taken back, so nobody waits for it.
                Finish();
            }
        }

        if (Volatile.Read(ref _pending) != 0)
        {
            lock (_gate)
            {
                while (Volatile.Read(ref _pending) != 0)
                {
                    Monitor.Wait(_gate);
                }
            }
        }
    }

    /// <summary>Takes blocks from the shared counter until none are left.</summary>
    private void RunBlocks()
    {
        var arguments = new RowArguments<T>(
            _kernel,
            _logits.AsSpan<T>(),
            _rows,
            _columns,
            _labels.AsSpan<T>(),
            _classIndices.AsSpan<int>(),
            _outputs.AsSpan<T>(),
            _losses.AsSpan<T>());
        using var scratch = new RowSoftmax.Scratch<T>(_rowsPerBlock);
        int block;
        while ((block = Interlocked.Increment(ref _nextBlock) - 1) < _blocks)
        {
            RowSoftmax.RunBlock(arguments, scratch, block * _rowsPerBlock);
        }
    }

    private void Finish()
    {
        if (Interlocked.Decrement(ref _pending) == 0)
        {
            lock (_gate)
            {
                Monitor.PulseAll(_gate);
            }
        }
    }

    /// <summary>A pinned span's address and length, valid while <see cref="Run"/> runs.</summary>
    private readonly struct Pinned(byte* address, int length)
    {
        public Span<TElement> AsSpan<TElement>()
            where TElement : struct
            => address is null ? Span<TElement>.Empty : new Span<TElement>(address, length);
    }

    /// <summary>One helper thread's share of a call.</summary>
    private sealed class Helper(ParallelRowBlocks<T> job) : IThreadPoolWorkItem
    {
        public int State = Idle;

        public void Execute()
        {
            if (Interlocked.CompareExchange(ref State, Claimed, Armed) != Armed)
            {
                return;
            }

            job.RunBlocks();
            job.Finish();
        }
    }
}
