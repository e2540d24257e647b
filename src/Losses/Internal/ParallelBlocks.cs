using System;
using System.Runtime.ExceptionServices;
using System.Threading;

namespace Losses.Internal;

/// <summary>One call's blocks of independent work, each run by whichever thread takes it.</summary>
internal interface IParallelWork
{
    /// <summary>How many blocks the call has.</summary>
    int Blocks { get; }

    /// <summary>Runs blocks from the shared counter, <c>Interlocked.Increment(ref next) - 1</c>, until none are left.</summary>
    void RunBlocks(ref int next);
}

/// <summary>
/// Runs a call's blocks on several threads without allocating: each calling thread owns one job per kind
/// of work (created on its first multi-threaded call) with one reusable work item per helper thread.
/// Blocks are taken from a shared counter, so a slow or late thread only takes fewer of them.
/// </summary>
/// <remarks>
/// A work item is claimed once per call, either by the thread-pool thread that runs it or, when the calling
/// thread has finished every block first, by the calling thread, which takes it back unstarted. The call
/// waits only for claimed items, so a busy thread pool never delays it. An item that runs after it was taken
/// back finds it unclaimable and returns; if a later call has armed it again, it simply works for that call.
/// The work's memory is pinned by the caller for the duration of the call, which ends only when every
/// claimed item has finished.
/// </remarks>
internal sealed class ParallelBlocks<TWork>
    where TWork : struct, IParallelWork
{
    private const int Idle = 0;
    private const int Armed = 1;
    private const int Claimed = 2;

    [ThreadStatic]
    private static ParallelBlocks<TWork>? t_job;

    private readonly Helper[] _helpers;
    private readonly object _gate = new();
    private TWork _work;
    private int _pending;
    private int _next;
    private ExceptionDispatchInfo? _failure;

    private ParallelBlocks()
    {
        _helpers = new Helper[Math.Max(Environment.ProcessorCount - 1, 1)];
        for (int i = 0; i < _helpers.Length; i++)
        {
            _helpers[i] = new Helper(this);
        }
    }

    /// <summary>Runs every block of <paramref name="work"/> on up to <paramref name="threads"/> threads, this one included.</summary>
    public static void Run(in TWork work, int threads)
    {
        ParallelBlocks<TWork> job = t_job ??= new ParallelBlocks<TWork>();
        job._work = work;
        try
        {
            job.Execute(Math.Min(Math.Min(threads, work.Blocks) - 1, job._helpers.Length));
        }
        finally
        {
            // The work's pointers are valid only during the call, failed or not.
            job._work = default;
        }
    }

    private void Execute(int helpers)
    {
        _next = 0;
        _pending = helpers;
        for (int i = 0; i < helpers; i++)
        {
            // Arming publishes the fields above to the thread that claims the item.
            Volatile.Write(ref _helpers[i].State, Armed);
            ThreadPool.UnsafeQueueUserWorkItem(_helpers[i], preferLocal: false);
        }

        try
        {
            _work.RunBlocks(ref _next);
        }
        finally
        {
            // Even if this thread's blocks failed, no helper may still be reading pinned memory on return.
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

        ExceptionDispatchInfo? failure = Interlocked.Exchange(ref _failure, null);
        failure?.Throw();
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

    /// <summary>One helper thread's share of a call.</summary>
    private sealed class Helper(ParallelBlocks<TWork> job) : IThreadPoolWorkItem
    {
        public int State = Idle;

        public void Execute()
        {
            if (Interlocked.CompareExchange(ref State, Claimed, Armed) != Armed)
            {
                return;
            }

            try
            {
                job._work.RunBlocks(ref job._next);
            }
            catch (Exception exception)
            {
                // Rethrown on the calling thread, which waits for this item before it returns.
                Interlocked.CompareExchange(ref job._failure, ExceptionDispatchInfo.Capture(exception), null);
            }
            finally
            {
                job.Finish();
            }
        }
    }
}

/// <summary>When a call goes multi-threaded, and a pinned span's address for the threads that help.</summary>
internal static unsafe class ParallelWork
{
    /// <summary>
    /// The threads to use for <paramref name="elements"/> elements in <paramref name="blocks"/> possible blocks:
    /// 1 below <see cref="Parallelism.MinimumElements"/>, with fewer than two blocks, or when multi-threading is off.
    /// </summary>
    public static int Threads(long elements, int blocks)
    {
        if (elements < Parallelism.MinimumElements || blocks < 2)
        {
            return 1;
        }

        return Math.Max(1, Math.Min(Math.Min(Parallelism.MaxDegreeOfParallelism, Environment.ProcessorCount), blocks));
    }

    /// <summary>
    /// Claims the next of <paramref name="blocks"/> blocks from the shared counter (<c>Interlocked.Increment(ref next) - 1</c>):
    /// false once none is left.
    /// </summary>
    public static bool TryClaim(ref int next, int blocks, out int block)
    {
        block = Interlocked.Increment(ref next) - 1;
        return block < blocks;
    }

    /// <summary>The first element and the length of block <paramref name="block"/> of an input of <paramref name="length"/> elements in blocks of <paramref name="blockLength"/> (the last one shorter).</summary>
    public static (int Start, int Length) Range(int block, int blockLength, int length)
    {
        int start = block * blockLength;
        return (start, Math.Min(blockLength, length - start));
    }

    /// <summary>A span's address and length, valid while the caller keeps it pinned.</summary>
    public readonly struct Pinned(void* address, int length)
    {
        public static Pinned Of<T>(ReadOnlySpan<T> span, void* address)
            where T : struct
            => new(address, span.Length);

        public Span<T> AsSpan<T>()
            where T : struct
            => address is null ? Span<T>.Empty : new Span<T>(address, length);
    }
}
