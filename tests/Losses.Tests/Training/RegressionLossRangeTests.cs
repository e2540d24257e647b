using System;
using FluentAssertions;
using Losses.Tests.Infrastructure;
using MathNet.Numerics.LinearAlgebra;

namespace Losses.Tests.Training;

/// <summary>
/// The regression loss objects on errors whose squares or row sums leave T's range (or double's) although the
/// reduced value does not: the value is the true one rounded to T, the per-example losses are the true row sums
/// rounded once to T (±∞ or 0 where those are not representable), and the gradient is finite and correct.
/// </summary>
public abstract class RegressionLossRangeTests<T>
    where T : struct, System.Numerics.IFloatingPointIeee754<T>
{
    /// <summary>Relative tolerance of a value or gradient entry computed in double and rounded to T (a few ulps).</summary>
    protected abstract double Tolerance { get; }

    /// <summary>T's largest finite value (a saturating conversion of double's would give float +∞).</summary>
    private static T MaxValue => T.CreateTruncating(typeof(T) == typeof(float) ? float.MaxValue : double.MaxValue);

    /// <summary>The sample weights of the weighted cases: 2 on row 0, 0.5 on row 1.</summary>
    private static readonly double[] SampleWeights = { 2, 0.5 };

    /// <summary>
    /// RMSE of the errors [[e, 0, 0], [0, -2e, 0]] (predictions; labels 0), with sample weights s = [2, 0.5] or none.
    /// Worked by hand: ℓ = [e², 4e²], so with A = s₀ + 4s₁ and D the divisor (1, n = 6 or W = 3·Σs),
    /// Value = |e|·√(A/D), ∂Value/∂p₀₀ = s₀/(D·√(A/D)) and ∂Value/∂p₁₁ = -2s₁/(D·√(A/D)) whatever the size of e
    /// (RMSE is homogeneous of degree 1, its gradient of degree 0); every other entry is 0.
    /// </summary>
    protected void AssertRootMeanSquaredErrorOfScaledErrors(double e, Reduction reduction, bool weighted)
    {
        T error = T.CreateTruncating(e);
        double seen = double.CreateTruncating(error);
        Matrix<T> labels = Matrix<T>.Build.Dense(2, 3);
        Matrix<T> predictions = Matrix<T>.Build.Dense(2, 3);
        predictions[0, 0] = error;
        predictions[1, 1] = -(error + error);
        double[] s = weighted ? SampleWeights : new[] { 1.0, 1.0 };
        double divisor = reduction switch
        {
            Reduction.Sum => 1,
            Reduction.Mean => 6,
            _ => 3 * (s[0] + s[1]),
        };
        double root = Math.Sqrt((s[0] + (4 * s[1])) / divisor);

        LossResult<T> result = new RootMeanSquaredErrorLoss<T> { Reduction = reduction }
            .Evaluate(labels, predictions, weighted ? TestMatrices.Of<T>(SampleWeights) : null);

        NumericAssertions.ShouldBeRelativelyClose(double.CreateTruncating(result.Value), seen * root, Tolerance, "value");
        NumericAssertions.ShouldBeClose(
            Array.ConvertAll(result.Gradient.ToRowMajorArray(), g => double.CreateTruncating(g)),
            [s[0] / (divisor * root), 0, 0, 0, -2 * s[1] / (divisor * root), 0],
            Tolerance,
            0,
            "gradient");
        result.PerExample.ToArray().Should().Equal(T.CreateTruncating(seen * seen), T.CreateTruncating(4 * seen * seen));
    }

    /// <summary>An error e and a sample weight s₀ such that s₀/(W·e) lies below T's range but s₀ does not.</summary>
    protected abstract (double Error, double TinyWeight) TinyWeightCase { get; }

    [Fact]
    public void RootMeanSquaredError_OfATinySampleWeight_KeepsItsGradientRow()
    {
        // Errors [e, e] (one column), sample weights [s₀, 1], WeightedMean: W = 1 + s₀, Value = e, and
        // ∂Value/∂pᵢ = sᵢ·eᵢ/(W·Value) = [s₀, 1]/W, both normal in T, though the row factor s₀/(W·Value) lies below T's
        // range (float: e = 1e20, s₀ = 1e-27; double: e = 1e150, s₀ = 1e-200). Hand-worked, evaluated in double from
        // the inputs as T holds them.
        T error = T.CreateTruncating(TinyWeightCase.Error);
        T tiny = T.CreateTruncating(TinyWeightCase.TinyWeight);
        double e = double.CreateTruncating(error);
        double s0 = double.CreateTruncating(tiny);
        Matrix<T> labels = Matrix<T>.Build.Dense(2, 1);
        Matrix<T> predictions = Matrix<T>.Build.Dense(2, 1, error);

        LossResult<T> result = new RootMeanSquaredErrorLoss<T> { Reduction = Reduction.WeightedMean }
            .Evaluate(labels, predictions, Vector<T>.Build.Dense([tiny, T.One]));

        double total = 1 + s0;
        double value = Math.Sqrt(((s0 * e * e) + (e * e)) / total);
        NumericAssertions.ShouldBeRelativelyClose(double.CreateTruncating(result.Value), value, Tolerance, "value");
        NumericAssertions.ShouldBeClose(
            Array.ConvertAll(result.Gradient.ToColumnMajorArray(), g => double.CreateTruncating(g)),
            [s0 * e / (total * value), e / (total * value)],
            Tolerance,
            0,
            "gradient");
    }

    [Theory]
    [InlineData(Reduction.Sum)]
    [InlineData(Reduction.Mean)]
    [InlineData(Reduction.WeightedMean)]
    public void MeanAbsoluteError_OfARowWhoseSumOverflows_IsTheMeanRoundedToT(Reduction reduction)
    {
        // Errors [0.75·M, -0.75·M], M = T's MaxValue: ℓ = 1.5·M lies beyond T's range (+∞ per example; for double
        // beyond double's too, so the merge sum is +∞), the mean 0.75·M (exactly, 1.5·M/2) does not; Sum is 1.5·M
        // itself, +∞ in T. Gradient sign(e)/D: [0.5, -0.5] for the means (D = 2 = W with the one weight 1), [1, -1]
        // for Sum. Hand-worked.
        T error = MaxValue * T.CreateTruncating(0.75);
        Matrix<T> labels = Matrix<T>.Build.Dense(1, 2);
        Matrix<T> predictions = Matrix<T>.Build.DenseOfRowArrays([error, -error]);

        LossResult<T> result = new MeanAbsoluteErrorLoss<T> { Reduction = reduction }.Evaluate(labels, predictions, TestMatrices.Of<T>([1.0]));

        result.Value.Should().Be(reduction == Reduction.Sum ? T.PositiveInfinity : error);
        result.WeightedSum.Should().Be(2 * double.CreateTruncating(error));
        result.PerExample[0].Should().Be(T.PositiveInfinity);
        T slope = reduction == Reduction.Sum ? T.One : T.CreateTruncating(0.5);
        result.Gradient.Row(0).ToArray().Should().Equal(slope, -slope);
    }

    [Fact]
    public void MeanSquaredError_OfAnErrorNearMaxValue_HasTheFiniteGradient()
    {
        // Errors [0.75·M, 0], M = T's MaxValue: ∂Value/∂p = 2e/n = 0.75·M and 0 (2e itself, 1.5·M, would overflow T);
        // the value (0.75·M)²/2 lies beyond T's range, so +∞. Hand-worked.
        T error = MaxValue * T.CreateTruncating(0.75);
        Matrix<T> labels = Matrix<T>.Build.Dense(1, 2);
        Matrix<T> predictions = Matrix<T>.Build.DenseOfRowArrays([error, T.Zero]);

        LossResult<T> result = new MeanSquaredErrorLoss<T>().Evaluate(labels, predictions);

        result.Gradient.Row(0).ToArray().Should().Equal(error, T.Zero);
        result.Value.Should().Be(T.PositiveInfinity);
    }
}

