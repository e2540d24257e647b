using System;
using FluentAssertions;
using Losses.Internal;

namespace Losses.Tests.Kernels;

/// <summary>
/// The float exponential every float kernel uses (<see cref="VectorMath.Exp{T}(ReadOnlySpan{T}, Span{T})"/>):
/// eˣ evaluated in double and rounded once, so each element is the float nearest eˣ (but in rare arguments a unit
/// away), with the IEEE limits at the extremes, wherever the element sits in the span.
/// </summary>
public sealed class FloatExponentialTests
{
    [Fact]
    public void AtTheExtremes_GivesTheLimits_InEveryPositionOfTheSpan()
    {
        // Expected: IEEE 754 exp of each float (e^88.72 is the largest finite result, e^88.73 overflows).
        (float X, float Expected)[] cases =
        [
            (0f, 1f), (-0f, 1f), (float.PositiveInfinity, float.PositiveInfinity), (float.NegativeInfinity, 0f),
            (1000f, float.PositiveInfinity), (-1000f, 0f), (float.MaxValue, float.PositiveInfinity), (float.MinValue, 0f),
            (88.72f, (float)Math.Exp(88.72f)), (88.73f, float.PositiveInfinity), (-103.5f, float.Epsilon), (-110f, 0f),
            (1f, (float)Math.E), (float.NaN, float.NaN),
        ];

        // Every case at every position of a 19-element span: whole vectors and the padded tail.
        foreach ((float x, float expected) in cases)
        {
            for (int position = 0; position < 19; position++)
            {
                float[] input = new float[19];
                input.AsSpan().Fill(0.5f);
                input[position] = x;
                float[] output = new float[19];
                VectorMath.Exp<float>(input, output);
                output[position].Should().Be(expected, $"exp({x:R}) at position {position}");
                output[(position + 1) % 19].Should().Be((float)Math.Exp(0.5), "the other elements are unaffected");
            }
        }
    }

    [Fact]
    public void OverFloatArguments_IsTheFloatOfMathExpButInRareArguments()
    {
        var random = new Random(20261130);
        float[] input = new float[1_000_003];
        for (int i = 0; i < input.Length; i++)
        {
            input[i] = (float)((random.NextDouble() * 200) - 110);
        }

        float[] output = new float[input.Length];
        VectorMath.Exp<float>(input, output);
        int differing = 0;
        for (int i = 0; i < input.Length; i++)
        {
            float expected = (float)Math.Exp(input[i]);
            if (output[i] != expected)
            {
                differing++;
                Math.Abs(BitConverter.SingleToInt32Bits(output[i]) - BitConverter.SingleToInt32Bits(expected)).Should().Be(
                    1, $"exp({input[i]:R}) rounds to {expected:R}, the kernel gave {output[i]:R}");
            }
        }

        differing.Should().BeLessThanOrEqualTo(5, "an error below 2e-13 relative moves about one float in ten million");
    }
}
