using System;
using FluentAssertions;
using MathNet.Numerics.LinearAlgebra;

namespace Losses.Tests.Kernels;

/// <summary>
/// Float MSE and MAE sum their terms in double without compensating each addition (a float difference and its square
/// are exact, or nearly, in double, and a block's plain sums stay within 2⁻⁴⁰ relative): the result must still be the
/// float nearest the exact mean. The reference adds the same double terms with Neumaier's compensation, within about
/// 1e-16 relative of the exact sum, so the two floats can differ only where the mean lies within that of a midpoint
/// between floats, which these inputs do not come near.
/// </summary>
public sealed class FloatRegressionSumTests
{
    /// <summary>
    /// Sizes around the vector widths (an odd number of whole vectors, a scalar tail) and the 65,536-element blocks
    /// the sums are taken in (one block, two with a tail, many).
    /// </summary>
    public static TheoryData<int, int> Sizes => new()
    {
        { 1, 1 },
        { 29, 1 },
        { 7, 3 },
        { 256, 256 },
        { 65_636, 1 },
        { 1_009, 997 },
    };

    [Theory]
    [MemberData(nameof(Sizes))]
    public void FloatMeanSquaredError_IsTheFloatNearestTheExactMean(int rows, int columns)
    {
        (Matrix<float> labels, Matrix<float> predictions) = Inputs(rows, columns, seed: rows + columns);

        float mse = Loss.MeanSquaredError(labels, predictions);

        double exact = ExactSum(labels, predictions, static d => d * d) / (rows * columns);
        mse.Should().Be((float)exact, $"the exact mean of squares is {exact:R}");
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void FloatMeanAbsoluteError_IsTheFloatNearestTheExactMean(int rows, int columns)
    {
        (Matrix<float> labels, Matrix<float> predictions) = Inputs(rows, columns, seed: (3 * rows) + columns);

        float mae = Loss.MeanAbsoluteError(labels, predictions);

        double exact = ExactSum(labels, predictions, Math.Abs) / (rows * columns);
        mae.Should().Be((float)exact, $"the exact mean of magnitudes is {exact:R}");
    }

    [Fact]
    public void FloatMeanSquaredError_OfValuesSixOrdersApart_KeepsTheSmallTerms()
    {
        // 65,535 errors of 1e-3 and one of 1e3: the small squares add 0.0655 to 1e6, which float's unit at 1e6
        // (0.0625) shows; a sum that dropped them would give exactly 1e6 / 65,536.
        int n = 65_536;
        var labels = Vector<float>.Build.Dense(n);
        var predictions = Vector<float>.Build.Dense(n, i => i == n / 2 ? 1e3f : 1e-3f);

        float mse = Loss.MeanSquaredError(labels, predictions);

        double exact = (((n - 1) * (double)1e-3f * 1e-3f) + (1e3 * 1e3)) / n;
        mse.Should().Be((float)exact);
    }

    private static (Matrix<float> Labels, Matrix<float> Predictions) Inputs(int rows, int columns, int seed)
    {
        // Errors spread over six orders of magnitude, of both signs, so that the terms differ widely in size.
        var random = new Random(seed);
        Matrix<float> labels = Matrix<float>.Build.Dense(rows, columns, (_, _) => (float)((random.NextDouble() * 2) - 1));
        Matrix<float> predictions = Matrix<float>.Build.Dense(
            rows, columns, (i, j) => labels[i, j] + (float)(((random.NextDouble() * 2) - 1) * Math.Pow(10, (random.NextDouble() * 6) - 3)));
        return (labels, predictions);
    }

    private static double ExactSum(Matrix<float> labels, Matrix<float> predictions, Func<double, double> term)
    {
        double sum = 0;
        double compensation = 0;
        for (int j = 0; j < labels.ColumnCount; j++)
        {
            for (int i = 0; i < labels.RowCount; i++)
            {
                double value = term((double)predictions[i, j] - labels[i, j]);
                double total = sum + value;
                compensation += Math.Abs(sum) >= Math.Abs(value) ? (sum - total) + value : (value - total) + sum;
                sum = total;
            }
        }

        return sum + compensation;
    }
}
