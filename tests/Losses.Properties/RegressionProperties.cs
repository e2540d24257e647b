using System;
using System.Linq;
using CsCheck;
using Losses.Properties.Infrastructure;
using static Losses.Properties.Infrastructure.NumericAssertions;

namespace Losses.Properties;

/// <summary>
/// MSE, RMSE and MAE over random shapes and values. The library sums in double with compensation for
/// both types, so a value is its double reference rounded once: within 4·ε relative (ε = 2⁻²³ or 2⁻⁵²).
/// Gradients are one subtraction and one multiplication in <typeparamref name="T"/>: within 4·ε of |gᵢ|.
/// </summary>
public abstract class RegressionProperties<T>
    where T : struct, System.Numerics.IFloatingPointIeee754<T>
{
    private static readonly double Epsilon = Values.Epsilon<T>();

    private static readonly Gen<double> Value = Gen.Frequency((4, Gen.Double[-10, 10]), (1, Gen.Double[-1e6, 1e6]), (1, Gen.Const(0.0)));

    [Fact]
    public void MeanSquaredError_EqualsRootMeanSquaredErrorSquared()
    {
        Checks.ForAll(Generate.LabelsAndLogits(Value, Value), input =>
        {
            var y = input.Labels.ToMatrix<T>();
            var p = input.Logits.ToMatrix<T>();
            double root = double.CreateTruncating(Loss.RootMeanSquaredError(y, p));
            ShouldAgree(Loss.MeanSquaredError(y, p), root * root, 4 * Epsilon * root * root, "MSE against RMSE²");
        }, 200, Generate.Print);
    }

    [Fact]
    public void MeanAbsoluteError_IsAtMostRootMeanSquaredError()
    {
        // The power-mean inequality: mean |e| ≤ √(mean e²).
        Checks.ForAll(Generate.LabelsAndLogits(Value, Value), input =>
        {
            var y = input.Labels.ToMatrix<T>();
            var p = input.Logits.ToMatrix<T>();
            double absolute = double.CreateTruncating(Loss.MeanAbsoluteError(y, p));
            double root = double.CreateTruncating(Loss.RootMeanSquaredError(y, p));
            absolute.Should().BeLessThanOrEqualTo(root * (1 + (4 * Epsilon)));
        }, 200, Generate.Print);
    }

    [Fact]
    public void Regression_MatchesTheReference()
    {
        Checks.ForAll(Generate.LabelsAndLogits(Value, Value), input =>
        {
            var labels = input.Labels.RoundedTo<T>();
            var predictions = input.Logits.RoundedTo<T>();
            var y = labels.ToMatrix<T>();
            var p = predictions.ToMatrix<T>();
            var (meanSquared, root, meanAbsolute) = LimitReference.Regression(labels.Values, predictions.Values);
            ShouldAgree(Loss.MeanSquaredError(y, p), meanSquared, 4 * Epsilon * meanSquared, "MSE");
            ShouldAgree(Loss.RootMeanSquaredError(y, p), root, 4 * Epsilon * root, "RMSE");
            ShouldAgree(Loss.MeanAbsoluteError(y, p), meanAbsolute, 4 * Epsilon * meanAbsolute, "MAE");

            var squaredGradient = Loss.MeanSquaredErrorGradient(y, p);
            var rootGradient = Loss.RootMeanSquaredErrorGradient(y, p);
            var absoluteGradient = Loss.MeanAbsoluteErrorGradient(y, p);
            int n = labels.Values.Length;
            for (int k = 0; k < n; k++)
            {
                int i = k / labels.Columns;
                int j = k % labels.Columns;
                double error = predictions.Values[k] - labels.Values[k];
                double expected = 2 * error / n;
                ShouldAgree(squaredGradient[i, j], expected, 4 * Epsilon * Math.Abs(expected), $"MSE gradient [{i}, {j}]");
                expected = root == 0 ? 0 : error / (n * root);
                ShouldAgree(rootGradient[i, j], expected, 4 * Epsilon * Math.Abs(expected), $"RMSE gradient [{i}, {j}]");
                expected = Math.Sign(error) / (double)n;
                ShouldAgree(absoluteGradient[i, j], expected, 4 * Epsilon * Math.Abs(expected), $"MAE gradient [{i}, {j}]");
            }
        }, 200, Generate.Print);
    }

    [Fact]
    public void MatrixAndVectorOverloads_Agree()
    {
        Checks.ForAll(Generate.LabelsAndLogits(Value, Value), input =>
        {
            var arguments = Arguments<T>.From(input.Labels, input.Logits);
            var (y, p, yv, pv) = (arguments.Labels, arguments.Output, arguments.LabelVector, arguments.OutputVector);
            ShouldHaveSameBits(Loss.MeanSquaredError(yv, pv), Loss.MeanSquaredError(y, p), "MSE");
            ShouldHaveSameBits(Loss.RootMeanSquaredError(yv, pv), Loss.RootMeanSquaredError(y, p), "RMSE");
            ShouldHaveSameBits(Loss.MeanAbsoluteError(yv, pv), Loss.MeanAbsoluteError(y, p), "MAE");
            ShouldBeIdentical<T>(Values.Of(Loss.MeanSquaredErrorGradient(yv, pv)), Loss.MeanSquaredErrorGradient(y, p).ToColumnMajorArray().Select(v => double.CreateTruncating(v)).ToArray(), "MSE gradient");
        }, 100, Generate.Print);
    }
}

public sealed class RegressionPropertiesFloat : RegressionProperties<float>;

public sealed class RegressionPropertiesDouble : RegressionProperties<double>;