public sealed class RegressionLossRangeTestsSingle : RegressionLossRangeTests<float>
{
    protected override double Tolerance => 2.5e-7;

    protected override (double Error, double TinyWeight) TinyWeightCase => (1e20, 1e-27);

    [Theory]
    [InlineData(1e20, Reduction.Sum, false)]
    [InlineData(1e20, Reduction.Mean, false)]
    [InlineData(1e20, Reduction.WeightedMean, false)]
    [InlineData(1e20, Reduction.Sum, true)]
    [InlineData(1e20, Reduction.Mean, true)]
    [InlineData(1e20, Reduction.WeightedMean, true)]
    [InlineData(5e-27, Reduction.Sum, false)]
    [InlineData(5e-27, Reduction.Mean, false)]
    [InlineData(5e-27, Reduction.WeightedMean, false)]
    [InlineData(5e-27, Reduction.Sum, true)]
    [InlineData(5e-27, Reduction.Mean, true)]
    [InlineData(5e-27, Reduction.WeightedMean, true)]
    public void RootMeanSquaredError_OfErrorsWhoseSquaresLeaveFloat_IsFiniteAndAccurate(double e, Reduction reduction, bool weighted)
        => AssertRootMeanSquaredErrorOfScaledErrors(e, reduction, weighted);

