using System;
using System.Diagnostics;
using System.IO;
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
/// (30 warm-up and 3 measured iterations of about 50 ms, no overhead evaluation) and runs each shape in a process of its
/// own, so that the whole suite fits in about 11 minutes on two cores; every other argument goes to
/// BenchmarkDotNet (e.g. <c>--filter *SoftmaxCrossEntropy*</c>).
/// </summary>
/// <remarks>
/// The processes run with the runtime's default tiered compilation, as an application does. The 30 warm-up
/// iterations call every method at least 30 times, so that what is measured is its final, fully optimised
/// (tier-1) code, for the library and for the baselines alike; before them the floor is called until its final code
/// is in place (<see cref="Inputs.WarmUpFloor"/>). With tiered compilation off, the framework's
/// precompiled code is never replaced: <c>TensorPrimitives.Exp</c> then took 2.5 to 7 ms over 4096x1000
/// floats from one process to the next, against a steady 1.9 to 2.0 ms at tier 1.
/// One process per shape because the runtime compiles a method's final code once per process, guided by the calls it
/// has seen (dynamic PGO): <c>TensorPrimitives.Exp</c> compiled after calls over 2,560 elements took 6.7 ms over
/// 4096x1000 floats (1.6 ns per element) and compiled after calls over 4,096,000 took 2.2 µs over 256x10 (0.86 ns),
/// against 1.9 ms and 1.2 µs each in a process of its own shape. In one process for every shape the floor was slow at
/// whichever shapes had not shaped its code, and a ratio to it flattered the function measured.
/// </remarks>
public static class Program
{
    public static int Main(string[] args)
    {
        bool quick = args.Contains("--quick");
        string? shape = Environment.GetEnvironmentVariable(Inputs.ShapeVariable);
        if (quick && string.IsNullOrEmpty(shape))
        {
            return RunEachShapeInItsOwnProcess(args);
        }

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
        if (quick)
        {
            Inputs.WarmUpFloor(shape!);
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly)
            .Run(args.Where(argument => argument != "--quick").ToArray(), config);
        return 0;
    }

    /// <summary>
    /// The <c>--quick</c> suite, one process per shape (<see cref="Inputs.ShapeVariable"/> set in each), one after the
    /// other, each writing its own summary and artifacts folder.
    /// </summary>
    private static int RunEachShapeInItsOwnProcess(string[] args)
    {
        string host = Environment.ProcessPath ?? throw new InvalidOperationException("The path of this process is unknown.");
        bool throughDotnet = Path.GetFileNameWithoutExtension(host) == "dotnet";
        bool artifactsGiven = args.Contains("--artifacts");
        int failed = 0;
        foreach (string shape in Inputs.AllShapes)
        {
            var start = new ProcessStartInfo(host) { UseShellExecute = false };
            if (throughDotnet)
            {
                start.ArgumentList.Add(typeof(Program).Assembly.Location);
            }

            foreach (string argument in args)
            {
                start.ArgumentList.Add(argument);
            }

            if (!artifactsGiven)
            {
                start.ArgumentList.Add("--artifacts");
                start.ArgumentList.Add(Path.Combine("BenchmarkDotNet.Artifacts", shape));
            }

            start.Environment[Inputs.ShapeVariable] = shape;
            Console.WriteLine($"// Shape {shape}: its own process");
            using Process process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start the process for {shape}.");
            process.WaitForExit();
            failed += process.ExitCode == 0 ? 0 : 1;
        }

        return failed == 0 ? 0 : 1;
    }
}
