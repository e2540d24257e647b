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

    private Matrix<float> _smoothedLabels = null!;
    private Matrix<float> _probabilitiesWithZeros = null!;

    [GlobalSetup]
    public void Setup()
    {
        Build(Shape);

        // Label smoothing 0.1 (every label nonzero), and the same probabilities with every tenth entry exactly 0, as a
        // softmax that underflowed gives them: each such entry makes its row's loss +∞.
        _smoothedLabels = OneHotLabels.Map(label => (0.9f * label) + (0.1f / Columns));
        _probabilitiesWithZeros = Probabilities.MapIndexed((row, column, p) => ((row * Columns) + column) % 10 == 3 ? 0f : p);
    }

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

    [Benchmark(Baseline = true), BenchmarkCategory("CrossEntropy.SmoothedLabels")]
    public float[] Floor_CrossEntropySmoothedLabels() => Floor();

    [Benchmark, BenchmarkCategory("CrossEntropy.SmoothedLabels")]
    public Vector<float> Naive_CrossEntropySmoothedLabels() => -_smoothedLabels.PointwiseMultiply(Probabilities.PointwiseLog()).RowSums();

    [Benchmark, BenchmarkCategory("CrossEntropy.SmoothedLabels")]
    public Vector<float> CrossEntropySmoothedLabels()
    {
        Loss.CrossEntropy(_smoothedLabels, Probabilities, PerRow);
        return PerRow;
    }

    /// <summary>As <see cref="CrossEntropySmoothedLabels"/>, with a tenth of the probabilities 0 (the logarithm's special lanes).</summary>
    [Benchmark, BenchmarkCategory("CrossEntropy.SmoothedLabels")]
    public Vector<float> CrossEntropySmoothedLabelsZeroProbabilities()
    {
        Loss.CrossEntropy(_smoothedLabels, _probabilitiesWithZeros, PerRow);
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
