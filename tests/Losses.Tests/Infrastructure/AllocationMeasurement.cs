using System;

namespace Losses.Tests.Infrastructure;

/// <summary>
/// Allocation measurements run alone: tests on other threads renting from the shared array pool at the same
/// moment can take the arrays a warm call would reuse, which says nothing about a training loop. So do the tests that
/// set the process-wide <see cref="Parallelism.MaxDegreeOfParallelism"/>: run beside others, one test's setting would
/// be another's (a test that expects a batch to be split would see one thread).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AllocationMeasurement
{
    public const string Name = "Allocation measurement";

    /// <summary>
    /// Longer than the runtime's call-counting delay (100 ms): the runtime starts counting a method's calls only once it
    /// has compiled no new method for that long, promotes the method after 30 calls, and compiles the promoted code in
    /// the background.
    /// </summary>
    private const int PauseMilliseconds = 200;

    /// <summary>
    /// Calls <paramref name="warmUp"/> until the runtime has finished promoting the code it runs (tiered compilation):
    /// rounds of four calls (so at least the runtime's 30 where <paramref name="warmUp"/> makes ten), each followed by
    /// a pause longer than the call-counting delay; at least three rounds, and on until a round and its pause compiled
    /// no method (at most twenty). A measurement started while promotions were still pending could catch the runtime's
    /// own work on the calling thread; rounds without pauses ended within the delay, before any promotion had started.
    /// </summary>
    public static void WarmUntilCompiled(Action warmUp)
    {
        long compiled = -1;
        for (int round = 0; round < 20; round++)
        {
            for (int call = 0; call < 4; call++)
            {
                warmUp();
            }

            System.Threading.Thread.Sleep(PauseMilliseconds);
            long now = System.Runtime.JitInfo.GetCompiledMethodCount();
            if (round >= 2 && now == compiled)
            {
                return;
            }

            compiled = now;
        }
    }
}
