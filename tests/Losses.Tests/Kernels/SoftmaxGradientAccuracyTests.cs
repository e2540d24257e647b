using System;
using System.Linq;
using System.Numerics;
using FluentAssertions;
using MathNet.Numerics.LinearAlgebra;

namespace Losses.Tests.Kernels;

/// <summary>
/// The softmax cross-entropy gradient L·p - y keeps its relative precision at a confident, correct prediction: at the
/// label, which is the row's maximum, it is -t/S with t the sum of the other exponentials (S = 1 + t), not 1/S - 1,
/// which rounds to 0 once S rounds to 1 (TensorFlow and PyTorch form softmax - labels as written, and give 0 there
/// from a logit margin of about 17 in float and 37 in double). Dense one-hot labels give the bits of class indices.
/// </summary>
public abstract class SoftmaxGradientAccuracyTests<T>
    where T : struct, IFloatingPointIeee754<T>
{
    /// <summary>The bound in units of T's rounding (2⁻²⁴ or 2⁻⁵³), relative to the size of the entry's terms.</summary>
    protected abstract double Roundings { get; }

    private static double Unit => Math.ScaleB(1.0, T.One is float ? -24 : -53);

    [Theory]
    [InlineData(10.0, 3)]
    [InlineData(20.0, 3)]
    [InlineData(40.0, 3)]
    [InlineData(80.0, 3)]
    [InlineData(20.0, 40)]
    [InlineData(40.0, 40)]
    public void AtAConfidentCorrectPrediction_TheLabelsEntryIsMinusTheOthersProbability_NotZero(double margin, int columns)
    {
        // Logits [margin, 0, -1, -1, ...] with label 0. Expected (from Math.Exp): at the label -(Σ others)/S, elsewhere
        // e^(x - m)/S. Both widths: the class-index kernel builds narrow rows' one-hot labels lane by lane.
        T[] row = Enumerable.Range(0, columns).Select(j => j == 0 ? T.CreateTruncating(margin) : j == 1 ? T.Zero : -T.One).ToArray();
        Matrix<T> logits = Matrix<T>.Build.DenseOfRowArrays(row);
        Matrix<T> oneHot = Matrix<T>.Build.DenseOfRowArrays(Enumerable.Range(0, columns).Select(j => j == 0 ? T.One : T.Zero).ToArray());
        double m = double.CreateTruncating(logits[0, 0]);
        double[] exponentials = Enumerable.Range(0, columns).Select(j => j == 0 ? 1.0 : Math.Exp(double.CreateTruncating(row[j]) - m)).ToArray();
        double others = exponentials.Skip(1).Sum();
        double sum = 1 + others;
        double[] expected = exponentials.Select((e, j) => j == 0 ? -others / sum : e / sum).ToArray();

        Matrix<T> sparse = Loss.SparseSoftmaxCrossEntropyWithLogitsGradient([0], logits);
        Matrix<T> dense = Loss.SoftmaxCrossEntropyWithLogitsGradient(oneHot, logits);
        Matrix<T> fromSparseLoss = new SparseSoftmaxCrossEntropyLoss<T> { Reduction = Reduction.Sum }.Evaluate([0], logits).Gradient;
        Matrix<T> fromDenseLoss = new SoftmaxCrossEntropyLoss<T> { Reduction = Reduction.Sum }.Evaluate(oneHot, logits).Gradient;
        foreach ((string route, Matrix<T> gradient) in new[] { ("class indices", sparse), ("one-hot labels", dense), ("sparse loss object", fromSparseLoss), ("dense loss object", fromDenseLoss) })
        {
            for (int j = 0; j < columns; j++)
            {
                double.CreateTruncating(gradient[0, j]).Should().BeApproximately(
                    expected[j], Roundings * Unit * Math.Abs(expected[j]), $"{route}, entry {j}, margin {margin}");
            }
        }
    }

    [Theory]
    [InlineData(10)]
    [InlineData(37)]
    [InlineData(300)]
    public void OverRowsOfEveryConfidence_EachEntryIsWithinAFewRoundingsOfItsExactValue_AndOneHotGivesTheBitsOfClassIndices(int columns)
    {
        // Expected: L·p - y from the shifted exponentials in double (the shift rounded to T), S - 1 summed apart from the maximum, so the label's
        // entry at a sole maximum, -(S - 1)/S, is exact to double rounding. Bound: relative to p + y.
        const int Rows = 512;
        var random = new Random(20261201);
        int[] classes = Enumerable.Range(0, Rows).Select(_ => random.Next(columns)).ToArray();
        Matrix<T> logits = Matrix<T>.Build.Dense(Rows, columns, (i, j) =>
            T.CreateTruncating(j == classes[i] ? random.NextDouble() * 60 : random.NextDouble() * 4 - 2));
        Matrix<T> oneHot = Matrix<T>.Build.Dense(Rows, columns, (i, j) => j == classes[i] ? T.One : T.Zero);
        Matrix<T> sparse = Loss.SparseSoftmaxCrossEntropyWithLogitsGradient(classes, logits);
        Matrix<T> dense = Loss.SoftmaxCrossEntropyWithLogitsGradient(oneHot, logits);
        for (int i = 0; i < Rows; i++)
        {
            double[] x = Enumerable.Range(0, columns).Select(j => double.CreateTruncating(logits[i, j])).ToArray();
            double max = x.Max();

            // The shift x - m rounded to T, as the kernels form it (README, "Accuracy").
            double[] shifted = x.Select(v => double.CreateTruncating(T.CreateTruncating(v - max))).ToArray();
            double others = shifted.Where(v => v != 0).Sum(Math.Exp);
            double ones = x.Count(v => v == max);
            double sum = ones + others;
            for (int j = 0; j < columns; j++)
            {
                double p = Math.Exp(shifted[j]) / sum;
                double y = j == classes[i] ? 1 : 0;
                double exact = x[j] == max && ones == 1 && y == 1 ? -others / sum : p - y;
                double actual = double.CreateTruncating(sparse[i, j]);
                Math.Abs(actual - exact).Should().BeLessThanOrEqualTo(Roundings * Unit * (p + y), $"row {i}, column {j}");
                if (x[j] == max && ones == 1 && y == 1)
                {
                    Math.Abs(actual - exact).Should().BeLessThanOrEqualTo(Roundings * Unit * Math.Abs(exact), $"row {i}: the label's entry at its sole maximum, relative to itself");
                }

                BitConverter.DoubleToInt64Bits(double.CreateTruncating(dense[i, j])).Should().Be(
                    BitConverter.DoubleToInt64Bits(actual), $"row {i}, column {j}: one-hot labels against class indices");
            }
        }
    }
}

public sealed class FloatSoftmaxGradientAccuracyTests : SoftmaxGradientAccuracyTests<float>
{
    protected override double Roundings => 6;
}

public sealed class DoubleSoftmaxGradientAccuracyTests : SoftmaxGradientAccuracyTests<double>
{
    protected override double Roundings => 16;
}
