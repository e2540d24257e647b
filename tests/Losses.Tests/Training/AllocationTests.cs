using System;
using FluentAssertions;
using Losses.Tests.Infrastructure;
using MathNet.Numerics.LinearAlgebra;
using static Losses.Tests.Training.TrainingData;

namespace Losses.Tests.Training;

/// <summary>The buffer overloads allocate nothing once warmed up (dense storage), so a training loop can run allocation-free.</summary>
[Collection(AllocationMeasurement.Name)]
public sealed class AllocationTests
{
    private static readonly Matrix<double> X = TestMatrices.Of<double>(Logits);
    private static readonly Vector<double> Samples = TestMatrices.Of<double>(SampleWeights);
    private static readonly Matrix<double> RegressionLabels = TestMatrices.Of<double>(Targets);
    private static readonly Matrix<double> RegressionOutputs = TestMatrices.Of<double>(Predictions);
    private static readonly Vector<double> RegressionSamples = TestMatrices.Of<double>(RegressionWeights);

    [Fact]
    public void MatrixLabelLosses_BufferOverload_AllocatesNothing()
    {
        ILoss<double>[] losses =
        {
            new MeanSquaredErrorLoss<double>(),
            new MeanAbsoluteErrorLoss<double> { Strict = true },
            new RootMeanSquaredErrorLoss<double> { Reduction = Reduction.Sum },
            new HuberLoss<double> { Delta = 0.5, Reduction = Reduction.WeightedMean },
        };
        var gradient = Matrix<double>.Build.Dense(RegressionOutputs.RowCount, RegressionOutputs.ColumnCount);
        var perExample = Vector<double>.Build.Dense(RegressionOutputs.RowCount);
        foreach (ILoss<double> loss in losses)
        {
            AllocatedBytes(() => loss.Evaluate(RegressionLabels, RegressionOutputs, gradient, perExample, RegressionSamples)).Should().Be(0, loss.GetType().Name);
        }

        Matrix<double> binary = TestMatrices.Of<double>(BinaryLabels);
        Matrix<double> binaryLogits = TestMatrices.Of<double>(BinaryLogits);
        var sigmoid = new SigmoidCrossEntropyLoss<double> { PositiveWeight = 2, LabelSmoothing = 0.1, Strict = true };
        var sigmoidGradient = Matrix<double>.Build.Dense(3, 3);
        var sigmoidPerExample = Vector<double>.Build.Dense(3);
        AllocatedBytes(() => sigmoid.Evaluate(binary, binaryLogits, sigmoidGradient, sigmoidPerExample)).Should().Be(0, "sigmoid");

        Matrix<double> soft = TestMatrices.Of<double>(SoftLabels);
        var softmax = new SoftmaxCrossEntropyLoss<double> { LabelSmoothing = 0.1, ClassWeights = ClassWeights, Strict = true };
        var softmaxGradient = Matrix<double>.Build.Dense(5, 4);
        var softmaxPerExample = Vector<double>.Build.Dense(5);
        AllocatedBytes(() => softmax.Evaluate(soft, X, softmaxGradient, softmaxPerExample, Samples)).Should().Be(0, "softmax");
    }

    [Fact]
    public void SparseLoss_BufferOverload_AllocatesNothing()
    {
        var gradient = Matrix<double>.Build.Dense(5, 4);
        var perExample = Vector<double>.Build.Dense(5);
        var plain = new SparseSoftmaxCrossEntropyLoss<double> { IgnoreIndex = -100 };
        var options = new SparseSoftmaxCrossEntropyLoss<double> { IgnoreIndex = -100, LabelSmoothing = 0.1, ClassWeights = ClassWeights, Strict = true };

        AllocatedBytes(() => plain.Evaluate(ClassIndicesWithIgnored, X, gradient, perExample, Samples)).Should().Be(0, "plain");
        AllocatedBytes(() => options.Evaluate(ClassIndicesWithIgnored, X, gradient, perExample, Samples)).Should().Be(0, "with options");
    }

    [Fact]
    public void BufferOverloadWithAccumulator_AllocatesNothing()
    {
        var gradient = Matrix<double>.Build.Dense(5, 4);
        var perExample = Vector<double>.Build.Dense(5);
        var sparse = new SparseSoftmaxCrossEntropyLoss<double> { IgnoreIndex = -100, LabelSmoothing = 0.1 };
        var sparseEpoch = new LossAccumulator<double>();
        AllocatedBytes(() => sparse.Evaluate(ClassIndicesWithIgnored, X, gradient, perExample, sparseEpoch, Samples)).Should().Be(0, "sparse");

        var regression = new MeanSquaredErrorLoss<double>();
        var regressionGradient = Matrix<double>.Build.Dense(RegressionOutputs.RowCount, RegressionOutputs.ColumnCount);
        var regressionPerExample = Vector<double>.Build.Dense(RegressionOutputs.RowCount);
        var regressionEpoch = new LossAccumulator<double>();
        int calls = 0;
        AllocatedBytes(() =>
        {
            calls++;
            regression.Evaluate(RegressionLabels, RegressionOutputs, regressionGradient, regressionPerExample, regressionEpoch);
        }).Should().Be(0, "regression");
        regressionEpoch.Batches.Should().Be(calls, "every call adds its batch");
    }

    /// <summary>
    /// Bytes this thread allocates in 100 calls, measured once warm-up calls (<see cref="AllocationMeasurement.WarmUntilCompiled"/>,
    /// with calls in tens) have filled the pools and the runtime has finished promoting the code.
    /// </summary>
    private static long AllocatedBytes(Action evaluate)
    {
        AllocationMeasurement.WarmUntilCompiled(() =>
        {
            for (int i = 0; i < 10; i++)
            {
                evaluate();
            }
        });

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            evaluate();
        }

        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}
