using System;
using System.Numerics;
using System.Runtime.Intrinsics;
using FluentAssertions;
using Losses.Internal;
using Losses.Tests.Infrastructure;

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

        // The table's two parts leave only the last addition's rounding, so nearly every lane agrees exactly (1.4 % of
        // four million arguments did not, against 25 % with a table of one part); the rest differ by the last bit.
        differing.Should().BeLessThan(100_000 * lanes.Length / 20);
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
        double[] edges = [0.0, -0.0, 1.0, -1.0, 708.0, -708.0, 0.6931471805599453, 1e-300, -1e-17, 5e-324, 700.0, -700.0];
        LaneFunctionAssertions.SameBitsInBothWidths(
            "exp",
            50_000,
            trial => (trial % 3) switch
            {
                0 => (random.NextDouble() * 1416) - 708,
                1 => (random.NextDouble() * 2) - 1,
                _ => edges[random.Next(edges.Length)],
            },
            TableExponential.Exp,
            TableExponential.Exp);
    }

    [Fact]
    public void EveryEntryOfTheTable_IsReachedByBothLookups()
    {
        if (!TableExponential.IsSupported)
        {
            return;
        }

        // x = j·(ln 2)/8 gives k = j, so the lookup reads entry j alone: e^x = 2^(j/8) to within the polynomial's 1 ulp.
        for (int j = 0; j < 8; j++)
        {
            double x = j * Math.Log(2) / 8;
            double expected = Math.Pow(2, j / 8.0);
            double narrow = TableExponential.Exp(new Vector<double>(x))[0];
            Math.Abs(BitConverter.DoubleToInt64Bits(narrow) - BitConverter.DoubleToInt64Bits(expected)).Should().BeLessThanOrEqualTo(
                1, $"entry {j}: 2^({j}/8) = {expected:R}, the 256-bit read gave {narrow:R}");
            if (TableExponential.IsSupported512)
            {
                double wide = TableExponential.Exp(Vector512.Create(x))[0];
                Math.Abs(BitConverter.DoubleToInt64Bits(wide) - BitConverter.DoubleToInt64Bits(expected)).Should().BeLessThanOrEqualTo(
                    1, $"entry {j}: 2^({j}/8) = {expected:R}, the 512-bit read gave {wide:R}");
            }
        }
    }

    [Fact]
    public void ForFloat_RoundedToFloat_IsTheFloatOfMathExpButInRareArguments()
    {
        if (!TableExponential.IsSupported)
        {
            return;
        }

        // Float arguments over the whole range where eˣ is a finite, nonzero float ([-104, 88.7]) and beyond.
        var random = new Random(20261128);
        double[] lanes = new double[Vector<double>.Count];
        int differing = 0;
        const int Trials = 250_000;
        for (int trial = 0; trial < Trials; trial++)
        {
            for (int lane = 0; lane < lanes.Length; lane++)
            {
                lanes[lane] = trial % 2 == 0 ? (float)((random.NextDouble() * 300) - 150) : (float)((random.NextDouble() * 2) - 1);
            }

            Vector<double> result = TableExponential.ExpForFloat(new Vector<double>(lanes));
            for (int lane = 0; lane < lanes.Length; lane++)
            {
                double exact = Math.Exp(lanes[lane]);
                Math.Abs(result[lane] - exact).Should().BeLessThanOrEqualTo(
                    6e-15 * exact, $"exp({lanes[lane]:R}) = {exact:R} in double, the float exponential gave {result[lane]:R}");
                float rounded = (float)result[lane];
                float expected = (float)exact;
                if (rounded != expected)
                {
                    differing++;
                    Math.Abs(BitConverter.SingleToInt32Bits(rounded) - BitConverter.SingleToInt32Bits(expected)).Should().Be(
                        1, $"exp({lanes[lane]:R}) rounds to {expected:R}, the float exponential to {rounded:R}");
                }
            }
        }

        // An error below 6e-15 (below 1e-15 for |x| ≤ 30) moves the float only where eˣ lies that close to a midpoint
        // between two floats: about one argument in ten million, so at most one of these million but by chance.
        differing.Should().BeLessThanOrEqualTo(1);
    }

    [Theory]
    [InlineData(0.0, 1.0)]
    [InlineData(0.6931471805599453, 2.0)]
    [InlineData(-103.5, 1.401298464324817E-45)]   // e^-103.5 ≈ 1.1e-45 rounds to the least subnormal float
    public void ForFloat_AtTheseArguments_RoundsToTheExpectedFloat(double x, double expected)
    {
        if (!TableExponential.IsSupported)
        {
            return;
        }

        ((float)TableExponential.ExpForFloat(new Vector<double>(x))[0]).Should().Be((float)expected);
        ((float)Math.Exp(x)).Should().Be((float)expected, "the reference agrees");
    }

    [Fact]
    public void ForFloat_InFiveHundredTwelveBitVectors_GivesTheSameBitsAsInTwoFiftySixBitOnes()
    {
        if (!TableExponential.IsSupported512)
        {
            return;
        }

        var random = new Random(20261129);
        double[] edges = [0.0, -0.0, 1.0, -1.0, 150.0, -150.0, 0.6931471805599453, 1e-30, -1e-7, 88.72, -103.97, double.NaN];
        LaneFunctionAssertions.SameBitsInBothWidths(
            "exp",
            50_000,
            trial => (trial % 3) switch
            {
                0 => (float)((random.NextDouble() * 300) - 150),
                1 => (float)((random.NextDouble() * 2) - 1),
                _ => edges[random.Next(edges.Length)],
            },
            TableExponential.ExpForFloat,
            TableExponential.ExpForFloat);
    }

    [Fact]
    public void ForFloat_EveryEntryOfTheTable_IsReachedByBothLookups()
    {
        if (!TableExponential.IsSupported)
        {
            return;
        }

        // x = j·(ln 2)/16 gives k = j: e^x = 2^(j/16) to within the polynomial's error, from entry j alone.
        for (int j = 0; j < 16; j++)
        {
            double x = j * Math.Log(2) / 16;
            double expected = Math.Pow(2, j / 16.0);
            double narrow = TableExponential.ExpForFloat(new Vector<double>(x))[0];
            Math.Abs(narrow - expected).Should().BeLessThanOrEqualTo(1e-15 * expected, $"entry {j}: 2^({j}/16) = {expected:R}, the 256-bit read gave {narrow:R}");
            if (TableExponential.IsSupported512)
            {
                double wide = TableExponential.ExpForFloat(Vector512.Create(x))[0];
                Math.Abs(wide - expected).Should().BeLessThanOrEqualTo(1e-15 * expected, $"entry {j}: 2^({j}/16) = {expected:R}, the 512-bit read gave {wide:R}");
            }
        }
    }
}
