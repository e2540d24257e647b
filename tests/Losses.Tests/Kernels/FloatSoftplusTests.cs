using System;
using System.Numerics;
using System.Runtime.Intrinsics;
using FluentAssertions;
using Losses.Internal;
using Losses.Tests.Infrastructure;
using FloatMatrix = MathNet.Numerics.LinearAlgebra.Matrix<float>;

namespace Losses.Tests.Kernels;

/// <summary>
/// ln(1 + e) for the float logistic kernels (<see cref="VectorLogarithm.LogOnePlusForFloat(Vector{double})"/>), where
/// e = e^-|x| ∈ [0, 1] is the exponential in double, before any rounding to float: within 1e-13 relative of ln(1 + e),
/// e itself where e² vanishes, NaN for NaN, the same bits in 256- and 512-bit vectors; and through the kernel, sigmoid and weighted
/// cross-entropy in float the float nearest the exact loss but in rare elements.
/// </summary>
public sealed class FloatSoftplusTests
{
    /// <summary>ln(1 + e) to about 2e-16 relative: ln w + (e - (w - 1))/w with w = 1 + e rounded, the second term exact but for its rounding.</summary>
    private static double ExactLogOnePlus(double e)
    {
        double w = 1 + e;
        return w == 1 ? e - (e * e / 2) : Math.Log(w) + ((e - (w - 1)) / w);
    }

    /// <summary>An argument: e^-|x| of a float x up to 30, of a tiny x, a uniform double in [0, 1], or a power of two times a uniform in [1, 2).</summary>
    private static double NextArgument(Random random, int kind)
        => kind switch
        {
            0 => Math.Exp(-Math.Abs((float)(random.NextDouble() * 30))),
            1 => Math.Exp(-(float)Math.ScaleB(random.NextDouble(), -random.Next(1, 40))),
            2 => random.NextDouble(),
            _ => Math.ScaleB(1 + random.NextDouble(), -random.Next(1, 1070)),
        };

    [Fact]
    public void OverExponentialsInDouble_IsWithinOneTenTrillionthOfLnOfOnePlus()
    {
        if (!TableExponential.IsSupported)
        {
            return;
        }

        var random = new Random(20261127);
        LaneFunctionAssertions.WithinRelativeOfReference(
            "ln(1 + e) at e", 150_000, trial => NextArgument(random, trial % 4), VectorLogarithm.LogOnePlusForFloat, ExactLogOnePlus, 1e-13);
    }

    [Fact]
    public void AtTheEnds_GivesTheLimits_AndKeepsItsPrecisionWhereThePolynomialIsWeakest()
    {
        if (!TableExponential.IsSupported)
        {
            return;
        }

        // e = 0, a subnormal and any e whose square vanishes are their own ln(1 + e) (e - e²/2 rounds to e); NaN stays NaN.
        LogOnePlus(0.0).Should().Be(0.0);
        LogOnePlus(double.Epsilon).Should().Be(double.Epsilon);
        LogOnePlus(1e-300).Should().Be(1e-300);
        double.IsNaN(LogOnePlus(double.NaN)).Should().BeTrue();

        // The interpolation error is largest near the interval's ends and weighs most at e = 1 (e²·K over ln 2); e²
        // leaves the subnormals around 1e-154.
        double[] arguments = [1.0, Math.BitDecrement(1.0), 0.999, 0.98, 0.5, 0.02, 1e-3, 1e-8, 1.5e-154, 1e-154, 1e-100, 2.220446049250313e-16];
        foreach (double e in arguments)
        {
            double exact = ExactLogOnePlus(e);
            Math.Abs(LogOnePlus(e) - exact).Should().BeLessThanOrEqualTo(1e-13 * exact, $"ln(1 + {e:R}) = {exact:R}");
        }
    }

