using System;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using MathNet.Numerics.LinearAlgebra;

namespace Losses.Benchmarks;

/// <summary>MSE, RMSE and MAE with their gradients (predictions = the logits, labels = the 0/1 labels).</summary>
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class RegressionBenchmarks : Inputs
{
    [ParamsSource(nameof(Shapes))]
    public string Shape { get; set; } = "2x3";

    public static string[] Shapes => ShapesOfThisProcess("2x3", "4096x1000");

    [GlobalSetup]
    public void Setup() => Build(Shape);

    private float NaiveMeanSquaredError()
    {
        Matrix<float> difference = Logits - BinaryLabels;
        return difference.PointwiseMultiply(difference).ColumnSums().Sum() / (Rows * Columns);
    }

    [Benchmark(Baseline = true), BenchmarkCategory("MSE")]
    public float[] Floor_MSE() => Floor();

    [Benchmark, BenchmarkCategory("MSE")]
    public float Naive_MSE() => NaiveMeanSquaredError();

    [Benchmark, BenchmarkCategory("MSE")]
    public float MSE() => Loss.MeanSquaredError(BinaryLabels, Logits);

    /// <summary>The same call with <see cref="Parallelism.MaxDegreeOfParallelism"/> at the processor count (the rest of the suite runs on one thread).</summary>
    [Benchmark, BenchmarkCategory("MSE")]
    public float MSE_AllThreads() => OnAllThreads(this, static benchmarks => benchmarks.MSE());

    [Benchmark(Baseline = true), BenchmarkCategory("MSE.Gradient")]
    public float[] Floor_MSEGradient() => Floor();

    [Benchmark, BenchmarkCategory("MSE.Gradient")]
    public Matrix<float> Naive_MSEGradient() => (Logits - BinaryLabels) * (2f / (Rows * Columns));

    [Benchmark, BenchmarkCategory("MSE.Gradient")]
    public Matrix<float> MSEGradient()
    {
        Loss.MeanSquaredErrorGradient(BinaryLabels, Logits, PerElement);
        return PerElement;
    }

    [Benchmark, BenchmarkCategory("MSE.Gradient")]
    public Matrix<float> MSEGradient_AllThreads() => OnAllThreads(this, static benchmarks => benchmarks.MSEGradient());

    [Benchmark(Baseline = true), BenchmarkCategory("RMSE")]
    public float[] Floor_RMSE() => Floor();

    [Benchmark, BenchmarkCategory("RMSE")]
    public float Naive_RMSE() => MathF.Sqrt(NaiveMeanSquaredError());

    [Benchmark, BenchmarkCategory("RMSE")]
    public float RMSE() => Loss.RootMeanSquaredError(BinaryLabels, Logits);

    [Benchmark(Baseline = true), BenchmarkCategory("RMSE.Gradient")]
    public float[] Floor_RMSEGradient() => Floor();

    [Benchmark, BenchmarkCategory("RMSE.Gradient")]
    public Matrix<float> Naive_RMSEGradient() => (Logits - BinaryLabels) / (Rows * Columns * MathF.Sqrt(NaiveMeanSquaredError()));

    [Benchmark, BenchmarkCategory("RMSE.Gradient")]
    public Matrix<float> RMSEGradient()
    {
        Loss.RootMeanSquaredErrorGradient(BinaryLabels, Logits, PerElement);
        return PerElement;
    }

    [Benchmark(Baseline = true), BenchmarkCategory("MAE")]
    public float[] Floor_MAE() => Floor();

    [Benchmark, BenchmarkCategory("MAE")]
    public float Naive_MAE() => (Logits - BinaryLabels).PointwiseAbs().ColumnSums().Sum() / (Rows * Columns);

    [Benchmark, BenchmarkCategory("MAE")]
    public float MAE() => Loss.MeanAbsoluteError(BinaryLabels, Logits);

    [Benchmark(Baseline = true), BenchmarkCategory("MAE.Gradient")]
    public float[] Floor_MAEGradient() => Floor();

    [Benchmark, BenchmarkCategory("MAE.Gradient")]
    public Matrix<float> Naive_MAEGradient() => (Logits - BinaryLabels).PointwiseSign() / (Rows * Columns);

    [Benchmark, BenchmarkCategory("MAE.Gradient")]
    public Matrix<float> MAEGradient()
    {
        Loss.MeanAbsoluteErrorGradient(BinaryLabels, Logits, PerElement);
        return PerElement;
    }
}