    [Fact]
    public void MeanSquaredError_OfARowWhoseSumOverflowsFloat_IsTheFiniteMean()
    {
        // Ten errors of 2⁶³ ≈ 9.2e18 in one row: each square 2¹²⁶ ≈ 8.5e37 fits in float, the row sum 10·2¹²⁶ ≈ 8.5e38
        // does not (+∞ per example, the truthful rounding), the mean 2¹²⁶ does. Gradient 2e/n = 2⁶⁴/10 per entry.
        // Powers of two, so every expected value is exact.
        float error = MathF.ScaleB(1f, 63);
        Matrix<float> labels = Matrix<float>.Build.Dense(1, 10);
        Matrix<float> predictions = Matrix<float>.Build.Dense(1, 10, error);

        LossResult<float> result = new MeanSquaredErrorLoss<float>().Evaluate(labels, predictions);

        result.Value.Should().Be(MathF.ScaleB(1f, 126));
        result.PerExample[0].Should().Be(float.PositiveInfinity);
        result.WeightedSum.Should().Be(10 * Math.ScaleB(1.0, 126));
        result.Gradient[0, 3].Should().Be(2 * error / 10);
    }

    [Fact]
    public void MeanSquaredError_OfErrorsWhoseSquaresOverflowFloat_IsInfiniteWithFiniteSums()
    {
        // Errors [2⁶⁶, 0, 0] (2⁶⁶ ≈ 7.4e19): the true MSE 2¹³²/3 ≈ 1.8e39 lies beyond float's range, so the value and the
        // per-example loss 2¹³² are +∞, the correct rounding; the double sum 2¹³² stays finite and the gradient
        // 2e/n = 2⁶⁷/3 is finite.
        float error = MathF.ScaleB(1f, 66);
        Matrix<float> labels = Matrix<float>.Build.Dense(1, 3);
        Matrix<float> predictions = Matrix<float>.Build.DenseOfRowArrays([error, 0f, 0f]);

        LossResult<float> result = new MeanSquaredErrorLoss<float>().Evaluate(labels, predictions);

        result.Value.Should().Be(float.PositiveInfinity);
        result.PerExample[0].Should().Be(float.PositiveInfinity);
        result.WeightedSum.Should().Be(Math.ScaleB(1.0, 132));
        result.Gradient[0, 0].Should().Be(2 * error / 3);
    }

