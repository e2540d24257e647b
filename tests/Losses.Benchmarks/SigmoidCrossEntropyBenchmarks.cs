using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using MathNet.Numerics.LinearAlgebra;

namespace Losses.Benchmarks;

/// <summary>Sigmoid and weighted (positive weight 3) cross-entropy with logits, value and gradient.</summary>
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class SigmoidCrossEntropyBenchmarks : Inputs
{
    private const float PositiveWeight = 3f;

    [ParamsSource(nameof(Shapes))]
    public string Shape { get; set; } = "2x3";

    public static string[] Shapes => ShapesOfThisProcess("2x3", "4096x1000");

    [GlobalSetup]
    public void Setup() => Build(Shape);

    [Benchmark(Baseline = true), BenchmarkCategory("SigmoidCE")]
    public float[] Floor_SigmoidCE() => Floor();

    [Benchmark, BenchmarkCategory("SigmoidCE")]
    public Matrix<float> Naive_SigmoidCE() => NaiveSigmoidCrossEntropy();

    [Benchmark, BenchmarkCategory("SigmoidCE")]
    public Matrix<float> SigmoidCE()
    {
        Loss.SigmoidCrossEntropyWithLogits(BinaryLabels, Logits, PerElement);
        return PerElement;
    }

    [Benchmark, BenchmarkCategory("SigmoidCE")]
    public Matrix<float> SigmoidCE_AllThreads() => OnAllThreads(this, static benchmarks => benchmarks.SigmoidCE());

    [Benchmark(Baseline = true), BenchmarkCategory("SigmoidCE.Gradient")]
    public float[] Floor_SigmoidCEGradient() => Floor();

    [Benchmark, BenchmarkCategory("SigmoidCE.Gradient")]
    public Matrix<float> Naive_SigmoidCEGradient() => NaiveSigmoid(Logits) - BinaryLabels;

    [Benchmark, BenchmarkCategory("SigmoidCE.Gradient")]
    public Matrix<float> SigmoidCEGradient()
    {
        Loss.SigmoidCrossEntropyWithLogitsGradient(BinaryLabels, Logits, PerElement);
        return PerElement;
    }

    [Benchmark(Baseline = true), BenchmarkCategory("WeightedCE")]
    public float[] Floor_WeightedCE() => Floor();

    /// <summary>(1 - z)·x + (1 + (q - 1)·z)·(ln(1 + e^-|x|) + max(-x, 0)).</summary>
    [Benchmark, BenchmarkCategory("WeightedCE")]
    public Matrix<float> Naive_WeightedCE()
        => BinaryLabels.Negate().Add(1f).PointwiseMultiply(Logits)
            + BinaryLabels.Multiply(PositiveWeight - 1f).Add(1f)
                .PointwiseMultiply(NaiveSoftplusOfMinusAbs() + Logits.Negate().PointwiseMaximum(0f));

    [Benchmark, BenchmarkCategory("WeightedCE")]
    public Matrix<float> WeightedCE()
    {
        Loss.WeightedCrossEntropyWithLogits(BinaryLabels, Logits, PositiveWeight, PerElement);
        return PerElement;
    }

    [Benchmark(Baseline = true), BenchmarkCategory("WeightedCE.Gradient")]
    public float[] Floor_WeightedCEGradient() => Floor();

    /// <summary>(q·z + 1 - z)·σ(x) - q·z.</summary>
    [Benchmark, BenchmarkCategory("WeightedCE.Gradient")]
    public Matrix<float> Naive_WeightedCEGradient()
        => BinaryLabels.Multiply(PositiveWeight - 1f).Add(1f).PointwiseMultiply(NaiveSigmoid(Logits)) - BinaryLabels.Multiply(PositiveWeight);

    [Benchmark, BenchmarkCategory("WeightedCE.Gradient")]
    public Matrix<float> WeightedCEGradient()
    {
        Loss.WeightedCrossEntropyWithLogitsGradient(BinaryLabels, Logits, PositiveWeight, PerElement);
        return PerElement;
    }
}
