using System;
using FluentAssertions;
using MathNet.Numerics.LinearAlgebra;
using static Losses.Tests.Training.TrainingData;

namespace Losses.Tests.Training;

/// <summary>Strict mode rejects what is almost always a mistake, saying what to do instead; it is off by default.</summary>
public abstract class StrictModeTests<T>
    where T : struct, System.Numerics.IFloatingPointIeee754<T>
{
    // The chapter's logits and their softmax (40-digit values rounded to 20 digits): passing the softmax as
    // logits is the chapter's rel2 mistake.
    private static readonly double[,] ChapterLogits = { { 2, 0.5, 6 }, { 0.1, 0, 3 } };
    private static readonly double[,] ChapterSoftmax =
    {
        { 0.017914315052204002343, 0.0039972239865477061141, 0.97808846096124829154 },
        { 0.049803319749025650085, 0.045063907251327683359, 0.90513277299964666656 },
    };

    private static readonly double[,] ChapterOneHot = { { 0, 0, 1 }, { 0, 1, 0 } };
    private static readonly int[] ChapterClassIndices = { 2, 1 };

    /// <summary>The chapter's rel2 in 40-digit arithmetic, rounded to 20 digits.</summary>
    private static readonly double[] ChapterRel2 = { 0.56551918590079515318, 1.4743222029086161835 };

    [Fact]
    public void SoftmaxProbabilitiesAsLogits_AreRejected()
    {
        Matrix<T> probabilities = TestMatrices.Of<T>(ChapterSoftmax);
        Action dense = () => new SoftmaxCrossEntropyLoss<T> { Strict = true }.Evaluate(TestMatrices.Of<T>(ChapterOneHot), probabilities);
        Action sparse = () => new SparseSoftmaxCrossEntropyLoss<T> { Strict = true }.Evaluate(ChapterClassIndices, probabilities);

        dense.Should().Throw<ArgumentException>().WithParameterName("predictions")
            .WithMessage("*look like softmax probabilities*pass the raw logits (the values before softmax)*");
        sparse.Should().Throw<ArgumentException>().WithParameterName("predictions")
            .WithMessage("*look like softmax probabilities*pass the raw logits (the values before softmax)*");
    }

    [Fact]
    public void SmallGenuineLogits_AreNotRejected()
    {
        // Every logit in [0, 1] but the rows sum to 1.3 and 0.9: logits that happen to be small.
        Matrix<T> logits = TestMatrices.Of<T>(new double[,] { { 0.2, 0.5, 0.6 }, { 0.3, 0.1, 0.5 } });

        new SoftmaxCrossEntropyLoss<T> { Strict = true }.Evaluate(TestMatrices.Of<T>(ChapterOneHot), logits).Value.Should().BeGreaterThan(T.Zero);
        new SparseSoftmaxCrossEntropyLoss<T> { Strict = true }.Evaluate(ChapterClassIndices, logits).Value.Should().BeGreaterThan(T.Zero);
    }

    [Fact]
    public void ProbabilitiesAsLogits_WithoutStrict_AreComputedAsGiven()
    {
        // Off by default: the loss of softmax applied twice, the chapter's rel2.
        LossResult<T> result = new SoftmaxCrossEntropyLoss<T>().Evaluate(TestMatrices.Of<T>(ChapterOneHot), TestMatrices.Of<T>(ChapterSoftmax));

        LossAssert.Close(result.PerExample, ChapterRel2, 1e-6, "rel2");
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void NonFiniteInputs_AreRejectedNamingTheElement(double bad)
    {
        double[,] logits = (double[,])ChapterLogits.Clone();
        logits[1, 2] = bad;
        double[,] targets = (double[,])Targets.Clone();
        targets[2, 1] = bad;
        double[] weights = { 1, bad };

        Action softmax = () => new SoftmaxCrossEntropyLoss<T> { Strict = true }.Evaluate(TestMatrices.Of<T>(ChapterOneHot), TestMatrices.Of<T>(logits));
        Action sparse = () => new SparseSoftmaxCrossEntropyLoss<T> { Strict = true }.Evaluate(ChapterClassIndices, TestMatrices.Of<T>(logits));
        Action regression = () => new MeanSquaredErrorLoss<T> { Strict = true }.Evaluate(TestMatrices.Of<T>(targets), TestMatrices.Of<T>(Predictions));
        Action weighted = () => new SparseSoftmaxCrossEntropyLoss<T> { Strict = true }
            .Evaluate(ChapterClassIndices, TestMatrices.Of<T>(ChapterLogits), TestMatrices.Of<T>(weights));

        softmax.Should().Throw<ArgumentException>().WithParameterName("predictions").WithMessage("predictions[1, 2] = *Strict mode rejects NaN and infinite inputs*");
        sparse.Should().Throw<ArgumentException>().WithParameterName("predictions").WithMessage("predictions[1, 2] = *");
        regression.Should().Throw<ArgumentException>().WithParameterName("labels").WithMessage("labels[2, 1] = *remove or replace it*");
        weighted.Should().Throw<ArgumentException>().WithParameterName("sampleWeights").WithMessage("sampleWeights[1] = *");
    }

    [Fact]
    public void NonFiniteInputs_WithoutStrict_Propagate()
    {
        double[,] targets = (double[,])Targets.Clone();
        targets[2, 1] = double.NaN;

        T.IsNaN(new MeanSquaredErrorLoss<T>().Evaluate(TestMatrices.Of<T>(targets), TestMatrices.Of<T>(Predictions)).Value).Should().BeTrue();
    }

    [Theory]
    [InlineData(1.5)]
    [InlineData(-0.25)]
    public void LabelsOutsideZeroOne_AreRejected(double bad)
    {
        double[,] binary = (double[,])BinaryLabels.Clone();
        binary[0, 1] = bad;
        double[,] soft = { { 0.5, bad, 0.5 - bad }, { 0, 1, 0 } };

        Action sigmoid = () => new SigmoidCrossEntropyLoss<T> { Strict = true }.Evaluate(TestMatrices.Of<T>(binary), TestMatrices.Of<T>(BinaryLogits));
        Action softmax = () => new SoftmaxCrossEntropyLoss<T> { Strict = true }.Evaluate(TestMatrices.Of<T>(soft), TestMatrices.Of<T>(ChapterLogits));

        sigmoid.Should().Throw<ArgumentException>().WithParameterName("labels").WithMessage("labels[0, 1] = * is outside [0, 1]*Scale or clip the labels*");
        softmax.Should().Throw<ArgumentException>().WithParameterName("labels").WithMessage("labels[0, 1] = * is outside [0, 1]*");
    }

    [Fact]
    public void SoftLabelRowsNotSummingToOne_AreRejected()
    {
        double[,] labels = { { 0.4, 0.1, 0.5 }, { 0.3, 0.6, 0.09 } };
        Action act = () => new SoftmaxCrossEntropyLoss<T> { Strict = true }.Evaluate(TestMatrices.Of<T>(labels), TestMatrices.Of<T>(ChapterLogits));

        act.Should().Throw<ArgumentException>().WithParameterName("labels").WithMessage("labels row 1 sums to 0.99*Divide each row by its sum*");
    }

    [Fact]
    public void SoftLabelRowsSummingToOneWithinRounding_AreAccepted()
    {
        // Thirds do not sum to exactly 1 in binary; 1e-5 off is within the 1e-4 tolerance.
        double third = 1.0 / 3.0;
        double[,] labels = { { third, third, third }, { 0.3, 0.6, 0.10001 } };

        new SoftmaxCrossEntropyLoss<T> { Strict = true }.Evaluate(TestMatrices.Of<T>(labels), TestMatrices.Of<T>(ChapterLogits)).Value.Should().BeGreaterThan(T.Zero);
    }

    [Fact]
    public void Strict_IsOffByDefault()
    {
        new MeanSquaredErrorLoss<T>().Strict.Should().BeFalse();
        new MeanAbsoluteErrorLoss<T>().Strict.Should().BeFalse();
        new RootMeanSquaredErrorLoss<T>().Strict.Should().BeFalse();
        new HuberLoss<T>().Strict.Should().BeFalse();
        new SigmoidCrossEntropyLoss<T>().Strict.Should().BeFalse();
        new SoftmaxCrossEntropyLoss<T>().Strict.Should().BeFalse();
        new SparseSoftmaxCrossEntropyLoss<T>().Strict.Should().BeFalse();
    }
}

public sealed class StrictModeTestsDouble : StrictModeTests<double>
{
}

public sealed class StrictModeTestsSingle : StrictModeTests<float>
{
}
