using System;
using FluentAssertions;
using Losses.Internal;
using Losses.Tests.Infrastructure;

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

        LaneFunctionAssertions.GivesAtEveryPosition("exp", cases, 0.5f, (float)Math.Exp(0.5), (x, destination) => VectorMath.Exp(x, destination));
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

        LaneFunctionAssertions.RoundsAsReference("exp", input, (x, destination) => VectorMath.Exp(x, destination), Math.Exp, allowed: 5);
    }
}
