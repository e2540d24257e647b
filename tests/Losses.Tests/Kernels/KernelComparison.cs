using System;
using System.Globalization;
using FluentAssertions;
using MathNet.Numerics.LinearAlgebra;

namespace Losses.Tests.Kernels;

/// <summary>The comparisons the kernel tests share: bit for bit, and within a tolerance of a reference.</summary>
internal static class KernelComparison
{
    public static void BitIdentical<T>(Matrix<T> actual, Matrix<T> expected, string because)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
        => BitIdentical(actual.ToColumnMajorArray(), expected.ToColumnMajorArray(), because);

    public static void BitIdentical<T>(Vector<T> actual, Vector<T> expected, string because)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
        => BitIdentical(actual.ToArray(), expected.ToArray(), because);

    public static void BitIdentical<T>(T[] actual, T[] expected, string because)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
    {
        actual.Length.Should().Be(expected.Length, because);
        for (int i = 0; i < actual.Length; i++)
        {
            // NaN payloads aside, equal bits means equal values, the same zero sign and NaN where NaN.
            bool same = T.IsNaN(actual[i]) ? T.IsNaN(expected[i]) : actual[i].Equals(expected[i]) && T.IsNegative(actual[i]) == T.IsNegative(expected[i]);
            if (!same)
            {
                same.Should().BeTrue($"element {i} is {actual[i]} but {expected[i]} was expected: {because}");
            }
        }
    }

    /// <summary>|actual - expected| ≤ tolerance·max(1, |expected|), with NaN and infinities matching exactly.</summary>
    public static void Close<T>(T[] actual, double[] expected, double tolerance, string because)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
    {
        actual.Length.Should().Be(expected.Length, because);
        for (int i = 0; i < actual.Length; i++)
        {
            double value = double.CreateTruncating(actual[i]);
            double reference = expected[i];
            bool close = double.IsNaN(reference) || double.IsInfinity(reference)
                ? value.Equals(reference)
                : Math.Abs(value - reference) <= tolerance * Math.Max(1, Math.Abs(reference));
            if (!close)
            {
                close.Should().BeTrue(string.Create(
                    CultureInfo.InvariantCulture, $"element {i} is {value:R} but the reference is {reference:R}: {because}"));
            }
        }
    }
}
