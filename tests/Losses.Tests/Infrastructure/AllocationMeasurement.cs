using System;

namespace Losses.Tests.Infrastructure;

/// <summary>
/// Allocation measurements run alone: tests on other threads renting from the shared array pool at the same
/// moment can take the arrays a warm call would reuse, which says nothing about a training loop.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AllocationMeasurement
{
    public const string Name = "Allocation measurement";

    /// <summary>
    /// Calls <paramref name="warmUp"/> until a round compiles no method (at least five rounds, at most fifty): until then
    /// the runtime is still promoting the code it runs (tiered compilation), which can allocate on the calling thread
    /// in the window measured.
    /// </summary>
    public static void WarmUntilCompiled(Action warmUp)
    {
        long compiled = -1;
        for (int round = 0; round < 50; round++)
        {
            warmUp();
            long now = System.Runtime.JitInfo.GetCompiledMethodCount();
            if (round >= 4 && now == compiled)
            {
                return;
            }

            compiled = now;
        }
    }
}