    [Fact]
    public void InFiveHundredTwelveBitVectors_GivesTheSameBitsAsInTwoFiftySixBitOnes()
    {
        if (!TableExponential.IsSupported512)
        {
            return;
        }

        var random = new Random(20261128);
        double[] edges = [0.0, 1.0, double.NaN, double.Epsilon, 1e-154, 0.5, Math.BitDecrement(1.0)];
        LaneFunctionAssertions.SameBitsInBothWidths(
            "ln(1 + e)",
            50_000,
            trial => trial % 4 == 3 ? edges[random.Next(edges.Length)] : NextArgument(random, trial % 4),
            VectorLogarithm.LogOnePlusForFloat,
            VectorLogarithm.LogOnePlusForFloat);
    }

    [Theory]
    [InlineData(1.0, 6.0)]
    [InlineData(1.0, 30.0)]
    [InlineData(2.5, 6.0)]
    [InlineData(0.3, 20.0)]
    public void SigmoidCrossEntropyInFloat_IsTheFloatNearestTheExactLoss_ButInRareElements(double positiveWeight, double logitRange)
    {
        // Expected: ℓ = (1 - z)·x + c·ln(1 + e^-|x|) for x ≥ 0 and -q·z·x + c·ln(1 + e^-|x|) below, c = 1 + (q - 1)·z,
        // evaluated in double from the float inputs (q too) and rounded once. Labels 0, 1 and uniform in [0, 1].
        const int Rows = 1000;
        const int Columns = 1001;
        var random = new Random(20261129);
        FloatMatrix logits = FloatMatrix.Build.Dense(Rows, Columns, (_, _) => (float)((random.NextDouble() * 2 - 1) * logitRange));
        FloatMatrix labels = FloatMatrix.Build.Dense(Rows, Columns, (_, j) => j % 3 == 2 ? (float)random.NextDouble() : random.Next(2));
        FloatMatrix losses = FloatMatrix.Build.Dense(Rows, Columns);
        if (positiveWeight == 1.0)
        {
            Loss.SigmoidCrossEntropyWithLogits(labels, logits, losses);
        }
        else
        {
            Loss.WeightedCrossEntropyWithLogits(labels, logits, (float)positiveWeight, losses);
        }

        double q = (float)positiveWeight;

        // Where the vector kernels do not run, the loss is composed in float: within a few units, not nearest.
        bool nearest = TableExponential.IsSupported;
        int misrounded = 0;
        for (int j = 0; j < Columns; j++)
        {
            for (int i = 0; i < Rows; i++)
            {
                double x = logits[i, j];
                double z = labels[i, j];
                double c = 1 + ((q - 1) * z);
                double linear = x >= 0 ? (1 - z) * x : -q * z * x;
                float expected = (float)(linear + (c * ExactLogOnePlus(Math.Exp(-Math.Abs(x)))));
                float actual = losses[i, j];
                if (actual != expected)
                {
                    misrounded++;
                    Math.Abs(BitConverter.SingleToInt32Bits(actual) - BitConverter.SingleToInt32Bits(expected)).Should().BeLessThanOrEqualTo(
                        nearest ? 1 : 4, $"x = {x:R}, z = {z:R}: the loss rounds to {expected:R}, the kernel gave {actual:R}");
                }
            }
        }

        if (nearest)
        {
            misrounded.Should().BeLessThanOrEqualTo(20, "the double evaluation misses the nearest float only where ℓ is within about 1e-13 of a midpoint");
        }
    }

    [Theory]
    [InlineData(1f, 1)]
    [InlineData(1f, 4099)]
    [InlineData(2.5f, 8)]
    [InlineData(0.3f, 10_003)]
    public void WithTheLosses_TheGradientHasTheBitsOfTheGradientAlone_AndTheLossesTheBitsOfTheLossesAlone(float positiveWeight, int length)
    {
        // The losses and gradient from one pass (the loss objects' call) against each from a call of its own.
        var random = new Random(20261130 + length);
        float[] logits = new float[length];
        float[] labels = new float[length];
        for (int i = 0; i < length; i++)
        {
            logits[i] = (float)((random.NextDouble() * 2 - 1) * 20);
            labels[i] = i % 3 == 2 ? (float)random.NextDouble() : random.Next(2);
        }

        float[] losses = new float[length];
        float[] gradient = new float[length];
        float[] lossesAlone = new float[length];
        float[] gradientAlone = new float[length];
        Elementwise.LogisticCrossEntropy<float>(labels, logits, positiveWeight, losses, gradient);
        Elementwise.LogisticCrossEntropy<float>(labels, logits, positiveWeight, lossesAlone, Span<float>.Empty);
        Elementwise.LogisticCrossEntropy<float>(labels, logits, positiveWeight, Span<float>.Empty, gradientAlone);
        for (int i = 0; i < length; i++)
        {
            BitConverter.SingleToInt32Bits(gradient[i]).Should().Be(BitConverter.SingleToInt32Bits(gradientAlone[i]), $"the gradient at {i} of {length}");
            BitConverter.SingleToInt32Bits(losses[i]).Should().Be(BitConverter.SingleToInt32Bits(lossesAlone[i]), $"the loss at {i} of {length}");
        }
    }

