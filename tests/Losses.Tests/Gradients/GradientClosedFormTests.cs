using System;
using System.Linq;
using Losses.Tests.Infrastructure;
using MathNet.Numerics.LinearAlgebra;

namespace Losses.Tests.Gradients;

/// <summary>
/// Each gradient against its closed form from the API contract, evaluated independently in double on the
/// same (type-rounded) inputs: MSE 2(p - y)/n, RMSE (p - y)/(n·RMSE), MAE sign(p - y)/n, sigmoid σ(x) - z,
/// weighted (q·z + 1 - z)·σ(x) - q·z, softmax (Σⱼ yⱼ)·softmax(x) - y, sparse softmax(x) - onehot,
/// probabilities -y/p (0 where y = 0).
/// </summary>
public abstract class GradientClosedFormTests<T> : TypedTests<T>
    where T : struct, System.Numerics.IFloatingPointIeee754<T>
{
    private static readonly (int Rows, int Columns)[] Shapes = [(1, 1), (1, 6), (5, 1), (7, 5), (257, 3)];

    [Fact]
    public void MeanSquaredErrorGradient_IsTwiceTheErrorOverCount()
        => ShouldFollow("MeanSquaredErrorGradient", (y, p, n) => p.Zip(y, (pi, yi) => 2 * (pi - yi) / n).ToArray(), floor: 0);

    [Fact]
    public void RootMeanSquaredErrorGradient_IsErrorOverCountTimesRootMeanSquaredError()
        => ShouldFollow("RootMeanSquaredErrorGradient", (y, p, n) =>
        {
            double root = Math.Sqrt(p.Zip(y, (pi, yi) => (pi - yi) * (pi - yi)).Sum() / n);
            return p.Zip(y, (pi, yi) => (pi - yi) / (n * root)).ToArray();
        }, floor: 0);

    [Fact]
    public void MeanAbsoluteErrorGradient_IsSignOfErrorOverCount()
        => ShouldFollow("MeanAbsoluteErrorGradient", (y, p, n) => p.Zip(y, (pi, yi) => Math.Sign(pi - yi) / (double)n).ToArray(), floor: 0);

    [Fact]
    public void SigmoidCrossEntropyWithLogitsGradient_IsSigmoidMinusLabel()
        => ShouldFollow("SigmoidCrossEntropyWithLogitsGradient", (z, x, _) => x.Zip(z, (xi, zi) => Sigmoid(xi) - zi).ToArray(), floor: 1);

    [Theory]
    [InlineData(0.25)]
    [InlineData(1)]
    [InlineData(3.5)]
    public void WeightedCrossEntropyWithLogitsGradient_IsWeightedSigmoidMinusWeightedLabel(double q)
        => ShouldFollow(
            $"WeightedCrossEntropyWithLogitsGradient(q={q})",
            (z, x, _) => x.Zip(z, (xi, zi) => (((q * zi) + 1 - zi) * Sigmoid(xi)) - (q * zi)).ToArray(),
            floor: q);

    [Fact]
    public void SoftmaxCrossEntropyWithLogitsGradient_IsLabelSumTimesSoftmaxMinusLabels()
        => ShouldFollowByRow("SoftmaxCrossEntropyWithLogitsGradient", (y, x) =>
        {
            double[] p = Softmax(x);
            double labelSum = y.Sum();
            return p.Zip(y, (pj, yj) => (labelSum * pj) - yj).ToArray();
        });

    [Fact]
    public void SparseSoftmaxCrossEntropyWithLogitsGradient_IsSoftmaxMinusOneHot()
        => ShouldFollowByRow("SparseSoftmaxCrossEntropyWithLogitsGradient", (y, x) => Softmax(x).Zip(y, (pj, yj) => pj - yj).ToArray());

    [Fact]
    public void CrossEntropyGradient_IsMinusLabelOverProbability()
        => ShouldFollow("CrossEntropyGradient", (y, p, _) => p.Zip(y, (pj, yj) => yj == 0 ? 0 : -yj / pj).ToArray(), floor: 0);

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    private static double[] Softmax(double[] x)
    {
        double max = x.Max();
        double[] e = x.Select(v => Math.Exp(v - max)).ToArray();
        double sum = e.Sum();
        return e.Select(v => v / sum).ToArray();
    }

    /// <summary>Compares on every shape with an element-wise closed form of (labels, second argument, element count), column-major.</summary>
    private static void ShouldFollow(string name, Func<double[], double[], int, double[]> closedForm, double floor)
    {
        LossFunction<T> gradient = LossCatalog<T>.Get(name);
        foreach ((int rows, int columns) in Shapes)
        {
            (Matrix<T> labels, Matrix<T> second) = Draw(gradient, rows, columns);
            double[] expected = closedForm(ColumnMajor(labels), ColumnMajor(second), rows * columns);
            var actual = (Matrix<T>)gradient.Compute(labels, second);
            NumericAssertions.ShouldBeClose(ColumnMajor(actual), expected, 16 * MachineEpsilon, floor, $"{name} at {rows}x{columns}");
        }
    }

    /// <summary>Compares on every shape with a row-wise closed form of (label row, logit row).</summary>
    private static void ShouldFollowByRow(string name, Func<double[], double[], double[]> closedForm)
    {
        LossFunction<T> gradient = LossCatalog<T>.Get(name);
        foreach ((int rows, int columns) in Shapes)
        {
            (Matrix<T> labels, Matrix<T> logits) = Draw(gradient, rows, columns);
            var actual = (Matrix<T>)gradient.Compute(labels, logits);
            for (int i = 0; i < rows; i++)
            {
                double[] expected = closedForm(ToDoubles(labels.Row(i)), ToDoubles(logits.Row(i)));
                NumericAssertions.ShouldBeClose(ToDoubles(actual.Row(i)), expected, 16 * MachineEpsilon, 1, $"{name} row {i} at {rows}x{columns}");
            }
        }
    }

    private static (Matrix<T> Labels, Matrix<T> Second) Draw(LossFunction<T> function, int rows, int columns)
    {
        (double[,] y, double[,] x) = RandomInputs.Draw(function.Labels, function.SecondParameter, new Random((1000 * rows) + columns), rows, columns);
        return (MatrixOf(y), MatrixOf(x));
    }

    private static double[] ColumnMajor(Matrix<T> matrix) => matrix.ToColumnMajorArray().Select(ToDouble).ToArray();
}

public sealed class GradientClosedFormFloatTests : GradientClosedFormTests<float>;

public sealed class GradientClosedFormDoubleTests : GradientClosedFormTests<double>;
