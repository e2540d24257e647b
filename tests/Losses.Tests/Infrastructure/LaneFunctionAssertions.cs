using System;
using System.Numerics;
using System.Runtime.Intrinsics;
using FluentAssertions;

namespace Losses.Tests.Infrastructure;

/// <summary>A float kernel over a span, as <c>VectorMath.Exp&lt;float&gt;</c> and <c>VectorMath.Log&lt;float&gt;</c>.</summary>
public delegate void FloatSpanKernel(ReadOnlySpan<float> x, Span<float> destination);

/// <summary>
/// The assertions the lane-wise exp and log tests share: the same bits in 512-bit and 256-bit vectors, a float
/// kernel rounding as its double reference does, and IEEE limits wherever an element sits in a span.
/// </summary>
public static class LaneFunctionAssertions
{
    /// <summary>
    /// For <paramref name="trials"/> vectors of eight lanes from <paramref name="lane"/> (given the trial's index), the
    /// 512-bit function gives each lane the bits the 256-bit one gives it in the lower or upper half (NaN: any NaN).
    /// </summary>
    public static void SameBitsInBothWidths(
        string name,
        int trials,
        Func<int, double> lane,
        Func<Vector512<double>, Vector512<double>> wide,
        Func<Vector<double>, Vector<double>> narrow)
    {
        double[] lanes = new double[Vector512<double>.Count];
        int half = Vector<double>.Count;
        half.Should().Be(lanes.Length / 2, "Vector<double> is half a 512-bit vector where this is run");
        for (int trial = 0; trial < trials; trial++)
        {
            for (int i = 0; i < lanes.Length; i++)
            {
                lanes[i] = lane(trial);
            }

            Vector512<double> wideResult = wide(Vector512.Create<double>(lanes));
            Vector<double> low = narrow(new Vector<double>(lanes.AsSpan(0, half)));
            Vector<double> high = narrow(new Vector<double>(lanes.AsSpan(half, half)));
            for (int i = 0; i < lanes.Length; i++)
            {
                double narrowResult = i < half ? low[i] : high[i - half];
                bool same = double.IsNaN(narrowResult) ? double.IsNaN(wideResult[i])
                    : BitConverter.DoubleToInt64Bits(wideResult[i]) == BitConverter.DoubleToInt64Bits(narrowResult);
                same.Should().BeTrue($"{name}({lanes[i]:R}) is {narrowResult:R} in 256-bit vectors, {wideResult[i]:R} in 512-bit ones");
            }
        }
    }

    /// <summary>
    /// For <paramref name="trials"/> vectors of lanes from <paramref name="lane"/> (given the trial's index), each lane of
    /// <paramref name="function"/> is within <paramref name="bound"/> times |<paramref name="reference"/>| of the reference.
    /// </summary>
    public static void WithinRelativeOfReference(
        string name, int trials, Func<int, double> lane, Func<Vector<double>, Vector<double>> function, Func<double, double> reference, double bound)
    {
        double[] lanes = new double[Vector<double>.Count];
        for (int trial = 0; trial < trials; trial++)
        {
            for (int i = 0; i < lanes.Length; i++)
            {
                lanes[i] = lane(trial);
            }

            Vector<double> result = function(new Vector<double>(lanes));
            for (int i = 0; i < lanes.Length; i++)
            {
                double exact = reference(lanes[i]);
                Math.Abs(result[i] - exact).Should().BeLessThanOrEqualTo(
                    bound * Math.Abs(exact), $"{name}({lanes[i]:R}) = {exact:R}, the kernel gave {result[i]:R}");
            }
        }
    }

    /// <summary>
    /// <paramref name="kernel"/> over <paramref name="input"/> gives <paramref name="reference"/> rounded to float, but
    /// in at most <paramref name="allowed"/> elements, and there the neighbouring float.
    /// </summary>
    public static void RoundsAsReference(string name, float[] input, FloatSpanKernel kernel, Func<double, double> reference, int allowed)
    {
        float[] output = new float[input.Length];
        kernel(input, output);
        int differing = 0;
        for (int i = 0; i < input.Length; i++)
        {
            float expected = (float)reference(input[i]);
            if (output[i] != expected)
            {
                differing++;
                Math.Abs(BitConverter.SingleToInt32Bits(output[i]) - BitConverter.SingleToInt32Bits(expected)).Should().Be(
                    1, $"{name}({input[i]:R}) rounds to {expected:R}, the kernel gave {output[i]:R}");
            }
        }

        differing.Should().BeLessThanOrEqualTo(allowed, "an error below 1e-13 relative moves about one float in ten million");
    }

    /// <summary>
    /// Each case's argument at every position of a 19-element span (whole vectors and the padded tail) otherwise
    /// filled with <paramref name="filler"/> gives the case's expected value there, and the filler's result elsewhere.
    /// </summary>
    public static void GivesAtEveryPosition(string name, (float X, float Expected)[] cases, float filler, float fillerResult, FloatSpanKernel kernel)
    {
        foreach ((float x, float expected) in cases)
        {
            for (int position = 0; position < 19; position++)
            {
                float[] input = new float[19];
                input.AsSpan().Fill(filler);
                input[position] = x;
                float[] output = new float[19];
                kernel(input, output);
                output[position].Should().Be(expected, $"{name}({x:R}) at position {position}");
                output[(position + 1) % 19].Should().Be(fillerResult, "the other elements are unaffected");
            }
        }
    }
}
