using System;
using System.Numerics;
using System.Runtime.Intrinsics;
using FluentAssertions;
using Losses.Internal;

namespace Losses.Tests.Kernels;

/// <summary>
/// The class-index loop's step over sixteen float rows (<see cref="VectorMath.AddBelowMaxima512"/>), which puts a
/// maximum's e^-700 in after the exponential instead of replacing its argument before: it must add, lane by lane, the
/// bits the eight-lane float exponential gives for the argument the fused loop defines (-700 at a maximum, x - m clamped
/// to -700 elsewhere, NaN kept), and count the same maxima. The narrow class-index kernel's step for rows whose maxima
/// are finite or NaN (<see cref="VectorMath.AddBelowFiniteMaxima512"/>) must do the same for such rows.
/// </summary>
public sealed class BelowMaximaStepTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AddsTheFourLaneExponentialsOfTheDefinedArguments_MaximaAndExtremesIncluded(bool finiteMaxima)
    {
        if (!TableExponential.IsSupported512 || !TableExponential.IsSupported)
        {
            return;
        }

        var random = new Random(20261129);
        float[] specials = [0f, -0f, 1e-30f, -1e-30f, -699.9f, -700f, -701f, -1e30f, float.NegativeInfinity, float.PositiveInfinity, float.NaN, float.Epsilon];
        float[] x = new float[16];
        float[] max = new float[16];
        for (int trial = 0; trial < 20_000; trial++)
        {
            for (int lane = 0; lane < 16; lane++)
            {
                max[lane] = trial % 3 == 0 ? specials[random.Next(specials.Length)] : (float)((random.NextDouble() * 20) - 10);
                if (finiteMaxima && float.IsInfinity(max[lane]))
                {
                    // The finite-maxima step is for rows whose maximum is finite or NaN (a row of only -∞ has NaN).
                    max[lane] = max[lane] > 0 ? float.MaxValue : float.NaN;
                }

                x[lane] = random.Next(4) switch
                {
                    0 => max[lane],                                                   // a maximum
                    1 => specials[random.Next(specials.Length)],
                    _ => max[lane] - (float)(random.NextDouble() * (trial % 2 == 0 ? 8 : 800)),
                };
            }

            Vector512<int> maxima = Vector512.Create(random.Next(100));
            Vector512<int> countBefore = maxima;
            // Tails of 0 half the time, so that a maximum's e^-700 shows in the sum's bits.
            Vector512<double> tailLow = trial % 2 == 0 ? Vector512<double>.Zero : Vector512.Create(random.NextDouble());
            Vector512<double> tailHigh = trial % 2 == 0 ? Vector512<double>.Zero : Vector512.Create(random.NextDouble());
            Vector512<double> lowBefore = tailLow;
            Vector512<double> highBefore = tailHigh;
            if (finiteMaxima)
            {
                VectorMath.AddBelowFiniteMaxima512(Vector512.Create(x), Vector512.Create(max), ref maxima, ref tailLow, ref tailHigh);
            }
            else
            {
                VectorMath.AddBelowMaxima512(Vector512.Create(x), Vector512.Create(max), ref maxima, ref tailLow, ref tailHigh);
            }

            for (int lane = 0; lane < 16; lane++)
            {
                bool atMax = x[lane] == max[lane];
                float argument = atMax ? -700f : MaxNative(-700f, x[lane] - max[lane]);
                double expected = (lane < 8 ? lowBefore : highBefore)[lane % 8]
                    + TableExponential.ExpForFloat(Vector512.Create((double)argument))[0];
                double actual = (lane < 8 ? tailLow : tailHigh)[lane % 8];
                BitConverter.DoubleToInt64Bits(actual).Should().Be(
                    BitConverter.DoubleToInt64Bits(expected), $"x = {x[lane]:R}, m = {max[lane]:R} (lane {lane})");
                maxima[lane].Should().Be(countBefore[lane] + (atMax ? 1 : 0), $"x = {x[lane]:R}, m = {max[lane]:R}");
            }
        }
    }

    /// <summary>The native maximum's rule on x86: the second operand unless the first is greater (so a NaN second operand is kept).</summary>
    private static float MaxNative(float a, float b) => a > b ? a : b;
}
