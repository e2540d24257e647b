using System;
using System.Numerics.Tensors;
using FluentAssertions;
using Losses.Internal;

namespace Losses.Tests.Kernels;

/// <summary>
/// The span functions' fallback where the library's lane-wise functions do not run (the net8.0 build, and vectors not
/// accelerated): <c>TensorPrimitives.Exp</c> and <c>Log</c> over whole, aligned chunks
/// (<see cref="VectorMath.ChunkedExp{T}"/>, <see cref="VectorMath.ChunkedLog{T}"/>). Run directly here, since on this runtime <see cref="VectorMath.Exp{T}"/>
/// takes the lane-wise path. TensorPrimitives itself takes fewer than four floats (two doubles) by a scalar function
/// whose bits differ from its vector code's, and gives e⁰ as 1 + 2⁻²³ in float: run bare, a row's softmax depended on
/// the size of its batch, and the loss of a confident row (ln(1 + e⁻⁴⁰), 4.2e-18) came out as 1.2e-7.
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

    [Fact]
    public void TheVectorCode_IsWhatEveryElementGets()
    {
        // Source: TensorPrimitives.Exp over one whole 512-bit-aligned-length span of sixteen floats (its vector code).
        float[] arguments = [-5.866043f, -1f, 0.5f, 3f, -20f, 10f, -0.25f, 2f, -7f, 1.5f, -3.5f, 4f, -11f, 6f, -0.75f, 8f];
        float[] vector = new float[16];
        TensorPrimitives.Exp<float>(arguments, vector);
        for (int i = 0; i < arguments.Length; i++)
        {
            float[] alone = new float[1];
            VectorMath.ChunkedExp<float>([arguments[i]], alone);
            alone[0].Should().Be(vector[i], "exp({0:R}) in a span of one", arguments[i]);
        }
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
