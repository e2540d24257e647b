using System;
using FluentAssertions;
using MathNet.Numerics.LinearAlgebra;

namespace Losses.Tests.Kernels;

/// <summary>
/// Float row sums over many columns keep float's precision: the losses of rows of 20,000 to 100,000 columns, and the
/// label sums in their gradients, are within a few units in the last place of the same functions evaluated in double
/// on the same (float) inputs, not off by an error that grows with the row's length (NUMERICS.md, "Summation":
/// accumulate in double even for float inputs).
/// </summary>
public sealed class WideRowAccuracyTests
{
    /// <summary>Four units in float's last place, relative.</summary>
    private const double FourUlps = 4.0 / (1 << 24);

    [Theory]
    [InlineData(1, 100_000, 0.0)]
    [InlineData(4, 32_000, 0.1)]
    [InlineData(3, 20_001, 1.0)]
    public void SoftmaxCrossEntropy_OfWideRowsWithSoftLabels_IsWithinFloatRounding(int rows, int columns, double smoothing)
    {
        (Matrix<float> labels, Matrix<float> logits) = SoftLabels(rows, columns, smoothing);

        Vector<float> actual = Loss.SoftmaxCrossEntropyWithLogits(labels, logits);
        Vector<double> expected = Loss.SoftmaxCrossEntropyWithLogits(labels.Map(y => (double)y), logits.Map(x => (double)x));

        for (int row = 0; row < rows; row++)
        {
            ((double)actual[row]).Should().BeApproximately(expected[row], FourUlps * Math.Abs(expected[row]), $"row {row} of {rows}x{columns}");
        }
    }

    [Fact]
    public void SoftmaxCrossEntropyGradient_OfWideRowsWithSmoothedLabels_HasTheLabelSumOfOne()
    {
        // Labels smoothed by 0.1 over 32,000 classes sum to 1: the gradient (Σy)·p - y is within float rounding of its
        // terms, as in double.
        (Matrix<float> labels, Matrix<float> logits) = SoftLabels(4, 32_000, 0.1);

        Matrix<float> actual = Loss.SoftmaxCrossEntropyWithLogitsGradient(labels, logits);
        Matrix<double> expected = Loss.SoftmaxCrossEntropyWithLogitsGradient(labels.Map(y => (double)y), logits.Map(x => (double)x));
        Matrix<double> probabilities = Activation.Softmax(logits.Map(x => (double)x));

        for (int row = 0; row < 4; row++)
        {
            for (int column = 0; column < 32_000; column++)
            {
                double scale = probabilities[row, column] + labels[row, column];
                double error = Math.Abs(actual[row, column] - expected[row, column]);
                if (error > FourUlps * scale)
                {
                    error.Should().BeLessThanOrEqualTo(FourUlps * scale, $"entry ({row}, {column}) is {actual[row, column]:R}, in double {expected[row, column]:R}");
                }
            }
        }
    }

    [Theory]
    [InlineData(1, 100_000)]
    [InlineData(5, 20_000)]
    public void CrossEntropy_OfWideRowsWithSoftLabels_IsWithinFloatRounding(int rows, int columns)
    {
        var random = new Random(columns + rows);
        Matrix<float> labels = Matrix<float>.Build.Dense(rows, columns, 1f / columns);
        Matrix<float> probabilities = Matrix<float>.Build.Dense(rows, columns, (_, _) => (float)((0.5 + random.NextDouble()) / columns));

        Vector<float> actual = Loss.CrossEntropy(labels, probabilities);
        Vector<double> expected = Loss.CrossEntropy(labels.Map(y => (double)y), probabilities.Map(p => (double)p));

        for (int row = 0; row < rows; row++)
        {
            ((double)actual[row]).Should().BeApproximately(expected[row], FourUlps * Math.Abs(expected[row]), $"row {row} of {rows}x{columns}");
        }
    }

    /// <summary>
    /// Logits in [0, 10) and labels y = (1 - ε)·onehot + ε/C (ε = 1: uniform labels 1/C), the class drawn per row.
    /// </summary>
    private static (Matrix<float> Labels, Matrix<float> Logits) SoftLabels(int rows, int columns, double smoothing)
    {
        var random = new Random(rows * columns);
        Matrix<float> logits = Matrix<float>.Build.Dense(rows, columns, (_, _) => (float)(10 * random.NextDouble()));
        Matrix<float> labels = Matrix<float>.Build.Dense(rows, columns, (float)(smoothing / columns));
        for (int row = 0; row < rows; row++)
        {
            int label = random.Next(columns);
            labels[row, label] = (float)((1 - smoothing) + (smoothing / columns));
        }

        return (labels, logits);
    }
}