    [Theory]
    [InlineData(1f)]
    [InlineData(2.5f)]
    [InlineData(0f)]
    [InlineData(float.PositiveInfinity)]
    public void SigmoidCrossEntropyInFloat_GivesTheBitsOfItsCompositionInDouble_InEveryPosition(float positiveWeight)
    {
        // Expected, element by element in double from the float inputs: e = e^-|x| (|x| clamped to 700) and ln(1 + e) by
        // the library's own lane functions, then ℓ = (1 - z)·x for x ≥ 0 or -(q·z)·x below, plus c·ln(1 + e) with
        // c = 1 + (q - 1)·z, each product 0 where its first factor is 0 (a zero label ignores q, even an infinite one),
        // rounded to float once. Where the float loss is evaluated in double (VectorMath.WidensSoftplus).
        var random = new Random(20261129);
        foreach (int length in EveryTail)
        {
            (float[] logits, float[] labels) = SpecialInputs(random, length);
            float[] losses = new float[length];
            Elementwise.LogisticCrossEntropy<float>(labels, logits, positiveWeight, losses, Span<float>.Empty);
            for (int i = 0; i < length; i++)
            {
                string because = $"x = {logits[i]:R}, z = {labels[i]:R}, q = {positiveWeight:R} at {i} of {length}";
                if (VectorMath.WidensSoftplus)
                {
                    ShouldHaveTheBits(losses[i], Composition(labels[i], logits[i], positiveWeight), because);
                }
                else
                {
                    // Without the table exponential the loss is composed in float: within a few units of the exact one.
                    ShouldBeWithinUnits(losses[i], ExactLoss(labels[i], logits[i], positiveWeight), 4, because);
                }
            }
        }
    }

    [Theory]
    [InlineData(1f)]
    [InlineData(2.5f)]
    [InlineData(0f)]
    [InlineData(float.PositiveInfinity)]
    public void SigmoidCrossEntropyGradientInFloat_GivesTheBitsOfItsComposition_InEveryPosition(float positiveWeight)
    {
        // Expected, element by element in float: e = e^-|x| evaluated in double by the library's exponential and rounded
        // once, then ((1 - z)·a - (q·z)·b)/(1 + e) with (a, b) = (1, e) for x ≥ 0 and (e, 1) below, q·z 0 for a zero
        // label. The gradient alone, and with the losses.
        var random = new Random(20261128);
        foreach (int length in EveryTail)
        {
            (float[] logits, float[] labels) = SpecialInputs(random, length);
            float[] gradientAlone = new float[length];
            float[] gradient = new float[length];
            Elementwise.LogisticCrossEntropy<float>(labels, logits, positiveWeight, Span<float>.Empty, gradientAlone);
            Elementwise.LogisticCrossEntropy<float>(labels, logits, positiveWeight, new float[length], gradient);
            for (int i = 0; i < length; i++)
            {
                float z = labels[i];
                float x = logits[i];
                float e = ExpOfMinusAbsRoundedOnce(x);
                float a = x >= 0 ? 1f : e;
                float b = x >= 0 ? e : 1f;
                float qz = z == 0 ? 0f : z * positiveWeight;
                float expected = (((1 - z) * a) - (qz * b)) / (1 + e);
                string because = $"x = {x:R}, z = {z:R}, q = {positiveWeight:R} at {i} of {length}";
                ShouldHaveTheBits(gradientAlone[i], expected, because);
                ShouldHaveTheBits(gradient[i], expected, because);
            }
        }
    }