    [Fact]
    public void Huber_OfLargeLinearErrors_IsTheMeanRoundedToFloat()
    {
        // δ = 1, errors [3e38, 3e38, 0]: each linear term δ·(|e| - δ/2) = 3e38 - 0.5 (in double, where 0.5 is far below
        // an ulp), the quadratic one ½·0² = 0; the row sum 6e38 leaves float's range (+∞ per example), the mean 2e38
        // does not: the same double arithmetic, rounded once to float. Gradient clamp(e, -δ, δ)/n = [1/3, 1/3, 0].
        float big = 3e38f;
        Matrix<float> labels = Matrix<float>.Build.Dense(1, 3);
        Matrix<float> predictions = Matrix<float>.Build.DenseOfRowArrays([big, big, 0f]);

        LossResult<float> result = new HuberLoss<float>().Evaluate(labels, predictions);

        result.Value.Should().Be((float)((((double)big - 0.5) + ((double)big - 0.5)) / 3));
        result.PerExample[0].Should().Be(float.PositiveInfinity);
        result.Gradient.Row(0).ToArray().Should().Equal(1f / 3, 1f / 3, 0f);
    }

    [Fact]
    public void RootMeanSquaredError_OfErrorsNearMaxValue_HasAFiniteGradient()
    {
        // Errors [M, M, M], M = float.MaxValue: RMSE = M, and the gradient e/(n·RMSE) = 1/3 per entry (2e, the
        // derivative of the square, would overflow float). Hand-worked: every error equals the RMSE.
        Matrix<float> labels = Matrix<float>.Build.Dense(1, 3);
        Matrix<float> predictions = Matrix<float>.Build.Dense(1, 3, float.MaxValue);

        LossResult<float> result = new RootMeanSquaredErrorLoss<float>().Evaluate(labels, predictions);

        result.Value.Should().Be(float.MaxValue);
        NumericAssertions.ShouldBeClose(
            Array.ConvertAll(result.Gradient.ToRowMajorArray(), g => (double)g), [1.0 / 3, 1.0 / 3, 1.0 / 3], Tolerance, 0, "gradient");
    }

    [Fact]
    public void RootMeanSquaredError_WithSumOfTinySampleWeights_KeepsTheWholeGradient()
    {
        // Errors [[1e30, -2e30], [3e30, 1e30]], sample weights [1e-30, 2e-30], Sum: Value = √(Σ sᵢℓᵢ) ≈ 5.5e15 and
        // ∂Value/∂pᵢⱼ = sᵢ·eᵢⱼ/Value ≈ 1e-16, normal floats, though each row factor sᵢ/Value ≈ 2e-46 lies below float's
        // range. Hand-worked, evaluated in double from the float inputs.
        float[,] errors = { { 1e30f, -2e30f }, { 3e30f, 1e30f } };
        float[] weights = [1e-30f, 2e-30f];
        Matrix<float> labels = Matrix<float>.Build.Dense(2, 2);
        Matrix<float> predictions = Matrix<float>.Build.DenseOfArray(errors);

        LossResult<float> result = new RootMeanSquaredErrorLoss<float> { Reduction = Reduction.Sum }
            .Evaluate(labels, predictions, Vector<float>.Build.Dense(weights));

        double sum = 0;
        for (int row = 0; row < 2; row++)
        {
            sum += weights[row] * (((double)errors[row, 0] * errors[row, 0]) + ((double)errors[row, 1] * errors[row, 1]));
        }

        double value = Math.Sqrt(sum);
        NumericAssertions.ShouldBeRelativelyClose(result.Value, value, Tolerance, "value");
        NumericAssertions.ShouldBeClose(
            Array.ConvertAll(result.Gradient.ToRowMajorArray(), g => (double)g),
            [weights[0] * (double)errors[0, 0] / value, weights[0] * (double)errors[0, 1] / value,
             weights[1] * (double)errors[1, 0] / value, weights[1] * (double)errors[1, 1] / value],
            Tolerance,
            0,
            "gradient");
    }

