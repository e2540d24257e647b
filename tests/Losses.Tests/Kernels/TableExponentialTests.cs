using System;
using System.Linq;
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

    /// <summary>Whether this machine runs the float exponential of one width (256 or 512 bits).</summary>
    private static bool Runs(int width) => width == 512 ? TableExponential.IsSupported512 : TableExponential.IsSupported;

    /// <summary>The float exponential of one width lane by lane over <paramref name="lanes"/> (width / 64 of them).</summary>
    private static double[] FloatExponentialLanes(int width, double[] lanes)
    {
        double[] results = new double[lanes.Length];
        if (width == 512)
        {
            TableExponential.ExpForFloat(Vector512.Create(lanes)).CopyTo(results);
        }
        else
        {
            TableExponential.ExpForFloat(new Vector<double>(lanes)).CopyTo(results);
        }

        return results;
    }

    /// <summary>The float exponential of one width at <paramref name="x"/>, in every lane.</summary>
    private static double FloatExponentialAt(int width, double x)
        => FloatExponentialLanes(width, Enumerable.Repeat(x, width / 64).ToArray())[0];

    [Theory]
    [InlineData(256)]
    [InlineData(512)]
    public void ForFloat_RoundedToFloat_IsTheFloatOfMathExpButInRareArguments(int width)
    {
        if (!Runs(width))
        {
            return;
        }

        // Float arguments over the whole range where eˣ is a finite, nonzero float ([-104, 88.7]) and beyond, each
        // lane of a vector its own.
        var random = new Random(20261128);
        int differing = 0;
        const int Arguments = 1_000_000;
        double[] lanes = new double[width / 64];
        double[] results = [];
        for (int i = 0; i < Arguments; i++)
        {
            int lane = i % lanes.Length;
            if (lane == 0)
            {
                for (int j = 0; j < lanes.Length; j++)
                {
                    // Four arguments from [-150, 150], then four from [-1, 1], and so on.
                    lanes[j] = ((i + j) / 4) % 2 == 0 ? (float)((random.NextDouble() * 300) - 150) : (float)((random.NextDouble() * 2) - 1);
                }

                results = FloatExponentialLanes(width, lanes);
            }

            double x = lanes[lane];
            double result = results[lane];
            double exact = Math.Exp(x);
            Math.Abs(result - exact).Should().BeLessThanOrEqualTo(
                6e-15 * exact, $"exp({x:R}) = {exact:R} in double, the {width}-bit float exponential gave {result:R}");
            float rounded = (float)result;
            float expected = (float)exact;
            if (rounded != expected)
            {
                differing++;
                Math.Abs(BitConverter.SingleToInt32Bits(rounded) - BitConverter.SingleToInt32Bits(expected)).Should().Be(
                    1, $"exp({x:R}) rounds to {expected:R}, the {width}-bit float exponential to {rounded:R}");
            }
        }

        // An error below 6e-15 (below 1.5e-15 for |x| ≤ 30) moves the float only where eˣ lies that close to a midpoint
        // between two floats: about one argument in ten million, so at most one of these million but by chance.
        differing.Should().BeLessThanOrEqualTo(1);
    }

    [Theory]
    [InlineData(256, 0.0, 1.0)]
    [InlineData(256, 0.6931471805599453, 2.0)]
    [InlineData(256, -103.5, 1.401298464324817E-45)]   // e^-103.5 ≈ 1.1e-45 rounds to the least subnormal float
    [InlineData(512, 0.0, 1.0)]
    [InlineData(512, 0.6931471805599453, 2.0)]
    [InlineData(512, -103.5, 1.401298464324817E-45)]
    public void ForFloat_AtTheseArguments_RoundsToTheExpectedFloat(int width, double x, double expected)
    {
        if (!Runs(width))
        {
            return;
        }

        ((float)FloatExponentialAt(width, x)).Should().Be((float)expected);
        ((float)Math.Exp(x)).Should().Be((float)expected, "the reference agrees");
    }

    [Theory]
    [InlineData(256, 8)]
    [InlineData(512, 16)]
    public void ForFloat_EveryEntryOfTheTable_IsReached(int width, int entries)
    {
        if (!Runs(width))
        {
            return;
        }

        // x = j·(ln 2)/n gives k = j: e^x = 2^(j/n) to within the polynomial's error, from entry j alone (eight entries
        // in the 256-bit function, sixteen in the 512-bit one).
        for (int j = 0; j < entries; j++)
        {
            double x = j * Math.Log(2) / entries;
            double expected = Math.Pow(2, j / (double)entries);
            double result = FloatExponentialAt(width, x);
            Math.Abs(result - expected).Should().BeLessThanOrEqualTo(
                1e-15 * expected, $"entry {j}: 2^({j}/{entries}) = {expected:R}, the {width}-bit function gave {result:R}");
        }
    }

    [Fact]
    public void ForFloat_TheTwoWidths_AgreeToTheirAccuracy()
    {
        if (!TableExponential.IsSupported512)
        {
            return;
        }

        // Each machine's float kernels take one of the two (sixteen entries where 512-bit vectors run, eight
        // elsewhere); both lie within 6e-15 of eˣ over [-150, 150], so within 1.2e-14 of each other.
        var random = new Random(20261129);
        for (int i = 0; i < 200_000; i++)
        {
            double x = (float)((random.NextDouble() * 300) - 150);
            double narrow = FloatExponentialAt(256, x);
            double wide = FloatExponentialAt(512, x);
            Math.Abs(wide - narrow).Should().BeLessThanOrEqualTo(1.2e-14 * narrow, $"exp({x:R}): 256-bit {narrow:R}, 512-bit {wide:R}");
        }

        TableExponential.ExpForFloat(Vector512.Create(0.0))[0].Should().Be(1.0);
        double.IsNaN(TableExponential.ExpForFloat(Vector512.Create(double.NaN))[0]).Should().BeTrue();
    }
}
