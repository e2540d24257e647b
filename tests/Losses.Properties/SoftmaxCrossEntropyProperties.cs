using System;
using System.Linq;
using CsCheck;
using Losses.Properties.Infrastructure;
using MathNet.Numerics.LinearAlgebra;
using static Losses.Properties.Infrastructure.NumericAssertions;

namespace Losses.Properties;

/// <summary>
/// Softmax cross-entropy (dense and sparse labels) and the chapter's hand-composed rel3 over random
/// shapes and values. Tolerances, with ε = 2⁻²³ (float) or 2⁻⁵² (double) and C classes: the value
/// within 2·(C + 4)·ε times the size of its terms (Σⱼ |yⱼ|·(1 + log S) + Σⱼ |yⱼ·(lse - xⱼ)|), which
/// covers S summed in C roundings and the C products added in C roundings.
/// </summary>
public abstract class SoftmaxCrossEntropyProperties<T>
    where T : struct, System.Numerics.IFloatingPointIeee754<T>
{
    private static readonly double Epsilon = Values.Epsilon<T>();

    [Fact]
    public void SoftmaxCrossEntropy_IsUnchangedByAddingAConstantToARow()
    {
        // On the k/64 grid x + c is exact, so xⱼ - max is unchanged: value and gradient must be identical.
        var gen = Generate.LabelsAndLogits(Generate.Label, Generate.GridLogit)
            .SelectMany(pair => Generate.ShiftConstant.Array[pair.Labels.Rows].Select(c => (pair.Labels, pair.Logits, c)));
        Checks.ForAll(gen, input =>
        {
            var (labels, logits, shifts) = input;
            var y = labels.ToMatrix<T>();
            var x = logits.ToMatrix<T>();
            var shifted = ActivationProperties<T>.ShiftRows(logits, shifts).ToMatrix<T>();
            ShouldBeIdentical<T>(Values.Of(Loss.SoftmaxCrossEntropyWithLogits(y, shifted)), Values.Of(Loss.SoftmaxCrossEntropyWithLogits(y, x)), "loss of the shifted rows");
            ShouldBeIdentical<T>(Values.RowMajor(Loss.SoftmaxCrossEntropyWithLogitsGradient(y, shifted)), Values.RowMajor(Loss.SoftmaxCrossEntropyWithLogitsGradient(y, x)), "gradient of the shifted rows");
        }, 150, input => $"labels {input.Labels}, logits {input.Logits} + [{string.Join(", ", input.c)}]");
    }

    [Fact]
    public void SoftmaxCrossEntropy_IsAtLeastTheEntropyOfTheLabels()
    {
        // For a distribution y, H(y, softmax x) = H(y) + KL(y ‖ softmax x) ≥ H(y) = -Σ yⱼ·ln yⱼ.
        Checks.ForAll(Generate.DistributionsAndLogits(Generate.Logit), input =>
        {
            var (labels, logits) = input;
            var seenLabels = labels.RoundedTo<T>();
            var loss = Loss.SoftmaxCrossEntropyWithLogits(labels.ToMatrix<T>(), logits.ToMatrix<T>());
            for (int i = 0; i < labels.Rows; i++)
            {
                double entropy = 0;
                foreach (double y in seenLabels.Row(i))
                {
                    entropy -= y == 0 ? 0 : y * Math.Log(y);
                }

                double value = double.CreateTruncating(loss[i]);
                double tolerance = 2 * (labels.Columns + 4) * Epsilon * (1 + value);
                value.Should().BeGreaterThanOrEqualTo(entropy - tolerance, $"row {i}: cross-entropy ≥ entropy {entropy}");
            }
        }, 200);
    }

    [Fact]
    public void Sparse_EqualsOneHotDense()
    {
        // Both compute log S - sₖ for the labelled class k and pⱼ - [j = k]: identical results, in dense and sparse label storage.
        Checks.ForAll(Generate.ClassesAndLogits(Generate.Logit), input =>
        {
            var (classes, logits) = input;
            var x = logits.ToMatrix<T>();
            var oneHot = Generate.OneHot(classes, logits.Columns);
            var sparseLoss = Values.Of(Loss.SparseSoftmaxCrossEntropyWithLogits<T>(classes, x));
            var sparseGradient = Values.RowMajor(Loss.SparseSoftmaxCrossEntropyWithLogitsGradient<T>(classes, x));
            foreach (var labels in new[] { oneHot.ToMatrix<T>(), oneHot.ToSparseMatrix<T>() })
            {
                ShouldBeIdentical<T>(Values.Of(Loss.SoftmaxCrossEntropyWithLogits(labels, x)), sparseLoss, "one-hot dense loss");
                ShouldBeIdentical<T>(Values.RowMajor(Loss.SoftmaxCrossEntropyWithLogitsGradient(labels, x)), sparseGradient, "one-hot dense gradient");
            }
        }, 200, Generate.Print);
    }

    [Fact]
    public void SparseLabelStorage_EqualsDenseLabelStorage()
    {
        Checks.ForAll(Generate.LabelsAndLogits(Generate.Label, Generate.Logit), input =>
        {
            var (labels, logits) = input;
            var x = logits.ToMatrix<T>();
            ShouldBeIdentical<T>(Values.Of(Loss.SoftmaxCrossEntropyWithLogits(labels.ToSparseMatrix<T>(), x)), Values.Of(Loss.SoftmaxCrossEntropyWithLogits(labels.ToMatrix<T>(), x)), "loss, sparse label storage");
            ShouldBeIdentical<T>(Values.RowMajor(Loss.SoftmaxCrossEntropyWithLogitsGradient(labels.ToSparseMatrix<T>(), x)), Values.RowMajor(Loss.SoftmaxCrossEntropyWithLogitsGradient(labels.ToMatrix<T>(), x)), "gradient, sparse label storage");
            ShouldBeIdentical<T>(Values.Of(Loss.CrossEntropy(labels.ToSparseMatrix<T>(), Activation.Softmax(x))), Values.Of(Loss.CrossEntropy(labels.ToMatrix<T>(), Activation.Softmax(x))), "rel3, sparse label storage");
        }, 100, Generate.Print);
    }

    [Fact]
    public void CrossEntropyOfSoftmax_EqualsSoftmaxCrossEntropyWithLogits_OnNonSaturatedInputs()
    {
        // The chapter's rel3 = rel1. With logits in [-10, 10] no probability underflows; each pⱼ carries a
        // relative error up to (C + 4)·ε, i.e. ln pⱼ an absolute one: |rel3 - rel1| ≤ 2·(C + 8)·ε·Σⱼ |yⱼ|·(1 + |ln pⱼ|).
        Checks.ForAll(Generate.LabelsAndLogits(Generate.Label, Gen.Double[-10, 10]), input =>
        {
            var (labels, logits) = input;
            var y = labels.ToMatrix<T>();
            var x = logits.ToMatrix<T>();
            var p = Activation.Softmax(x);
            var composed = Loss.CrossEntropy(y, p);
            var fused = Loss.SoftmaxCrossEntropyWithLogits(y, x);
            for (int i = 0; i < labels.Rows; i++)
            {
                double size = 0;
                for (int j = 0; j < labels.Columns; j++)
                {
                    size += Math.Abs(double.CreateTruncating(y[i, j])) * (1 + Math.Abs(Math.Log(double.CreateTruncating(p[i, j]))));
                }

                ShouldAgree(composed[i], double.CreateTruncating(fused[i]), 2 * (labels.Columns + 8) * Epsilon * size, $"rel3 row {i}");
            }
        }, 200, Generate.Print);
    }

    [Fact]
    public void SoftmaxCrossEntropy_MatchesTheReference()
    {
        Checks.ForAll(Generate.LabelsAndLogits(Generate.Label, Generate.Logit), input =>
        {
            var labels = input.Labels.RoundedTo<T>();
            var logits = input.Logits.RoundedTo<T>();
            var loss = Loss.SoftmaxCrossEntropyWithLogits(labels.ToMatrix<T>(), logits.ToMatrix<T>());
            var gradient = Loss.SoftmaxCrossEntropyWithLogitsGradient(labels.ToMatrix<T>(), logits.ToMatrix<T>());
            int c = labels.Columns;
            for (int i = 0; i < labels.Rows; i++)
            {
                var expected = LimitReference.SoftmaxCrossEntropy(labels.Row(i), logits.Row(i));
                ShouldAgree(loss[i], expected.Value, 2 * (c + 4) * Epsilon * expected.Scale, $"loss row {i}");

                var expectedGradient = LimitReference.SoftmaxCrossEntropyGradient(labels.Row(i), logits.Row(i));
                double[] conditioning = LimitReference.SoftmaxConditioning(logits.Row(i));
                double[] p = LimitReference.Softmax(logits.Row(i));
                double labelSize = labels.Row(i).ToArray().Sum(Math.Abs);
                for (int j = 0; j < c; j++)
                {
                    double tolerance = Epsilon * ((labelSize * p[j] * ((4 * (c + 4)) + conditioning[j] + c)) + (2 * expectedGradient[j].Scale));
                    ShouldAgree(gradient[i, j], expectedGradient[j].Value, tolerance, $"gradient [{i}, {j}]");
                }
            }
        }, 200, Generate.Print);
    }

    [Fact]
    public void SparseSoftmaxCrossEntropy_MatchesTheReference()
    {
        Checks.ForAll(Generate.ClassesAndLogits(Generate.Logit), input =>
        {
            var (classes, raw) = input;
            var logits = raw.RoundedTo<T>();
            var oneHot = Generate.OneHot(classes, logits.Columns);
            var loss = Loss.SparseSoftmaxCrossEntropyWithLogits<T>(classes, logits.ToMatrix<T>());
            int c = logits.Columns;
            for (int i = 0; i < logits.Rows; i++)
            {
                var expected = LimitReference.SoftmaxCrossEntropy(oneHot.Row(i), logits.Row(i));
                ShouldAgree(loss[i], expected.Value, 2 * (c + 4) * Epsilon * expected.Scale, $"loss row {i} (class {classes[i]})");
            }
        }, 200, Generate.Print);
    }
}

public sealed class SoftmaxCrossEntropyPropertiesFloat : SoftmaxCrossEntropyProperties<float>;

public sealed class SoftmaxCrossEntropyPropertiesDouble : SoftmaxCrossEntropyProperties<double>;
