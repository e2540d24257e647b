using System;
using FluentAssertions;
using Losses.Internal;

namespace Losses.Tests.Kernels;

/// <summary>
/// The last step of every row-wise softmax kernel (<see cref="FusedExponentials.Logarithms{T}"/>): a row's sum
/// S = ones + tail, held unrounded as the count of its maxima (each e⁰ = 1) and the sum of its other exponentials,
/// becomes S and log S in T. For float, log S must be the float nearest ln S but in rare rows, and for a row with
/// one maximum and a tail far below float's unit (a confident, correct prediction) it must be ln(1 + tail) ≈ tail,
/// not the 0 that ln of the rounded sum would give.
/// </summary>
public sealed class RowLogSumTests
{
    private const int Rows = 300_000;

    /// <summary>ln(1 + u) in double by Kahan's ln(w)·u/(w - 1), w = 1 + u: within a few units in double's last place.</summary>
    private static double LogOnePlus(double u)
    {
        double w = 1 + u;
        return w == 1 ? u : Math.Log(w) * u / (w - 1);
    }

    [Fact]
    public void FloatLogOfRowSum_IsTheFloatNearestLnSButInRareRows()
    {
        var random = new Random(20261127);
        double[] tail = new double[Rows];
        double[] ones = new double[Rows];
        for (int i = 0; i < Rows; i++)
        {
            // One maximum with a tail from 1e-30 (a confident row) to 1000 (a flat row of a thousand classes),
            // one maximum with a tail in (0, 1), or two to eight maxima.
            int kind = i % 3;
            ones[i] = kind == 2 ? random.Next(2, 9) : 1;
            tail[i] = kind == 1 ? random.NextDouble() : Math.Pow(10, (random.NextDouble() * 33) - 30);
        }

        float[] sum = new float[Rows];
        float[] logSum = new float[Rows];
        FusedExponentials.Logarithms<float>(tail, ones, sum, logSum);

        int notNearest = 0;
        for (int i = 0; i < Rows; i++)
        {
            double exact = ones[i] == 1 ? LogOnePlus(tail[i]) : Math.Log(ones[i] + tail[i]);
            float nearest = (float)exact;
            sum[i].Should().Be((float)(ones[i] + tail[i]), $"S of row {i} is ones + tail rounded once");
            if (logSum[i] != nearest)
            {
                notNearest++;
                logSum[i].Should().BeOneOf(
                    [MathF.BitIncrement(nearest), MathF.BitDecrement(nearest)],
                    $"ln({ones[i]:R} + {tail[i]:R}) = {exact:R} is at most one float from the kernel's result");
            }
        }

        // Within 1e-13 relative of ln S, a float result can only miss the nearest one where ln S lies within 1e-13
        // of a midpoint between floats: about one row in a million.
        notNearest.Should().BeLessThanOrEqualTo(Rows / 100_000);
    }

    [Theory]
    [InlineData(1e-30)]
    [InlineData(3e-17)]
    [InlineData(1.5e-8)]
    [InlineData(0.25)]
    public void ConfidentRowInFloat_KeepsLnOfOnePlusTailToTheLastDigit(double tailValue)
    {
        // ln(1 + u) for u far below float's unit is u itself to float's precision: 1 + u rounds to 1 in double for
        // u < 1.1e-16, and ln of the rounded sum would lose u entirely (1e-30, 3e-17) or most of its digits (1.5e-8).
        double[] tail = new double[16];
        double[] ones = new double[16];
        Array.Fill(tail, tailValue);
        Array.Fill(ones, 1.0);
        float[] sum = new float[16];
        float[] logSum = new float[16];

        FusedExponentials.Logarithms<float>(tail, ones, sum, logSum);

        logSum.Should().AllBeEquivalentTo((float)LogOnePlus(tailValue));
    }

    [Fact]
    public void FloatLogOfRowSum_SpecialSums_TakeTheirIeeeLogarithm_AndLeaveTheOtherLanesAsTheyAre()
    {
        // S = 0 (a padding row: no maximum, no tail), a subnormal S and a NaN tail, each in a different lane of a
        // vector whose other lanes are ordinary rows, and every ordinary vector around them. A special lane takes
        // Math.Log's value plus the bracket ((ones - S) + tail): -∞ for 0, ln of the subnormal, NaN for NaN. The
        // ordinary lanes keep the bits they have without the special lanes beside them. (S = +∞ cannot arise: a row's
        // S is at most its column count.)
        const int Lanes = 64;
        var random = new Random(20261129);
        double[] tail = new double[Lanes];
        double[] ones = new double[Lanes];
        for (int i = 0; i < Lanes; i++)
        {
            ones[i] = 1 + random.Next(3);
            tail[i] = random.NextDouble() * 10;
        }

        float[] ordinarySum = new float[Lanes];
        float[] ordinaryLogSum = new float[Lanes];
        FusedExponentials.Logarithms<float>(tail, ones, ordinarySum, ordinaryLogSum);

        (int Lane, double Ones, double Tail, float Expected)[] specials =
        [
            (3, 0, 0, float.NegativeInfinity),
            (17, 0, 5e-320, (float)Math.Log(5e-320)),
            (63, 1, double.NaN, float.NaN),
        ];
        foreach ((int lane, double laneOnes, double laneTail, float _) in specials)
        {
            ones[lane] = laneOnes;
            tail[lane] = laneTail;
        }

        float[] sum = new float[Lanes];
        float[] logSum = new float[Lanes];
        FusedExponentials.Logarithms<float>(tail, ones, sum, logSum);

        foreach ((int lane, double laneOnes, double laneTail, float expected) in specials)
        {
            logSum[lane].Should().Be(expected, $"ln S for ones = {laneOnes:R} and tail = {laneTail:R}");
            sum[lane].Should().Be((float)(laneOnes + laneTail), "S is ones + tail rounded once");
        }

        for (int i = 0; i < Lanes; i++)
        {
            if (Array.FindIndex(specials, special => special.Lane == i) < 0)
            {
                BitConverter.SingleToInt32Bits(logSum[i]).Should().Be(
                    BitConverter.SingleToInt32Bits(ordinaryLogSum[i]), $"lane {i} is ordinary, with or without special lanes beside it");
            }
        }
    }
}
