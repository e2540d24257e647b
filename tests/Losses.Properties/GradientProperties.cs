using System;
using System.Linq;
using CsCheck;
using Losses.Properties.Infrastructure;
using MathNet.Numerics.LinearAlgebra;
using static Losses.Properties.Infrastructure.NumericAssertions;

namespace Losses.Properties;

/// <summary>
/// Every gradient against central finite differences of the sum of everything its function returns
/// (API.md's definition), in double, at every coordinate of small random batches where the loss is
/// smooth. Step h = 10⁻⁶·max(1, |x|); the truncation error h²·f‴/6 is below 10⁻¹¹, the rounding error
/// of the difference quotient about ε·F/h for a sum of size F, so the tolerance is
/// 10⁻⁶·(1 + |g|) + 64·ε·F/h.
/// </summary>
public sealed class GradientProperties
{
    private static readonly Gen<double> Labels = Gen.Double[-1, 2];

    private static readonly Gen<double> Logits = Gen.Double[-8, 8];

    [Fact]
    public void MeanSquaredErrorGradient_MatchesFiniteDifferences()
        => Check(Generate.LabelsAndLogits(Gen.Double[-5, 5], Gen.Double[-5, 5], Generate.SmallShape), Loss.MeanSquaredError, Loss.MeanSquaredErrorGradient);

    [Fact]
    public void RootMeanSquaredErrorGradient_MatchesFiniteDifferences()
        => Check(Generate.LabelsAndLogits(Gen.Double[-5, 5], Gen.Double[-5, 5], Generate.SmallShape), Loss.RootMeanSquaredError, Loss.RootMeanSquaredErrorGradient);

    [Fact]
    public void MeanAbsoluteErrorGradient_MatchesFiniteDifferences()
    {
        // abs is smooth away from 0: predictions differ from labels by at least 0.01 ≫ h.
        var gen = Generate.SmallShape.SelectMany(shape => Gen.Select(
            Generate.BatchOf(shape, Gen.Double[-5, 5]),
            Generate.BatchOf(shape, Gen.Select(Gen.Double[0.01, 3], Gen.Bool, (d, negative) => negative ? -d : d))))
            .Select(pair => (pair.Item1, Predictions: pair.Item1 with { Values = pair.Item1.Values.Zip(pair.Item2.Values, (y, d) => y + d).ToArray() }));
        Check(gen, Loss.MeanAbsoluteError, Loss.MeanAbsoluteErrorGradient);
    }

    [Fact]
    public void SigmoidCrossEntropyWithLogitsGradient_MatchesFiniteDifferences()
        => Check(Generate.LabelsAndLogits(Labels, Logits, Generate.SmallShape), (y, x) => Loss.SigmoidCrossEntropyWithLogits(y, x).Enumerate().Sum(), Loss.SigmoidCrossEntropyWithLogitsGradient);

    [Fact]
    public void WeightedCrossEntropyWithLogitsGradient_MatchesFiniteDifferences()
    {
        var gen = Generate.LabelsAndLogits(Labels, Logits, Generate.SmallShape).Select(Gen.Double[0, 20], (pair, q) => (pair, q));
        Checks.ForAll(gen, input => CheckAt(
            input.pair.Labels,
            input.pair.Logits,
            (y, x) => Loss.WeightedCrossEntropyWithLogits(y, x, input.q).Enumerate().Sum(),
            (y, x) => Loss.WeightedCrossEntropyWithLogitsGradient(y, x, input.q)), 100, input => $"{input.pair.Labels}, {input.pair.Logits}, q = {input.q}");
    }

    [Fact]
    public void SoftmaxCrossEntropyWithLogitsGradient_MatchesFiniteDifferences()
        => Check(Generate.LabelsAndLogits(Labels, Logits, Generate.SmallShape), (y, x) => Loss.SoftmaxCrossEntropyWithLogits(y, x).Sum(), Loss.SoftmaxCrossEntropyWithLogitsGradient);

    [Fact]
    public void SparseSoftmaxCrossEntropyWithLogitsGradient_MatchesFiniteDifferences()
    {
        Checks.ForAll(Generate.ClassesAndLogits(Logits, Generate.SmallShape), input => CheckAt(
            Generate.OneHot(input.Classes, input.Logits.Columns),
            input.Logits,
            (_, x) => Loss.SparseSoftmaxCrossEntropyWithLogits<double>(input.Classes, x).Sum(),
            (_, x) => Loss.SparseSoftmaxCrossEntropyWithLogitsGradient<double>(input.Classes, x)), 100, Generate.Print);
    }

    [Fact]
    public void CrossEntropyGradient_MatchesFiniteDifferences()
        => Check(Generate.LabelsAndLogits(Labels, Gen.Double[0.05, 1], Generate.SmallShape), (y, p) => Loss.CrossEntropy(y, p).Sum(), Loss.CrossEntropyGradient);

    private static void Check(
        Gen<(Batch Labels, Batch Outputs)> gen,
        Func<Matrix<double>, Matrix<double>, double> sum,
        Func<Matrix<double>, Matrix<double>, Matrix<double>> gradient)
        => Checks.ForAll(gen, input => CheckAt(input.Labels, input.Outputs, sum, gradient), 100, Generate.Print);

    private static void CheckAt(
        Batch labels,
        Batch outputs,
        Func<Matrix<double>, Matrix<double>, double> sum,
        Func<Matrix<double>, Matrix<double>, Matrix<double>> gradient)
    {
        var y = labels.ToMatrix<double>();
        var x = outputs.ToMatrix<double>();
        var g = gradient(y, x);
        double size = Math.Abs(sum(y, x));
        for (int i = 0; i < x.RowCount; i++)
        {
            for (int j = 0; j < x.ColumnCount; j++)
            {
                double h = 1e-6 * Math.Max(1, Math.Abs(x[i, j]));
                var forward = x.Clone();
                forward[i, j] = x[i, j] + h;
                var backward = x.Clone();
                backward[i, j] = x[i, j] - h;
                double step = forward[i, j] - backward[i, j];
                double difference = (sum(y, forward) - sum(y, backward)) / step;
                double tolerance = (1e-6 * (1 + Math.Abs(difference))) + (64 * Values.Epsilon<double>() * size / h);
                ShouldAgree(g[i, j], difference, tolerance, $"gradient [{i}, {j}] against finite differences");
            }
        }
    }
}