    [Fact]
    public void MeanSquaredError_OfATinySampleWeightBesideAHugeOne_KeepsItsGradientRow()
    {
        // Errors of 1e30 at 4x3, sample weights [1e-30, 1e20, 0, 0], WeightedMean: W = 3·(1e-30 + 1e20), and
        // ∂Value/∂pᵢⱼ = 2·sᵢ·e/W: about 6.7e-21 on row 0 and 6.7e9 on row 1 (the zero-weight rows 0), though row 0's
        // factor 2·s₀/W ≈ 6.7e-51 lies below float's range. Hand-worked, evaluated in double from the float inputs.
        float e = 1e30f;
        float[] weights = [1e-30f, 1e20f, 0f, 0f];
        Matrix<float> labels = Matrix<float>.Build.Dense(4, 3);
        Matrix<float> predictions = Matrix<float>.Build.Dense(4, 3, e);

        LossResult<float> result = new MeanSquaredErrorLoss<float> { Reduction = Reduction.WeightedMean }
            .Evaluate(labels, predictions, Vector<float>.Build.Dense(weights));

        double total = 3 * ((double)weights[0] + weights[1]);
        for (int row = 0; row < 4; row++)
        {
            NumericAssertions.ShouldBeClose(
                Array.ConvertAll(result.Gradient.Row(row).ToArray(), g => (double)g),
                [2 * weights[row] * (double)e / total, 2 * weights[row] * (double)e / total, 2 * weights[row] * (double)e / total],
                Tolerance,
                0,
                $"gradient row {row}");
        }
    }
}

public sealed class RegressionLossRangeTestsDouble : RegressionLossRangeTests<double>
{
    protected override double Tolerance => 1e-15;

    protected override (double Error, double TinyWeight) TinyWeightCase => (1e150, 1e-200);

    [Theory]
    [InlineData(1e200, Reduction.Sum, false)]
    [InlineData(1e200, Reduction.Mean, false)]
    [InlineData(1e200, Reduction.WeightedMean, false)]
    [InlineData(1e200, Reduction.Sum, true)]
    [InlineData(1e200, Reduction.Mean, true)]
    [InlineData(1e200, Reduction.WeightedMean, true)]
    [InlineData(1e-200, Reduction.Sum, false)]
    [InlineData(1e-200, Reduction.Mean, false)]
    [InlineData(1e-200, Reduction.WeightedMean, false)]
    [InlineData(1e-200, Reduction.Sum, true)]
    [InlineData(1e-200, Reduction.Mean, true)]
    [InlineData(1e-200, Reduction.WeightedMean, true)]
    public void RootMeanSquaredError_OfErrorsWhoseSquaresLeaveDouble_IsFiniteAndAccurate(double e, Reduction reduction, bool weighted)
        => AssertRootMeanSquaredErrorOfScaledErrors(e, reduction, weighted);

    [Fact]
    public void RootMeanSquaredError_OfAnErrorBeyondDoublesRange_IsFiniteWhenTheRootIsNot()
    {
        // Errors [2e308, 0, 0, 0] (p - y itself exceeds double's range): RMSE = 2e308/√4 = 1e308, and the gradient
        // e/(n·RMSE) = [0.5, 0, 0, 0]. Hand-worked, as Loss.RootMeanSquaredError's test of the same errors.
        var labels = Matrix<double>.Build.DenseOfRowArrays([-1e308, 0, 0, 0]);
        var predictions = Matrix<double>.Build.DenseOfRowArrays([1e308, 0, 0, 0]);

        LossResult<double> result = new RootMeanSquaredErrorLoss<double>().Evaluate(labels, predictions);

        NumericAssertions.ShouldBeRelativelyClose(result.Value, 1e308, Tolerance, "value");
        NumericAssertions.ShouldBeClose(result.Gradient.ToRowMajorArray(), [0.5, 0, 0, 0], Tolerance, 0, "gradient");
    }

