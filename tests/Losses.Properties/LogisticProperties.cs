using System;
using CsCheck;
using Losses.Properties.Infrastructure;
using static Losses.Properties.Infrastructure.NumericAssertions;

namespace Losses.Properties;

/// <summary>
/// Sigmoid and weighted cross-entropy with logits, and cross-entropy on probabilities (the chapter's
/// rel3), over random shapes and values. Element-wise losses agree with the double reference within
/// 8·ε times the size of their terms; the row sums of rel3 within 2·(C + 2)·ε times theirs.
/// </summary>
public abstract class LogisticProperties<T>
    where T : struct, System.Numerics.IFloatingPointIeee754<T>
{
    private static readonly double Epsilon = Values.Epsilon<T>();

    private static readonly Gen<double> Weight = Gen.Frequency((3, Gen.Double[0, 10]), (1, Gen.Const(1.0)), (1, Gen.Double[0, 1000]));

    [Fact]
    public void WeightedCrossEntropy_MatchesTheReference()
    {
        var gen = Generate.LabelsAndLogits(Generate.Label, Gen.Frequency((3, Generate.Logit), (1, Gen.Double[-800, 800]))).Select(Weight, (pair, q) => (pair.Labels, pair.Logits, q));
        Checks.ForAll(gen, input =>
        {
            var labels = input.Labels.RoundedTo<T>();
            var logits = input.Logits.RoundedTo<T>();
            T q = T.CreateTruncating(input.q);
            double weight = double.CreateTruncating(q);
            var loss = Loss.WeightedCrossEntropyWithLogits(labels.ToMatrix<T>(), logits.ToMatrix<T>(), q);
            var gradient = Loss.WeightedCrossEntropyWithLogitsGradient(labels.ToMatrix<T>(), logits.ToMatrix<T>(), q);
            for (int k = 0; k < labels.Values.Length; k++)
            {
                int i = k / labels.Columns;
                int j = k % labels.Columns;
                var expected = LimitReference.LogisticCrossEntropy(labels.Values[k], logits.Values[k], weight);
                // A product below the smallest normal (q·z of a tiny label, e^-|x|) keeps few bits: allow 16 of its
                // steps, carried through the factors q and |x| that multiply it.
                double underflow = 16 * (1 + Math.Abs(weight)) * (1 + Math.Abs(logits.Values[k])) * double.CreateTruncating(T.Epsilon);
                ShouldAgree(loss[i, j], expected.Value, (8 * Epsilon * expected.Scale) + underflow, $"loss [{i}, {j}] with q = {weight}");
                var expectedGradient = LimitReference.LogisticCrossEntropyGradient(labels.Values[k], logits.Values[k], weight);
                ShouldAgree(gradient[i, j], expectedGradient.Value, (8 * Epsilon * expectedGradient.Scale) + underflow, $"gradient [{i}, {j}] with q = {weight}");
            }
        }, 200, input => $"{input.Labels}, {input.Logits}, q = {input.q}");
    }

    [Fact]
    public void SigmoidCrossEntropy_EqualsWeightedWithWeightOne_AndItsGradientIsSigmoidMinusLabels()
    {
        Checks.ForAll(Generate.LabelsAndLogits(Generate.Label, Generate.Logit), input =>
        {
            var z = input.Labels.ToMatrix<T>();
            var x = input.Logits.ToMatrix<T>();
            ShouldBeIdentical<T>(
                Values.RowMajor(Loss.SigmoidCrossEntropyWithLogits(z, x)),
                Values.RowMajor(Loss.WeightedCrossEntropyWithLogits(z, x, T.One)),
                "sigmoid against weighted with q = 1");

            // API.md: SigmoidCrossEntropyWithLogitsGradient = sigmoid(x) - z. The kernel forms it without the cancellation
            // of σ(x) against z (LogisticGradientAccuracyTests), so it agrees with the subtraction of the rounded sigmoid
            // to within the rounding of its terms, not bit for bit.
            var sigmoid = Values.RowMajor(Activation.Sigmoid(x));
            var labels = Values.RowMajor(z);
            var gradient = Values.RowMajor(Loss.SigmoidCrossEntropyWithLogitsGradient(z, x));
            for (int k = 0; k < gradient.Length; k++)
            {
                double s = double.CreateTruncating(sigmoid[k]);
                double label = double.CreateTruncating(labels[k]);
                ShouldAgreeOrBeNaN(T.CreateTruncating(gradient[k]), s - label, 8 * Epsilon * (Math.Abs(s) + Math.Abs(label)), $"sigmoid(x) - z at {k}");
            }
        }, 150, Generate.Print);
    }

    [Fact]
    public void SigmoidCrossEntropy_IsAtLeastTheBinaryEntropyOfTheLabels()
    {
        // For z ∈ [0, 1]: ℓ = H(z) + KL(z ‖ σ(x)) ≥ H(z) = -z·ln z - (1 - z)·ln(1 - z).
        Checks.ForAll(Generate.LabelsAndLogits(Gen.Double[0, 1], Generate.Logit), input =>
        {
            var labels = input.Labels.RoundedTo<T>();
            var loss = Loss.SigmoidCrossEntropyWithLogits(labels.ToMatrix<T>(), input.Logits.ToMatrix<T>());
            for (int k = 0; k < labels.Values.Length; k++)
            {
                double z = labels.Values[k];
                double entropy = (z == 0 ? 0 : -z * Math.Log(z)) + (z == 1 ? 0 : -(1 - z) * Math.Log(1 - z));
                double value = double.CreateTruncating(loss[k / labels.Columns, k % labels.Columns]);
                value.Should().BeGreaterThanOrEqualTo(entropy - (8 * Epsilon * (1 + Math.Abs(input.Logits.Values[k]))), $"element {k}: z = {z}");
            }
        }, 150, Generate.Print);
    }

    [Fact]
    public void CrossEntropy_MatchesTheReference()
    {
        var probability = Gen.Frequency((4, Gen.Double[1e-6, 1]), (1, Gen.Double[1e-300, 1e-6]), (1, Gen.Const(0.0)), (1, Gen.Const(1.0)));
        Checks.ForAll(Generate.LabelsAndLogits(Generate.Label, probability), input =>
        {
            var labels = input.Labels.RoundedTo<T>();
            var probabilities = input.Logits.RoundedTo<T>();
            var loss = Loss.CrossEntropy(labels.ToMatrix<T>(), probabilities.ToMatrix<T>());
            var gradient = Loss.CrossEntropyGradient(labels.ToMatrix<T>(), probabilities.ToMatrix<T>());
            for (int i = 0; i < labels.Rows; i++)
            {
                var expected = LimitReference.CrossEntropy(labels.Row(i), probabilities.Row(i));
                ShouldAgree(loss[i], expected.Value, 2 * (labels.Columns + 2) * Epsilon * expected.Scale, $"rel3 row {i}");
                for (int j = 0; j < labels.Columns; j++)
                {
                    var expectedGradient = LimitReference.CrossEntropyGradient(labels[i, j], probabilities[i, j]);
                    ShouldAgree(gradient[i, j], expectedGradient.Value, 2 * Epsilon * expectedGradient.Scale, $"rel3 gradient [{i}, {j}]");
                }
            }
        }, 200, Generate.Print);
    }
}

public sealed class LogisticPropertiesFloat : LogisticProperties<float>;

public sealed class LogisticPropertiesDouble : LogisticProperties<double>;
