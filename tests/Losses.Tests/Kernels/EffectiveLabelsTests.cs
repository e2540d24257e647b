using System;
using System.Numerics;
using FluentAssertions;
using Losses.Internal;

namespace Losses.Tests.Kernels;

/// <summary>
/// The softmax loss objects turn labels, label smoothing ε and class weights w into effective labels
/// <c>a = w·((1 - ε)·y + ε/C)</c> before the fused kernel: from dense labels y (EffectiveLabels.FromLabels), and from
/// class indices k with y = [j = k] and a row of zeros for an ignored index (EffectiveLabels.FromClassIndices). Each
/// element must be that expression evaluated in T in exactly that order (a multiplication, an addition, a
/// multiplication, each rounded), whatever path computes it: the reference below is the scalar expression, element by
/// element, and the results are compared bit for bit.
/// </summary>
public sealed class EffectiveLabelsTests
{
    /// <summary>Shapes around the vector widths: one element, a scalar tail only, whole vectors and a tail, many columns.</summary>
    public static TheoryData<int, int, double, bool> Cases => new()
    {
        { 1, 1, 0.1, false },
        { 7, 3, 0.1, true },
        { 8, 2, 0.37, false },
        { 33, 5, 0.1, true },
        { 256, 10, 0.0, true },
        { 1_001, 7, 0.25, true },
        { 64, 1_000, 0.1, false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void FloatEffectiveLabels_AreClassWeightTimesKeptLabelPlusSpread_BitForBit(int rows, int columns, double smoothing, bool weighted)
        => AssertEffectiveLabels<float>(rows, columns, (float)smoothing, weighted);

    [Theory]
    [MemberData(nameof(Cases))]
    public void DoubleEffectiveLabels_AreClassWeightTimesKeptLabelPlusSpread_BitForBit(int rows, int columns, double smoothing, bool weighted)
        => AssertEffectiveLabels(rows, columns, smoothing, weighted);

    [Fact]
    public void EffectiveLabels_KeepNaNAndInfiniteLabelsAsTheExpressionGivesThem()
    {
        // The screening of labels happens elsewhere (Strict); here a NaN label stays NaN and an infinite one infinite,
        // as the scalar expression leaves them, in a vector lane as in the scalar tail.
        float[] labels = new float[18];
        labels[0] = float.NaN;
        labels[3] = float.PositiveInfinity;
        labels[16] = float.NaN;
        labels[17] = float.NegativeInfinity;
        float[] effective = new float[labels.Length];

        EffectiveLabels.FromLabels<float>(labels, 9, 2, 0.1f, default, effective);

        float.IsNaN(effective[0]).Should().BeTrue();
        effective[3].Should().Be(float.PositiveInfinity);
        float.IsNaN(effective[16]).Should().BeTrue();
        effective[17].Should().Be(float.NegativeInfinity);
        effective[1].Should().Be(0.1f / 2, "a zero label gets the spread ε/C");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void FloatEffectiveLabelsOfClassIndices_AreTheExpressionOfTheOneHotRow_ZerosWhereIgnored_BitForBit(
        int rows, int columns, double smoothing, bool weighted)
        => AssertEffectiveLabelsOfClassIndices<float>(rows, columns, (float)smoothing, weighted);

    [Theory]
    [MemberData(nameof(Cases))]
    public void DoubleEffectiveLabelsOfClassIndices_AreTheExpressionOfTheOneHotRow_ZerosWhereIgnored_BitForBit(
        int rows, int columns, double smoothing, bool weighted)
        => AssertEffectiveLabelsOfClassIndices(rows, columns, smoothing, weighted);

    private static void AssertEffectiveLabelsOfClassIndices<T>(int rows, int columns, T smoothing, bool weighted)
        where T : struct, IFloatingPointIeee754<T>
    {
        var random = new Random((rows * 17) + columns);
        int ignoreIndex = columns > 1 ? 1 : -100;
        int[] labels = new int[rows];
        for (int i = 0; i < rows; i++)
        {
            // Every class, and the ignored one in about one row of five (when there are two classes or more).
            labels[i] = i % 5 == 3 && columns > 1 ? ignoreIndex : random.Next(columns);
        }

        T[] classWeights = weighted ? new T[columns] : [];
        for (int j = 0; j < classWeights.Length; j++)
        {
            classWeights[j] = T.CreateTruncating(0.25 + (3 * random.NextDouble()));
        }

        foreach (bool ignoring in new[] { false, true })
        {
            var effective = new T[rows * columns];

            EffectiveLabels.FromClassIndices<T>(labels, ignoring, ignoreIndex, columns, smoothing, classWeights, effective);

            T keep = T.One - smoothing;
            T spread = smoothing / T.CreateTruncating(columns);
            for (int j = 0; j < columns; j++)
            {
                T weight = weighted ? classWeights[j] : T.One;
                for (int i = 0; i < rows; i++)
                {
                    T expected = ignoring && labels[i] == ignoreIndex
                        ? T.Zero
                        : weight * ((keep * (labels[i] == j ? T.One : T.Zero)) + spread);
                    T actual = effective[(j * rows) + i];
                    actual.Should().Be(expected, $"element ({i}, {j}) with class index {labels[i]}, ignoring {ignoring}");
                    T.IsNegative(actual).Should().Be(T.IsNegative(expected), "the sign of a zero is kept too");
                }
            }
        }
    }

    private static void AssertEffectiveLabels<T>(int rows, int columns, T smoothing, bool weighted)
        where T : struct, IFloatingPointIeee754<T>
    {
        var random = new Random((rows * 31) + columns);
        var labels = new T[rows * columns];
        for (int i = 0; i < labels.Length; i++)
        {
            // Soft labels in [0, 1), exact zeros and ones among them.
            labels[i] = (i % 5) switch
            {
                0 => T.Zero,
                1 => T.One,
                _ => T.CreateTruncating(random.NextDouble()),
            };
        }

        T[] classWeights = weighted ? new T[columns] : [];
        for (int j = 0; j < classWeights.Length; j++)
        {
            classWeights[j] = T.CreateTruncating(0.25 + (3 * random.NextDouble()));
        }

        var effective = new T[labels.Length];

        EffectiveLabels.FromLabels<T>(labels, rows, columns, smoothing, classWeights, effective);

        T keep = T.One - smoothing;
        T spread = smoothing / T.CreateTruncating(columns);
        for (int j = 0; j < columns; j++)
        {
            T weight = weighted ? classWeights[j] : T.One;
            for (int i = 0; i < rows; i++)
            {
                int index = (j * rows) + i;
                T expected = weight * ((keep * labels[index]) + spread);
                effective[index].Should().Be(expected, $"element ({i}, {j}) with label {labels[index]} and weight {weight}");
            }
        }
    }
}
