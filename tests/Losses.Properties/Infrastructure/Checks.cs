using System;
using System.Threading;
using CsCheck;

namespace Losses.Properties.Infrastructure;

/// <summary>
/// Runs properties through CsCheck (generation, many threads, shrinking to a minimal counterexample)
/// and counts every input the suite tries, so that a run can say how much it checked.
/// </summary>
internal static class Checks
{
    /// <summary>Every property's iteration count is multiplied by this: 4 keeps the whole suite near a minute on two cores.</summary>
    public const int Scale = 4;

    private static long _inputs;

    /// <summary>Inputs tried so far in this test run, by every property and every adversarial case.</summary>
    public static long InputsTried => Interlocked.Read(ref _inputs);

    public static void Count(long inputs = 1) => Interlocked.Add(ref _inputs, inputs);

    /// <summary>Checks <paramref name="assert"/> on <paramref name="iterations"/> generated inputs.</summary>
    public static void ForAll<TInput>(Gen<TInput> gen, Action<TInput> assert, long iterations, Func<TInput, string>? print = null)
    {
        gen.Sample(
            input =>
            {
                Count();
                assert(input);
            },
            iter: iterations * Scale,
            print: print);
    }

    /// <summary>Checks <paramref name="assert"/> on <paramref name="iterations"/> generated pairs.</summary>
    public static void ForAll<TFirst, TSecond>(Gen<(TFirst, TSecond)> gen, Action<TFirst, TSecond> assert, long iterations)
        => ForAll(gen, pair => assert(pair.Item1, pair.Item2), iterations);
}
