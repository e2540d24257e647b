using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Losses.Internal;
using MathNet.Numerics.LinearAlgebra;

namespace Losses.Benchmarks;

/// <summary>Softmax cross-entropy with dense one-hot labels and with class indices, value and gradient.</summary>
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class SoftmaxCrossEntropyBenchmarks : Inputs
{
    [ParamsSource(nameof(Shapes))]
    public string Shape { get; set; } = "2x3";

    public static string[] Shapes => ShapesOfThisProcess("2x3", "256x10", "4096x1000", "1024x32000");

    [GlobalSetup]
    public void Setup() => Build(Shape);

    [Benchmark(Baseline = true), BenchmarkCategory("SoftmaxCE")]
    public float[] Floor_SoftmaxCE() => Floor();

    [Benchmark, BenchmarkCategory("SoftmaxCE")]
    public Vector<float> Naive_SoftmaxCE()
        => -OneHotLabels.PointwiseMultiply(NaiveSoftmax(Logits).PointwiseLog()).RowSums();

    [Benchmark, BenchmarkCategory("SoftmaxCE")]
    public Vector<float> SoftmaxCE()
    {
        Loss.SoftmaxCrossEntropyWithLogits(OneHotLabels, Logits, PerRow);
        return PerRow;
    }

    /// <summary>The same call with <see cref="Parallelism.MaxDegreeOfParallelism"/> at the processor count (the rest of the suite runs on one thread).</summary>
    [Benchmark, BenchmarkCategory("SoftmaxCE")]
    public Vector<float> SoftmaxCE_AllThreads() => OnAllThreads(this, static benchmarks => benchmarks.SoftmaxCE());

    [Benchmark(Baseline = true), BenchmarkCategory("SoftmaxCE.Gradient")]
    public float[] Floor_SoftmaxCEGradient() => Floor();

    [Benchmark, BenchmarkCategory("SoftmaxCE.Gradient")]
    public Matrix<float> Naive_SoftmaxCEGradient()
    {
        Vector<float> labelSums = OneHotLabels.RowSums();
        return NaiveSoftmax(Logits).MapIndexed((row, _, value) => value * labelSums[row]) - OneHotLabels;
    }

    [Benchmark, BenchmarkCategory("SoftmaxCE.Gradient")]
    public Matrix<float> SoftmaxCEGradient()
    {
        Loss.SoftmaxCrossEntropyWithLogitsGradient(OneHotLabels, Logits, PerElement);
        return PerElement;
    }

    [Benchmark, BenchmarkCategory("SoftmaxCE.Gradient")]
    public Matrix<float> SoftmaxCEGradient_AllThreads() => OnAllThreads(this, static benchmarks => benchmarks.SoftmaxCEGradient());

    [Benchmark(Baseline = true), BenchmarkCategory("SoftmaxCE.ValueAndGradient")]
    public float[] Floor_SoftmaxCEValueAndGradient() => Floor();

    [Benchmark, BenchmarkCategory("SoftmaxCE.ValueAndGradient")]
    public (Vector<float> Losses, Matrix<float> Gradient) Naive_SoftmaxCEValueAndGradient()
    {
        Matrix<float> probabilities = NaiveSoftmax(Logits);
        Vector<float> losses = -OneHotLabels.PointwiseMultiply(probabilities.PointwiseLog()).RowSums();
        Vector<float> labelSums = OneHotLabels.RowSums();
        Matrix<float> gradient = probabilities.MapIndexed((row, _, value) => value * labelSums[row]) - OneHotLabels;
        return (losses, gradient);
    }

    /// <summary>The two public calls a training step makes today: the losses, then the gradient.</summary>
    [Benchmark, BenchmarkCategory("SoftmaxCE.ValueAndGradient")]
    public Matrix<float> SoftmaxCEValueThenGradient()
    {
        Loss.SoftmaxCrossEntropyWithLogits(OneHotLabels, Logits, PerRow);
        Loss.SoftmaxCrossEntropyWithLogitsGradient(OneHotLabels, Logits, PerElement);
        return PerElement;
    }

    /// <summary>The fused kernel: losses and gradient from one pass over the logits after the row maxima.</summary>
    [Benchmark, BenchmarkCategory("SoftmaxCE.ValueAndGradient")]
    public Matrix<float> SoftmaxCEFused()
    {
        RowSoftmax.CrossEntropy<float>(
            OneHotLabels.AsColumnMajorArray(), Logits.AsColumnMajorArray(), Rows, Columns, PerRow.AsArray(), PerElement.AsColumnMajorArray());
        return PerElement;
    }

    [Benchmark, BenchmarkCategory("SoftmaxCE.ValueAndGradient")]
    public Matrix<float> SoftmaxCEFused_AllThreads() => OnAllThreads(this, static benchmarks => benchmarks.SoftmaxCEFused());

    [Benchmark(Baseline = true), BenchmarkCategory("SparseCE")]
    public float[] Floor_SparseCE() => Floor();

    [Benchmark, BenchmarkCategory("SparseCE")]
    public Vector<float> Naive_SparseCE()
    {
        Matrix<float> probabilities = NaiveSoftmax(Logits);
        return Vector<float>.Build.Dense(Rows, row => -System.MathF.Log(probabilities[row, ClassIndices[row]]));
    }

    [Benchmark, BenchmarkCategory("SparseCE")]
    public Vector<float> SparseCE()
    {
        Loss.SparseSoftmaxCrossEntropyWithLogits(ClassIndices, Logits, PerRow);
        return PerRow;
    }

    [Benchmark, BenchmarkCategory("SparseCE")]
    public Vector<float> SparseCE_AllThreads() => OnAllThreads(this, static benchmarks => benchmarks.SparseCE());

    [Benchmark(Baseline = true), BenchmarkCategory("SparseCE.Gradient")]
    public float[] Floor_SparseCEGradient() => Floor();

    [Benchmark, BenchmarkCategory("SparseCE.Gradient")]
    public Matrix<float> Naive_SparseCEGradient() => SubtractOneAtClasses(NaiveSoftmax(Logits));

    [Benchmark, BenchmarkCategory("SparseCE.Gradient")]
    public Matrix<float> SparseCEGradient()
    {
        Loss.SparseSoftmaxCrossEntropyWithLogitsGradient(ClassIndices, Logits, PerElement);
        return PerElement;
    }

    [Benchmark(Baseline = true), BenchmarkCategory("SparseCE.ValueAndGradient")]
    public float[] Floor_SparseCEValueAndGradient() => Floor();

    /// <summary>One softmax, the losses -ln pᵢₖ read from it, then pᵢₖ - 1 at each row's class.</summary>
    [Benchmark, BenchmarkCategory("SparseCE.ValueAndGradient")]
    public (Vector<float> Losses, Matrix<float> Gradient) Naive_SparseCEValueAndGradient()
    {
        Matrix<float> probabilities = NaiveSoftmax(Logits);
        Vector<float> losses = Vector<float>.Build.Dense(Rows, row => -System.MathF.Log(probabilities[row, ClassIndices[row]]));
        return (losses, SubtractOneAtClasses(probabilities));
    }

    /// <summary>The class-index kernel with both outputs: losses and gradient from one pass over the logits after the row maxima.</summary>
    [Benchmark, BenchmarkCategory("SparseCE.ValueAndGradient")]
    public Matrix<float> SparseCEFused()
    {
        RowSoftmax.SparseCrossEntropy<float>(ClassIndices, Logits.AsColumnMajorArray(), Rows, Columns, PerRow.AsArray(), PerElement.AsColumnMajorArray());
        return PerElement;
    }

    [Benchmark, BenchmarkCategory("SparseCE.ValueAndGradient")]
    public Matrix<float> SparseCEFused_AllThreads() => OnAllThreads(this, static benchmarks => benchmarks.SparseCEFused());

    /// <summary>The naive gradient's last step: pᵢₖ - 1 at each row's class k, in place.</summary>
    private Matrix<float> SubtractOneAtClasses(Matrix<float> probabilities)
    {
        for (int row = 0; row < Rows; row++)
        {
            probabilities[row, ClassIndices[row]] -= 1f;
        }

        return probabilities;
    }
}
