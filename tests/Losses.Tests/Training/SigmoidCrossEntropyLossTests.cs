using System;
using FluentAssertions;
using MathNet.Numerics.LinearAlgebra;
using static Losses.Tests.Training.TrainingData;

namespace Losses.Tests.Training;

/// <summary>
/// The sigmoid loss object against PyTorch's <c>binary_cross_entropy_with_logits</c> (pos_weight, weight) and
/// Keras's binary label smoothing (expected values from <see cref="PyTorchReference"/>, or 50-digit
/// <c>decimal</c> where stated).
/// </summary>
public abstract class SigmoidCrossEntropyLossTests<T>
    where T : struct, System.Numerics.IFloatingPointIeee754<T>
{
    /// <summary>Relative tolerance against the double reference fed T-rounded inputs.</summary>
    protected abstract double Tolerance { get; }

    [Theory]
    [InlineData(Reduction.Sum, 1.0, 0.0, false)]
    [InlineData(Reduction.Mean, 1.0, 0.0, false)]
    [InlineData(Reduction.Mean, 3.0, 0.0, false)]
    [InlineData(Reduction.Sum, 0.25, 0.0, false)]
    [InlineData(Reduction.Mean, 1.0, 0.0, true)]
    [InlineData(Reduction.Sum, 1.0, 0.0, true)]
    [InlineData(Reduction.WeightedMean, 1.0, 0.0, true)]
    [InlineData(Reduction.Mean, 1.0, 0.2, false)]
    [InlineData(Reduction.Mean, 3.0, 0.2, true)]
    [InlineData(Reduction.WeightedMean, 2.0, 1.0, true)]
    public void MatchesBinaryCrossEntropyWithLogits(Reduction reduction, double positiveWeight, double smoothing, bool weighted)
    {
        // PyTorch's weight here is the per-row sample weight broadcast over the columns (shape [N, 1]).
        var loss = new SigmoidCrossEntropyLoss<T>
        {
            Reduction = reduction,
            PositiveWeight = T.CreateTruncating(positiveWeight),
            LabelSmoothing = T.CreateTruncating(smoothing),
        };
        LossResult<T> result = loss.Evaluate(
            TestMatrices.Of<T>(BinaryLabels), TestMatrices.Of<T>(BinaryLogits), weighted ? TestMatrices.Of<T>(BinaryWeights) : null);

        double[,] elements = PyTorchReference.BinaryCrossEntropyWithLogits(
            TestMatrices.RoundedTo<T>(BinaryLabels),
            TestMatrices.RoundedTo<T>(BinaryLogits),
            double.CreateTruncating(T.CreateTruncating(positiveWeight)),
            double.CreateTruncating(T.CreateTruncating(smoothing)));
        double expected = PyTorchReference.ReduceElements(elements, weighted ? TestMatrices.RoundedTo<T>(BinaryWeights) : null, reduction);
        LossAssert.Close(double.CreateTruncating(result.Value), expected, Tolerance, "value");
        LossAssert.Close(result.PerExample, PyTorchReference.RowSums(elements), Tolerance, "per-example");
        result.Count.Should().Be(9);
    }

    [Fact]
    public void DecimalExample_PositiveWeightSmoothingAndWeights()
    {
        // z = [[1, 0], [0.5, 1]], x = [[2, -1], [0.3, -4]], q = 3, ε = 0.2, s = [1, 2]; Python decimal at 50
        // digits of -s·[q·z'·log σ(x) + (1 - z')·log(1 - σ(x))], z' = 0.8·z + 0.1:
        // mean over the 4 elements 6.3625932575390083530..., sum 25.450373030156033412...
        var loss = new SigmoidCrossEntropyLoss<T>
        {
            PositiveWeight = T.CreateTruncating(3.0),
            LabelSmoothing = T.CreateTruncating(0.2),
        };
        Matrix<T> labels = TestMatrices.Of<T>(new double[,] { { 1, 0 }, { 0.5, 1 } });
        Matrix<T> logits = TestMatrices.Of<T>(new double[,] { { 2, -1 }, { 0.3, -4 } });
        LossResult<T> result = loss.Evaluate(labels, logits, TestMatrices.Of<T>(new double[] { 1, 2 }));

        LossAssert.Close(double.CreateTruncating(result.Value), 6.3625932575390083530, Tolerance, "mean");
        LossAssert.Close(result.WeightedSum, 25.450373030156033412, Tolerance, "sum");
    }

    [Theory]
    [InlineData(7, 3, 0.0)]
    [InlineData(1000, 37, 0.0)]
    [InlineData(3, 1500, 0.0)]
    [InlineData(300, 37, 0.1)]
    [InlineData(2000, 50, 0.0)]
    public void PerExample_IsEachRowsElementLossesAddedInDoubleInColumnOrder_BitForBit(int rows, int columns, double smoothing)
    {
        // Shapes whose 1024-element chunks end inside a column, span many columns, or are split between threads
        // (2000x50); the per-example loss is the row's element losses, each rounded to T, added in double column by
        // column and rounded once, however the kernel gets there.
        var random = new Random((rows * 7) + columns);
        Matrix<T> labels = Matrix<T>.Build.Dense(rows, columns, (_, _) => T.CreateTruncating(random.NextDouble()));
        Matrix<T> logits = Matrix<T>.Build.Dense(rows, columns, (_, _) => T.CreateTruncating((random.NextDouble() * 30) - 15));
        T epsilon = T.CreateTruncating(smoothing);
        var loss = new SigmoidCrossEntropyLoss<T> { PositiveWeight = T.CreateTruncating(1.5), LabelSmoothing = epsilon };

        LossResult<T> result = loss.Evaluate(labels, logits);

        // Binary label smoothing: z' = z·(1 - ε) + ε/2, in T as the loss forms it.
        Matrix<T> effective = smoothing == 0 ? labels : labels.Map(z => ((T.One - epsilon) * z) + (epsilon / T.CreateTruncating(2)));
        Matrix<T> elements = Loss.WeightedCrossEntropyWithLogits(effective, logits, T.CreateTruncating(1.5));
        for (int row = 0; row < rows; row++)
        {
            double sum = 0;
            for (int column = 0; column < columns; column++)
            {
                sum += double.CreateTruncating(elements[row, column]);
            }

            result.PerExample[row].Should().Be(T.CreateTruncating(sum), $"row {row}");
        }
    }

    [Theory]
    [InlineData(7, 3)]
    [InlineData(37, 5)]
    [InlineData(300, 37)]
    [InlineData(3, 1500)]
    [InlineData(2000, 50)]
    public void LabelSmoothing_GivesTheBitsOfTheLabelsSmoothedByHand(int rows, int columns)
    {
        // z' = (1 - ε)·z + ε/2 rounded in T, element by element, then the loss without smoothing: the same value,
        // per-example losses and gradient, bit for bit, at vector tails, across chunks and split between threads.
        var random = new Random((rows * 11) + columns);
        Matrix<T> labels = Matrix<T>.Build.Dense(rows, columns, (_, _) => T.CreateTruncating(random.Next(3) / 2.0));
        Matrix<T> logits = Matrix<T>.Build.Dense(rows, columns, (_, _) => T.CreateTruncating((random.NextDouble() * 30) - 15));
        Vector<T> samples = Vector<T>.Build.Dense(rows, i => T.CreateTruncating(1 + (i % 4)));
        T epsilon = T.CreateTruncating(0.15);
        T keep = T.One - epsilon;
        T half = epsilon / T.CreateTruncating(2);
        Matrix<T> byHand = labels.Map(z => (keep * z) + half);

        LossResult<T> smoothed = new SigmoidCrossEntropyLoss<T> { PositiveWeight = T.CreateTruncating(2), LabelSmoothing = epsilon }
            .Evaluate(labels, logits, samples);
        LossResult<T> expected = new SigmoidCrossEntropyLoss<T> { PositiveWeight = T.CreateTruncating(2) }.Evaluate(byHand, logits, samples);

        smoothed.Value.Should().Be(expected.Value);
        smoothed.PerExample.ToArray().Should().Equal(expected.PerExample.ToArray());
        LossAssert.Identical(smoothed.Gradient, expected.Gradient, "gradient");
    }

    [Fact]
    public void WithoutOptions_PerElementIsLossSigmoidCrossEntropyWithLogits()
    {
        Matrix<T> labels = TestMatrices.Of<T>(BinaryLabels);
        Matrix<T> logits = TestMatrices.Of<T>(BinaryLogits);
        LossResult<T> result = new SigmoidCrossEntropyLoss<T> { Reduction = Reduction.Sum }.Evaluate(labels, logits);

        double[] rowSums = PyTorchReference.RowSums(Loss.SigmoidCrossEntropyWithLogits(labels, logits).Map(double.CreateTruncating).ToArray());
        LossAssert.Close(result.PerExample, rowSums, Tolerance, "per-example");
    }

    [Fact]
    public void InvalidOptions_Throw()
    {
        Action negative = () => _ = new SigmoidCrossEntropyLoss<T> { PositiveWeight = -T.One };
        Action smoothing = () => _ = new SigmoidCrossEntropyLoss<T> { LabelSmoothing = T.CreateTruncating(2.0) };

        negative.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("PositiveWeight");
        smoothing.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("LabelSmoothing");
    }

    [Fact]
    public void NegativeSampleWeight_ThrowsNamingRowAndValue()
    {
        Action act = () => new SigmoidCrossEntropyLoss<T>().Evaluate(
            TestMatrices.Of<T>(BinaryLabels), TestMatrices.Of<T>(BinaryLogits), TestMatrices.Of<T>(new double[] { 1, -2, 1 }));

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("sampleWeights").WithMessage("sampleWeights[1] = -2 is negative*");
    }

    [Fact]
    public void ShapeMismatch_ThrowsNamingBothShapes()
    {
        Action labels = () => new SigmoidCrossEntropyLoss<T>().Evaluate(TestMatrices.Of<T>(BinaryLabels), TestMatrices.Of<T>(Logits));
        Action gradient = () => new SigmoidCrossEntropyLoss<T>().Evaluate(
            TestMatrices.Of<T>(BinaryLabels), TestMatrices.Of<T>(BinaryLogits), Matrix<T>.Build.Dense(3, 2), Vector<T>.Build.Dense(3));
        Action weights = () => new SigmoidCrossEntropyLoss<T>().Evaluate(
            TestMatrices.Of<T>(BinaryLabels), TestMatrices.Of<T>(BinaryLogits), Vector<T>.Build.Dense(2));

        labels.Should().Throw<ArgumentException>().WithMessage("labels is 3x3 but predictions is 5x4*");
        gradient.Should().Throw<ArgumentException>().WithParameterName("gradient").WithMessage("gradient is 3x2 but predictions is 3x3*");
        weights.Should().Throw<ArgumentException>().WithParameterName("sampleWeights").WithMessage("sampleWeights has length 2 but predictions is 3x3*");
    }
}

public sealed class SigmoidCrossEntropyLossTestsDouble : SigmoidCrossEntropyLossTests<double>
{
    protected override double Tolerance => 1e-13;
}

public sealed class SigmoidCrossEntropyLossTestsSingle : SigmoidCrossEntropyLossTests<float>
{
    protected override double Tolerance => 3e-6;
}