    [Fact]
    public void RootMeanSquaredError_OfSubnormalErrors_IsExactWithAFiniteGradient()
    {
        // Errors [d, -d] with d = 3·2⁻¹⁰⁷⁴ (a subnormal): RMSE = d, and the gradient e/(n·RMSE) = [1/2, -1/2] (worked by
        // hand); a reciprocal 1/(n·RMSE) would overflow double.
        double d = 3 * double.Epsilon;
        var labels = Matrix<double>.Build.Dense(1, 2);
        var predictions = Matrix<double>.Build.DenseOfRowArrays([d, -d]);

        LossResult<double> result = new RootMeanSquaredErrorLoss<double>().Evaluate(labels, predictions);

        result.Value.Should().Be(d);
        NumericAssertions.ShouldBeClose(result.Gradient.ToRowMajorArray(), [0.5, -0.5], Tolerance, 0, "gradient");
    }

    [Fact]
    public void RootMeanSquaredError_OfHugeSampleWeights_IsFinite()
    {
        // Errors [1e10, 0] with sample weight 1e300, Sum: Σ sℓ = 1e320 overflows double, the RMSE √1e320 = 1e160 does
        // not; ∂Value/∂p₀ = s·e/Value = 1e300·1e10/1e160 = 1e150. Hand-worked.
        var labels = Matrix<double>.Build.Dense(1, 2);
        var predictions = Matrix<double>.Build.DenseOfRowArrays([1e10, 0]);

        LossResult<double> result = new RootMeanSquaredErrorLoss<double> { Reduction = Reduction.Sum }
            .Evaluate(labels, predictions, Vector<double>.Build.Dense(1, 1e300));

        NumericAssertions.ShouldBeRelativelyClose(result.Value, 1e160, Tolerance, "value");
        NumericAssertions.ShouldBeClose(result.Gradient.ToRowMajorArray(), [1e150, 0], Tolerance, 0, "gradient");
        result.WeightedSum.Should().Be(double.PositiveInfinity, "the merge sum Σ sℓ itself lies beyond double's range");
    }

    [Fact]
    public void RootMeanSquaredError_OfAHugeSampleWeightOnTinyErrors_IsAccurate()
    {
        // Errors [1e-160, 0] with sample weight 1e300, Sum: the square 1e-320 is subnormal in double (about 3 digits),
        // though Σ sℓ = 1e-20 is not; RMSE = √1e-20 = 1e-10 and ∂Value/∂p₀ = s·e/Value = 1e300·1e-160/1e-10 = 1e150.
        // Hand-worked.
        var labels = Matrix<double>.Build.Dense(1, 2);
        var predictions = Matrix<double>.Build.DenseOfRowArrays([1e-160, 0]);

        LossResult<double> result = new RootMeanSquaredErrorLoss<double> { Reduction = Reduction.Sum }
            .Evaluate(labels, predictions, Vector<double>.Build.Dense(1, 1e300));

        NumericAssertions.ShouldBeRelativelyClose(result.Value, 1e-10, Tolerance, "value");
        NumericAssertions.ShouldBeClose(result.Gradient.ToRowMajorArray(), [1e150, 0], Tolerance, 0, "gradient");
    }

    [Fact]
    public void MeanSquaredError_OfARowWhoseSumOverflowsDouble_IsTheFiniteMean()
    {
        // Four errors of 2⁵¹¹: each square 2¹⁰²² fits in double, the row sum 4·2¹⁰²² = 2¹⁰²⁴ does not (+∞ per example and
        // merge sum), the mean 2¹⁰²² does. Gradient 2e/n = 2⁵¹⁰. Powers of two, so every expected value is exact.
        double error = Math.ScaleB(1.0, 511);
        var labels = Matrix<double>.Build.Dense(1, 4);
        var predictions = Matrix<double>.Build.Dense(1, 4, error);

        LossResult<double> result = new MeanSquaredErrorLoss<double>().Evaluate(labels, predictions);

        result.Value.Should().Be(Math.ScaleB(1.0, 1022));
        result.PerExample[0].Should().Be(double.PositiveInfinity);
        result.WeightedSum.Should().Be(double.PositiveInfinity);
        result.Gradient[0, 1].Should().Be(Math.ScaleB(1.0, 510));
    }

