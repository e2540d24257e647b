using System;
using System.Numerics;
using System.Runtime.Intrinsics;
using FluentAssertions;
using Losses.Internal;
using Losses.Tests.Infrastructure;

namespace Losses.Tests.Kernels;

/// <summary>
/// The float logarithm (<see cref="VectorLogarithm.LogForFloat(Vector{double})"/>, behind every float ln through
/// <see cref="VectorMath.Log{T}(ReadOnlySpan{T}, Span{T})"/>): floats widened to double, ln within 1e-13 relative of
/// <see cref="Math.Log(double)"/>, so rounded to float it is the float nearest ln x but in rare arguments and never
/// a unit further; exact where it must be; the same bits in 256- and 512-bit vectors.
/// </summary>
public sealed class FloatLogarithmTests
{
    /// <summary>A float: log-uniform over every float exponent (subnormals included), near 1, or in (1, 2].</summary>
    private static float NextFloat(Random random, int kind)
        => kind switch
        {
            0 => (float)Math.ScaleB(1 + random.NextDouble(), random.Next(-149, 128)),
            1 => (float)(1 + ((random.NextDouble() - 0.5) / 8)),
            _ => (float)(1 + random.NextDouble()),
        };

    [Fact]
    public void OverFloatArguments_IsWithinOneTenTrillionthOfMathLog()
    {
        if (!TableExponential.IsSupported)
        {
            return;
        }

        var random = new Random(20261201);
        LaneFunctionAssertions.WithinRelativeOfReference(
            "ln", 150_000, trial => NextFloat(random, trial % 3), VectorLogarithm.LogForFloat, Math.Log, 1e-13);
    }

    [Fact]
    public void ThroughTheFloatKernel_IsTheFloatOfMathLogButInRareArguments()
    {
        var random = new Random(20261202);
        float[] input = new float[1_000_003];
        for (int i = 0; i < input.Length; i++)
        {
            input[i] = NextFloat(random, i % 3);
        }

        LaneFunctionAssertions.RoundsAsReference("ln", input, (x, destination) => VectorMath.Log(x, destination), Math.Log, allowed: 5);
    }

    [Fact]
    public void AtTheExtremes_GivesTheLimits_InEveryPositionOfTheSpan()
    {
        // Expected: IEEE 754 ln of each float.
        (float X, float Expected)[] cases =
        [
            (1f, 0f), (0f, float.NegativeInfinity), (-0f, float.NegativeInfinity), (-1f, float.NaN),
            (float.PositiveInfinity, float.PositiveInfinity), (float.NegativeInfinity, float.NaN), (float.NaN, float.NaN),
            (float.Epsilon, (float)Math.Log(float.Epsilon)), (float.MaxValue, (float)Math.Log(float.MaxValue)),
            (2f, (float)Math.Log(2)), (0.5f, (float)Math.Log(0.5)), (MathF.BitDecrement(1f), (float)Math.Log(MathF.BitDecrement(1f))),
            (MathF.BitIncrement(1f), (float)Math.Log(MathF.BitIncrement(1f))),
        ];

        LaneFunctionAssertions.GivesAtEveryPosition("ln", cases, 2f, (float)Math.Log(2), (x, destination) => VectorMath.Log(x, destination));
    }

    [Fact]
    public void InFiveHundredTwelveBitVectors_GivesTheSameBitsAsInTwoFiftySixBitOnes()
    {
        if (!TableExponential.IsSupported512)
        {
            return;
        }

        var random = new Random(20261203);
        double[] edges = [1.0, 0.0, -1.0, double.NaN, double.PositiveInfinity, float.Epsilon, float.MaxValue, 0.703125, 1.40625, 0.984375, 1.03125];
        LaneFunctionAssertions.SameBitsInBothWidths(
            "ln",
            50_000,
            trial => trial % 4 == 3 ? edges[random.Next(edges.Length)] : NextFloat(random, trial % 3),
            VectorLogarithm.LogForFloat,
            VectorLogarithm.LogForFloat);
    }

    [Fact]
    public void EveryIntervalOfTheTable_IsReachedByBothLookups_AndIsWithinOneTenTrillionthAtItsEnds()
    {
        if (!TableExponential.IsSupported)
        {
            return;
        }

        // Interval i of [0.703125, 1.40625) starts at the bits of 0.703125 plus i·2⁴⁹; every float in it reads entry i.
        // Its middle, its first float and its last float: the ends give the largest |r| = |z·cᵢ - 1|, where the series
        // is furthest from ln(1 + r).
        for (int i = 0; i < 8; i++)
        {
            double start = BitConverter.Int64BitsToDouble(0x3FE6800000000000 + ((long)i << 49));
            double end = BitConverter.Int64BitsToDouble(0x3FE6800000000000 + ((long)(i + 1) << 49));
            foreach (double x in new[] { (double)(float)((start + end) / 2), start, (double)MathF.BitDecrement((float)end) })
            {
                double expected = Math.Log(x);
                double narrow = VectorLogarithm.LogForFloat(new Vector<double>(x))[0];
                Math.Abs(narrow - expected).Should().BeLessThanOrEqualTo(1e-13 * Math.Abs(expected), $"interval {i}: ln({x:R}) = {expected:R}, the 256-bit read gave {narrow:R}");
                if (TableExponential.IsSupported512)
                {
                    double wide = VectorLogarithm.LogForFloat(Vector512.Create(x))[0];
                    Math.Abs(wide - expected).Should().BeLessThanOrEqualTo(1e-13 * Math.Abs(expected), $"interval {i}: ln({x:R}) = {expected:R}, the 512-bit read gave {wide:R}");
                }
            }
        }
    }
}
