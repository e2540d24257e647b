using System;
using System.Numerics;
using System.Runtime.Intrinsics;
using FluentAssertions;
using Losses.Internal;

namespace Losses.Tests.Kernels;

/// <summary>
/// The table exponential behind every vectorised exp on machines with AVX2 and FMA: within one unit in the last
/// place of <see cref="Math.Exp(double)"/> (glibc's, correctly rounded in all but rare cases) over its whole range,
/// and exact where it must be.
/// </summary>
public sealed class TableExponentialTests
{
    [Fact]
    public void OverItsRange_IsWithinOneUlpOfMathExp()
    {
        if (!TableExponential.IsSupported)
        {
            return;
        }

        var random = new Random(20261126);
        double[] lanes = new double[Vector<double>.Count];
        int differing = 0;
        for (int trial = 0; trial < 100_000; trial++)
        {
            for (int lane = 0; lane < lanes.Length; lane++)
            {
                // Half over the whole range, half over [-1, 1] where softmax spends its time.
                lanes[lane] = trial % 2 == 0 ? (random.NextDouble() * 1416) - 708 : (random.NextDouble() * 2) - 1;
            }

            Vector<double> result = TableExponential.Exp(new Vector<double>(lanes));
            for (int lane = 0; lane < lanes.Length; lane++)
            {
                double expected = Math.Exp(lanes[lane]);
                long ulps = Math.Abs(BitConverter.DoubleToInt64Bits(result[lane]) - BitConverter.DoubleToInt64Bits(expected));
                ulps.Should().BeLessThanOrEqualTo(1, $"exp({lanes[lane]:R}) = {expected:R}, table gave {result[lane]:R}");
                differing += ulps == 0 ? 0 : 1;
            }
        }

        // Most lanes agree exactly; the rest differ by the last bit (each of the two is then within 1 ulp).
        differing.Should().BeLessThan(100_000 * lanes.Length / 2);
    }

    [Theory]
    [InlineData(0.0, 1.0)]
    [InlineData(1.0, Math.E)]
    [InlineData(-708.0, 3.307553003638408E-308)]
    [InlineData(0.6931471805599453, 2.0)]   // ln 2 rounded to double: e^x = 2·(1 - 2.3e-17), which rounds to 2
    public void AtTheseArguments_IsMathExp(double x, double expected)
    {
        if (!TableExponential.IsSupported)
        {
            return;
        }

        TableExponential.Exp(new Vector<double>(x))[0].Should().Be(expected);
        Math.Exp(x).Should().Be(expected, "the reference agrees");
    }

    [Fact]
    public void InFiveHundredTwelveBitVectors_GivesTheSameBitsAsInTwoFiftySixBitOnes()
    {
        if (!TableExponential.IsSupported512)
        {
            return;
        }

        var random = new Random(20261127);
        double[] lanes = new double[Vector512<double>.Count];
        double[] edges = [0.0, -0.0, 1.0, -1.0, 708.0, -708.0, 0.6931471805599453, 1e-300, -1e-17, 5e-324, 700.0, -700.0];
        for (int trial = 0; trial < 50_000; trial++)
        {
            for (int lane = 0; lane < lanes.Length; lane++)
            {
                lanes[lane] = (trial % 3) switch
                {
                    0 => (random.NextDouble() * 1416) - 708,
                    1 => (random.NextDouble() * 2) - 1,
                    _ => edges[random.Next(edges.Length)],
                };
            }

            Vector512<double> wide = TableExponential.Exp(Vector512.Create<double>(lanes));
            Vector<double> low = TableExponential.Exp(new Vector<double>(lanes.AsSpan(0, 4)));
            Vector<double> high = TableExponential.Exp(new Vector<double>(lanes.AsSpan(4, 4)));
            for (int lane = 0; lane < lanes.Length; lane++)
            {
                double narrow = lane < 4 ? low[lane] : high[lane - 4];
                BitConverter.DoubleToInt64Bits(wide[lane]).Should().Be(
                    BitConverter.DoubleToInt64Bits(narrow), $"exp({lanes[lane]:R}) is {narrow:R} in 256-bit vectors, {wide[lane]:R} in 512-bit ones");
            }
        }
    }

    [Fact]
    public void EveryEntryOfTheTable_IsReachedByTheFiveHundredTwelveBitLookup()
    {
        if (!TableExponential.IsSupported512)
        {
            return;
        }

        // x = j·(ln 2)/64 gives k = j, so the lookup reads entry j alone: e^x = 2^(j/64) to within the polynomial's 1 ulp.
        for (int j = 0; j < 64; j++)
        {
            double x = j * Math.Log(2) / 64;
            double result = TableExponential.Exp(Vector512.Create(x))[0];
            double expected = Math.Pow(2, j / 64.0);
            Math.Abs(BitConverter.DoubleToInt64Bits(result) - BitConverter.DoubleToInt64Bits(expected)).Should().BeLessThanOrEqualTo(
                1, $"entry {j}: 2^({j}/64) = {expected:R}, lookup gave {result:R}");
        }
    }
}
