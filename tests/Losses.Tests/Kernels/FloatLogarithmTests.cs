using System;
using System.Numerics;
using System.Runtime.Intrinsics;
using FluentAssertions;
using Losses.Internal;

namespace Losses.Tests.Kernels;

/// <summary>
/// The float logarithm (<see cref="VectorLogarithm.LogForFloat(Vector{double})"/>, behind every float ln through
/// <see cref="VectorMath.Log{T}(ReadOnlySpan{T}, Span{T})"/>): floats widened to double, ln within 2e-13 relative of
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
    public void OverFloatArguments_IsWithinTwoTenTrillionthsOfMathLog()
    {
        if (!TableExponential.IsSupported)
        {
            return;
        }

        var random = new Random(20261201);
        double[] lanes = new double[Vector<double>.Count];
        for (int trial = 0; trial < 150_000; trial++)
        {
            for (int lane = 0; lane < lanes.Length; lane++)
            {
                lanes[lane] = NextFloat(random, trial % 3);
            }

            Vector<double> result = VectorLogarithm.LogForFloat(new Vector<double>(lanes));
            for (int lane = 0; lane < lanes.Length; lane++)
            {
                double exact = Math.Log(lanes[lane]);
                Math.Abs(result[lane] - exact).Should().BeLessThanOrEqualTo(
                    2e-13 * Math.Abs(exact), $"ln({lanes[lane]:R}) = {exact:R}, the float logarithm gave {result[lane]:R}");
            }
        }
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

        float[] output = new float[input.Length];
        VectorMath.Log<float>(input, output);
        int differing = 0;
        for (int i = 0; i < input.Length; i++)
        {
            float expected = (float)Math.Log(input[i]);
            if (output[i] != expected)
            {
                differing++;
                Math.Abs(BitConverter.SingleToInt32Bits(output[i]) - BitConverter.SingleToInt32Bits(expected)).Should().Be(
                    1, $"ln({input[i]:R}) rounds to {expected:R}, the kernel gave {output[i]:R}");
            }
        }

        differing.Should().BeLessThanOrEqualTo(5, "an error below 2e-13 relative moves about one float in ten million");
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

        foreach ((float x, float expected) in cases)
        {
            for (int position = 0; position < 19; position++)
            {
                float[] input = new float[19];
                input.AsSpan().Fill(2f);
                input[position] = x;
                float[] output = new float[19];
                VectorMath.Log<float>(input, output);
                output[position].Should().Be(expected, $"ln({x:R}) at position {position}");
                output[(position + 1) % 19].Should().Be((float)Math.Log(2), "the other elements are unaffected");
            }
        }
    }

    [Fact]
    public void InFiveHundredTwelveBitVectors_GivesTheSameBitsAsInTwoFiftySixBitOnes()
    {
        if (!TableExponential.IsSupported512)
        {
            return;
        }

        var random = new Random(20261203);
        double[] lanes = new double[Vector512<double>.Count];
        double[] edges = [1.0, 0.0, -1.0, double.NaN, double.PositiveInfinity, float.Epsilon, float.MaxValue, 0.703125, 1.40625, 0.984375, 1.03125];
        for (int trial = 0; trial < 50_000; trial++)
        {
            for (int lane = 0; lane < lanes.Length; lane++)
            {
                lanes[lane] = trial % 4 == 3 ? edges[random.Next(edges.Length)] : NextFloat(random, trial % 3);
            }

            Vector512<double> wide = VectorLogarithm.LogForFloat(Vector512.Create<double>(lanes));
            Vector<double> low = VectorLogarithm.LogForFloat(new Vector<double>(lanes.AsSpan(0, 4)));
            Vector<double> high = VectorLogarithm.LogForFloat(new Vector<double>(lanes.AsSpan(4, 4)));
            for (int lane = 0; lane < lanes.Length; lane++)
            {
                double narrow = lane < 4 ? low[lane] : high[lane - 4];
                BitConverter.DoubleToInt64Bits(wide[lane]).Should().Be(
                    BitConverter.DoubleToInt64Bits(narrow), $"ln({lanes[lane]:R}) is {narrow:R} in 256-bit vectors, {wide[lane]:R} in 512-bit ones");
            }
        }
    }

    [Fact]
    public void EveryIntervalOfTheTable_IsReachedByBothLookups()
    {
        if (!TableExponential.IsSupported)
        {
            return;
        }

        // Interval i of [0.703125, 1.40625) starts at the bits of 0.703125 plus i·2⁴⁸; its middle reads entry i alone.
        for (int i = 0; i < 16; i++)
        {
            double start = BitConverter.Int64BitsToDouble(0x3FE6800000000000 + ((long)i << 48));
            double end = BitConverter.Int64BitsToDouble(0x3FE6800000000000 + ((long)(i + 1) << 48));
            double x = (float)((start + end) / 2);
            double expected = Math.Log(x);
            double narrow = VectorLogarithm.LogForFloat(new Vector<double>(x))[0];
            Math.Abs(narrow - expected).Should().BeLessThanOrEqualTo(2e-13 * Math.Abs(expected), $"interval {i}: ln({x:R}) = {expected:R}, the gather gave {narrow:R}");
            if (TableExponential.IsSupported512)
            {
                double wide = VectorLogarithm.LogForFloat(Vector512.Create(x))[0];
                Math.Abs(wide - expected).Should().BeLessThanOrEqualTo(2e-13 * Math.Abs(expected), $"interval {i}: ln({x:R}) = {expected:R}, the permute gave {wide:R}");
            }
        }
    }
}
