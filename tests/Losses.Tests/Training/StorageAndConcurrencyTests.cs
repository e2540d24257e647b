using System;
using System.Threading.Tasks;
using FluentAssertions;
using MathNet.Numerics.LinearAlgebra;
using static Losses.Tests.Training.TrainingData;

namespace Losses.Tests.Training;

/// <summary>Loss objects accept any MathNet storage and, being immutable, can be shared between threads.</summary>
public sealed class StorageAndConcurrencyTests
{
    private static readonly Matrix<double> X = TestMatrices.Of<double>(Logits);

    [Fact]
    public void SparseStorageLabelsAndResults_GiveTheDenseResult()
    {
        Matrix<double> dense = TestMatrices.Of<double>(TestMatrices.OneHot(ClassIndices, 4));
        Matrix<double> sparse = Matrix<double>.Build.SparseOfMatrix(dense);
        var loss = new SoftmaxCrossEntropyLoss<double> { LabelSmoothing = 0.1, ClassWeights = ClassWeights };
        LossResult<double> expected = loss.Evaluate(dense, X);
        var gradient = Matrix<double>.Build.Sparse(5, 4);
        var perExample = Vector<double>.Build.Sparse(5);

        double value = loss.Evaluate(sparse, X, gradient, perExample, Vector<double>.Build.SparseOfVector(Vector<double>.Build.Dense(5, 1.0)));

        value.Should().Be(expected.Value);
        LossAssert.Identical(gradient, expected.Gradient, "gradient");
        perExample.ToArray().Should().Equal(expected.PerExample.ToArray());
    }

    [Fact]
    public void DiagonalGradientBuffer_IsRejectedBeforeAnyWork()
    {
        // Diagonal storage cannot hold a gradient's entries off its diagonal: rejected up front, with nothing written.
        Matrix<double> labels = TestMatrices.Of<double>(TestMatrices.OneHot(ClassIndices, 4));
        var gradient = Matrix<double>.Build.Diagonal(5, 4, 42);
        var perExample = Vector<double>.Build.Dense(5, 42);

        Action dense = () => new SoftmaxCrossEntropyLoss<double>().Evaluate(labels, X, gradient, perExample);
        Action sparse = () => new SparseSoftmaxCrossEntropyLoss<double>().Evaluate(ClassIndices, X, gradient, perExample);
        Action regression = () => new MeanSquaredErrorLoss<double>().Evaluate(labels, X, gradient, perExample);

        foreach (Action act in new[] { dense, sparse, regression })
        {
            act.Should().Throw<ArgumentException>().WithParameterName("gradient").WithMessage("gradient is a diagonal matrix*");
        }

        gradient.Diagonal().Should().OnlyContain(entry => entry == 42, "nothing is written before the check");
        perExample.Should().OnlyContain(entry => entry == 42, "nothing is written before the check");
    }

    [Fact]
    public void OneLossObject_OnManyThreads_GivesTheSameResultEverywhere()
    {
        var loss = new SparseSoftmaxCrossEntropyLoss<double> { LabelSmoothing = 0.1, ClassWeights = ClassWeights, IgnoreIndex = -100 };
        LossResult<double> expected = loss.Evaluate(ClassIndicesWithIgnored, X);

        LossResult<double>[] results = new LossResult<double>[64];
        Parallel.For(0, results.Length, i => results[i] = loss.Evaluate(ClassIndicesWithIgnored, X));

        results.Should().OnlyContain(
            r => r.Value == expected.Value && r.Gradient.Equals(expected.Gradient) && r.PerExample.Equals(expected.PerExample));
    }
}
