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
/// (1 warm-up, 3 iterations of about 50 ms, no overhead evaluation), so that every benchmark fits in about ten minutes on
/// two cores; every other argument goes to BenchmarkDotNet (e.g. <c>--filter *SoftmaxCrossEntropy*</c>).
/// </summary>
public static class Program
{
    public static void Main(string[] args)
    {
        bool quick = args.Contains("--quick");
        Job job = quick
            ? Job.Default
                .WithToolchain(InProcessEmitToolchain.Instance)
                .WithWarmupCount(1)
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
