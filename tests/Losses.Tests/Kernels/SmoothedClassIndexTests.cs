using System;
using System.Globalization;
using FluentAssertions;
using Losses.Internal;

namespace Losses.Tests.Kernels;

/// <summary>
/// With label smoothing ε the class-index kernel takes the labels <c>aⱼ = (1 - ε)·[j = k] + ε/C</c> without writing
/// them: <c>ℓ = (1 - ε)·(log S - sₖ) + (ε/C)·(C·log S - Σⱼ sⱼ)</c> in double, and the gradient <c>pⱼ - aⱼ</c> from the
/// class-index gradient. The specification: it agrees with the dense kernel given those labels written out (its
/// losses within a few roundings of T, its gradient within a few units of T's last place of 1), at every row count,
/// for narrow rows and wide ones, with and without the loss objects' gradient factors, at ±∞, NaN and logits of
/// opposite extremes; it has the chapter batch's 40-digit values; and a row of -MaxValue against MaxValue, whose
/// smoothed loss is finite, comes out finite.
/// </summary>
public abstract class SmoothedClassIndexTests<T>
    where T : struct, System.Numerics.IFloatingPointIeee754<T>, System.Numerics.IMinMaxValue<T>
{
    /// <summary>Relative tolerance of a loss: a few roundings of T (the dense kernel rounds its labels to T first).</summary>
    private static double LossTolerance => typeof(T) == typeof(float) ? Math.ScaleB(1, -21) : 1e-13;

    /// <summary>Absolute tolerance of a gradient entry (each at most 1 in magnitude): a few units of T's last place of 1.</summary>
    private static double GradientTolerance => typeof(T) == typeof(float) ? Math.ScaleB(1, -21) : Math.ScaleB(1, -49);

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(10)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(33)]
    [InlineData(100)]
    public void SmoothedClassIndexKernel_AgreesWithTheDenseKernelOnTheSmoothedLabels_AtEveryRowCount(int columns)
    {
        foreach (double smoothing in new[] { 0.1, 1.0 })
        {
            for (int rows = 1; rows <= 37; rows++)
            {
                AssertAgreesWithDense(rows, columns, smoothing, seed: (rows * 107) + columns, withFactors: rows % 2 == 0);
            }

            // Three blocks of rows, with and without factors: each block's gradient finished by its own division.
            int rowsPerBlock = RowSoftmax.RowsPerBlock<T>(columns);
            AssertAgreesWithDense((3 * rowsPerBlock) - 3, columns, smoothing, seed: rowsPerBlock + columns, withFactors: false);
            AssertAgreesWithDense((3 * rowsPerBlock) - 5, columns, smoothing, seed: rowsPerBlock - columns, withFactors: true);
        }
    }

    [Fact]
    public void SmoothedLosses_OfTheChapterBatch_HaveTheirExactValues()
    {
        // The chapter's logits [[2, 0.5, 6], [0.1, 0, 3]] and class indices [2, 1] (rel5) with ε = 0.1:
        // ℓᵢ = Σⱼ aᵢⱼ·(lseᵢ - xᵢⱼ), aᵢⱼ = 0.9·[j = kᵢ] + 0.1/3, in 40-digit decimal arithmetic (PyTorch's
        // cross_entropy(x, [2, 1], label_smoothing=0.1, reduction='none')); gradient pᵢⱼ - aᵢⱼ likewise.
        T[] logits = Of(2, 0.1, 0.5, 0, 6, 3);
        T[] losses = new T[2];
        T[] gradient = new T[6];

        RowSoftmax.SparseCrossEntropy<T>([2, 1], logits, 2, 3, losses, gradient, default, T.CreateTruncating(0.1));

        KernelComparison.Close(losses, [0.3388218288237986577685263387435006014773, 2.996340302212962912851796868070647633231], LossTolerance, "smoothed rel5");
        KernelComparison.Close(
            gradient,
            [
                -0.01541901828112933099017916, 0.01646998641569231675191827,
                -0.02933610934678562721920944, -0.8882694260820056499740852,
                0.04475512762791495820938859, 0.8717994396663133332221669,
            ],
            GradientTolerance,
            "smoothed gradient");
    }

    [Fact]
    public void SmoothedLoss_OfLogitsAtOppositeExtremes_IsFinite()
    {
        // x = [MaxValue, -MaxValue, 0], class 0, ε = 0.3: S = 1 (the other exponentials underflow to 0), so
        // ℓ = 0.7·0 + (0.3/3)·(0 + 2·MaxValue + MaxValue) = 0.3·MaxValue, finite, though x - m overflows T at -MaxValue.
        T epsilon = T.CreateTruncating(0.3);
        T[] logits = [T.MaxValue, -T.MaxValue, T.Zero];
        T[] losses = new T[1];
        T[] gradient = new T[3];

        RowSoftmax.SparseCrossEntropy<T>([0], logits, 1, 3, losses, gradient, default, epsilon);

        double expected = double.CreateTruncating(epsilon) * double.CreateTruncating(T.MaxValue);
        double.CreateTruncating(losses[0]).Should().BeApproximately(expected, LossTolerance * expected, "ε·MaxValue");

        // p = [1, 0, 0] less a = [0.7 + 0.1, 0.1, 0.1].
        KernelComparison.Close(gradient, [0.2, -0.1, -0.1], GradientTolerance, "gradient at opposite extremes");
    }

    private static void AssertAgreesWithDense(int rows, int columns, double smoothing, int seed, bool withFactors)
    {
        var random = new Random(seed);
        T[] specials = [T.PositiveInfinity, T.NegativeInfinity, T.NaN, T.MaxValue, -T.MaxValue, T.CreateTruncating(1e30)];
        T[] logits = new T[rows * columns];
        for (int i = 0; i < logits.Length; i++)
        {
            logits[i] = T.CreateTruncating((random.NextDouble() * 16) - 8);
        }

        int[] classes = new int[rows];
        T[] factors = withFactors ? new T[rows] : [];
        for (int i = 0; i < rows; i++)
        {
            classes[i] = random.Next(columns);
            if (withFactors)
            {
                factors[i] = random.Next(5) == 0 ? T.Zero : T.CreateTruncating(random.NextDouble());
            }

            switch (random.Next(8))
            {
                case 0:
                    logits[(classes[i] * rows) + i] = specials[random.Next(specials.Length)];
                    break;
                case 1:
                    logits[(random.Next(columns) * rows) + i] = specials[random.Next(specials.Length)];
                    break;
            }
        }

        T epsilon = T.CreateTruncating(smoothing);
        T[] effective = new T[rows * columns];
        EffectiveLabels.FromClassIndices(classes, ignoring: false, ignoreIndex: 0, columns, epsilon, ReadOnlySpan<T>.Empty, effective);
        T[] denseLosses = new T[rows];
        T[] denseGradient = new T[rows * columns];
        RowSoftmax.CrossEntropy<T>(effective, logits, rows, columns, denseLosses, denseGradient, factors);

        T[] losses = new T[rows];
        T[] gradient = new T[rows * columns];
        RowSoftmax.SparseCrossEntropy<T>(classes, logits, rows, columns, losses, gradient, factors, epsilon);

        string at = string.Create(CultureInfo.InvariantCulture, $"at {rows}x{columns}, ε = {smoothing}, factors: {withFactors}");
        for (int i = 0; i < rows; i++)
        {
            double value = double.CreateTruncating(losses[i]);
            double reference = double.CreateTruncating(denseLosses[i]);
            bool close = double.IsFinite(reference)
                ? Math.Abs(value - reference) <= LossTolerance * Math.Abs(reference)
                : value.Equals(reference);
            close.Should().BeTrue($"row {i}'s loss is {value:R} and the dense kernel's {reference:R} {at}");
        }

        KernelComparison.Close(gradient, Array.ConvertAll(denseGradient, double.CreateTruncating), GradientTolerance, $"gradient {at}");

        // Each call alone (losses, then the gradient) gives the same bits as both together.
        T[] lossesAlone = new T[rows];
        T[] gradientAlone = new T[rows * columns];
        RowSoftmax.SparseCrossEntropy<T>(classes, logits, rows, columns, lossesAlone, Span<T>.Empty, factors, epsilon);
        RowSoftmax.SparseCrossEntropy<T>(classes, logits, rows, columns, Span<T>.Empty, gradientAlone, factors, epsilon);
        KernelComparison.BitIdentical(lossesAlone, losses, $"losses alone {at}");
        KernelComparison.BitIdentical(gradientAlone, gradient, $"gradient alone {at}");
    }

    /// <summary>A column-major array of T from doubles.</summary>
    private static T[] Of(params double[] values) => Array.ConvertAll(values, T.CreateTruncating);
}

public sealed class SmoothedClassIndexTestsFloat : SmoothedClassIndexTests<float>;

public sealed class SmoothedClassIndexTestsDouble : SmoothedClassIndexTests<double>;
