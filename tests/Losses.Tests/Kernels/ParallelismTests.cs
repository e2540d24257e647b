using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using FluentAssertions;
using Losses.Internal;
using Losses.Tests.Infrastructure;
using MathNet.Numerics.LinearAlgebra;

namespace Losses.Tests.Kernels;

/// <summary>
/// The row-wise kernels split large batches between threads (<see cref="Parallelism"/>): every thread count
/// gives the same bits, a warm multi-threaded call allocates nothing, and a saturated thread pool does not
/// stall a call. These tests change the process-wide setting, so they run alone.
/// </summary>
[Collection(AllocationMeasurement.Name)]
public abstract class ParallelismTests<T>
    where T : struct, System.Numerics.IFloatingPointIeee754<T>
{
    [Theory]
    [MemberData(nameof(ParallelShapes.Large), MemberType = typeof(ParallelShapes))]
    public void RowKernels_GiveTheSameBits_WhateverTheThreadCount(int rows, int columns)
    {
        if (Environment.ProcessorCount > 1)
        {
            RowBlocksWork<T>.Threads(rows, columns).Should().BeGreaterThan(1, "this batch is above the threshold");
            ElementBlocksWork<T>.Threads(rows * columns).Should().BeGreaterThan(1, "this batch is above the threshold");
            RowSumsWork<T, RegressionRowSums<T, SquaredTerm<T>>>.Threads(rows, columns).Should().BeGreaterThan(1, "the regression loss objects split this batch too");
            (RowSumsWork<T, LogisticRowSums<T>>.Threads(rows, columns) > 1).Should().Be(
                rows >= 2 * LogisticRowSums<T>.MinimumRowsPerBlock, "the sigmoid loss object splits batches of long enough columns into blocks of rows");
        }

        var inputs = new Inputs(rows, columns);
        Dictionary<string, T[]> single = WithThreads(1, () => Run(inputs));
        foreach (int threads in new[] { 2, 3, Environment.ProcessorCount, 64 })
        {
            Dictionary<string, T[]> parallel = WithThreads(threads, () => Run(inputs));
            foreach ((string name, T[] expected) in single)
            {
                KernelComparison.BitIdentical(parallel[name], expected, $"{name} at {rows}x{columns} on up to {threads} threads");
            }
        }
    }

    [Fact]
    public void BelowTheThreshold_ABatchRunsOnTheCallingThread()
    {
        RowBlocksWork<T>.Threads(4096, (Parallelism.MinimumElements / 4096) - 1).Should().Be(1);
        RowBlocksWork<T>.Threads(63, 1 << 20).Should().Be(1, "fewer than two blocks of 32 rows");
        WithThreads(1, () => RowBlocksWork<T>.Threads(4096, 4096)).Should().Be(1, "multi-threading is off");
        ElementBlocksWork<T>.Threads(ElementBlocksWork<T>.BlockLength).Should().Be(1, "one block");
        WithThreads(1, () => ElementBlocksWork<T>.Threads(1 << 24)).Should().Be(1, "multi-threading is off");
        RegressionBlocksWork<T, Elementwise.Square>.Threads(RegressionBlocksWork<T, Elementwise.Square>.BlockLength).Should().Be(1, "one block");
        WithThreads(1, () => RegressionBlocksWork<T, Elementwise.Absolute>.Threads(1 << 24)).Should().Be(1, "multi-threading is off");
        RowSumsWork<T, RegressionRowSums<T, SquaredTerm<T>>>.Threads(63, 1 << 20).Should().Be(1, "the regression loss objects: fewer than two blocks of 32 rows");
        RowSumsWork<T, RegressionRowSums<T, SquaredTerm<T>>>.Threads(4096, (Parallelism.MinimumElements / 4096) - 1).Should().Be(1, "the regression loss objects: below the threshold");
        WithThreads(1, () => RowSumsWork<T, RegressionRowSums<T, SquaredTerm<T>>>.Threads(4096, 4096)).Should().Be(1, "the regression loss objects: multi-threading is off");
    }

    [Fact]
    public void AMultiThreadedCall_AllocatesNothingOnceWarm()
    {
        // Above the threshold for every kernel (two ranges of 65,536 elements, many blocks of rows), and small enough
        // that a window of 100 calls stays short in an unoptimised build (see AssertWarmCallsAllocateNothing).
        var inputs = new Inputs(1024, 80);
        var perRow = Vector<T>.Build.Dense(1024);
        var perElement = Matrix<T>.Build.Dense(1024, 80);
        if (Environment.ProcessorCount > 1)
        {
            new[] { RowBlocksWork<T>.Threads(1024, 80), ElementBlocksWork<T>.Threads(1024 * 80), RegressionBlocksWork<T, Elementwise.Square>.Threads(1024 * 80) }
                .Should().OnlyContain(threads => threads > 1, "every kernel called here is split between threads");
        }

        AssertWarmCallsAllocateNothing(() =>
        {
            for (int call = 0; call < 20; call++)
            {
                Loss.SparseSoftmaxCrossEntropyWithLogits(inputs.ClassIndices, inputs.Logits, perRow);
                Loss.SoftmaxCrossEntropyWithLogitsGradient(inputs.Labels, inputs.Logits, perElement);
                Loss.SigmoidCrossEntropyWithLogits(inputs.Labels, inputs.Logits, perElement);
                Loss.MeanSquaredError(inputs.Labels, inputs.Logits);
                Loss.MeanAbsoluteErrorGradient(inputs.Labels, inputs.Logits, perElement);
            }
        });
    }

    [Fact]
    public void AMultiThreadedLossObjectCall_AllocatesNothingOnceWarm()
    {
        // Blocks of rows for both (the sigmoid loss object's need at least 512 rows), above the threshold.
        var inputs = new Inputs(1024, 80);
        var perRow = Vector<T>.Build.Dense(1024);
        var perElement = Matrix<T>.Build.Dense(1024, 80);
        var meanSquaredErrorLoss = new MeanSquaredErrorLoss<T>();
        var sigmoidLoss = new SigmoidCrossEntropyLoss<T>();
        Vector<T> sampleWeights = inputs.SampleWeights;
        Matrix<T> predictions = inputs.Finite;
        if (Environment.ProcessorCount > 1)
        {
            WithThreads(Environment.ProcessorCount, () => RowSumsWork<T, LogisticRowSums<T>>.Threads(1024, 80))
                .Should().BeGreaterThan(1, "the sigmoid loss object's blocks of rows are what is measured");
        }

        AssertWarmCallsAllocateNothing(() =>
        {
            for (int call = 0; call < 50; call++)
            {
                meanSquaredErrorLoss.Evaluate(inputs.Labels, predictions, perElement, perRow, sampleWeights);
                sigmoidLoss.Evaluate(inputs.Labels, inputs.Logits, perElement, perRow, sampleWeights);
            }
        });
    }

    /// <summary>Five windows of <paramref name="calls"/> (100 calls each) on all threads, once warm.</summary>
    private static void AssertWarmCallsAllocateNothing(Action calls)
    {
        (long Caller, long Process)[] windows = WithThreads(Environment.ProcessorCount, () =>
        {
            // Warm: every method called often enough, and long enough, for the runtime to have finished promoting
            // it to optimised code (its background compiler allocates, process-wide, while it works): at least five
            // rounds, and on until a round in which the runtime compiled nothing (unoptimised builds have many more
            // methods to promote).
            AllocationMeasurement.WarmUntilCompiled(calls);

            return Enumerable.Range(0, 5).Select(_ =>
            {
                long process = GC.GetTotalAllocatedBytes(precise: true);
                long caller = GC.GetAllocatedBytesForCurrentThread();
                calls();
                return (GC.GetAllocatedBytesForCurrentThread() - caller, GC.GetTotalAllocatedBytes(precise: true) - process);
            }).ToArray();
        });

        // The count includes, now and then, a thread-pool thread being started or the shared array pool refilling a
        // bucket that another thread's returns moved away, and process-wide the test host's own threads (a few
        // hundred bytes in an idle 200 ms, so a window must stay short: in an unoptimised build 100 calls take about
        // half a second). The quietest of five windows of 100 calls bounds what the calls allocate: anything per call,
        // per block or per helper would show in every window.
        windows.Min(window => window.Caller).Should().Be(0, "100 warm multi-threaded calls allocate nothing on the calling thread");
        windows.Min(window => window.Process).Should().BeLessThan(100 * 16, "100 warm multi-threaded calls, helpers included");
    }

    [Fact]
    public async Task CallsFromASaturatedThreadPool_FinishAndAgree()
    {
        // Every pool thread runs a caller, so a helper item may start late or never: each call must finish
        // on its own thread without waiting for one, and give the single-threaded bits.
        var inputs = new Inputs(2048, 64);
        Vector<T> expected = WithThreads(1, () => Loss.SparseSoftmaxCrossEntropyWithLogits(inputs.ClassIndices, inputs.Logits));
        // The callers are thread-pool threads themselves, twice as many as the pool starts with, so the helper
        // items they queue wait behind them.
        int callers = Math.Max(4, 2 * Environment.ProcessorCount);
        var results = new Vector<T>[callers];
        Task[] tasks = Enumerable.Range(0, callers).Select(caller => Task.Run(() =>
        {
            for (int call = 0; call < 10; call++)
            {
                results[caller] = Loss.SparseSoftmaxCrossEntropyWithLogits(inputs.ClassIndices, inputs.Logits);
            }
        })).ToArray();
        // No call may wait for a thread-pool thread that never comes: a stall shows up as a timeout.
        await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(60));
        foreach (Vector<T> result in results)
        {
            KernelComparison.BitIdentical(result, expected, "a call made while every other thread calls too");
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SmoothedClassIndexKernel_OnOneThread_GivesTheBitsOfSeveralThreads(bool withFactors)
    {
        // 2100 rows of 40 columns are three blocks of rows. On one thread each block's gradient is divided in the next
        // block's pass (label smoothing's ε/C taken there too); on several, each block divides its own. The same bits.
        const int rows = 2100;
        const int columns = 40;
        var random = new Random(withFactors ? 41 : 40);
        T[] logits = Enumerable.Range(0, rows * columns).Select(_ => T.CreateTruncating((random.NextDouble() * 20) - 10)).ToArray();
        logits[5] = T.PositiveInfinity;
        logits[1500 + (7 * rows)] = T.NegativeInfinity;
        int[] classes = Enumerable.Range(0, rows).Select(_ => random.Next(columns)).ToArray();
        T[] factors = withFactors ? Enumerable.Range(0, rows).Select(i => i % 9 == 0 ? T.Zero : T.CreateTruncating(random.NextDouble())).ToArray() : [];
        T smoothing = T.CreateTruncating(0.15);

        (T[] Losses, T[] Gradient) Run()
        {
            T[] losses = new T[rows];
            T[] gradient = new T[rows * columns];
            RowSoftmax.SparseCrossEntropy<T>(classes, logits, rows, columns, losses, gradient, factors, smoothing);
            return (losses, gradient);
        }

        RowSoftmax.RowsPerBlock<T>(columns).Should().BeLessThan(rows / 2, "the batch spans at least three blocks");
        (T[] Losses, T[] Gradient) single = WithThreads(1, Run);
        (T[] Losses, T[] Gradient) several = WithThreads(Math.Max(2, Environment.ProcessorCount), Run);

        KernelComparison.BitIdentical(several.Losses, single.Losses, "smoothed losses on several threads against one");
        KernelComparison.BitIdentical(several.Gradient, single.Gradient, "smoothed gradient on several threads against one");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void MaxDegreeOfParallelism_BelowOne_Throws(int value)
    {
        Action set = () => Parallelism.MaxDegreeOfParallelism = value;
        set.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be(nameof(Parallelism.MaxDegreeOfParallelism));
    }

    private static TResult WithThreads<TResult>(int threads, Func<TResult> run)
    {
        int saved = Parallelism.MaxDegreeOfParallelism;
        Parallelism.MaxDegreeOfParallelism = threads;
        try
        {
            return run();
        }
        finally
        {
            Parallelism.MaxDegreeOfParallelism = saved;
        }
    }

    /// <summary>Every multi-threaded kernel through its public functions, flattened.</summary>
    private static Dictionary<string, T[]> Run(Inputs inputs) => new()
    {
        ["Softmax"] = Activation.Softmax(inputs.Logits).ToColumnMajorArray(),
        ["LogSoftmax"] = Activation.LogSoftmax(inputs.Logits).ToColumnMajorArray(),
        ["SoftmaxCrossEntropy"] = Loss.SoftmaxCrossEntropyWithLogits(inputs.Labels, inputs.Logits).ToArray(),
        ["SoftmaxCrossEntropyGradient"] = Loss.SoftmaxCrossEntropyWithLogitsGradient(inputs.Labels, inputs.Logits).ToColumnMajorArray(),
        ["SparseSoftmaxCrossEntropy"] = Loss.SparseSoftmaxCrossEntropyWithLogits(inputs.ClassIndices, inputs.Logits).ToArray(),
        ["SparseSoftmaxCrossEntropyGradient"] = Loss.SparseSoftmaxCrossEntropyWithLogitsGradient(inputs.ClassIndices, inputs.Logits).ToColumnMajorArray(),
        ["SoftmaxCrossEntropyLoss"] = new SoftmaxCrossEntropyLoss<T> { LabelSmoothing = T.CreateTruncating(0.1) }
            .Evaluate(inputs.Labels, inputs.Logits).Gradient.ToColumnMajorArray(),
        ["SparseSoftmaxCrossEntropyLoss"] = new SparseSoftmaxCrossEntropyLoss<T>()
            .Evaluate(inputs.ClassIndices, inputs.Logits).PerExample.ToArray(),
        ["SparseSoftmaxCrossEntropyLossWeightedGradient"] = new SparseSoftmaxCrossEntropyLoss<T>()
            .Evaluate(inputs.ClassIndices, inputs.Logits, Vector<T>.Build.Dense(inputs.Logits.RowCount, i => T.CreateTruncating(i % 3))).Gradient.ToColumnMajorArray(),
        ["SparseSoftmaxCrossEntropyLossSmoothed"] = Flatten(new SparseSoftmaxCrossEntropyLoss<T> { LabelSmoothing = T.CreateTruncating(0.2) }
            .Evaluate(inputs.ClassIndices, inputs.Logits, Vector<T>.Build.Dense(inputs.Logits.RowCount, i => T.CreateTruncating(i % 3)))),
        ["SoftmaxCrossEntropyLossSmoothedOneHot"] = Flatten(new SoftmaxCrossEntropyLoss<T> { LabelSmoothing = T.CreateTruncating(0.2) }
            .Evaluate(Matrix<T>.Build.Dense(inputs.Logits.RowCount, inputs.Logits.ColumnCount, (i, j) => j == inputs.ClassIndices[i] ? T.One : T.Zero), inputs.Logits)),
        ["Sigmoid"] = Activation.Sigmoid(inputs.Logits).ToColumnMajorArray(),
        ["SigmoidCrossEntropy"] = Loss.SigmoidCrossEntropyWithLogits(inputs.Labels, inputs.Logits).ToColumnMajorArray(),
        ["SigmoidCrossEntropyGradient"] = Loss.SigmoidCrossEntropyWithLogitsGradient(inputs.Labels, inputs.Logits).ToColumnMajorArray(),
        ["WeightedCrossEntropy"] = Loss.WeightedCrossEntropyWithLogits(inputs.Labels, inputs.Logits, T.CreateTruncating(2.5)).ToColumnMajorArray(),
        ["SigmoidCrossEntropyLoss"] = new SigmoidCrossEntropyLoss<T> { PositiveWeight = T.CreateTruncating(3) }
            .Evaluate(inputs.Labels, inputs.Logits).Gradient.ToColumnMajorArray(),
        ["SigmoidCrossEntropyLossWeighted"] = Flatten(new SigmoidCrossEntropyLoss<T> { Reduction = Reduction.WeightedMean }
            .Evaluate(inputs.Labels, inputs.Logits, inputs.SampleWeights)),
        ["SigmoidCrossEntropyLossLargeLabels"] = Flatten(new SigmoidCrossEntropyLoss<T> { PositiveWeight = T.CreateTruncating(0.5) }
            .Evaluate(inputs.LargeLabels, inputs.Logits)),
        ["MeanSquaredError"] = [Loss.MeanSquaredError(inputs.Labels, inputs.Finite)],
        ["MeanSquaredErrorGradient"] = Loss.MeanSquaredErrorGradient(inputs.Labels, inputs.Finite).ToColumnMajorArray(),
        ["RootMeanSquaredError"] = [Loss.RootMeanSquaredError(inputs.Labels, inputs.Finite)],
        ["RootMeanSquaredErrorGradient"] = Loss.RootMeanSquaredErrorGradient(inputs.Labels, inputs.Finite).ToColumnMajorArray(),
        ["MeanAbsoluteError"] = [Loss.MeanAbsoluteError(inputs.Labels, inputs.Finite)],
        ["MeanAbsoluteErrorGradient"] = Loss.MeanAbsoluteErrorGradient(inputs.Labels, inputs.Finite).ToColumnMajorArray(),
        ["MeanSquaredErrorLoss"] = Flatten(new MeanSquaredErrorLoss<T>().Evaluate(inputs.Labels, inputs.Finite)),
        ["MeanSquaredErrorLossWeighted"] = Flatten(new MeanSquaredErrorLoss<T> { Reduction = Reduction.WeightedMean }
            .Evaluate(inputs.Labels, inputs.Finite, inputs.SampleWeights)),
        ["MeanSquaredErrorLossWithNaN"] = Flatten(new MeanSquaredErrorLoss<T> { Reduction = Reduction.Sum }.Evaluate(inputs.Labels, inputs.Logits)),
        ["RootMeanSquaredErrorLoss"] = Flatten(new RootMeanSquaredErrorLoss<T>().Evaluate(inputs.Labels, inputs.Finite, inputs.SampleWeights)),
        ["MeanAbsoluteErrorLoss"] = Flatten(new MeanAbsoluteErrorLoss<T>().Evaluate(inputs.Labels, inputs.Logits, inputs.SampleWeights)),
        ["HuberLoss"] = Flatten(new HuberLoss<T> { Delta = T.CreateTruncating(2.5) }.Evaluate(inputs.Labels, inputs.Finite, inputs.SampleWeights)),
    };

    /// <summary>A loss object's value, per-example losses and gradient in one array.</summary>
    private static T[] Flatten(LossResult<T> result)
        => [result.Value, .. result.PerExample.ToArray(), .. result.Gradient.ToColumnMajorArray()];

    /// <summary>Logits in [-30, 30] with some rows holding ±∞ and NaN, the last of only -∞, soft labels, class indices.</summary>
    private sealed class Inputs
    {
        public Inputs(int rows, int columns)
        {
            var random = new Random((rows * 7919) + columns);
            Logits = Matrix<T>.Build.Dense(rows, columns, (_, _) => T.CreateTruncating((random.NextDouble() * 60) - 30));
            Labels = Matrix<T>.Build.Dense(rows, columns, (_, _) => random.Next(3) == 0 ? T.CreateTruncating(random.NextDouble()) : T.Zero);
            ClassIndices = Enumerable.Range(0, rows).Select(_ => random.Next(columns)).ToArray();
            for (int k = 0; k < rows / 10; k++)
            {
                T[] specials = [T.PositiveInfinity, T.NegativeInfinity, T.NaN, T.CreateTruncating(-1e30)];
                Logits[random.Next(rows), random.Next(columns)] = specials[k % specials.Length];
            }

            // In the last row block as well: a row with two +∞ entries and a row of only -∞ (whose results are NaN).
            Logits[rows - 2, 0] = T.PositiveInfinity;
            Logits[rows - 2, columns - 1] = T.PositiveInfinity;
            Logits.SetRow(rows - 1, Enumerable.Repeat(T.NegativeInfinity, columns).ToArray());
        }

        public Matrix<T> Logits { get; }

        /// <summary>The logits without their ±∞ and NaN, for the regression losses (whose sums they would saturate).</summary>
        public Matrix<T> Finite => Logits.Map(x => T.IsFinite(x) ? x : T.One);

        public Matrix<T> Labels { get; }

        public int[] ClassIndices { get; }

        /// <summary>The labels with one far outside [0, 1] in the last column (float: the logistic kernels' redo in double).</summary>
        public Matrix<T> LargeLabels
        {
            get
            {
                Matrix<T> labels = Labels.Clone();
                labels[labels.RowCount / 2, labels.ColumnCount - 1] = T.CreateTruncating(3e37);
                return labels;
            }
        }

        /// <summary>
        /// One weight per row, in a cycle of 11 rows (no block of rows starts where another does in it), zeros among them
        /// (rows whose gradient is exactly 0).
        /// </summary>
        public Vector<T> SampleWeights => Vector<T>.Build.Dense(Logits.RowCount, i => T.CreateTruncating(i * 37 % 11 * 0.25));
    }
}

/// <summary>The block runner itself: every block runs once, and a failing block fails the call on the calling thread.</summary>
[Collection(AllocationMeasurement.Name)]
public sealed class ParallelBlocksTests
{
    [Fact]
    public void EveryBlock_RunsExactlyOnce()
    {
        int[] runs = new int[200];
        for (int call = 0; call < 50; call++)
        {
            ParallelBlocks<CountingWork>.Run(new CountingWork(runs, failAt: -1), threads: 4);
        }

        runs.Should().OnlyContain(count => count == 50, "each of 50 calls runs each block once");
    }

    [Fact]
    public void AFailingBlock_ThrowsOnTheCallingThread_AndTheNextCallRuns()
    {
        int[] runs = new int[200];
        Action failing = () => ParallelBlocks<CountingWork>.Run(new CountingWork(runs, failAt: 150), threads: 4);
        for (int call = 0; call < 20; call++)
        {
            // Block 150 fails on whichever thread takes it; the call reports it after every helper is done.
            failing.Should().Throw<InvalidOperationException>().WithMessage("block 150");
        }

        Array.Clear(runs);
        ParallelBlocks<CountingWork>.Run(new CountingWork(runs, failAt: -1), threads: 4);
        runs.Should().OnlyContain(count => count == 1);
    }

    private readonly struct CountingWork(int[] runs, int failAt) : IParallelWork
    {
        public int Blocks => runs.Length;

        public void RunBlocks(ref int next)
        {
            int block;
            while ((block = Interlocked.Increment(ref next) - 1) < Blocks)
            {
                Interlocked.Increment(ref runs[block]);
                if (block == failAt)
                {
                    throw new InvalidOperationException($"block {block}");
                }
            }
        }
    }
}

/// <summary>Batches above <see cref="Parallelism.MinimumElements"/> with at least two blocks of rows.</summary>
public static class ParallelShapes
{
    public static TheoryData<int, int> Large => new()
    {
        { 4096, 17 },  // many rows, a vector tail in every column
        { 300, 300 },
        { 70, 1000 },  // few rows: blocks of the smallest size
        { 1000, 67 },
        { 8200, 10 },  // narrow rows: strips of sixteen rows in registers on one thread, and in each block on several
    };
}

public sealed class ParallelismTestsFloat : ParallelismTests<float>;

public sealed class ParallelismTestsDouble : ParallelismTests<double>;
