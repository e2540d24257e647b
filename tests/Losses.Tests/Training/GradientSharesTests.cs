using System;
using System.Linq;
using FluentAssertions;
using Losses.Tests.Infrastructure;
using MathNet.Numerics.LinearAlgebra;

namespace Losses.Tests.Training;

/// <summary>
/// The softmax, sigmoid and regression loss objects' gradient is the gradient of the reduced value: row i of the functions'
/// gradient (for regression, of each element's derivative) times that row's share sᵢ/D of the reduction (sᵢ the sample weight, D the reduction's divisor). The kernels apply the
/// share as they finish each row instead of in a pass of their own; these tests hold that result, bit for bit, to the
/// functions' gradient scaled afterwards, at shapes that leave vector tails, span several row blocks and run on more
/// than one thread, and hold a row of weight 0 to exact zeros whatever its logits.
/// </summary>
public abstract class GradientSharesTests<T> : TypedTests<T>
    where T : struct, System.Numerics.IFloatingPointIeee754<T>
{
    [Theory]
    [MemberData(nameof(GradientShareCases.Shapes), MemberType = typeof(GradientShareCases))]
    public void SparseLossGradient_IsTheFunctionsGradientTimesEachRowsShare(int rows, int columns, Reduction reduction)
    {
        var inputs = new Inputs(rows, columns);
        LossResult<T> result = new SparseSoftmaxCrossEntropyLoss<T> { Reduction = reduction }.Evaluate(inputs.ClassIndices, inputs.Logits, inputs.SampleWeights);
        Matrix<T> plain = Loss.SparseSoftmaxCrossEntropyWithLogitsGradient(inputs.ClassIndices, inputs.Logits);

        ShouldBeScaledRows(result.Gradient, plain, inputs, reduction, rowWeights: null);
    }

    [Theory]
    [MemberData(nameof(GradientShareCases.Shapes), MemberType = typeof(GradientShareCases))]
    public void SparseLoss_WithoutSampleWeights_HasTheBitsOfSampleWeightsOfOne(int rows, int columns, Reduction reduction)
    {
        // Without sample weights, ignored rows or class weights every row's share is the same 1/D, taken once for the
        // batch; sample weights of 1 give it row by row, and the same D (the count, their sum being exact).
        var inputs = new Inputs(rows, columns);
        var loss = new SparseSoftmaxCrossEntropyLoss<T> { Reduction = reduction };
        LossResult<T> without = loss.Evaluate(inputs.ClassIndices, inputs.Logits);
        LossResult<T> ones = loss.Evaluate(inputs.ClassIndices, inputs.Logits, Vector<T>.Build.Dense(rows, T.One));

        ShouldBeTheSame(without, ones);
    }

    [Theory]
    [MemberData(nameof(GradientShareCases.Shapes), MemberType = typeof(GradientShareCases))]
    public void DenseAndSigmoidLosses_WithoutSampleWeights_HaveTheBitsOfSampleWeightsOfOne(int rows, int columns, Reduction reduction)
    {
        // Without sample weights (and no row ignored) every row's share is 1/D, taken once for the batch, whatever the
        // rows' label sums weigh in D; sample weights of 1 give the same shares row by row.
        var inputs = new Inputs(rows, columns);
        Vector<T> ones = Vector<T>.Build.Dense(rows, T.One);
        var dense = new SoftmaxCrossEntropyLoss<T> { Reduction = reduction };
        var sigmoid = new SigmoidCrossEntropyLoss<T> { Reduction = reduction };

        ShouldBeTheSame(dense.Evaluate(inputs.SoftLabels, inputs.Logits), dense.Evaluate(inputs.SoftLabels, inputs.Logits, ones));
        ShouldBeTheSame(sigmoid.Evaluate(inputs.SoftLabels, inputs.Logits), sigmoid.Evaluate(inputs.SoftLabels, inputs.Logits, ones));
    }

    [Theory]
    [MemberData(nameof(GradientShareCases.Shapes), MemberType = typeof(GradientShareCases))]
    public void SigmoidLossGradient_IsTheFunctionsGradientTimesEachRowsShare(int rows, int columns, Reduction reduction)
    {
        var inputs = new Inputs(rows, columns);
        LossResult<T> result = new SigmoidCrossEntropyLoss<T> { Reduction = reduction }.Evaluate(inputs.SoftLabels, inputs.Logits, inputs.SampleWeights);
        Matrix<T> plain = Loss.SigmoidCrossEntropyWithLogitsGradient(inputs.SoftLabels, inputs.Logits);

        // Every element is a term of the reduction: D counts them, or weighs each row's sample weight by its columns.
        ShouldBeScaledRows(result.Gradient, plain, inputs, reduction, rowWeights: null, termsPerRow: columns);
    }

    [Fact]
    public void SigmoidLossGradient_WithLabelsBeyondFloatsRange_IsRedoneAndStillScaled()
    {
        // Labels of ±1e30 with a positive weight of 1e10 make q·z overflow float: those elements are redone in double,
        // and their gradient still takes the row's share (row 1 has weight 0, so its entries are exactly 0).
        var labels = MatrixOf(new double[,] { { 1e30, 0.5, -1e30 }, { 1e30, 1, 0 }, { 0, -1e30, 0.25 } });
        // Large positive logits under the huge labels keep their gradient, ∓1e40·σ(-x), inside float's range.
        var logits = MatrixOf(new double[,] { { 12, -2, 11 }, { 13, 2, 3 }, { -0.5, 10, 0 } });
        var weights = VectorOf(2, 0, 0.5);
        T q = Of(1e10);

        LossResult<T> result = new SigmoidCrossEntropyLoss<T> { PositiveWeight = q }.Evaluate(labels, logits, weights);
        Matrix<T> plain = Loss.WeightedCrossEntropyWithLogitsGradient(labels, logits, q);

        for (int row = 0; row < 3; row++)
        {
            // The default reduction, the mean over all nine elements: D = 9.
            T share = Of(ToDouble(weights[row]) / 9);
            for (int column = 0; column < 3; column++)
            {
                T.IsFinite(plain[row, column]).Should().BeTrue($"gradient[{row}, {column}] is redone to a finite value");
                result.Gradient[row, column].Should().Be(share == T.Zero ? T.Zero : share * plain[row, column], $"gradient[{row}, {column}]");
            }
        }
    }

    [Theory]
    [MemberData(nameof(GradientShareCases.Shapes), MemberType = typeof(GradientShareCases))]
    public void DenseLossGradient_IsTheFunctionsGradientTimesEachRowsShare(int rows, int columns, Reduction reduction)
    {
        var inputs = new Inputs(rows, columns);
        LossResult<T> result = new SoftmaxCrossEntropyLoss<T> { Reduction = reduction }.Evaluate(inputs.SoftLabels, inputs.Logits, inputs.SampleWeights);
        Matrix<T> plain = Loss.SoftmaxCrossEntropyWithLogitsGradient(inputs.SoftLabels, inputs.Logits);

        // A row of soft labels weighs Σⱼ yᵢⱼ in the weighted mean (PyTorch's convention for probability targets).
        double[] rowWeights = Enumerable.Range(0, rows).Select(row => inputs.SoftLabels.Row(row).Sum(ToDouble)).ToArray();
        ShouldBeScaledRows(result.Gradient, plain, inputs, reduction, rowWeights);
    }

    [Theory]
    [MemberData(nameof(GradientShareCases.Shapes), MemberType = typeof(GradientShareCases))]
    public void RegressionLossGradients_AreEachElementsDerivativeTimesItsRowsShare(int rows, int columns, Reduction reduction)
    {
        // Labels are the soft labels, predictions the logits: errors of either sign, some beyond Huber's δ = 1.
        var inputs = new Inputs(rows, columns);
        Matrix<T> y = inputs.SoftLabels;
        Matrix<T> p = inputs.Logits;
        Vector<T> weights = inputs.SampleWeights;

        // ∂/∂p of (p - y)², |p - y| and Huber's term with δ = 1: 2(p - y), sign(p - y), clamp(p - y, -1, 1); the
        // kernel writes the derivative less its constant factor (2 for the square), which goes into the share.
        Matrix<T> difference = p - y;
        ShouldBeScaledRows(
            new MeanSquaredErrorLoss<T> { Reduction = reduction }.Evaluate(y, p, weights).Gradient, difference, inputs, reduction, null, columns, chain: 2);
        ShouldBeScaledRows(
            new MeanAbsoluteErrorLoss<T> { Reduction = reduction }.Evaluate(y, p, weights).Gradient,
            difference.Map(d => T.CreateTruncating(T.Sign(d))),
            inputs,
            reduction,
            null,
            columns);
        ShouldBeScaledRows(
            new HuberLoss<T> { Reduction = reduction }.Evaluate(y, p, weights).Gradient,
            difference.Map(d => T.Clamp(d, -T.One, T.One)),
            inputs,
            reduction,
            null,
            columns);
    }

    [Fact]
    public void RowOfWeightZero_HasAnExactlyZeroGradient_EvenWithNaNAndInfiniteLogits()
    {
        var logits = MatrixOf(new double[,] { { double.NaN, 1, 2 }, { double.PositiveInfinity, 0, double.NegativeInfinity }, { 0.5, -1, 3 } });
        var weights = VectorOf(0, 0, 2);
        var labels = MatrixOf(new double[,] { { 0, 1, 0 }, { 0.5, 0.5, 0 }, { 0, 0, 1 } });

        LossResult<T> sparse = new SparseSoftmaxCrossEntropyLoss<T>().Evaluate([1, 0, 2], logits, weights);
        LossResult<T> dense = new SoftmaxCrossEntropyLoss<T>().Evaluate(labels, logits, weights);

        foreach (Matrix<T> gradient in new[] { sparse.Gradient, dense.Gradient })
        {
            gradient.Row(0).Concat(gradient.Row(1)).Should().AllSatisfy(g => g.Should().Be(T.Zero));
            gradient.Row(2).Should().AllSatisfy(g => T.IsFinite(g).Should().BeTrue());
        }
    }

    [Fact]
    public void ShareBelowTsNormalRange_IsAppliedInDoubleAndRoundedOnce()
    {
        // With Reduction.Sum a row's share is its weight: a subnormal weight is a factor that keeps few digits in T,
        // so it scales the row in double, each entry rounded once (not inside the kernel).
        double tiny = ToDouble(T.Epsilon) * 12345;
        var logits = MatrixOf(new double[,] { { 2, 0.5, 6 }, { 0.1, 0, 3 } });
        var weights = VectorOf(tiny, 1);
        int[] classes = [2, 1];

        LossResult<T> result = new SparseSoftmaxCrossEntropyLoss<T> { Reduction = Reduction.Sum }.Evaluate(classes, logits, weights);
        Matrix<T> plain = Loss.SparseSoftmaxCrossEntropyWithLogitsGradient(classes, logits);

        for (int column = 0; column < 3; column++)
        {
            result.Gradient[0, column].Should().Be(T.CreateTruncating(ToDouble(weights[0]) * ToDouble(plain[0, column])), $"column {column}");
            result.Gradient[1, column].Should().Be(plain[1, column], $"column {column}");
        }
    }

    /// <summary>
    /// Each entry exactly the plain gradient's entry times the row's share sᵢ/D (times <paramref name="chain"/>, the
    /// constant factor of a derivative the plain entries leave out) rounded to T (0 where the share is 0),
    /// as scaling the finished gradient afterwards gives it. D is the reduction's divisor: 1, the number of terms (rows
    /// times <paramref name="termsPerRow"/>), or Σᵢ sᵢ·rᵢ (times the terms per row) with the rows' own weights rᵢ (all 1
    /// when null), compensated as the library sums it.
    /// </summary>
    private static void ShouldBeScaledRows(
        Matrix<T> actual, Matrix<T> plain, Inputs inputs, Reduction reduction, double[]? rowWeights, int termsPerRow = 1, double chain = 1)
    {
        double[] weights = inputs.SampleWeights.Select(ToDouble).ToArray();
        double divisor = reduction switch
        {
            Reduction.Sum => 1,
            Reduction.Mean => weights.Length * termsPerRow,
            _ => CompensatedSum(weights.Select((w, row) => w * (rowWeights?[row] ?? 1))) * termsPerRow,
        };
        for (int row = 0; row < plain.RowCount; row++)
        {
            T share = T.CreateTruncating(weights[row] / divisor * chain);
            for (int column = 0; column < plain.ColumnCount; column++)
            {
                T expected = share == T.Zero ? T.Zero : share * plain[row, column];
                actual[row, column].Should().Be(expected, $"gradient[{row}, {column}] is {plain[row, column]} times the share {share}");
            }
        }
    }

    /// <summary>The divisor to double's precision (a plain sum of 2000 terms is not): the library's compensated sum.</summary>
    private static double CompensatedSum(System.Collections.Generic.IEnumerable<double> terms)
    {
        var sum = default(Losses.Internal.CompensatedSum);
        foreach (double term in terms)
        {
            sum.Add(term);
        }

        return sum.Value;
    }

    /// <summary>Logits in [-20, 20], class indices, soft labels and sample weights, one in five rows of weight 0.</summary>
    private sealed class Inputs
    {
        public Inputs(int rows, int columns)
        {
            var random = new Random((rows * 131) + columns);
            Logits = Matrix<T>.Build.Dense(rows, columns, (_, _) => T.CreateTruncating((random.NextDouble() * 40) - 20));
            ClassIndices = Enumerable.Range(0, rows).Select(_ => random.Next(columns)).ToArray();
            SoftLabels = Matrix<T>.Build.Dense(rows, columns, (_, _) => random.Next(2) == 0 ? T.CreateTruncating(random.NextDouble()) : T.Zero);
            SampleWeights = Vector<T>.Build.Dense(rows, i => i % 5 == 4 ? T.Zero : T.CreateTruncating(0.25 + (random.NextDouble() * 2)));
        }

        public Matrix<T> Logits { get; }

        public int[] ClassIndices { get; }

        public Matrix<T> SoftLabels { get; }

        public Vector<T> SampleWeights { get; }
    }

    private static void ShouldBeTheSame(LossResult<T> actual, LossResult<T> expected)
    {
        actual.Value.Should().Be(expected.Value);
        actual.PerExample.ToArray().Should().Equal(expected.PerExample.ToArray());
        actual.Gradient.ToColumnMajorArray().Should().Equal(expected.Gradient.ToColumnMajorArray());
    }
}

/// <summary>The shapes and reductions of <see cref="GradientSharesTests{T}"/>.</summary>
public static class GradientShareCases
{
    public static TheoryData<int, int, Reduction> Shapes()
    {
        var data = new TheoryData<int, int, Reduction>();
        foreach ((int rows, int columns) in new[] { (1, 1), (7, 3), (300, 37), (2000, 50) })
        {
            foreach (Reduction reduction in Enum.GetValues<Reduction>())
            {
                data.Add(rows, columns, reduction);
            }
        }

        return data;
    }
}

public sealed class GradientSharesTestsSingle : GradientSharesTests<float>;

public sealed class GradientSharesTestsDouble : GradientSharesTests<double>;
