using System;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using MathNet.Numerics.LinearAlgebra;

namespace Losses.Benchmarks;

/// <summary>
/// The loss objects' training step through their allocation-free buffer overload (value, per-example losses and
/// gradient of the reduced value), against the floor and the naive MathNet composition of the same three outputs.
/// </summary>
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class LossObjectBenchmarks : Inputs
{
    private readonly MeanSquaredErrorLoss<float> _meanSquaredError = new();
    private readonly SparseSoftmaxCrossEntropyLoss<float> _sparseSoftmax = new();
    private readonly SoftmaxCrossEntropyLoss<float> _smoothedSoftmax = new() { LabelSmoothing = 0.1f };
    private readonly SparseSoftmaxCrossEntropyLoss<float> _smoothedSparseSoftmax = new() { LabelSmoothing = 0.1f };
    private readonly SigmoidCrossEntropyLoss<float> _sigmoid = new();

    [ParamsSource(nameof(Shapes))]
    public string Shape { get; set; } = "2x3";

    public static string[] Shapes => ShapesOfThisProcess("2x3", "256x10", "4096x1000");

    [GlobalSetup]
    public void Setup() => Build(Shape);

    [Benchmark(Baseline = true), BenchmarkCategory("MeanSquaredErrorLoss")]
    public float[] Floor_MeanSquaredErrorLoss() => Floor();

    [Benchmark, BenchmarkCategory("MeanSquaredErrorLoss")]
    public (float Value, Vector<float> PerExample, Matrix<float> Gradient) Naive_MeanSquaredErrorLoss()
    {
        Matrix<float> difference = Logits - BinaryLabels;
        Vector<float> perExample = difference.PointwiseMultiply(difference).RowSums();
        return (perExample.Sum() / (Rows * Columns), perExample, difference * (2f / (Rows * Columns)));
    }

    [Benchmark, BenchmarkCategory("MeanSquaredErrorLoss")]
    public float MeanSquaredErrorLoss() => _meanSquaredError.Evaluate(BinaryLabels, Logits, PerElement, PerRow);

    [Benchmark, BenchmarkCategory("MeanSquaredErrorLoss")]
    public float MeanSquaredErrorLoss_AllThreads() => OnAllThreads(this, static benchmarks => benchmarks.MeanSquaredErrorLoss());

    [Benchmark(Baseline = true), BenchmarkCategory("SparseSoftmaxCrossEntropyLoss")]
    public float[] Floor_SparseSoftmaxCrossEntropyLoss() => Floor();

    [Benchmark, BenchmarkCategory("SparseSoftmaxCrossEntropyLoss")]
    public (float Value, Vector<float> PerExample, Matrix<float> Gradient) Naive_SparseSoftmaxCrossEntropyLoss()
    {
        Matrix<float> probabilities = NaiveSoftmax(Logits);
        Vector<float> perExample = Vector<float>.Build.Dense(Rows, row => -MathF.Log(probabilities[row, ClassIndices[row]]));
        Matrix<float> gradient = probabilities - OneHotLabels;
        return (perExample.Sum() / Rows, perExample, gradient / Rows);
    }

    [Benchmark, BenchmarkCategory("SparseSoftmaxCrossEntropyLoss")]
    public float SparseSoftmaxCrossEntropyLoss() => _sparseSoftmax.Evaluate(ClassIndices, Logits, PerElement, PerRow);

    [Benchmark, BenchmarkCategory("SparseSoftmaxCrossEntropyLoss")]
    public float SparseSoftmaxCrossEntropyLoss_AllThreads() => OnAllThreads(this, static benchmarks => benchmarks.SparseSoftmaxCrossEntropyLoss());

    [Benchmark(Baseline = true), BenchmarkCategory("SoftmaxCrossEntropyLoss")]
    public float[] Floor_SoftmaxCrossEntropyLoss() => Floor();

    /// <summary>
    /// Label smoothing 0.1 written out by hand: labels aᵢⱼ = 0.9·yᵢⱼ + 0.1/C, ℓᵢ = -Σⱼ aᵢⱼ·ln pᵢⱼ, gradient (p - a)/N
    /// (PyTorch's <c>cross_entropy(x, y, label_smoothing=0.1)</c>, the mean over the rows).
    /// </summary>
    [Benchmark, BenchmarkCategory("SoftmaxCrossEntropyLoss")]
    public (float Value, Vector<float> PerExample, Matrix<float> Gradient) Naive_SoftmaxCrossEntropyLoss()
    {
        Matrix<float> smoothed = OneHotLabels.Map(y => (0.9f * y) + (0.1f / Columns));
        Matrix<float> probabilities = NaiveSoftmax(Logits);
        Vector<float> perExample = -smoothed.PointwiseMultiply(probabilities.PointwiseLog()).RowSums();
        return (perExample.Sum() / Rows, perExample, (probabilities - smoothed) / Rows);
    }

    /// <summary>
    /// Dense one-hot labels with label smoothing 0.1: found one-hot as the row weights are taken, they go through the
    /// class-index kernel, the smoothing's sums taken in its pass over the logits.
    /// </summary>
    [Benchmark, BenchmarkCategory("SoftmaxCrossEntropyLoss")]
    public float SoftmaxCrossEntropyLoss() => _smoothedSoftmax.Evaluate(OneHotLabels, Logits, PerElement, PerRow);

    /// <summary>The same smoothed loss from the class indices: no labels to read.</summary>
    [Benchmark, BenchmarkCategory("SoftmaxCrossEntropyLoss")]
    public float SparseSoftmaxCrossEntropyLoss_Smoothed() => _smoothedSparseSoftmax.Evaluate(ClassIndices, Logits, PerElement, PerRow);

    [Benchmark(Baseline = true), BenchmarkCategory("SigmoidCrossEntropyLoss")]
    public float[] Floor_SigmoidCrossEntropyLoss() => Floor();

    /// <summary>
    /// The same three outputs composed with MathNet: ℓᵢⱼ = max(x, 0) - x·z + ln(1 + e^-|x|), ℓᵢ = Σⱼ ℓᵢⱼ, the mean over
    /// the N·K elements, gradient (σ(x) - z)/(N·K) (PyTorch's <c>binary_cross_entropy_with_logits</c>, mean).
    /// </summary>
    [Benchmark, BenchmarkCategory("SigmoidCrossEntropyLoss")]
    public (float Value, Vector<float> PerExample, Matrix<float> Gradient) Naive_SigmoidCrossEntropyLoss()
    {
        Vector<float> perExample = NaiveSigmoidCrossEntropy().RowSums();
        float count = Rows * Columns;
        return (perExample.Sum() / count, perExample, (NaiveSigmoid(Logits) - BinaryLabels) / count);
    }

    [Benchmark, BenchmarkCategory("SigmoidCrossEntropyLoss")]
    public float SigmoidCrossEntropyLoss() => _sigmoid.Evaluate(BinaryLabels, Logits, PerElement, PerRow);

    [Benchmark, BenchmarkCategory("SigmoidCrossEntropyLoss")]
    public float SigmoidCrossEntropyLoss_AllThreads() => OnAllThreads(this, static benchmarks => benchmarks.SigmoidCrossEntropyLoss());
}
