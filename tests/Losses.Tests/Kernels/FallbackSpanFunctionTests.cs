using System;
using FluentAssertions;
using Losses.Internal;

namespace Losses.Tests.Kernels;

/// <summary>
/// The span functions' fallback where the library's lane-wise functions do not run (the net8.0 build, and vectors not
/// accelerated): <c>TensorPrimitives.Exp</c> and <c>Log</c> in double over aligned chunks, with the arguments its vector
/// code does not take alike set apart (<see cref="VectorMath.ChunkedExp{T}"/>, <see cref="VectorMath.ChunkedLog{T}"/>).
/// Run directly here, since on this runtime <see cref="VectorMath.Exp{T}"/> takes the lane-wise path. Run bare,
/// TensorPrimitives took fewer than four floats by scalar code with other bits, took a whole double vector through
/// scalar code for one argument beyond ±708, and gave e⁰ as 1 + 2⁻²³ in float: a row's softmax depended on the size of
/// its batch and on its neighbours, and the loss of a confident row (ln(1 + 2e⁻⁴⁰) = 8.5e-18) came out as 1.2e-7.
/// </summary>
public sealed class FallbackSpanFunctionTests
{
    private static readonly int[] Lengths = [1, 2, 3, 4, 5, 7, 8, 15, 16, 17, 511, 512, 513, 1000, 1025];

    [Theory]
    [InlineData("exp")]
    [InlineData("ln")]
    public void EachElement_HasTheBitsOfTheWholeChunk_WhateverTheSpansLengthOrOffset(string function)
    {
        // Source: the element's value computed alone at the start of a full chunk; every other placement must agree.
        var random = new Random(11);
        float[] values = new float[1100];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = function == "exp" ? (float)((random.NextDouble() * 60) - 40) : (float)(random.NextDouble() * 1e3);
        }

        values[3] = function == "exp" ? -5.866043f : 1f;
        foreach (int offset in new[] { 0, 1, 3, 7 })
        {
            foreach (int length in Lengths)
            {
                ReadOnlySpan<float> x = values.AsSpan(offset, Math.Min(length, values.Length - offset));
                float[] result = new float[x.Length];
                Run(function, x, result);
                for (int i = 0; i < x.Length; i++)
                {
                    float[] alone = new float[1];
                    Run(function, [x[i]], alone);
                    BitConverter.SingleToInt32Bits(result[i]).Should().Be(
                        BitConverter.SingleToInt32Bits(alone[0]),
                        "{0}({1:R}) at position {2} of a span of {3} from offset {4}", function, x[i], i, x.Length, offset);
                }
            }
        }
    }

    [Theory]
    [InlineData("exp")]
    [InlineData("ln")]
    public void AnOrdinaryElement_HasTheSameBits_BesideAnyExtremeOne(string function)
    {
        // Source: each ordinary element computed alone; an extreme neighbour in the same vector must not change it.
        double[] extremes = function == "exp"
            ? [double.NaN, double.PositiveInfinity, double.NegativeInfinity, 708.3, -708.3, 709.9, -745.5, -1000, 0.0, -0.0]
            : [double.NaN, double.PositiveInfinity, 0.0, -0.0, -1.0, double.Epsilon, 1e-310, double.MaxValue, 1.0];
        var random = new Random(12);
        double[] ordinary = new double[16];
        for (int i = 0; i < ordinary.Length; i++)
        {
            ordinary[i] = function == "exp" ? (random.NextDouble() * 40) - 20 : random.NextDouble() * 100;
        }

        foreach (double extreme in extremes)
        {
            for (int at = 0; at < ordinary.Length; at++)
            {
                double[] x = (double[])ordinary.Clone();
                x[at] = extreme;
                double[] result = new double[x.Length];
                RunDouble(function, x, result);
                for (int i = 0; i < x.Length; i++)
                {
                    double[] alone = new double[1];
                    RunDouble(function, [x[i]], alone);
                    BitConverter.DoubleToInt64Bits(result[i]).Should().Be(
                        BitConverter.DoubleToInt64Bits(alone[0]), "{0}({1:R}) beside {2:R} at {3}", function, x[i], extreme, at);
                }

                double expected = function == "exp" ? Math.Exp(extreme) : Math.Log(extreme);
                result[at].Should().Be(expected, "{0}({1:R}) is what Math gives", function, extreme);
            }
        }
    }

    [Theory]
    [InlineData("exp")]
    [InlineData("ln")]
    public void FloatResults_AreTheFloatNearest_ButInRareArguments(string function)
    {
        // Source: Math.Exp and Math.Log in double, rounded once to float; the double results are within a unit of
        // double's last place, so a float can differ only where the exact value lies that close to a midpoint.
        var random = new Random(13);
        float[] x = new float[100_003];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = function == "exp" ? (float)((random.NextDouble() * 200) - 110) : (float)Math.Exp((random.NextDouble() * 160) - 80);
        }

        float[] result = new float[x.Length];
        Run(function, x, result);
        int off = 0;
        for (int i = 0; i < x.Length; i++)
        {
            float nearest = (float)(function == "exp" ? Math.Exp(x[i]) : Math.Log(x[i]));
            if (BitConverter.SingleToInt32Bits(result[i]) != BitConverter.SingleToInt32Bits(nearest))
            {
                Math.Abs(BitConverter.SingleToInt32Bits(result[i]) - BitConverter.SingleToInt32Bits(nearest)).Should().Be(
                    1, "{0}({1:R}) rounds to {2:R}", function, x[i], nearest);
                off++;
            }
        }

        off.Should().BeLessThanOrEqualTo(2, "a double result within a unit rounds to the float nearest but within 2⁻²⁹ of a midpoint");
    }

    [Fact]
    public void ExpOfZero_IsExactlyOne_InFloatAndDouble()
    {
        // Source: e⁰ = 1 exactly; the row kernels count a row's maxima by an exponential of exactly 1.
        float[] zeros = [0f, -0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, -0f];
        float[] floats = new float[zeros.Length];
        VectorMath.ChunkedExp<float>(zeros, floats);
        floats.Should().AllSatisfy(value => value.Should().Be(1f));

        double[] doubleZeros = [0.0, -0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -0.0];
        double[] doubles = new double[doubleZeros.Length];
        VectorMath.ChunkedExp<double>(doubleZeros, doubles);
        doubles.Should().AllSatisfy(value => value.Should().Be(1.0));
    }

    [Fact]
    public void TheDestination_MayBeTheSource()
    {
        // Source: the same function out of place.
        float[] x = new float[1500];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = (i % 97) - 60;
        }

        float[] expected = new float[x.Length];
        VectorMath.ChunkedExp<float>(x, expected);
        VectorMath.ChunkedExp<float>(x, x);
        x.Should().Equal(expected);
    }

    [Fact]
    public void ADestinationOfAnotherLength_IsRejected()
    {
        float[] x = new float[5];
        Action call = () => VectorMath.ChunkedExp<float>(x, new float[4]);
        call.Should().Throw<ArgumentException>().WithParameterName("destination");
    }

    private static void RunDouble(string function, ReadOnlySpan<double> x, Span<double> destination)
    {
        if (function == "exp")
        {
            VectorMath.ChunkedExp(x, destination);
        }
        else
        {
            VectorMath.ChunkedLog(x, destination);
        }
    }

    private static void Run(string function, ReadOnlySpan<float> x, Span<float> destination)
    {
        if (function == "exp")
        {
            VectorMath.ChunkedExp(x, destination);
        }
        else
        {
            VectorMath.ChunkedLog(x, destination);
        }
    }
}
