using System;
using FluentAssertions;
using MathNet.Numerics.LinearAlgebra;
using static Losses.Tests.Training.TrainingData;

namespace Losses.Tests.Training;

/// <summary>
/// The regression loss objects against PyTorch's <c>mse_loss</c>, <c>l1_loss</c> and <c>huber_loss</c>
/// (expected values from <see cref="PyTorchReference"/>, the documented formulas in naive double loops).
/// </summary>
public abstract class RegressionLossTests<T>
    where T : struct, System.Numerics.IFloatingPointIeee754<T>
{
    /// <summary>Relative tolerance against the double reference fed T-rounded inputs.</summary>
    protected abstract double Tolerance { get; }

    private static Matrix<T> Labels => TestMatrices.Of<T>(Targets);

    private static Matrix<T> Outputs => TestMatrices.Of<T>(Predictions);

    private static double[,] RoundedTargets => TestMatrices.RoundedTo<T>(Targets);

    private static double[,] RoundedPredictions => TestMatrices.RoundedTo<T>(Predictions);

    private static Vector<T>? Weights(bool weighted) => weighted ? TestMatrices.Of<T>(RegressionWeights) : null;

    private static double[]? ReferenceWeights(bool weighted) => weighted ? TestMatrices.RoundedTo<T>(RegressionWeights) : null;

    [Theory]
    [InlineData(Reduction.Sum, false)]
    [InlineData(Reduction.Mean, false)]
    [InlineData(Reduction.WeightedMean, false)]
    [InlineData(Reduction.Sum, true)]
    [InlineData(Reduction.Mean, true)]
    [InlineData(Reduction.WeightedMean, true)]
    public void MeanSquaredError_MatchesMseLoss(Reduction reduction, bool weighted)
    {
        AssertMatches(
            new MeanSquaredErrorLoss<T> { Reduction = reduction }, PyTorchReference.SquaredErrors(RoundedTargets, RoundedPredictions), weighted);
    }

    [Theory]
    [InlineData(Reduction.Sum, false)]
    [InlineData(Reduction.Mean, false)]
    [InlineData(Reduction.WeightedMean, true)]
    [InlineData(Reduction.Mean, true)]
    public void MeanAbsoluteError_MatchesL1Loss(Reduction reduction, bool weighted)
    {
        AssertMatches(
            new MeanAbsoluteErrorLoss<T> { Reduction = reduction }, PyTorchReference.AbsoluteErrors(RoundedTargets, RoundedPredictions), weighted);
    }

    [Theory]
    [InlineData(Reduction.Sum, false, 1.0)]
    [InlineData(Reduction.Mean, false, 1.0)]
    [InlineData(Reduction.Mean, false, 0.5)]
    [InlineData(Reduction.Sum, true, 0.5)]
    [InlineData(Reduction.WeightedMean, true, 2.0)]
    public void Huber_MatchesHuberLoss(Reduction reduction, bool weighted, double delta)
    {
        AssertMatches(
            new HuberLoss<T> { Reduction = reduction, Delta = T.CreateTruncating(delta) },
            PyTorchReference.HuberErrors(RoundedTargets, RoundedPredictions, delta),
            weighted);
    }

    [Theory]
    [InlineData(Reduction.Sum, false)]
    [InlineData(Reduction.Mean, false)]
    [InlineData(Reduction.WeightedMean, true)]
    public void RootMeanSquaredError_IsSquareRootOfMseLoss(Reduction reduction, bool weighted)
    {
        double[,] elements = PyTorchReference.SquaredErrors(RoundedTargets, RoundedPredictions);
        LossResult<T> result = new RootMeanSquaredErrorLoss<T> { Reduction = reduction }.Evaluate(Labels, Outputs, Weights(weighted));

        LossAssert.Close(double.CreateTruncating(result.Value), Math.Sqrt(PyTorchReference.ReduceElements(elements, ReferenceWeights(weighted), reduction)), Tolerance, "value");
        result.TakesSquareRoot.Should().BeTrue();
    }

    /// <summary>The loss's value and per-example losses equal the reduction and row sums of PyTorch's element losses.</summary>
    private void AssertMatches(MatrixLabelLoss<T> loss, double[,] elements, bool weighted)
    {
        LossResult<T> result = loss.Evaluate(Labels, Outputs, Weights(weighted));

        double expected = PyTorchReference.ReduceElements(elements, ReferenceWeights(weighted), loss.Reduction);
        LossAssert.Close(double.CreateTruncating(result.Value), expected, Tolerance, "value");
        LossAssert.Close(result.PerExample, PyTorchReference.RowSums(elements), Tolerance, "per-example");
    }

    [Fact]
    public void MeanReduction_EqualsLossMeanSquaredErrorAndRootMeanSquaredError()
    {
        // The unreduced API's MSE is the mean over all elements, PyTorch's 'mean'.
        double mse = double.CreateTruncating(new MeanSquaredErrorLoss<T>().Evaluate(Labels, Outputs).Value);
        double rmse = double.CreateTruncating(new RootMeanSquaredErrorLoss<T>().Evaluate(Labels, Outputs).Value);

        LossAssert.Close(mse, double.CreateTruncating(Loss.MeanSquaredError(Labels, Outputs)), Tolerance, "MSE");
        LossAssert.Close(rmse, double.CreateTruncating(Loss.RootMeanSquaredError(Labels, Outputs)), Tolerance, "RMSE");
    }

    [Fact]
    public void Counts_AreElementsAndTotalWeightIsColumnsTimesSampleWeights()
    {
        LossResult<T> result = new MeanAbsoluteErrorLoss<T>().Evaluate(Labels, Outputs, TestMatrices.Of<T>(RegressionWeights));

        // 4 rows × 3 columns; weights 2 + 0 + 0.5 + 1 = 3.5, times 3 columns.
        result.Count.Should().Be(12);
        result.TotalWeight.Should().Be(10.5);
    }

    [Fact]
    public void HandWorkedExample_MatchesArithmetic()
    {
        // labels [[0, 1]], predictions [[2, 1.5]]: squared errors 4 and 0.25, absolute 2 and 0.5,
        // Huber with δ = 1: 1·(2 - 0.5) = 1.5 and 0.5·0.25 = 0.125.
        Matrix<T> labels = TestMatrices.Of<T>(new double[,] { { 0, 1 } });
        Matrix<T> predictions = TestMatrices.Of<T>(new double[,] { { 2, 1.5 } });

        new MeanSquaredErrorLoss<T>().Evaluate(labels, predictions).Value.Should().Be(T.CreateTruncating(2.125));
        new MeanSquaredErrorLoss<T> { Reduction = Reduction.Sum }.Evaluate(labels, predictions).Value.Should().Be(T.CreateTruncating(4.25));
        new MeanAbsoluteErrorLoss<T>().Evaluate(labels, predictions).Value.Should().Be(T.CreateTruncating(1.25));
        new HuberLoss<T>().Evaluate(labels, predictions).Value.Should().Be(T.CreateTruncating(0.8125));
        new HuberLoss<T>().Evaluate(labels, predictions).Gradient.Row(0).ToArray().Should().Equal(T.CreateTruncating(0.5), T.CreateTruncating(0.25));
    }

    [Fact]
    public void RootMeanSquaredError_AtZeroError_HasZeroGradient()
    {
        LossResult<T> result = new RootMeanSquaredErrorLoss<T>().Evaluate(Labels, Labels);

        result.Value.Should().Be(T.Zero);
        result.Gradient.ToColumnMajorArray().Should().AllBeEquivalentTo(T.Zero);
    }

    [Fact]
    public void NonPositiveDelta_Throws()
    {
        Action zero = () => _ = new HuberLoss<T> { Delta = T.Zero };
        Action infinite = () => _ = new HuberLoss<T> { Delta = T.PositiveInfinity };

        zero.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("Delta");
        infinite.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("Delta");
    }
}

public sealed class RegressionLossTestsDouble : RegressionLossTests<double>
{
    protected override double Tolerance => 1e-13;
}

public sealed class RegressionLossTestsSingle : RegressionLossTests<float>
{
    protected override double Tolerance => 2e-6;
}
