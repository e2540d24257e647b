using System;
using System.Numerics;
using System.Runtime.Intrinsics;
using FluentAssertions;
using Losses.Internal;
using Losses.Tests.Infrastructure;

namespace Losses.Tests.Kernels;

/// <summary>
/// The vector logarithm behind every vectorised ln (the logistic kernels' ln(1 + e^-|x|), the softmax row
/// log-sums, cross-entropy of probabilities): within one unit in the last place of <see cref="Math.Log(double)"/>
/// (glibc's, correctly rounded in all but rare cases), exact where it must be, and lane-independent.
/// </summary>
public sealed class VectorLogarithmTests
{
    [Fact]
    public void OverTheNormalRange_IsWithinOneUlpOfMathLog()
    {
        var random = new Random(20261126);
        double[] lanes = new double[Vector<double>.Count];
        int differing = 0;
        const int Trials = 100_000;
        for (int trial = 0; trial < Trials; trial++)
        {
            for (int lane = 0; lane < lanes.Length; lane++)
            {
                // A third log-uniform over every normal exponent, a third over [0.5, 2] around ln's zero, a third
                // over (1, 2] where ln(1 + e^-|x|) lives.
                lanes[lane] = (trial % 3) switch
                {
                    0 => Math.ScaleB(1 + random.NextDouble(), random.Next(-1022, 1024)),
                    1 => 0.5 + (1.5 * random.NextDouble()),
                    _ => 1 + random.NextDouble(),
                };
            }

            Vector<double> result = VectorLogarithm.Log(new Vector<double>(lanes));
            for (int lane = 0; lane < lanes.Length; lane++)
            {
                double expected = Math.Log(lanes[lane]);
                long ulps = Math.Abs(BitConverter.DoubleToInt64Bits(result[lane]) - BitConverter.DoubleToInt64Bits(expected));
                ulps.Should().BeLessThanOrEqualTo(1, $"ln({lanes[lane]:R}) = {expected:R}, the vector gave {result[lane]:R}");
                differing += ulps == 0 ? 0 : 1;
            }
        }

        // Most lanes agree exactly (about 95 % here); the rest differ by the last bit.
        differing.Should().BeLessThan(Trials * lanes.Length / 10);
    }

    [Theory]
    [InlineData(1.0, 0.0)]
    [InlineData(2.0, 0.6931471805599453)]
    [InlineData(0.5, -0.6931471805599453)]
    [InlineData(Math.E, 1.0)]
    [InlineData(double.MaxValue, 709.782712893384)]
    [InlineData(2.2250738585072014E-308, -708.3964185322641)]   // the smallest normal double, on the vector path
    [InlineData(4.9E-324, -744.4400719213812)]                   // subnormal: Math.Log's lane
    [InlineData(0.0, double.NegativeInfinity)]
    [InlineData(double.PositiveInfinity, double.PositiveInfinity)]
    public void AtTheseArguments_IsMathLog(double x, double expected)
    {
        VectorLogarithm.Log(new Vector<double>(x))[0].Should().Be(expected);
        Math.Log(x).Should().Be(expected, "the reference agrees");
    }

    [Theory]
    [InlineData(-1.0)]
    [InlineData(double.NegativeInfinity)]
    [InlineData(double.NaN)]
    public void OfNegativesAndNaN_IsNaN(double x)
        => double.IsNaN(VectorLogarithm.Log(new Vector<double>(x))[0]).Should().BeTrue();

