using System;
using System.Linq;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;

namespace Losses.Benchmarks;

/// <summary>
/// Runs the suite. <c>--quick</c> swaps BenchmarkDotNet's default job for a short in-process one
/// (30 warm-up and 3 measured iterations of about 50 ms, no overhead evaluation), so that the whole suite fits in about ten
/// minutes on two cores; every other argument goes to BenchmarkDotNet (e.g. <c>--filter *SoftmaxCrossEntropy*</c>).
/// </summary>
/// <remarks>
/// The process runs with the runtime's default tiered compilation, as an application does. The 30 warm-up
/// iterations call every method at least 30 times, so that what is measured is its final, fully optimised
/// (tier-1) code, for the library and for the baselines alike. With tiered compilation off, the framework's
/// precompiled code is never replaced: <c>TensorPrimitives.Exp</c> then took 2.5 to 7 ms over 4096x1000
/// floats from one process to the next, against a steady 1.9 to 2.0 ms at tier 1.
/// </remarks>
public static class Program
{
    public static void Main(string[] args)
    {
        bool quick = args.Contains("--quick");
        Job job = quick
            ? Job.Default
                .WithToolchain(InProcessEmitToolchain.Instance)
                .WithWarmupCount(30)
                .WithIterationCount(3)
                .WithIterationTime(TimeInterval.FromMilliseconds(50))
                .WithEvaluateOverhead(false)
                .WithId("Quick")
            : Job.Default;
        IConfig config = DefaultConfig.Instance
            .AddJob(job.AsDefault())
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddColumn(StatisticColumn.Median)
            .AddColumn(new SpeedupOverNaiveColumn())
            .HideColumns(Column.Error, Column.StdDev, Column.RatioSD, Column.Gen0, Column.Gen1, Column.Gen2)
            .WithOptions(ConfigOptions.JoinSummary)
            .WithSummaryStyle(BenchmarkDotNet.Reports.SummaryStyle.Default.WithMaxParameterColumnWidth(20));
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly)
            .Run(args.Where(argument => argument != "--quick").ToArray(), config);
    }
}
