using System;
using FluentAssertions;
using Losses.Internal;
using Losses.Tests.Infrastructure;
using MathNet.Numerics.LinearAlgebra;

namespace Losses.Tests.Training;

/// <summary>
/// <see cref="SoftmaxCrossEntropyLoss{T}"/> without label smoothing or class weights finds, in its pass over the labels
/// for the row weights, whether every row is one-hot (one label of exactly 1, every other exactly +0), and then runs the
/// class-index kernel, which reads no labels. The specification: the same bits as the dense kernel gives (the loss with
/// class weights all 1, which always takes the dense kernel: aᵢⱼ = 1·yᵢⱼ), for one-hot labels over several blocks of
/// rows with extreme logits, and for labels that are nearly one-hot, which must not be taken for one-hot.
/// </summary>
public abstract class OneHotLabelTests<T>
    where T : struct, System.Numerics.IFloatingPointIeee754<T>
{
    [Theory]
    [MemberData(nameof(OneHotLabelShapes.Several), MemberType = typeof(OneHotLabelShapes))]
    public void OneHotLabels_GiveTheDenseKernelsBits(int rows, int columns, Reduction reduction, bool sampleWeights)
    {
        (Matrix<T> labels, Matrix<T> logits, Vector<T>? weights) = Inputs(rows, columns, sampleWeights, seed: rows + columns);
        AssertSameAsDense(labels, logits, weights, reduction, $"one-hot labels at {rows}x{columns}, {reduction}");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void NearlyOneHotLabels_AreNotTakenForOneHot(int flaw)
    {
        // One row of many is not one-hot: two ones, a -0 beside its one, a label just below 1, a NaN, or no one at all.
        int rows = 300;
        int columns = 7;
        (Matrix<T> labels, Matrix<T> logits, Vector<T>? weights) = Inputs(rows, columns, sampleWeights: false, seed: 5);
        int row = 211;
        int labelled = 0;
        while (labels[row, labelled] != T.One)
        {
            labelled++;
        }

        int other = (labelled + 1) % columns;
        switch (flaw)
        {
            case 0: labels[row, other] = T.One; break;
            case 1: labels[row, other] = T.NegativeZero; break;
            case 2: labels[row, labelled] = T.BitDecrement(T.One); break;
            case 3: labels[row, other] = T.NaN; break;
            default: labels[row, labelled] = T.Zero; break;
        }

        EffectiveLabels.RowWeights<T>(
            labels.ToColumnMajorArray(), rows, columns, default, new double[rows], new int[rows]).Should().BeFalse("row 211 is not one-hot");
        AssertSameAsDense(labels, logits, weights, Reduction.Mean, $"labels with flaw {flaw}");
    }

    [Fact]
    public void TheRowWeightsPass_FindsEachRowsClass()
    {
        (Matrix<T> labels, _, _) = Inputs(4096 + 13, 40, sampleWeights: false, seed: 3);
        int[] classes = new int[labels.RowCount];
        double[] rowWeights = new double[labels.RowCount];
        EffectiveLabels.RowWeights<T>(labels.ToColumnMajorArray(), labels.RowCount, labels.ColumnCount, default, rowWeights, classes)
            .Should().BeTrue();
        for (int row = 0; row < labels.RowCount; row++)
        {
            labels[row, classes[row]].Should().Be(T.One, "row {0}'s class is where its one is", row);
            rowWeights[row].Should().Be(1.0, "a one-hot row's label mass");
        }
    }

    private static void AssertSameAsDense(Matrix<T> labels, Matrix<T> logits, Vector<T>? weights, Reduction reduction, string what)
    {
        var plain = new SoftmaxCrossEntropyLoss<T> { Reduction = reduction };
        var dense = new SoftmaxCrossEntropyLoss<T> { Reduction = reduction, ClassWeights = Ones(logits.ColumnCount) };
        LossResult<T> actual = plain.Evaluate(labels, logits, weights);
        LossResult<T> expected = dense.Evaluate(labels, logits, weights);
        NumericAssertions.ShouldBeBitIdentical(new[] { actual.Value }, new[] { expected.Value }, $"{what}: value");
        NumericAssertions.ShouldBeBitIdentical(actual.PerExample, expected.PerExample, $"{what}: per-example losses");
        NumericAssertions.ShouldBeBitIdentical(actual.Gradient, expected.Gradient, $"{what}: gradient");
        actual.WeightedSum.Should().Be(expected.WeightedSum, what);
        actual.TotalWeight.Should().Be(expected.TotalWeight, what);
        actual.Count.Should().Be(expected.Count, what);
    }

    private static T[] Ones(int count)
    {
        var ones = new T[count];
        ones.AsSpan().Fill(T.One);
        return ones;
    }

    /// <summary>One-hot labels; logits in [-8, 8] with extreme rows (±∞, NaN, a row of only -∞, ±1e30); sample weights with zeros.</summary>
    private static (Matrix<T> Labels, Matrix<T> Logits, Vector<T>? SampleWeights) Inputs(int rows, int columns, bool sampleWeights, int seed)
    {
        var random = new Random(seed);
        var labels = Matrix<T>.Build.Dense(rows, columns);
        var logits = Matrix<T>.Build.Dense(rows, columns, (_, _) => T.CreateTruncating((random.NextDouble() * 16) - 8));
        T[] extremes = [T.PositiveInfinity, T.NegativeInfinity, T.NaN, T.CreateTruncating(1e30), T.CreateTruncating(-1e30)];
        for (int row = 0; row < rows; row++)
        {
            labels[row, random.Next(columns)] = T.One;
            if (row % 97 == 5)
            {
                for (int column = 0; column < columns; column++)
                {
                    logits[row, column] = (row / 97) % 3 == 0 ? T.NegativeInfinity : extremes[((row / 97) + column) % extremes.Length];
                }
            }
        }

        Vector<T>? weights = sampleWeights
            ? Vector<T>.Build.Dense(rows, row => row % 7 == 3 ? T.Zero : T.CreateTruncating(random.NextDouble() + 0.5))
            : null;
        return (labels, logits, weights);
    }
}

/// <summary>One column and a few rows; several blocks of narrow rows; wide rows; each with three reductions.</summary>
public static class OneHotLabelShapes
{
    public static TheoryData<int, int, Reduction, bool> Several()
    {
        var shapes = new TheoryData<int, int, Reduction, bool>();
        foreach ((int rows, int columns) in new[] { (3, 1), (37, 5), (4096 + 13, 40), (700, 1000) })
        {
            shapes.Add(rows, columns, Reduction.Mean, false);
            shapes.Add(rows, columns, Reduction.WeightedMean, true);
            shapes.Add(rows, columns, Reduction.Sum, true);
        }

        return shapes;
    }
}

public sealed class OneHotLabelTestsFloat : OneHotLabelTests<float>;

public sealed class OneHotLabelTestsDouble : OneHotLabelTests<double>;