    [Theory]
    [InlineData(0x0000000000000000L)]   // +0: -∞
    [InlineData(unchecked((long)0x8000000000000000UL))]   // -0: -∞
    [InlineData(0x7FF0000000000000L)]   // +∞
    [InlineData(unchecked((long)0xBFF0000000000000UL))]   // -1: NaN
    [InlineData(unchecked((long)0xFFF0000000000000UL))]   // -∞: NaN
    [InlineData(unchecked((long)0x8000000000000001UL))]   // the negative subnormal nearest 0: NaN
    [InlineData(0x7FF8000000000123L)]   // a quiet NaN with a payload: itself
    [InlineData(0x7FF0000000000123L)]   // a signalling NaN: quieted
    [InlineData(unchecked((long)0xFFF8000000000456UL))]   // a negative NaN: itself
    [InlineData(0x0000000000000001L)]   // the smallest subnormal
    [InlineData(0x000FFFFFFFFFFFFFL)]   // the largest subnormal
    public void AtSpecialArguments_GivesMathLogsBits_InEveryLanePosition(long bits)
    {
        // Zeros, infinities, negatives and NaNs have an exact logarithm by IEEE 754 and are given it in the vector;
        // the bits must be Math.Log's all the same, so that the vector path and a scalar path agree on them.
        double x = BitConverter.Int64BitsToDouble(bits);
        long expected = BitConverter.DoubleToInt64Bits(Math.Log(x));
        double[] lanes = new double[Vector<double>.Count];
        for (int position = 0; position < lanes.Length; position++)
        {
            for (int lane = 0; lane < lanes.Length; lane++)
            {
                lanes[lane] = lane == position ? x : 1.5 + lane;
            }

            Vector<double> result = VectorLogarithm.Log(new Vector<double>(lanes));
            BitConverter.DoubleToInt64Bits(result[position]).Should().Be(expected, $"ln of {bits:X16} in lane {position}");
            for (int lane = 0; lane < lanes.Length; lane++)
            {
                if (lane != position)
                {
                    result[lane].Should().BeApproximately(Math.Log(1.5 + lane), 1e-15);
                }
            }
        }
    }

    [Fact]
    public void ALanesResult_DoesNotDependOnTheOtherLanes()
    {
        var random = new Random(7);
        double[] special = [0.0, -1.0, double.NaN, double.PositiveInfinity, 1e-310];
        double[] lanes = new double[Vector<double>.Count];
        for (int trial = 0; trial < 1_000; trial++)
        {
            for (int lane = 0; lane < lanes.Length; lane++)
            {
                lanes[lane] = Math.ScaleB(1 + random.NextDouble(), random.Next(-60, 60));
            }

            Vector<double> alone = VectorLogarithm.Log(new Vector<double>(lanes));
            lanes[trial % lanes.Length] = special[trial % special.Length];
            Vector<double> beside = VectorLogarithm.Log(new Vector<double>(lanes));
            for (int lane = 0; lane < lanes.Length; lane++)
            {
                if (lane != trial % lanes.Length)
                {
                    BitConverter.DoubleToInt64Bits(beside[lane]).Should().Be(
                        BitConverter.DoubleToInt64Bits(alone[lane]), $"lane {lane} beside {special[trial % special.Length]:R}");
                }
            }
        }
    }

    [Fact]
    public void InFiveHundredTwelveBitVectors_GivesTheSameBitsAsInVectorsOfT()
    {
        if (!Vector512.IsHardwareAccelerated || Vector<double>.Count != 4)
        {
            return;
        }

        var random = new Random(20261127);
        double[] edges = [1.0, 2.0, 0.5, 0.7071067811865476, 1.4142135623730951, double.Epsilon, 2.2250738585072014E-308, double.MaxValue,
            0.0, -0.0, -1.0, double.PositiveInfinity, double.NegativeInfinity, double.NaN, 1e-310];

        // Ordinary lanes over every exponent and over (1, 2], and vectors with special lanes mixed in.
        LaneFunctionAssertions.SameBitsInBothWidths(
            "ln",
            60_000,
            trial => (trial % 3) switch
            {
                0 => Math.ScaleB(1 + random.NextDouble(), random.Next(-1022, 1024)),
                1 => 1 + random.NextDouble(),
                _ => random.Next(4) == 0 ? edges[random.Next(edges.Length)] : 1 + random.NextDouble(),
            },
            VectorLogarithm.Log,
            VectorLogarithm.Log);
    }
}
