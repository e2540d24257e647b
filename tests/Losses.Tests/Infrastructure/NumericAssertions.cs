using System;
using System.Globalization;
using System.Runtime.InteropServices;
using FluentAssertions;
using MathNet.Numerics.LinearAlgebra;

namespace Losses.Tests.Infrastructure;

/// <summary>The numeric assertions every test class shares: tolerances, bit-identity and element-wise comparison.</summary>
public static class NumericAssertions
{
    /// <summary>|actual - expected| ≤ absolute.</summary>
    public static void ShouldBeWithin(double actual, double expected, double absolute, string what)
        => actual.Should().BeApproximately(expected, absolute, "{0} should be {1} within {2}", what, expected, absolute);

    /// <summary>|actual - expected| ≤ relative·|expected| (or exactly equal, which covers 0 and ±∞).</summary>
    public static void ShouldBeRelativelyClose(double actual, double expected, double relative, string what)
    {
        if (actual.Equals(expected))
        {
            return;
        }

        double error = Math.Abs(actual - expected);
        error.Should().BeLessThanOrEqualTo(
            relative * Math.Abs(expected),
            "{0} = {1} should be {2} within a relative {3}", what, Format(actual), Format(expected), relative);
    }

    /// <summary>Element-wise <see cref="ShouldBeRelativelyClose"/> with a floor: |a - e| ≤ relative·max(|e|, floor).</summary>
    public static void ShouldBeClose(double[] actual, double[] expected, double relative, double floor, string what)
    {
        actual.Should().HaveSameCount(expected, what);
        for (int i = 0; i < expected.Length; i++)
        {
            if (actual[i].Equals(expected[i]))
            {
                continue;
            }

            double error = Math.Abs(actual[i] - expected[i]);
            error.Should().BeLessThanOrEqualTo(
                relative * Math.Max(Math.Abs(expected[i]), floor),
                "{0}[{1}] = {2} should be {3}", what, i, Format(actual[i]), Format(expected[i]));
        }
    }

    /// <summary>Same shape and the same bits in every element (so NaN equals NaN and -0 differs from +0).</summary>
    public static void ShouldBeBitIdentical<T>(Matrix<T> actual, Matrix<T> expected, string what)
        where T : struct, IEquatable<T>, IFormattable
    {
        actual.RowCount.Should().Be(expected.RowCount, what);
        actual.ColumnCount.Should().Be(expected.ColumnCount, what);
        ShouldBeBitIdentical(actual.ToColumnMajorArray(), expected.ToColumnMajorArray(), what);
    }

    public static void ShouldBeBitIdentical<T>(Vector<T> actual, Vector<T> expected, string what)
        where T : struct, IEquatable<T>, IFormattable
        => ShouldBeBitIdentical(actual.ToArray(), expected.ToArray(), what);

    public static void ShouldBeBitIdentical<T>(T[] actual, T[] expected, string what)
        where T : struct
    {
        actual.Should().HaveSameCount(expected, what);
        for (int i = 0; i < actual.Length; i++)
        {
            ReadOnlySpan<byte> actualBits = MemoryMarshal.AsBytes(actual.AsSpan(i, 1));
            ReadOnlySpan<byte> expectedBits = MemoryMarshal.AsBytes(expected.AsSpan(i, 1));
            if (!actualBits.SequenceEqual(expectedBits))
            {
                Assert.Fail($"{what}: element {i} (column-major) is {actual[i]} but should be bit-identical to {expected[i]}.");
            }
        }
    }

    /// <summary>Bit-identical results of any kind a loss returns: a scalar, a vector or a matrix.</summary>
    public static void ShouldBeBitIdenticalResult<T>(object actual, object expected, string what)
        where T : struct, IEquatable<T>, IFormattable
    {
        switch (expected)
        {
            case Matrix<T> matrix:
                ShouldBeBitIdentical((Matrix<T>)actual, matrix, what);
                break;
            case Vector<T> vector:
                ShouldBeBitIdentical((Vector<T>)actual, vector, what);
                break;
            case T scalar:
                ShouldBeBitIdentical(new[] { (T)actual }, new[] { scalar }, what);
                break;
            default:
                throw new ArgumentException($"{what} has an unknown result type {expected.GetType()}.", nameof(expected));
        }
    }

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
