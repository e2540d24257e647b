using System;
using System.Collections.Generic;
using System.Linq;
using CsCheck;
using Losses.Properties.Infrastructure;
using MathNet.Numerics.LinearAlgebra;

namespace Losses.Properties;

/// <summary>
/// Every loss object's Gradient against central finite differences of its Value, in double, under every
/// reduction and option, with and without sample weights, at every coordinate of small random batches
/// where the loss is smooth (errors at least 0.01 from the kinks of |e| and of Huber's |e| = δ). Step and
/// tolerance in <see cref="FiniteDifferences"/>.
/// </summary>
public sealed class LossObjectGradients
{
    private static readonly Reduction[] Reductions = [Reduction.Sum, Reduction.Mean, Reduction.WeightedMean];

    /// <summary>Labels, predictions at least 0.01 from the labels and from label ± 0.5 (Huber's δ), and optional sample weights.</summary>
    private static readonly Gen<(Batch Labels, Batch Predictions, double[]? Weights)> Inputs = Generate.SmallShape.SelectMany(shape => Gen.Select(
        Generate.BatchOf(shape, Gen.Double[0, 1]),
        Generate.BatchOf(shape, Gen.Select(Gen.OneOf(Gen.Double[0.01, 0.49], Gen.Double[0.51, 3]), Gen.Bool, (d, negative) => negative ? -d : d)),
        Gen.Frequency((1, Gen.Const((double[]?)null)), (2, Gen.Double[0, 3].Array[shape.Rows].Select(w => (double[]?)w))),
        (labels, errors, weights) => (labels, labels with { Values = labels.Values.Zip(errors.Values, (y, e) => y + e).ToArray() }, (double[]?)weights)));

    [Fact]
    public void MatrixLabelLosses_GradientMatchesFiniteDifferences()
    {
        Checks.ForAll(Inputs, input =>
        {
            var y = input.Labels.ToMatrix<double>();
            var x = input.Predictions.ToMatrix<double>();
            var s = input.Weights is null ? null : Vector<double>.Build.DenseOfArray(input.Weights);
            foreach (var reduction in Reductions)
            {
                foreach (var (name, loss) in Losses(reduction, x.ColumnCount))
                {
                    FiniteDifferences.ShouldMatch(x, loss.Evaluate(y, x, s).Gradient, z => loss.Evaluate(y, z, s).Value, $"{name} {reduction}");
                }
            }
        }, 40, input => $"{input.Labels}, {input.Predictions}, s = [{string.Join(", ", input.Weights ?? [])}]");
    }

    [Fact]
    public void SparseSoftmaxCrossEntropyLoss_GradientMatchesFiniteDifferences()
    {
        var gen = Generate.ClassesAndLogits(Gen.Double[-8, 8], Generate.SmallShape)
            .SelectMany(pair => Gen.Frequency((1, Gen.Const((double[]?)null)), (2, Gen.Double[0, 3].Array[pair.Logits.Rows].Select(w => (double[]?)w)))
            .Select(w => (pair.Classes, pair.Logits, w)));
        Checks.ForAll(gen, input =>
        {
            var x = input.Logits.ToMatrix<double>();
            var s = input.w is null ? null : Vector<double>.Build.DenseOfArray(input.w);
            double[] classWeights = Enumerable.Range(0, x.ColumnCount).Select(j => 0.5 + (j % 3)).ToArray();
            int[] labels = input.Classes.Select((k, i) => i % 4 == 3 ? -1 : k).ToArray();
            foreach (var reduction in Reductions)
            {
                var loss = new SparseSoftmaxCrossEntropyLoss<double> { Reduction = reduction, LabelSmoothing = 0.1, ClassWeights = classWeights, IgnoreIndex = -1 };
                FiniteDifferences.ShouldMatch(x, loss.Evaluate(labels, x, s).Gradient, z => loss.Evaluate(labels, z, s).Value, $"sparse {reduction}");
            }
        }, 40, input => $"[{string.Join(", ", input.Classes)}], {input.Logits}");
    }

    private static IEnumerable<(string Name, ILoss<double> Loss)> Losses(Reduction reduction, int columns)
    {
        yield return ("MeanSquaredError", new MeanSquaredErrorLoss<double> { Reduction = reduction });
        yield return ("MeanAbsoluteError", new MeanAbsoluteErrorLoss<double> { Reduction = reduction });
        yield return ("RootMeanSquaredError", new RootMeanSquaredErrorLoss<double> { Reduction = reduction });
        yield return ("Huber δ = 0.5", new HuberLoss<double> { Reduction = reduction, Delta = 0.5 });
        yield return ("SigmoidCrossEntropy q = 3, ε = 0.1", new SigmoidCrossEntropyLoss<double> { Reduction = reduction, PositiveWeight = 3, LabelSmoothing = 0.1 });
        yield return ("SoftmaxCrossEntropy ε = 0.1, class weights", new SoftmaxCrossEntropyLoss<double>
        {
            Reduction = reduction,
            LabelSmoothing = 0.1,
            ClassWeights = Enumerable.Range(0, columns).Select(j => 0.5 + (j % 3)).ToArray(),
        });
    }
}
