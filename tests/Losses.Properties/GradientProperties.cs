using System;
using System.Linq;
using CsCheck;
using Losses.Properties.Infrastructure;
using MathNet.Numerics.LinearAlgebra;

namespace Losses.Properties;

/// <summary>
/// Every gradient against central finite differences of the sum of everything its function returns
/// (API.md's definition), in double, at every coordinate of small random batches where the loss is
/// smooth; step and tolerance in <see cref="FiniteDifferences"/>.
/// </summary>
public sealed class GradientProperties
{
    private static readonly Gen<double> Labels = Gen.Double[-1, 2];

    private static readonly Gen<double> Logits = Gen.Double[-8, 8];

    [Fact]
    public void MeanSquaredErrorGradient_MatchesFiniteDifferences()
        => Check(Generate.LabelsAndLogits(Gen.Double[-5, 5], Gen.Double[-5, 5], Generate.SmallShape), Loss.MeanSquaredError, Loss.MeanSquaredErrorGradient);

    /// <summary>Predictions at least 0.01 ≫ h from their labels: abs is smooth there, and RMSE is far from its kink at 0.</summary>
    private static readonly Gen<(Batch Labels, Batch Predictions)> AwayFromKinks = Generate.SmallShape.SelectMany(shape => Gen.Select(
        Generate.BatchOf(shape, Gen.Double[-5, 5]),
        Generate.BatchOf(shape, Gen.Select(Gen.Double[0.01, 3], Gen.Bool, (d, negative) => negative ? -d : d))))
        .Select(pair => (pair.Item1, pair.Item1 with { Values = pair.Item1.Values.Zip(pair.Item2.Values, (y, d) => y + d).ToArray() }));

    [Fact]
    public void RootMeanSquaredErrorGradient_MatchesFiniteDifferences()
        => Check(AwayFromKinks, Loss.RootMeanSquaredError, Loss.RootMeanSquaredErrorGradient);

    [Fact]
    public void MeanAbsoluteErrorGradient_MatchesFiniteDifferences()
        => Check(AwayFromKinks, Loss.MeanAbsoluteError, Loss.MeanAbsoluteErrorGradient);

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
        FiniteDifferences.ShouldMatch(x, gradient(y, x), z => sum(y, z), "sum of the outputs");
    }
}
