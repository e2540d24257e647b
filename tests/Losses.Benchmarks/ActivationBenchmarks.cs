using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using MathNet.Numerics.LinearAlgebra;

namespace Losses.Benchmarks;

/// <summary>Row-wise softmax and log-softmax, element-wise sigmoid, each into a preallocated result.</summary>
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class ActivationBenchmarks : Inputs
{
    [ParamsSource(nameof(Shapes))]
    public string Shape { get; set; } = "2x3";

    public static string[] Shapes => ShapesOfThisProcess("2x3", "4096x1000");

    [GlobalSetup]
    public void Setup() => Build(Shape);

    [Benchmark(Baseline = true), BenchmarkCategory("Softmax")]
    public float[] Floor_Softmax() => Floor();

    [Benchmark, BenchmarkCategory("Softmax")]
    public Matrix<float> Naive_Softmax() => NaiveSoftmax(Logits);

    [Benchmark, BenchmarkCategory("Softmax")]
    public Matrix<float> Softmax()
    {
        Activation.Softmax(Logits, PerElement);
        return PerElement;
    }

    [Benchmark(Baseline = true), BenchmarkCategory("LogSoftmax")]
    public float[] Floor_LogSoftmax() => Floor();

    [Benchmark, BenchmarkCategory("LogSoftmax")]
    public Matrix<float> Naive_LogSoftmax()
    {
        Vector<float> logSums = Logits.PointwiseExp().RowSums().PointwiseLog();
        return Logits.MapIndexed((row, _, value) => value - logSums[row]);
    }

    [Benchmark, BenchmarkCategory("LogSoftmax")]
    public Matrix<float> LogSoftmax()
    {
        Activation.LogSoftmax(Logits, PerElement);
        return PerElement;
    }

    [Benchmark(Baseline = true), BenchmarkCategory("Sigmoid")]
    public float[] Floor_Sigmoid() => Floor();

    [Benchmark, BenchmarkCategory("Sigmoid")]
    public Matrix<float> Naive_Sigmoid() => NaiveSigmoid(Logits);

    [Benchmark, BenchmarkCategory("Sigmoid")]
    public Matrix<float> Sigmoid()
    {
        Activation.Sigmoid(Logits, PerElement);
        return PerElement;
    }
}
