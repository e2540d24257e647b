using Losses.Tests.Infrastructure;
using MathNet.Numerics.LinearAlgebra;

namespace Losses.Tests.Golden;

/// <summary>
/// MSE, RMSE and MAD (mean absolute error) on inputs that are exact binary fractions, so the same exact
/// rationals hold in float and in double. Expected values are worked by hand; the square roots were
/// evaluated with Python's decimal module at 50 digits (getcontext().prec = 50; (D(101)/D(96)).sqrt()).
/// </summary>
public abstract class RegressionGoldenTests<T> : TypedTests<T>
    where T : struct, System.Numerics.IFloatingPointIeee754<T>
{
    // Differences p - y: 0.5, -1, 0, -2, 0.25, 1.
    private static Matrix<T> MatrixLabels => MatrixOf(new double[,] { { 1, 2, 3 }, { 4, 5, 6 } });

    private static Matrix<T> MatrixPredictions => MatrixOf(new double[,] { { 1.5, 1, 3 }, { 2, 5.25, 7 } });

    // Differences p - y: 0.25, 2.25, -1.
    private static Vector<T> VectorLabels => VectorOf(0.5, -1.25, 3);

    private static Vector<T> VectorPredictions => VectorOf(0.75, 1, 2);

    [Fact]
    public void MeanSquaredError_OfMatrix_MatchesHandWorkedValue()
        // (0.25 + 1 + 0 + 4 + 0.0625 + 1) / 6 = 6.3125 / 6 = 101/96.
        => ShouldBeGolden(Loss.MeanSquaredError(MatrixLabels, MatrixPredictions), 101.0 / 96.0);

    [Fact]
    public void RootMeanSquaredError_OfMatrix_MatchesDecimalValue()
        // √(101/96), 50-digit decimal: 1.0257111354242642389532668907210111287423322425654.
        => ShouldBeGolden(Loss.RootMeanSquaredError(MatrixLabels, MatrixPredictions), 1.0257111354242642389532668907210111287423322425654);

    [Fact]
    public void MeanAbsoluteError_OfMatrix_MatchesHandWorkedValue()
        // (0.5 + 1 + 0 + 2 + 0.25 + 1) / 6 = 4.75 / 6 = 19/24.
        => ShouldBeGolden(Loss.MeanAbsoluteError(MatrixLabels, MatrixPredictions), 19.0 / 24.0);

    [Fact]
    public void MeanSquaredError_OfVector_MatchesHandWorkedValue()
        // (0.0625 + 5.0625 + 1) / 3 = 6.125 / 3 = 49/24.
        => ShouldBeGolden(Loss.MeanSquaredError(VectorLabels, VectorPredictions), 49.0 / 24.0);

    [Fact]
    public void RootMeanSquaredError_OfVector_MatchesDecimalValue()
        // √(49/24) = 7/√24, 50-digit decimal: 1.4288690166235205572817490435784366453134693637164.
        => ShouldBeGolden(Loss.RootMeanSquaredError(VectorLabels, VectorPredictions), 1.4288690166235205572817490435784366453134693637164);

    [Fact]
    public void MeanAbsoluteError_OfVector_MatchesHandWorkedValue()
        // (0.25 + 2.25 + 1) / 3 = 7/6.
        => ShouldBeGolden(Loss.MeanAbsoluteError(VectorLabels, VectorPredictions), 7.0 / 6.0);

    private static void ShouldBeGolden(T actual, double expected)
        => NumericAssertions.ShouldBeRelativelyClose(ToDouble(actual), expected, GoldenRelativeTolerance, "the loss");
}

public sealed class RegressionGoldenFloatTests : RegressionGoldenTests<float>;

public sealed class RegressionGoldenDoubleTests : RegressionGoldenTests<double>;
