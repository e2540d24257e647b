using System;
using FluentAssertions;
using Losses.Internal;
using SimdVector = System.Numerics.Vector<double>;

namespace Losses.Tests.Kernels;

/// <summary>
/// The double lane functions over spans (<see cref="VectorMath.Exp{T}(ReadOnlySpan{T}, Span{T})"/>,
/// <see cref="VectorMath.ExpOfMinusAbs{T}(ReadOnlySpan{T}, Span{T})"/>, <see cref="VectorMath.Log{T}(ReadOnlySpan{T}, Span{T})"/>,
/// <see cref="VectorMath.LogOfOnePlus{T}(ReadOnlySpan{T}, Span{T})"/>): each element is the value the four-lane function
/// gives that element, bit for bit, wherever it sits in the span. Where 512-bit vectors run, the spans' whole vectors of
/// eight go through the eight-lane forms; the odd vector of four and the last, partial one through the four-lane form.
/// </summary>
public sealed class DoubleLaneFunctionTests
{
    /// <summary>Every tail after whole vectors of eight and of four, and a long span.</summary>
    private static readonly int[] Lengths = [1, 3, 4, 5, 7, 8, 9, 11, 12, 13, 15, 16, 17, 64, 1001];

    /// <summary>
    /// Values whose exponentials and logarithms take every path: the table's near lanes, far lanes beyond ±708 (each
    /// then by <see cref="Math.Exp"/>), ±0, ±∞, NaN, subnormals and negatives (the logarithm's special lanes).
    /// </summary>
    private static readonly double[] Specials =
    [
        0.0, -0.0, double.PositiveInfinity, double.NegativeInfinity, double.NaN, 709.5, -709.5, 745.2, -746.0, 1e-310,
        -1e-310, -2.5, 1e-300, double.MaxValue, double.Epsilon,
    ];

    public static TheoryData<string> Functions => new() { "exp", "exp of minus abs", "ln", "ln of one plus" };

    [Theory]
    [MemberData(nameof(Functions))]
    public void EachElement_HasTheBitsOfTheFourLaneFunction_InEveryPosition(string function)
    {
        if (VectorMath.Lanes<double>() == 0)
        {
            // Without vectors of double the span functions are the runtime's TensorPrimitives, not these lane functions.
            return;
        }

        var random = new Random(20261129 + function.Length);
        foreach (int length in Lengths)
        {
            double[] x = new double[length];
            for (int i = 0; i < length; i++)
            {
                x[i] = random.Next(3) == 0 ? Specials[random.Next(Specials.Length)] : (random.NextDouble() * 60) - 30;
            }

            double[] result = new double[length];
            Span(function, x, result);
            double[] inPlace = (double[])x.Clone();
            Span(function, inPlace, inPlace);
            for (int i = 0; i < length; i++)
            {
                double expected = FourLanes(function, x[i]);
                string because = $"{function} of {x[i]:R} at {i} of {length}";
                ShouldHaveTheBits(result[i], expected, because);
                ShouldHaveTheBits(inPlace[i], expected, because + ", in place");
            }
        }
    }

    private static void Span(string function, ReadOnlySpan<double> x, Span<double> destination)
    {
        switch (function)
        {
            case "exp":
                VectorMath.Exp(x, destination);
                break;
            case "exp of minus abs":
                VectorMath.ExpOfMinusAbs(x, destination);
                break;
            case "ln":
                VectorMath.Log(x, destination);
                break;
            default:
                VectorMath.LogOfOnePlus(x, destination);
                break;
        }
    }

    /// <summary>The four-lane function of a vector holding <paramref name="x"/> in every lane, lane 0.</summary>
    private static double FourLanes(string function, double x)
        => function switch
        {
            "exp" => VectorMath.Exp(new SimdVector(x))[0],
            "exp of minus abs" => VectorMath.Exp(new SimdVector(-Math.Abs(x)))[0],
            "ln" => VectorLogarithm.Log(new SimdVector(x))[0],
            _ => VectorLogarithm.Log(new SimdVector(1 + x))[0],
        };

    /// <summary>The same bits, or NaN for NaN (its sign and payload are not specified).</summary>
    private static void ShouldHaveTheBits(double actual, double expected, string because)
    {
        if (double.IsNaN(expected))
        {
            double.IsNaN(actual).Should().BeTrue(because);
            return;
        }

        BitConverter.DoubleToInt64Bits(actual).Should().Be(BitConverter.DoubleToInt64Bits(expected), because);
    }
}
