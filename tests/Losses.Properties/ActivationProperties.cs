using System;
using CsCheck;
using Losses.Properties.Infrastructure;
using MathNet.Numerics.LinearAlgebra;
using static Losses.Properties.Infrastructure.NumericAssertions;

namespace Losses.Properties;

/// <summary>
/// Softmax, log-softmax and sigmoid over random shapes and values. Tolerances, with ε = 2⁻²³ (float)
/// or 2⁻⁵² (double) and C the row length: a row's probabilities sum to 1 within (C + 4)·ε (one
/// rounding per exp and per division, and the row sum S accumulated in C roundings); entries agree
/// with the double reference within 4·(C + 4)·ε relative.
/// </summary>
public abstract class ActivationProperties<T>
    where T : struct, System.Numerics.IFloatingPointIeee754<T>
{
    private static readonly double Epsilon = Values.Epsilon<T>();

    [Fact]
    public void Softmax_RowsSumToOne()
    {
        Checks.ForAll(Generate.Batches(Generate.Logit), logits =>
        {
            var p = Activation.Softmax(logits.ToMatrix<T>());
            for (int i = 0; i < p.RowCount; i++)
            {
                double sum = 0;
                for (int j = 0; j < p.ColumnCount; j++)
                {
                    double value = double.CreateTruncating(p[i, j]);
                    (value >= 0 && value <= 1).Should().BeTrue($"softmax[{i}, {j}] = {value} is a probability");
                    sum += value;
                }

                ShouldAgree<double>(sum, 1, (p.ColumnCount + 4) * Epsilon, $"sum of softmax row {i}");
            }
        }, 200);
    }

    [Fact]
    public void Softmax_IsUnchangedByAddingAConstantToARow()
    {
        // On the k/64 grid, x + c is exact, so every xⱼ - max is the same number: the results must be identical.
        var gen = Generate.Batches(Generate.GridLogit).SelectMany(b => Generate.ShiftConstant.Array[b.Rows].Select(c => (b, c)));
        Checks.ForAll(gen, input =>
        {
            var (logits, shifts) = input;
            var shifted = ShiftRows(logits, shifts);
            ShouldBeIdentical<T>(Values.RowMajor(Activation.Softmax(shifted.ToMatrix<T>())), Values.RowMajor(Activation.Softmax(logits.ToMatrix<T>())), "softmax of the shifted rows");
            ShouldBeIdentical<T>(Values.RowMajor(Activation.LogSoftmax(shifted.ToMatrix<T>())), Values.RowMajor(Activation.LogSoftmax(logits.ToMatrix<T>())), "log softmax of the shifted rows");
        }, 150, input => $"{input.b} + [{string.Join(", ", input.c)}]");
    }

    [Fact]
    public void Softmax_IsUnchangedByAddingAnyConstantToARow_WithinRounding()
    {
        // Rounding x + c moves each difference xⱼ - max by at most 2ε·(|x| + |c|), and pⱼ by that much relatively.
        var gen = Generate.Batches(Generate.Logit).SelectMany(b => Gen.Double[-1e3, 1e3].Array[b.Rows].Select(c => (b, c)));
        Checks.ForAll(gen, input =>
        {
            var (logits, shifts) = input;
            var shifted = ShiftRows(logits, shifts).RoundedTo<T>();
            var p = Values.RowMajor(Activation.Softmax(logits.ToMatrix<T>()));
            var q = Values.RowMajor(Activation.Softmax(shifted.ToMatrix<T>()));
            for (int i = 0; i < logits.Rows; i++)
            {
                double largest = 0;
                for (int j = 0; j < logits.Columns; j++)
                {
                    largest = Math.Max(largest, Math.Abs(logits[i, j]) + Math.Abs(shifts[i]));
                }

                for (int j = 0; j < logits.Columns; j++)
                {
                    int k = (i * logits.Columns) + j;
                    double tolerance = p[k] * ((8 * largest * Epsilon) + (4 * (logits.Columns + 4) * Epsilon));
                    ShouldAgree<T>(T.CreateTruncating(q[k]), p[k], tolerance, $"softmax[{i}, {j}] after adding {shifts[i]}");
                }
            }
        }, 150, input => $"{input.b} + [{string.Join(", ", input.c)}]");
    }

    [Fact]
    public void SoftmaxAndLogSoftmax_MatchTheReference()
    {
        Checks.ForAll(Generate.Batches(Generate.Logit), logits =>
        {
            var seen = logits.RoundedTo<T>();
            var p = Activation.Softmax(logits.ToMatrix<T>());
            var logP = Activation.LogSoftmax(logits.ToMatrix<T>());
            for (int i = 0; i < seen.Rows; i++)
            {
                double[] expected = LimitReference.Softmax(seen.Row(i));
                double[] expectedLog = LimitReference.LogSoftmax(seen.Row(i));
                double relative = 4 * (seen.Columns + 4) * Epsilon;

                double[] conditioning = LimitReference.SoftmaxConditioning(seen.Row(i));
                for (int j = 0; j < seen.Columns; j++)
                {
                    ShouldAgree(p[i, j], expected[j], (relative + (Epsilon * conditioning[j])) * expected[j], $"softmax[{i}, {j}]");
                    ShouldAgree(logP[i, j], expectedLog[j], relative * (1 + Math.Abs(expectedLog[j])), $"log softmax[{i}, {j}]");
                }
            }
        }, 200);
    }

    [Fact]
    public void Sigmoid_MatchesTheReference()
    {
        Checks.ForAll(Generate.Batches(Gen.Frequency((3, Generate.Logit), (1, Gen.Double[-800, 800]))), x =>
        {
            var seen = x.RoundedTo<T>();
            var s = Activation.Sigmoid(x.ToMatrix<T>());
            for (int k = 0; k < seen.Values.Length; k++)
            {
                double expected = LimitReference.Sigmoid(seen.Values[k]);
                ShouldAgree(s[k / seen.Columns, k % seen.Columns], expected, (4 * Epsilon * expected) + double.CreateTruncating(T.Epsilon), $"sigmoid({seen.Values[k]})");
            }
        }, 200);
    }

    [Fact]
    public void VectorOverloads_EqualOneRowMatrices()
    {
        Checks.ForAll(Generate.Batches(Generate.Logit), logits =>
        {
            var matrix = logits.ToMatrix<T>();
            for (int i = 0; i < Math.Min(matrix.RowCount, 4); i++)
            {
                var row = matrix.Row(i);
                var single = matrix.SubMatrix(i, 1, 0, matrix.ColumnCount);
                ShouldBeIdentical<T>(Values.Of(Activation.Softmax(row)), Values.RowMajor(Activation.Softmax(single)), "softmax of one row");
                ShouldBeIdentical<T>(Values.Of(Activation.LogSoftmax(row)), Values.RowMajor(Activation.LogSoftmax(single)), "log softmax of one row");
                ShouldBeIdentical<T>(Values.Of(Activation.Sigmoid(row)), Values.RowMajor(Activation.Sigmoid(single)), "sigmoid of one row");
            }
        }, 100);
    }

    internal static Batch ShiftRows(Batch batch, double[] shifts)
    {
        var values = (double[])batch.Values.Clone();
        for (int k = 0; k < values.Length; k++)
        {
            values[k] += shifts[k / batch.Columns];
        }

        return batch with { Values = values };
    }
}

public sealed class ActivationPropertiesFloat : ActivationProperties<float>;

public sealed class ActivationPropertiesDouble : ActivationProperties<double>;