    [Fact]
    public void SigmoidInFloat_GivesTheBitsOfItsComposition_InEveryPosition()
    {
        // Expected, element by element: e = e^-|x| evaluated in double by the library's exponential and rounded once,
        // then 1/(1 + e) for x ≥ 0 and e/(1 + e) below, in float. Into another span and in place.
        var random = new Random(20261127);
        foreach (int length in EveryTail)
        {
            float[] logits = SpecialInputs(random, length).Logits;
            float[] sigmoid = new float[length];
            Elementwise.Sigmoid<float>(logits, sigmoid);
            float[] inPlace = (float[])logits.Clone();
            Elementwise.Sigmoid<float>(inPlace, inPlace);
            for (int i = 0; i < length; i++)
            {
                float x = logits[i];
                float e = ExpOfMinusAbsRoundedOnce(x);
                float expected = (x >= 0 ? 1f : e) / (1 + e);
                ShouldHaveTheBits(sigmoid[i], expected, $"x = {x:R} at {i} of {length}");
                ShouldHaveTheBits(inPlace[i], expected, $"x = {x:R} at {i} of {length}, in place");
            }
        }
    }

    [Theory]
    [InlineData(2.5f)]
    [InlineData(1f)]
    [InlineData(0.3f)]
    public void WithLabelsOutsideZeroToOne_TheLossKeepsItsDigitsWhereItsPartsCancel(float positiveWeight)
    {
        // Expected: ℓ in double from the float inputs, rounded once (ExactLoss). With z = 2 or z = -1 the linear part
        // and c·ln(1 + e) take opposite signs and nearly cancel near these logits (z = 2, q = 2.5, x = 1.0959908: -1.096
        // plus 1.142); composed in float their roundings would be magnified some 25 times. Within one unit on every path,
        // the float composition (no AVX2, or net8.0) included, at every position of the span.
        float[] cases = [1.0959908f, 1.1f, 0.9f, -0.45f, -1.3f, 2.2f, 0.35f, -2.7f];
        float[] labelValues = [2f, -1f, 1.5f, -0.5f];
        foreach (float label in labelValues)
        {
            foreach (int length in EveryTail)
            {
                float[] logits = new float[length];
                float[] labels = new float[length];
                for (int i = 0; i < length; i++)
                {
                    logits[i] = cases[i % cases.Length] * (1 + (i / cases.Length % 5 * 0.01f));
                    labels[i] = i % 3 == 1 ? 0.5f : label;
                }

                float[] losses = new float[length];
                Elementwise.LogisticCrossEntropy<float>(labels, logits, positiveWeight, losses, Span<float>.Empty);
                for (int i = 0; i < length; i++)
                {
                    ShouldBeWithinUnits(
                        losses[i], ExactLoss(labels[i], logits[i], positiveWeight), 1, $"x = {logits[i]:R}, z = {labels[i]:R}, q = {positiveWeight:R} at {i} of {length}");
                }
            }
        }
    }

    /// <summary>Lengths that leave every tail after whole vectors of 8 or 16 floats, and after whole chunks.</summary>
    private static readonly int[] EveryTail = [1, 7, 8, 9, 15, 16, 17, 31, 1023, 1024, 1025, 3000];

