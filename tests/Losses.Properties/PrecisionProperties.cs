using System;
using System.Linq;
using CsCheck;
using Losses.Properties.Infrastructure;

namespace Losses.Properties;

/// <summary>
/// Every public method in float agrees with the same method in double on the same (float-rounded)
/// inputs, to float rounding. With ε = 2⁻²³ and C the row length, an entry d of the double result
/// bounds the float result f by |f - d| ≤ 4·(C + 24)·ε·(|d| + s): s = 0 for the element-wise and
/// normalised outputs (activations, element-wise losses, regression values), which are relatively
/// accurate, and s = 1 + the largest |d| of the row for sums, gradients and log-softmax, which may cancel to below
/// their terms (plus 1: log S of a row with one dominant logit is log(1 + small), absolutely but not
/// relatively accurate in float). Inputs are moderate (logits and predictions in [-10, 10], labels in [0, 1],
/// probabilities in [0.01, 1]) so that the 24 in C + 24 covers the conditioning |xⱼ - max|·ε.
/// </summary>
public sealed class PrecisionProperties
{
    [Fact]
    public void FloatResults_AgreeWithDoubleResults_ToFloatRounding()
    {
        var label = Gen.Frequency((3, Gen.Double[0, 1]), (1, Gen.Const(0.0)));
        var gen = Generate.Shape.SelectMany(shape => Gen.Select(
            Generate.BatchOf(shape, label),
            Generate.BatchOf(shape, Gen.Double[-10, 10]),
            Generate.BatchOf(shape, Gen.Double[0.01, 1]),
            Gen.Double[0, 5]));
        Checks.ForAll(gen, input =>
        {
            var (labels, logits, probabilities, weight) = input;
            labels = labels.RoundedTo<float>();
            logits = logits.RoundedTo<float>();
            probabilities = probabilities.RoundedTo<float>();
            weight = (float)weight;
            var single = Arguments<float>.From(labels, logits, weight: weight);
            var twice = Arguments<double>.From(labels, logits, weight: weight);
            var singleOnProbabilities = Arguments<float>.From(labels, probabilities, weight: weight);
            var twiceOnProbabilities = Arguments<double>.From(labels, probabilities, weight: weight);
            for (int k = 0; k < Catalog<float>.All.Count; k++)
            {
                var operation = Catalog<float>.All[k];
                bool onProbabilities = operation.Name.StartsWith("CrossEntropy", StringComparison.Ordinal);
                double[] f = operation.Run(onProbabilities ? singleOnProbabilities : single);
                double[] d = Catalog<double>.All[k].Run(onProbabilities ? twiceOnProbabilities : twice);
                bool cancels = operation.Name.Contains("Gradient", StringComparison.Ordinal)
                    || operation.Name.Contains("CrossEntropy", StringComparison.Ordinal)
                    || operation.Name.StartsWith("LogSoftmax", StringComparison.Ordinal);
                int rowLength = d.Length == labels.Rows * labels.Columns ? labels.Columns : d.Length;
                double relative = 4 * (labels.Columns + 24) * Values.Epsilon<float>();
                var rowScales = Enumerable.Range(0, d.Length / rowLength)
                    .Select(row => cancels ? 1 + d.AsSpan(row * rowLength, rowLength).ToArray().Max(Math.Abs) : 0)
                    .ToArray();
                for (int e = 0; e < d.Length; e++)
                {
                    NumericAssertions.ShouldAgree((float)f[e], d[e], relative * (Math.Abs(d[e]) + rowScales[e / rowLength]), $"{operation.Name} entry {e}");
                }
            }
        }, 100, input => $"{input.Item1}, {input.Item2}, {input.Item3}, q = {input.Item4}");
    }
}
