using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using MathNet.Numerics.LinearAlgebra;

namespace Losses.Benchmarks;

/// <summary>The chapter's hand-composed cross-entropy on probabilities (rel3), value and gradient.</summary>
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class CrossEntropyBenchmarks : Inputs
{
    [ParamsSource(nameof(Shapes))]
    public string Shape { get; set; } = "2x3";

    public static string[] Shapes => ShapesOfThisProcess("2x3", "4096x1000");

    [GlobalSetup]
    public void Setup() => Build(Shape);

    [Benchmark(Baseline = true), BenchmarkCategory("CrossEntropy")]
    public float[] Floor_CrossEntropy() => Floor();

    [Benchmark, BenchmarkCategory("CrossEntropy")]
    public Vector<float> Naive_CrossEntropy() => -OneHotLabels.PointwiseMultiply(Probabilities.PointwiseLog()).RowSums();

    [Benchmark, BenchmarkCategory("CrossEntropy")]
    public Vector<float> CrossEntropy()
    {
        Loss.CrossEntropy(OneHotLabels, Probabilities, PerRow);
        return PerRow;
    }

    [Benchmark(Baseline = true), BenchmarkCategory("CrossEntropy.Gradient")]
    public float[] Floor_CrossEntropyGradient() => Floor();

    [Benchmark, BenchmarkCategory("CrossEntropy.Gradient")]
    public Matrix<float> Naive_CrossEntropyGradient() => -OneHotLabels.PointwiseDivide(Probabilities);

    [Benchmark, BenchmarkCategory("CrossEntropy.Gradient")]
    public Matrix<float> CrossEntropyGradient()
    {
        Loss.CrossEntropyGradient(OneHotLabels, Probabilities, PerElement);
        return PerElement;
    }
}