    /// <summary>
    /// Logits uniform in [-20, 20] and labels uniform in [0, 1], a third of each replaced by a special value: ±0, ±∞,
    /// NaN, ±1e30, the ends of float's exponential and a subnormal logit; ±0, 1, 0.5, 2, -1, ±∞ and NaN as labels
    /// (an infinite or NaN label makes c = 1 + (q - 1)·z NaN even for q = 1, and so the loss).
    /// </summary>
    private static (float[] Logits, float[] Labels) SpecialInputs(Random random, int length)
    {
        float[] specialLogits = [0f, -0f, float.PositiveInfinity, float.NegativeInfinity, float.NaN, 1e30f, -1e30f, 88.7f, -103f, 1e-40f];
        float[] specialLabels = [0f, -0f, 1f, 0.5f, 2f, -1f, float.PositiveInfinity, float.NegativeInfinity, float.NaN];
        float[] logits = new float[length];
        float[] labels = new float[length];
        for (int i = 0; i < length; i++)
        {
            logits[i] = random.Next(3) == 0 ? specialLogits[random.Next(specialLogits.Length)] : (float)((random.NextDouble() * 40) - 20);
            labels[i] = random.Next(3) == 0 ? specialLabels[random.Next(specialLabels.Length)] : (float)random.NextDouble();
        }

        return (logits, labels);
    }

    /// <summary>e^-|x| by the library's float exponential (<see cref="VectorMath.Exp{T}(ReadOnlySpan{T}, Span{T})"/>, in double and rounded once).</summary>
    private static float ExpOfMinusAbsRoundedOnce(float x)
    {
        float[] e = new float[1];
        VectorMath.Exp<float>([-Math.Abs(x)], e);
        return e[0];
    }

    /// <summary>ℓ as <see cref="Composition"/> takes it, with <see cref="Math.Exp"/> and an exact ln(1 + e), rounded once.</summary>
    private static float ExactLoss(float label, float logit, float positiveWeight)
    {
        double z = label;
        double x = logit;
        double q = positiveWeight;
        double qz = TimesOrZero(z, q);
        double c = 1 + TimesOrZero(z, q - 1);
        double linear = x >= 0 ? TimesOrZero(1 - z, x) : TimesOrZero(qz, -x);
        return (float)(linear + TimesOrZero(c, ExactLogOnePlus(Math.Exp(-Math.Abs(x)))));
    }

    /// <summary>Within <paramref name="units"/> floats of <paramref name="expected"/>, the same infinity, or NaN for NaN.</summary>
    private static void ShouldBeWithinUnits(float actual, float expected, int units, string because)
    {
        if (float.IsNaN(expected) || float.IsInfinity(expected))
        {
            ShouldHaveTheBits(actual, expected, because);
            return;
        }

        Math.Abs(BitConverter.SingleToInt32Bits(actual) - BitConverter.SingleToInt32Bits(expected)).Should().BeLessThanOrEqualTo(units, because);
    }

    /// <summary>The same bits, or NaN for NaN (its sign and payload are not specified).</summary>
    private static void ShouldHaveTheBits(float actual, float expected, string because)
    {
        if (float.IsNaN(expected))
        {
            float.IsNaN(actual).Should().BeTrue(because);
            return;
        }

        BitConverter.SingleToInt32Bits(actual).Should().Be(BitConverter.SingleToInt32Bits(expected), because);
    }

    private static float Composition(float label, float logit, float positiveWeight)
    {
        double z = label;
        double x = logit;
        double q = positiveWeight;
        double argument = Math.Max(-700.0, -Math.Abs(x));
        double e = double.IsNaN(x) ? double.NaN : FloatExponential(argument);
        double softplus = LogOnePlus(e);
        double qz = TimesOrZero(z, q);
        double c = 1 + TimesOrZero(z, q - 1);
        double linear = x >= 0 ? TimesOrZero(1 - z, x) : TimesOrZero(qz, -x);
        return (float)(linear + TimesOrZero(c, softplus));
    }

    private static double TimesOrZero(double a, double b) => a == 0 ? 0 : a * b;

    private static double LogOnePlus(double e) => VectorLogarithm.LogOnePlusForFloat(new Vector<double>(e))[0];

    /// <summary>
    /// The float exponential this machine's kernels take: the 512-bit one where 512-bit vectors run, else the 256-bit
    /// one (the two agree to their accuracy, not bit for bit).
    /// </summary>
    private static double FloatExponential(double x)
        => VectorMath.Wide512 ? TableExponential.ExpForFloat(Vector512.Create(x))[0] : TableExponential.ExpForFloat(new Vector<double>(x))[0];
}
