using System;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Losses.Properties.Infrastructure;
using MathNet.Numerics.LinearAlgebra;

namespace Losses.Properties;

/// <summary>
/// The static functions share nothing mutable: many threads calling every public method at once on
/// the same inputs (dense and sparse label storage) get the results of a single-threaded call. A
/// bounded stress test: a fixed number of calls, stopped early after 5 seconds.
/// </summary>
public abstract class Concurrency<T>
    where T : struct, System.Numerics.IFloatingPointIeee754<T>
{
    private const int Calls = 3000;

    private static readonly TimeSpan TimeLimit = TimeSpan.FromSeconds(5);

    [Fact]
    public void ManyThreadsOnSharedInputs_GetTheSingleThreadedResults()
    {
        var random = new Random(20_240_601);
        var labels = new Batch(300, 40, Enumerable.Range(0, 300 * 40).Select(_ => random.Next(4) == 0 ? 0 : random.NextDouble()).ToArray());
        var logits = new Batch(300, 40, Enumerable.Range(0, 300 * 40).Select(_ => (random.NextDouble() * 40) - 20).ToArray());
        var probabilities = logits.Select(x => 1 / (1 + Math.Exp(-x)));
        var shared = new[]
        {
            Arguments<T>.From(labels, logits, weight: 2.5),
            Arguments<T>.From(labels, logits, weight: 2.5, sparseLabels: true),
            Arguments<T>.From(labels, probabilities, weight: 0.5),
        };
        var operations = Catalog<T>.All;
        var expected = shared.Select(arguments => operations.Select(operation => operation.Run(arguments)).ToArray()).ToArray();

        int done = 0;
        var clock = Stopwatch.StartNew();
        Parallel.For(0, Calls, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(4, Environment.ProcessorCount * 2) }, (call, state) =>
        {
            if (clock.Elapsed > TimeLimit)
            {
                state.Stop();
                return;
            }

            int operation = call % operations.Count;
            int input = call / operations.Count % shared.Length;
            double[] actual = operations[operation].Run(shared[input]);
            NumericAssertions.ShouldBeIdentical<T>(actual, expected[input][operation], $"{operations[operation].Name} on input {input}, call {call}");
            Interlocked.Increment(ref done);
        });

        Checks.Count(done);
        done.Should().BeGreaterThan(operations.Count * shared.Length, "every method on every input ran at least once concurrently");
    }

    [Fact]
    public void ManyThreadsOnLargeBatches_EachCallSplitBetweenThreads_GetTheOneThreadResults()
    {
        // 2048x40 = 81,920 elements: above Parallelism.MinimumElements, so every softmax and logistic call also
        // splits its batch between pool threads while other callers do the same. Expected: one thread only.
        var random = new Random(20_261_126);
        var labels = new Batch(2048, 40, Enumerable.Range(0, 2048 * 40).Select(_ => random.Next(4) == 0 ? 0 : random.NextDouble()).ToArray());
        var logits = new Batch(2048, 40, Enumerable.Range(0, 2048 * 40).Select(_ => (random.NextDouble() * 40) - 20).ToArray());
        var shared = Arguments<T>.From(labels, logits, weight: 2.5);
        var operations = Catalog<T>.All;
        int saved = Parallelism.MaxDegreeOfParallelism;
        double[][] expected;
        try
        {
            Parallelism.MaxDegreeOfParallelism = 1;
            expected = operations.Select(operation => operation.Run(shared)).ToArray();
        }
        finally
        {
            Parallelism.MaxDegreeOfParallelism = saved;
        }

        int done = 0;
        var clock = Stopwatch.StartNew();
        Parallel.For(0, 4 * operations.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(4, Environment.ProcessorCount * 2) }, (call, state) =>
        {
            if (clock.Elapsed > TimeLimit)
            {
                state.Stop();
                return;
            }

            int operation = call % operations.Count;
            double[] actual = operations[operation].Run(shared);
            NumericAssertions.ShouldBeIdentical<T>(actual, expected[operation], $"{operations[operation].Name}, call {call}");
            Interlocked.Increment(ref done);
        });

        Checks.Count(done);
        done.Should().BeGreaterThanOrEqualTo(operations.Count, "every method ran at least once concurrently");
    }
}

public sealed class ConcurrencyFloat : Concurrency<float>;

public sealed class ConcurrencyDouble : Concurrency<double>;

/// <summary>
/// Bitwise reproducibility: the same row gives the same bits, whatever the call and whatever the other
/// rows of its batch. These inputs once broke it: a vectorised exp whose SIMD path and scalar fallback
/// differed by 1 ulp, the path chosen by the element's neighbours (an underflowing lane), the buffer's
/// alignment and whether the block had a single row.
/// </summary>
public sealed class Determinism
{
    private const double Small = 0.08695652173913043;

    private const double Large = 69.22229153858987;

    [Fact]
    public void Softmax_RepeatedOnTheSameInput_GivesTheSameBits()
    {
        // 66x2 batch: row 23 = [0.08695652173913043, 69.22229153858987], row 24 = [-800, 0], every other row [-1.5, 0.5].
        var logits = Matrix<double>.Build.Dense(66, 2, (i, j) => i == 23 ? (j == 0 ? Small : Large) : i == 24 ? (j == 0 ? -800 : 0) : (j == 0 ? -1.5 : 0.5));
        var seen = new System.Collections.Generic.HashSet<long>();
        var keep = new System.Collections.Generic.List<object>();
        for (int call = 0; call < 20_000; call++)
        {
            // Allocations of varying size move the next result buffer through every alignment.
            keep.Add(new byte[8 * (call % 8)]);
            seen.Add(BitConverter.DoubleToInt64Bits(Activation.Softmax(logits)[23, 0]));
        }

        seen.Should().ContainSingle("softmax of one input must be one number");
    }

    [Fact]
    public void Softmax_OfARow_DoesNotDependOnTheOtherRowsOfTheBatch()
    {
        var alone = Matrix<double>.Build.DenseOfRowArrays([Small, Large]);
        var batch = Matrix<double>.Build.Dense(8, 2, (_, j) => j == 0 ? Small : Large);
        NumericAssertions.ShouldHaveSameBits(Activation.Softmax(batch)[0, 0], Activation.Softmax(alone)[0, 0], "softmax of the row in a batch of 8");
    }
}
