using System;
using System.Linq;
using FluentAssertions;
using Losses.Tests.Infrastructure;
using MathNet.Numerics.LinearAlgebra;

namespace Losses.Tests.EdgeCases;

/// <summary>
/// The numerical rules of the edge-case policy: NaN propagates only to what depends on it, infinite logits
/// give their limits, logits of ±1e30 give finite and correct results, 0·ln 0 = 0, the kinks of abs and RMSE
/// have gradient 0, and a regression loss beyond the type's range is +∞ while one within it stays finite.
/// Expected values are worked by hand from the formulas of the contract.
/// </summary>
public abstract class NumericalEdgeCaseTests<T> : TypedTests<T>
    where T : struct, System.Numerics.IFloatingPointIeee754<T>
{
    private static readonly double Infinity = double.PositiveInfinity;

    /// <summary>1e30 as <typeparamref name="T"/>; expected values are formed from this rounded value.</summary>
    private static T Big => Of(1e30);

    [Theory]
    [MemberData(nameof(LossNames.All), MemberType = typeof(LossNames))]
    public void NaNInSecondArgument_GivesNaNOnlyWhereItIsUsed(string name)
    {
        // In the first column and in a later one: the row maximum must take the NaN wherever it stands.
        ShouldPropagateNaN(name, inLabels: false, column: 0);
        ShouldPropagateNaN(name, inLabels: false, column: 2);
    }

    [Theory]
    [MemberData(nameof(LossNames.All), MemberType = typeof(LossNames))]
    public void NaNInSecondArgumentOfAWideBatch_GivesNaNOnlyWhereItIsUsed(string name)
    {
        // 37x11: row 3 lies in a whole vector of rows and row 35 in the last, partial vector of floats (a whole one of
        // doubles); the row maxima of both read the NaN in the first column, in one of a group of four and in the last.
        foreach (int row in new[] { 3, 35 })
        {
            foreach (int column in new[] { 0, 6, 10 })
            {
                ShouldPropagateNaN(name, inLabels: false, column, rows: 37, columns: 11, row);
            }
        }
    }

    [Theory]
    [MemberData(nameof(LossNames.MatrixLabels), MemberType = typeof(LossNames))]
    public void NaNInLabels_GivesNaNOnlyWhereItIsUsed(string name)
    {
        ShouldPropagateNaN(name, inLabels: true, column: 0);
        ShouldPropagateNaN(name, inLabels: true, column: 2);
    }

    [Fact]
    public void PositiveInfiniteLogitOnLabelledClass_GivesZeroLossAndFiniteGradient()
    {
        var logits = MatrixOf(new double[,] { { Infinity, 1, 2 }, { 0.5, 1, 2 } });
        var labels = MatrixOf(new double[,] { { 1, 0, 0 }, { 0, 0, 1 } });

        ToDouble(Loss.SoftmaxCrossEntropyWithLogits(labels, logits)[0]).Should().Be(0);
        ToDouble(Loss.SparseSoftmaxCrossEntropyWithLogits([0, 2], logits)[0]).Should().Be(0);
        // softmax = [1, 0, 0], so the gradient (Σy)·p - y is 0.
        RowOf(Loss.SoftmaxCrossEntropyWithLogitsGradient(labels, logits), 0).Should().Equal(0, 0, 0);
        RowOf(Loss.SparseSoftmaxCrossEntropyWithLogitsGradient([0, 2], logits), 0).Should().Equal(0, 0, 0);
        RowOf(Activation.Softmax(logits), 0).Should().Equal(1, 0, 0);
        RowOf(Activation.LogSoftmax(logits), 0).Should().Equal(0, double.NegativeInfinity, double.NegativeInfinity);
    }

    [Fact]
    public void PositiveInfiniteLogitOnUnlabelledClass_GivesInfiniteLossAndFiniteGradient()
    {
        var logits = MatrixOf(new double[,] { { Infinity, 1, 2 } });
        var labels = MatrixOf(new double[,] { { 0, 1, 0 } });

        ToDouble(Loss.SoftmaxCrossEntropyWithLogits(labels, logits)[0]).Should().Be(Infinity);
        ToDouble(Loss.SparseSoftmaxCrossEntropyWithLogits([1], logits)[0]).Should().Be(Infinity);
        RowOf(Loss.SoftmaxCrossEntropyWithLogitsGradient(labels, logits), 0).Should().Equal(1, -1, 0);
        RowOf(Loss.SparseSoftmaxCrossEntropyWithLogitsGradient([1], logits), 0).Should().Equal(1, -1, 0);
    }

    [Fact]
    public void TwoPositiveInfiniteLogits_ShareTheProbability()
    {
        // The limit of softmax([t, t, 2]) as t → ∞ is [½, ½, 0]; the loss of class 0 is ln 2.
        var logits = MatrixOf(new double[,] { { Infinity, Infinity, 2 } });

        RowOf(Activation.Softmax(logits), 0).Should().Equal(0.5, 0.5, 0);
        NumericAssertions.ShouldBeRelativelyClose(
            ToDouble(Loss.SparseSoftmaxCrossEntropyWithLogits([0], logits)[0]), Math.Log(2), GoldenRelativeTolerance, "loss");
        RowOf(Loss.SparseSoftmaxCrossEntropyWithLogitsGradient([0], logits), 0).Should().Equal(-0.5, 0.5, 0);
    }

    [Fact]
    public void RowOfNegativeInfinities_GivesNaNInThatRowOnly()
    {
        double minus = double.NegativeInfinity;
        var logits = MatrixOf(new double[,] { { minus, minus, minus }, { 0, 0, 0 } });
        var labels = MatrixOf(new double[,] { { 0, 0, 1 }, { 1, 0, 0 } });

        Vector<T> loss = Loss.SoftmaxCrossEntropyWithLogits(labels, logits);
        T.IsNaN(loss[0]).Should().BeTrue();
        NumericAssertions.ShouldBeRelativelyClose(ToDouble(loss[1]), Math.Log(3), GoldenRelativeTolerance, "the finite row");
        T.IsNaN(Loss.SparseSoftmaxCrossEntropyWithLogits([2, 0], logits)[0]).Should().BeTrue();
        RowOf(Activation.Softmax(logits), 0).Should().OnlyContain(v => double.IsNaN(v));
        RowOf(Activation.LogSoftmax(logits), 0).Should().OnlyContain(v => double.IsNaN(v));
        RowOf(Loss.SoftmaxCrossEntropyWithLogitsGradient(labels, logits), 0).Should().OnlyContain(v => double.IsNaN(v));
        RowOf(Activation.Softmax(logits), 1).Should().OnlyContain(v => Math.Abs(v - (1.0 / 3)) < 1e-7);
    }

    [Fact]
    public void NegativeInfiniteLogitWithLabelZero_ContributesNothing()
    {
        // Row [-∞, 1, 2] with class 2: ln(e¹ + e²) - 2 = ln(1 + e⁻¹), as if the -∞ class were absent.
        var logits = MatrixOf(new double[,] { { double.NegativeInfinity, 1, 2 } });
        var labels = MatrixOf(new double[,] { { 0, 0, 1 } });
        double expected = Math.Log(1 + Math.Exp(-1));

        NumericAssertions.ShouldBeRelativelyClose(
            ToDouble(Loss.SoftmaxCrossEntropyWithLogits(labels, logits)[0]), expected, GoldenRelativeTolerance, "dense loss");
        NumericAssertions.ShouldBeRelativelyClose(
            ToDouble(Loss.SparseSoftmaxCrossEntropyWithLogits([2], logits)[0]), expected, GoldenRelativeTolerance, "sparse loss");
        double[] gradient = RowOf(Loss.SoftmaxCrossEntropyWithLogitsGradient(labels, logits), 0);
        gradient[0].Should().Be(0);
        gradient.Should().OnlyContain(v => double.IsFinite(v));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void InfiniteLogitsInSigmoidCrossEntropy_GiveTheirLimits(double q)
    {
        // Limits of ℓ = q·z·softplus(-x) + (1 - z)·softplus(x) and of ∂ℓ/∂x = (q·z + 1 - z)·σ(x) - q·z.
        double minus = double.NegativeInfinity;
        var logits = MatrixOf(new double[,] { { Infinity, Infinity, Infinity, minus, minus, minus } });
        var labels = MatrixOf(new double[,] { { 1, 0, 0.5, 0, 1, 0.5 } });

        RowMajor(Loss.WeightedCrossEntropyWithLogits(labels, logits, Of(q))).Should().Equal(0, Infinity, Infinity, 0, Infinity, Infinity);
        RowMajor(Loss.WeightedCrossEntropyWithLogitsGradient(labels, logits, Of(q)))
            .Should().Equal(0, 1, (0.5 * q) + 0.5 - (0.5 * q), 0, -q, -0.5 * q);
        RowMajor(Activation.Sigmoid(MatrixOf(new double[,] { { Infinity, minus } }))).Should().Equal(1, 0);
    }

    [Fact]
    public void LargeLogits_GiveFiniteCorrectActivations()
    {
        var logits = MatrixOf(new double[,] { { 1e30, -1e30, 0 }, { 1e30, 1e30, 1e30 } });
        T big = Big;

        NumericAssertions.ShouldBeClose(RowMajor(Activation.Softmax(logits)), [1, 0, 0, 1.0 / 3, 1.0 / 3, 1.0 / 3], 4 * MachineEpsilon, 0, "softmax");
        ShouldEqual(Activation.LogSoftmax(logits), [T.Zero, -big - big, -big, -T.Log(Of(3)), -T.Log(Of(3)), -T.Log(Of(3))]);
        RowMajor(Activation.Sigmoid(logits)).Should().Equal(1, 0, 0.5, 1, 1, 1);
        ToDoubles(Activation.Sigmoid(VectorOf(1e30, -1e30))).Should().Equal(1, 0);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void LargeLogits_GiveFiniteCorrectSigmoidCrossEntropy(double q)
    {
        // ℓ = (1 - z)·x for x = +1e30 and -q·z·x for x = -1e30 (the softplus term is ln(1 + e^-1e30) = 0);
        // ∂ℓ/∂x = (q·z + 1 - z)·σ(x) - q·z with σ = 1 or 0.
        T big = Big;
        T weight = Of(q);
        var logits = Matrix<T>.Build.DenseOfArray(new[,] { { big, -big, big }, { big, -big, -big } });
        var labels = MatrixOf(new double[,] { { 1, 0, 0.5 }, { 0, 1, 0.25 } });

        Matrix<T> loss = Loss.WeightedCrossEntropyWithLogits(labels, logits, weight);
        ShouldEqual(loss, [T.Zero, T.Zero, Of(0.5) * big, big, weight * big, weight * Of(0.25) * big]);
        RowMajor(Loss.WeightedCrossEntropyWithLogitsGradient(labels, logits, weight))
            .Should().Equal(0, 0, (0.5 * q) + 0.5 - (0.5 * q), 1, -q, -0.25 * q);
        if (q == 1)
        {
            ShouldEqual(Loss.SigmoidCrossEntropyWithLogits(labels, logits), [T.Zero, T.Zero, Of(0.5) * big, big, big, Of(0.25) * big]);
            RowMajor(Loss.SigmoidCrossEntropyWithLogitsGradient(labels, logits)).Should().Equal(0, 0, 0.5, 1, -1, -0.25);
        }
    }

    [Fact]
    public void LargeLogits_GiveFiniteCorrectSoftmaxCrossEntropy()
    {
        // Row 0 labelled on its -1e30 logit: ℓ = lse - x = 1e30 - (-1e30) = 2e30, gradient softmax - y = [1, -1, 0].
        // Row 1 labelled on its 1e30 logit: ℓ = 0, gradient 0. Row 2: equal huge logits, ℓ = ln 3.
        T big = Big;
        var logits = Matrix<T>.Build.DenseOfArray(new[,] { { big, -big, T.Zero }, { -big, big, T.Zero }, { big, big, big } });
        var labels = MatrixOf(new double[,] { { 0, 1, 0 }, { 0, 1, 0 }, { 1, 0, 0 } });
        int[] classes = [1, 1, 0];
        T[] expected = [big + big, T.Zero, T.Log(Of(3))];

        foreach (Vector<T> loss in new[] { Loss.SoftmaxCrossEntropyWithLogits(labels, logits), Loss.SparseSoftmaxCrossEntropyWithLogits(classes, logits) })
        {
            ToDoubles(loss).Should().Equal(expected.Select(ToDouble), (a, e) => Math.Abs(a - e) <= 4 * MachineEpsilon * Math.Abs(e));
        }

        foreach (Matrix<T> gradient in new[] { Loss.SoftmaxCrossEntropyWithLogitsGradient(labels, logits), Loss.SparseSoftmaxCrossEntropyWithLogitsGradient(classes, logits) })
        {
            RowMajor(gradient).Should().Equal(
                [1, -1, 0, 0, 0, 0, (1.0 / 3) - 1, 1.0 / 3, 1.0 / 3],
                (a, e) => Math.Abs(a - e) <= 4 * MachineEpsilon);
        }
    }

    [Fact]
    public void SoftmaxCrossEntropy_OfARowOfZeroLabels_IsZeroWhateverItsLogits()
    {
        // ℓ = Σⱼ yⱼ·(log S - sⱼ) = 0 when every yⱼ = 0, for ordinary, infinite and NaN logits alike; 40 rows put
        // each kind in whole vectors and in a tail. The labelled rows around them keep their ordinary losses.
        const int Rows = 40;
        double[] kinds = [-2.5, double.NegativeInfinity, double.PositiveInfinity, double.NaN];
        var logits = Matrix<T>.Build.Dense(Rows, 5, (row, column) => Of(row % 10 == 0 ? kinds[row / 10 % 4] : column - (row % 3)));
        var labels = Matrix<T>.Build.Dense(Rows, 5, (row, column) => row % 2 == 0 ? T.Zero : Of(column == 1 ? 1 : 0));
        Vector<T> losses = Loss.SoftmaxCrossEntropyWithLogits(labels, logits);
        for (int row = 0; row < Rows; row += 2)
        {
            ToDouble(losses[row]).Should().Be(0, $"row {row} has only zero labels");
        }
    }

    [Fact]
    public void ZeroLabelTimesLogOfZeroProbability_IsZero()
    {
        // -Σ y·ln p with y = [1, 0, 0], p = [1, 0, 0]: 1·ln 1 + 0·ln 0 + 0·ln 0 = 0; gradient -y/p = [-1, 0, 0].
        var labels = MatrixOf(new double[,] { { 1, 0, 0 }, { 0, 0.5, 0.5 } });
        var probabilities = MatrixOf(new double[,] { { 1, 0, 0 }, { 0, 0.5, 0.5 } });

        Vector<T> loss = Loss.CrossEntropy(labels, probabilities);
        ToDouble(loss[0]).Should().Be(0);
        NumericAssertions.ShouldBeRelativelyClose(ToDouble(loss[1]), Math.Log(2), GoldenRelativeTolerance, "-ln ½");
        RowMajor(Loss.CrossEntropyGradient(labels, probabilities)).Should().Equal(-1, 0, 0, 0, -1, -1);
    }

    [Fact]
    public void PositiveLabelOnZeroProbability_IsInfinite()
    {
        var labels = MatrixOf(new double[,] { { 0, 1 } });
        var probabilities = MatrixOf(new double[,] { { 1, 0 } });

        ToDouble(Loss.CrossEntropy(labels, probabilities)[0]).Should().Be(Infinity);
        RowMajor(Loss.CrossEntropyGradient(labels, probabilities)).Should().Equal(0, double.NegativeInfinity);
    }

    [Fact]
    public void AbsoluteErrorKink_HasZeroGradient()
    {
        // sign(p - y)/n with sign(0) = 0, n = 4.
        var labels = MatrixOf(new double[,] { { 1, 2 }, { 3, 4 } });
        var predictions = MatrixOf(new double[,] { { 1, 2.5 }, { 3, 3 } });

        RowMajor(Loss.MeanAbsoluteErrorGradient(labels, predictions)).Should().Equal(0, 0.25, 0, -0.25);
        ToDoubles(Loss.MeanAbsoluteErrorGradient(VectorOf(1, 2), VectorOf(1, 2))).Should().Equal(0, 0);
    }

    [Fact]
    public void RootMeanSquaredErrorAtZero_HasZeroGradient()
    {
        var exact = MatrixOf(new double[,] { { 1, -2 }, { 3.5, 0 } });

        ToDouble(Loss.RootMeanSquaredError(exact, exact)).Should().Be(0);
        RowMajor(Loss.RootMeanSquaredErrorGradient(exact, exact)).Should().Equal(0, 0, 0, 0);
        ToDoubles(Loss.RootMeanSquaredErrorGradient(VectorOf(1, 2), VectorOf(1, 2))).Should().Equal(0, 0);
    }

    [Fact]
    public void RegressionOfHugeErrors_IsInfiniteOnlyBeyondTheTypesRange()
    {
        // Errors of 1e30: the true MSE 1e60 lies beyond float's range (so +∞) and within double's; the RMSE and
        // MAE, 1e30, lie within both. Expected = the true value rounded to T.
        var labels = Matrix<T>.Build.DenseOfArray(new[,] { { Big, -Big }, { T.Zero, Big } });
        var predictions = Matrix<T>.Build.DenseOfArray(new[,] { { T.Zero, T.Zero }, { Big, T.Zero } });
        double error = ToDouble(Big);

        ToDouble(Loss.MeanSquaredError(labels, predictions)).Should().Be(ToDouble(T.CreateTruncating(error * error)));
        NumericAssertions.ShouldBeRelativelyClose(ToDouble(Loss.RootMeanSquaredError(labels, predictions)), error, GoldenRelativeTolerance, "RMSE");
        NumericAssertions.ShouldBeRelativelyClose(ToDouble(Loss.MeanAbsoluteError(labels, predictions)), error, GoldenRelativeTolerance, "MAE");
        if (IsSingle)
        {
            T.IsPositiveInfinity(Loss.MeanSquaredError(labels, predictions)).Should().BeTrue();
        }
    }

    [Fact]
    public void MeanSquaredErrorOfLargeErrors_IsReducedWithoutIntermediateOverflow()
    {
        // Ten errors of 1.5e19: each square 2.25e38 fits in float, their sum 2.25e39 does not, the mean 2.25e38 does.
        var labels = Repeat(1, 10, 0);
        var predictions = Repeat(1, 10, 1.5e19);
        double error = ToDouble(Of(1.5e19));

        NumericAssertions.ShouldBeRelativelyClose(ToDouble(Loss.MeanSquaredError(labels, predictions)), error * error, GoldenRelativeTolerance, "MSE");
        NumericAssertions.ShouldBeRelativelyClose(ToDouble(Loss.RootMeanSquaredError(labels, predictions)), error, GoldenRelativeTolerance, "RMSE");
    }

    [Fact]
    public void ConfidentCorrectPrediction_KeepsItsTinyLoss()
    {
        // Logits [0, -40] with class 0: ℓ = ln(1 + e⁻⁴⁰) = 4.2483542552915889863e-18 (Python decimal, 50 digits),
        // not the 0 that ln of the rounded sum 1 + e⁻⁴⁰ would give.
        const double expected = 4.2483542552915889863e-18;
        var logits = MatrixOf(new double[,] { { 0, -40 } });

        NumericAssertions.ShouldBeRelativelyClose(
            ToDouble(Loss.SoftmaxCrossEntropyWithLogits(MatrixOf(new double[,] { { 1, 0 } }), logits)[0]), expected, GoldenRelativeTolerance, "dense");
        NumericAssertions.ShouldBeRelativelyClose(
            ToDouble(Loss.SparseSoftmaxCrossEntropyWithLogits([0], logits)[0]), expected, GoldenRelativeTolerance, "sparse");
        NumericAssertions.ShouldBeRelativelyClose(ToDouble(Activation.LogSoftmax(logits)[0, 0]), -expected, GoldenRelativeTolerance, "log-softmax");
    }

    [Theory]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void InfinitePositiveWeightOnZeroLabels_IsIgnored(double q)
    {
        // With z = 0 the weighted loss (1 - z)·x + (1 + (q - 1)·z)·softplus(-x) does not depend on q at all:
        // it is the plain sigmoid cross-entropy softplus(x), gradient σ(x), for any q, infinite ones included.
        var labels = MatrixOf(new double[,] { { 0, 0, 0 } });
        var logits = MatrixOf(new double[,] { { -3, 0, 2.5 } });

        RowMajor(Loss.WeightedCrossEntropyWithLogits(labels, logits, Of(q))).Should().Equal(RowMajor(Loss.SigmoidCrossEntropyWithLogits(labels, logits)));
        RowMajor(Loss.WeightedCrossEntropyWithLogitsGradient(labels, logits, Of(q)))
            .Should().Equal(RowMajor(Loss.SigmoidCrossEntropyWithLogitsGradient(labels, logits)));
    }

    [Fact]
    public void MeanAbsoluteErrorOfErrorsWhoseSumOverflows_IsTheFiniteMean()
    {
        // Two errors of ±0.75·MaxValue: for T = double their sum exceeds the range even in double, their
        // mean (0.75·MaxValue) does not. Worked by hand: the mean of two equal errors is that error.
        double error = ToDouble(T.CreateSaturating(double.MaxValue)) * 0.75;
        var labels = VectorOf(0, 0);
        var predictions = VectorOf(error, -error);

        NumericAssertions.ShouldBeRelativelyClose(ToDouble(Loss.MeanAbsoluteError(labels, predictions)), ToDouble(Of(error)), GoldenRelativeTolerance, "MAE");
    }

    [Fact]
    public void MeanSquaredErrorGradientOfErrorsBeyondTheRange_IsFinite()
    {
        // Errors p - y = 1.5·2ᵉ⁺¹ (p = 1.5·2ᵉ, y = -1.5·2ᵉ, 2ᵉ T's largest power of two) lie beyond T's range, but
        // 2(p - y)/n with n = 18 does not: 2·3·2ᵉ/18 = 2ᵉ/3. Placed in whole vectors and in the tail, both signs;
        // the other entries are 0. Worked by hand.
        double top = Math.ScaleB(1.0, typeof(T) == typeof(float) ? 127 : 1023);
        Matrix<T> labels = Matrix<T>.Build.Dense(2, 9);
        Matrix<T> predictions = Matrix<T>.Build.Dense(2, 9);
        int[] columns = [0, 4, 8];
        foreach (int column in columns)
        {
            predictions[0, column] = Of(1.5 * top);
            labels[0, column] = Of(-1.5 * top);
            predictions[1, column] = Of(-1.5 * top);
            labels[1, column] = Of(1.5 * top);
        }

        Matrix<T> gradient = Loss.MeanSquaredErrorGradient(labels, predictions);

        for (int column = 0; column < 9; column++)
        {
            double expected = Array.IndexOf(columns, column) >= 0 ? top / 3 : 0;
            NumericAssertions.ShouldBeRelativelyClose(ToDouble(gradient[0, column]), expected, GoldenRelativeTolerance, $"entry (0, {column})");
            NumericAssertions.ShouldBeRelativelyClose(ToDouble(gradient[1, column]), -expected, GoldenRelativeTolerance, $"entry (1, {column})");
        }
    }

    [Fact]
    public void RootMeanSquaredErrorGradientOfSubnormalErrors_IsExact()
    {
        // Errors (d, -d) with d the smallest positive subnormal·3: RMSE = d, and the gradient (p - y)/(n·RMSE) is
        // exactly ±1/2 (worked by hand); a reciprocal 1/(n·RMSE) would overflow to ∞.
        double d = ToDouble(T.Epsilon) * 3;
        var labels = VectorOf(0, 0);
        var predictions = VectorOf(d, -d);

        ToDoubles(Loss.RootMeanSquaredErrorGradient(labels, predictions)).Should().Equal(0.5, -0.5);
    }

    [Fact]
    public void RootMeanSquaredErrorGradientOfThirds_IsRoundedOnce()
    {
        // Errors (1, 1, 1) scaled by 2⁻¹³⁰: RMSE = 2⁻¹³⁰, so each gradient entry is exactly 1/3 rounded once to T.
        double tiny = Math.ScaleB(1.0, -130);
        var labels = VectorOf(0, 0, 0);
        var predictions = VectorOf(tiny, tiny, tiny);

        ToDoubles(Loss.RootMeanSquaredErrorGradient(labels, predictions)).Should().Equal(Enumerable.Repeat(ToDouble(Of(1.0 / 3)), 3));
    }

    [Fact]
    public void RootMeanSquaredErrorGradientOfAnInfiniteError_IsItsLimit()
    {
        // Errors (∞, 1, 2, 3): RMSE = ∞, and as the first error grows without bound its gradient tends to
        // 1/√n = 1/2 while the others tend to 0.
        var labels = VectorOf(0, 0, 0, 0);
        var predictions = VectorOf(Infinity, 1, 2, 3);

        T.IsPositiveInfinity(Loss.RootMeanSquaredError(labels, predictions)).Should().BeTrue();
        ToDoubles(Loss.RootMeanSquaredErrorGradient(labels, predictions)).Should().Equal(0.5, 0, 0, 0);
    }

    private static double[] RowOf(Matrix<T> matrix, int row) => ToDoubles(matrix.Row(row));

    private static void ShouldEqual(Matrix<T> actual, T[] expectedRowMajor)
        => NumericAssertions.ShouldBeClose(RowMajor(actual), expectedRowMajor.Select(ToDouble).ToArray(), 4 * MachineEpsilon, 0, "the result");

    /// <summary>
    /// Puts NaN at (<paramref name="row"/>, <paramref name="column"/>) of one argument of a batch (3x3 unless given) and
    /// checks that exactly the outputs that depend on it are NaN and that every other output keeps its NaN-free value
    /// (to within rounding).
    /// </summary>
    private static void ShouldPropagateNaN(string name, bool inLabels, int column, int rows = 3, int columns = 3, int row = 1)
    {
        LossFunction<T> function = LossCatalog<T>.Get(name);
        var random = new Random(7);
        (double[,] y, double[,] x) = RandomInputs.Draw(function.Labels, function.SecondParameter, random, rows, columns);
        if (function.Labels == LabelKind.ClassIndex)
        {
            // One-hot rows, row i of class (i + 1) mod columns.
            y = new double[rows, columns];
            for (int i = 0; i < rows; i++)
            {
                y[i, (i + 1) % columns] = 1;
            }
        }
        else
        {
            y[row, column] = 0.75;
        }

        Matrix<T> labels = MatrixOf(y);
        Matrix<T> second = MatrixOf(x);
        object clean = function.Compute(labels, second);
        (inLabels ? labels : second)[row, column] = T.NaN;
        object result = function.Compute(labels, second);

        Func<int, int, bool> depends = function.Result switch
        {
            ResultKind.Scalar => (_, _) => true,
            _ when name.StartsWith("RootMeanSquaredError", StringComparison.Ordinal) => (_, _) => true,
            _ when function.Result == ResultKind.PerRow || name.Contains("Softmax", StringComparison.Ordinal) => (i, _) => i == row,
            _ => (i, j) => i == row && j == column,
        };

        switch (result)
        {
            case T scalar:
                T.IsNaN(scalar).Should().BeTrue("{0} depends on every element", name);
                break;
            case Vector<T> vector:
                for (int i = 0; i < vector.Count; i++)
                {
                    ExpectEntry(vector[i], ((Vector<T>)clean)[i], depends(i, 0), $"{name}[{i}]");
                }

                break;
            case Matrix<T> matrix:
                for (int i = 0; i < matrix.RowCount; i++)
                {
                    for (int j = 0; j < matrix.ColumnCount; j++)
                    {
                        ExpectEntry(matrix[i, j], ((Matrix<T>)clean)[i, j], depends(i, j), $"{name}[{i}, {j}]");
                    }
                }

                break;
        }
    }

    private static void ExpectEntry(T actual, T clean, bool dependsOnNaN, string what)
    {
        if (dependsOnNaN)
        {
            T.IsNaN(actual).Should().BeTrue("{0} depends on the NaN", what);
        }
        else
        {
            // Not bit-identical: vectorised exp may take another path for a block of rows that holds a NaN,
            // which moves the neighbouring rows' results by an ulp.
            NumericAssertions.ShouldBeClose([ToDouble(actual)], [ToDouble(clean)], 4 * MachineEpsilon, 0, what);
        }
    }
}

public sealed class NumericalEdgeCaseFloatTests : NumericalEdgeCaseTests<float>;

public sealed class NumericalEdgeCaseDoubleTests : NumericalEdgeCaseTests<double>
{
    [Fact]
    public void RootMeanSquaredErrorOfErrorsWhoseSquaresOverflow_IsFinite()
    {
        // Errors (1e200, -1e200, 1e200, 0): their squares lie beyond double's range but the RMSE,
        // 1e200·√(3/4), does not; the gradient (p - y)/(n·RMSE) is ±1/(4·√(3/4)) = ±1/(2√3) and 0.
        var labels = Matrix<double>.Build.DenseOfArray(new double[,] { { 0, 1e200, 0, 5 } });
        var predictions = Matrix<double>.Build.DenseOfArray(new double[,] { { 1e200, 0, 1e200, 5 } });
        double root = 1e200 * Math.Sqrt(0.75);
        double slope = 1 / (2 * Math.Sqrt(3));

        NumericAssertions.ShouldBeRelativelyClose(Loss.RootMeanSquaredError(labels, predictions), root, 1e-15, "RMSE");
        NumericAssertions.ShouldBeClose(
            Loss.RootMeanSquaredErrorGradient(labels, predictions).ToRowMajorArray(), [slope, -slope, slope, 0], 1e-15, 0, "gradient");
        double.IsPositiveInfinity(Loss.MeanSquaredError(labels, predictions)).Should().BeTrue("the true MSE, 7.5e399, is beyond double's range");
    }

    [Fact]
    public void MeanSquaredErrorOfErrorsWhoseSumOfSquaresOverflows_IsTheFiniteMean()
    {
        // Four errors of 2⁵¹¹: each square 2¹⁰²² fits in double, their sum 2¹⁰²⁴ does not, the mean 2¹⁰²² does
        // (powers of two, so exact).
        var labels = Matrix<double>.Build.Dense(1, 4);
        var predictions = Matrix<double>.Build.Dense(1, 4, Math.ScaleB(1.0, 511));

        Loss.MeanSquaredError(labels, predictions).Should().Be(Math.ScaleB(1.0, 1022));
    }

    [Fact]
    public void RootMeanSquaredErrorOfErrorBeyondDoublesRange_IsFiniteWhenTheRootIsNot()
    {
        // Errors (2e308, 0, 0, 0): p - y itself exceeds double's range, the RMSE 2e308/√4 = 1e308 does not.
        var labels = Matrix<double>.Build.DenseOfArray(new double[,] { { -1e308, 0, 0, 0 } });
        var predictions = Matrix<double>.Build.DenseOfArray(new double[,] { { 1e308, 0, 0, 0 } });

        NumericAssertions.ShouldBeRelativelyClose(Loss.RootMeanSquaredError(labels, predictions), 1e308, 1e-15, "RMSE");
    }

    [Fact]
    public void RootMeanSquaredErrorOfErrorsWhoseSquaresUnderflow_IsNotZero()
    {
        // Errors (1e-170, -1e-170, 1e-170, 0): their squares, 1e-340, vanish in double but the RMSE,
        // 1e-170·√(3/4), is a normal double; the gradient (p - y)/(n·RMSE) is ±1/(2√3) and 0, not the kink's 0.
        var labels = Matrix<double>.Build.DenseOfArray(new double[,] { { 0, 1e-170, 0, 5 } });
        var predictions = Matrix<double>.Build.DenseOfArray(new double[,] { { 1e-170, 0, 1e-170, 5 } });
        double slope = 1 / (2 * Math.Sqrt(3));

        NumericAssertions.ShouldBeRelativelyClose(Loss.RootMeanSquaredError(labels, predictions), 1e-170 * Math.Sqrt(0.75), 1e-15, "RMSE");
        NumericAssertions.ShouldBeClose(
            Loss.RootMeanSquaredErrorGradient(labels, predictions).ToRowMajorArray(), [slope, -slope, slope, 0], 1e-15, 0, "gradient");
    }
}
