using System;
using FluentAssertions;
using Losses.Tests.Infrastructure;
using MathNet.Numerics.LinearAlgebra;

namespace Losses.Tests.Kernels;

/// <summary>
/// The result-buffer overloads allocate nothing once warm (pooled scratch is rented and returned):
/// measured with the current thread's allocation counter around a call once warm, on dense 300x70 inputs
/// (more than one row block of vectors and a tail in each column).
/// </summary>
[Collection(AllocationMeasurement.Name)]
public sealed class AllocationTests
{
    private static long AllocatedBy(Action call)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        call();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [Fact]
    public void ResultBufferOverloads_AllocateNothingOnceWarm()
    {
        var random = new Random(7);
        var logits = Matrix<float>.Build.Dense(300, 70, (_, _) => (float)((random.NextDouble() * 8) - 4));
        var labels = Matrix<float>.Build.Dense(300, 70, (row, column) => column == row % 70 ? 1f : 0f);
        var probabilities = Activation.Softmax(logits);
        int[] classes = new int[300];
        var perRow = Vector<float>.Build.Dense(300);
        var perElement = Matrix<float>.Build.Dense(300, 70);
        (string Name, Action Call)[] calls =
        [
            ("Softmax", () => Activation.Softmax(logits, perElement)),
            ("LogSoftmax", () => Activation.LogSoftmax(logits, perElement)),
            ("Sigmoid", () => Activation.Sigmoid(logits, perElement)),
            ("SoftmaxCrossEntropyWithLogits", () => Loss.SoftmaxCrossEntropyWithLogits(labels, logits, perRow)),
            ("SoftmaxCrossEntropyWithLogitsGradient", () => Loss.SoftmaxCrossEntropyWithLogitsGradient(labels, logits, perElement)),
            ("SparseSoftmaxCrossEntropyWithLogits", () => Loss.SparseSoftmaxCrossEntropyWithLogits(classes, logits, perRow)),
            ("SparseSoftmaxCrossEntropyWithLogitsGradient", () => Loss.SparseSoftmaxCrossEntropyWithLogitsGradient(classes, logits, perElement)),
            ("SigmoidCrossEntropyWithLogits", () => Loss.SigmoidCrossEntropyWithLogits(labels, logits, perElement)),
            ("WeightedCrossEntropyWithLogitsGradient", () => Loss.WeightedCrossEntropyWithLogitsGradient(labels, logits, 2f, perElement)),
            ("CrossEntropy", () => Loss.CrossEntropy(labels, probabilities, perRow)),
            ("CrossEntropyGradient", () => Loss.CrossEntropyGradient(labels, probabilities, perElement)),
            ("MeanSquaredError", () => Loss.MeanSquaredError(labels, logits)),
            ("RootMeanSquaredErrorGradient", () => Loss.RootMeanSquaredErrorGradient(labels, logits, perElement)),
            ("MeanAbsoluteErrorGradient", () => Loss.MeanAbsoluteErrorGradient(labels, logits, perElement)),
        ];
        AllocationMeasurement.WarmUntilCompiled(() =>
        {
            foreach ((string _, Action call) in calls)
            {
                for (int i = 0; i < 10; i++)
                {
                    call();
                }
            }
        });
        foreach ((string name, Action call) in calls)
        {
            AllocatedBy(call).Should().Be(0, $"{name} into a caller's buffer should allocate nothing");
        }
    }
}