    [Fact]
    public void Huber_OfLargeLinearErrorsWhoseSumOverflowsDouble_IsTheFiniteMean()
    {
        // δ = 1, errors [1e308, 1e308, 0]: each linear term δ·(|e| - δ/2) is 1e308 in double (0.5 is far below an ulp),
        // their sum 2e308 is not representable, the mean 2e308/3 = 6.666666666666667e307 is (2·(1e308/3) within an ulp).
        // Gradient clamp(e, -δ, δ)/n = [1/3, 1/3, 0]. Hand-worked.
        var labels = Matrix<double>.Build.Dense(1, 3);
        var predictions = Matrix<double>.Build.DenseOfRowArrays([1e308, 1e308, 0]);

        LossResult<double> result = new HuberLoss<double>().Evaluate(labels, predictions);

        NumericAssertions.ShouldBeRelativelyClose(result.Value, 2 * (1e308 / 3), Tolerance, "value");
        result.PerExample[0].Should().Be(double.PositiveInfinity);
        result.Gradient.Row(0).ToArray().Should().Equal(1.0 / 3, 1.0 / 3, 0);
    }

    [Fact]
    public void MeanAbsoluteError_WithHugeSampleWeights_IsTheWeightedMean()
    {
        // Errors [1e10, -3e10] on one row with sample weight 1e300, WeightedMean: Σ sℓ = 4e310 overflows double, the
        // weighted mean Σ sℓ/(K·Σ s) = 4e10/2 = 2e10 does not (the merge sum is +∞). Hand-worked.
        var labels = Matrix<double>.Build.Dense(1, 2);
        var predictions = Matrix<double>.Build.DenseOfRowArrays([1e10, -3e10]);

        LossResult<double> result = new MeanAbsoluteErrorLoss<double> { Reduction = Reduction.WeightedMean }
            .Evaluate(labels, predictions, Vector<double>.Build.Dense(1, 1e300));

        NumericAssertions.ShouldBeRelativelyClose(result.Value, 2e10, Tolerance, "value");
        result.WeightedSum.Should().Be(double.PositiveInfinity);
    }

    [Fact]
    public void MeanSquaredError_OfAHugeSampleWeightOnTinyErrors_IsAccurate()
    {
        // Errors [1e-160, 0] with sample weight 1e300, Sum: the square 1e-320 is subnormal in double (about 3 digits),
        // though Σ sℓ = 1e300·1e-320 = 1e-20 is not. Hand-worked.
        var labels = Matrix<double>.Build.Dense(1, 2);
        var predictions = Matrix<double>.Build.DenseOfRowArrays([1e-160, 0]);

        LossResult<double> result = new MeanSquaredErrorLoss<double> { Reduction = Reduction.Sum }
            .Evaluate(labels, predictions, Vector<double>.Build.Dense(1, 1e300));

        NumericAssertions.ShouldBeRelativelyClose(result.Value, 1e-20, 4 * Tolerance, "value");
    }

    [Fact]
    public void MeanSquaredError_OfAHugeSampleWeightOnATinyError_HasTheFiniteGradient()
    {
        // Errors [1e-10, 0] with sample weight 1e308, Sum: Value = 1e308·1e-20 = 1e288 and ∂Value/∂p₀ = 2·s·e = 2e298,
        // though the row factor 2·s = 2e308 lies beyond double's range. Hand-worked.
        var labels = Matrix<double>.Build.Dense(1, 2);
        var predictions = Matrix<double>.Build.DenseOfRowArrays([1e-10, 0]);

        LossResult<double> result = new MeanSquaredErrorLoss<double> { Reduction = Reduction.Sum }
            .Evaluate(labels, predictions, Vector<double>.Build.Dense(1, 1e308));

        NumericAssertions.ShouldBeRelativelyClose(result.Value, 1e288, 4 * Tolerance, "value");
        NumericAssertions.ShouldBeClose(result.Gradient.ToRowMajorArray(), [2e298, 0], Tolerance, 0, "gradient");
    }
}
