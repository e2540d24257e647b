using System;
using FluentAssertions;
using MathNet.Numerics.LinearAlgebra;

namespace Losses.Tests.Training;

/// <summary>The assertions every training-loss test shares: tolerant comparison and finite-difference gradients.</summary>
internal static class LossAssert
{
    /// <summary>|actual - expected| ≤ tolerance·max(1, |expected|).</summary>
    public static void Close(double actual, double expected, double tolerance, string what)
        => Math.Abs(actual - expected).Should().BeLessThanOrEqualTo(
            tolerance * Math.Max(1.0, Math.Abs(expected)), $"{what} = {actual:R} should be {expected:R}");

    /// <summary>Every entry close to the expected one.</summary>
    public static void Close<T>(Vector<T> actual, double[] expected, double tolerance, string what)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
    {
        actual.Count.Should().Be(expected.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Close(double.CreateTruncating(actual[i]), expected[i], tolerance, $"{what}[{i}]");
        }
    }

    /// <summary>Bit-identical matrices (NaN equal to NaN).</summary>
    public static void Identical<T>(Matrix<T> actual, Matrix<T> expected, string what)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
        => actual.ToColumnMajorArray().Should().Equal(expected.ToColumnMajorArray(), (a, b) => a.Equals(b), what);

    /// <summary>
    /// The analytic gradient equals central differences <c>(f(x + h) - f(x - h)) / 2h</c> of the value in
    /// double, entry by entry, h = 1e-5.
    /// </summary>
    public static void GradientMatchesFiniteDifferences(Func<Matrix<double>, double> value, Matrix<double> predictions, Matrix<double> gradient)
    {
        const double step = 1e-5;
        for (int i = 0; i < predictions.RowCount; i++)
        {
            for (int j = 0; j < predictions.ColumnCount; j++)
            {
                Matrix<double> plus = predictions.Clone();
                Matrix<double> minus = predictions.Clone();
                plus[i, j] += step;
                minus[i, j] -= step;
                double numeric = (value(plus) - value(minus)) / (2 * step);
                Math.Abs(gradient[i, j] - numeric).Should().BeLessThanOrEqualTo(
                    1e-7 * Math.Max(1.0, Math.Abs(numeric)), $"∂Value/∂x[{i}, {j}] = {gradient[i, j]:R} but finite differences give {numeric:R}");
            }
        }
    }

    /// <summary>A matrix-label loss's gradient equals finite differences of its value.</summary>
    public static void GradientMatchesFiniteDifferences(ILoss<double> loss, Matrix<double> labels, Matrix<double> predictions, Vector<double>? sampleWeights)
    {
        LossResult<double> result = loss.Evaluate(labels, predictions, sampleWeights);
        GradientMatchesFiniteDifferences(x => loss.Evaluate(labels, x, sampleWeights).Value, predictions, result.Gradient);
    }
}
