using System;
using System.Globalization;
using FluentAssertions.Execution;

namespace Losses.Properties.Infrastructure;

/// <summary>
/// The one place where a library result is compared with a reference value. A reference is a
/// double, so a float result is judged against the exact value rounded the way IEEE rounding would:
/// a reference beyond the type's range must come back as that infinity, a NaN reference as NaN, and
/// anything else as a finite number within the stated absolute tolerance.
/// </summary>
internal static class NumericAssertions
{
    public static void ShouldAgree<T>(T actual, double expected, double tolerance, string what)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
    {
        double value = double.CreateTruncating(actual);

        // A result in the subnormal range carries fewer bits: allow a few of its steps whatever the relative tolerance.
        tolerance += 4 * double.CreateTruncating(T.Epsilon);
        if (Agrees<T>(value, expected, tolerance))
        {
            return;
        }

        Execute.Assertion
            .ForCondition(Agrees<T>(value, expected, tolerance))
            .FailWith("{0}: expected {1} (tolerance {2}) but found {3}", Describe(what), Text(expected), Text(tolerance), Text(value));
    }

    /// <summary>As <see cref="ShouldAgree{T}"/>, but NaN is accepted too: for inputs where the policy leaves the result open.</summary>
    public static void ShouldAgreeOrBeNaN<T>(T actual, double expected, double tolerance, string what)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
    {
        if (!T.IsNaN(actual))
        {
            ShouldAgree(actual, expected, tolerance, what);
        }
    }

    public static void ShouldHaveSameBits<T>(T actual, T expected, string what)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
    {
        Execute.Assertion
            .ForCondition(actual.Equals(expected) && T.IsNegative(actual) == T.IsNegative(expected))
            .FailWith("{0}: expected exactly {1} but found {2}", Describe(what), Text(double.CreateTruncating(expected)), Text(double.CreateTruncating(actual)));
    }

    /// <summary>
    /// Equality of two results of the same computation reached by two routes (sparse and dense labels,
    /// shifted and unshifted rows, a result buffer and a new matrix, one thread and many): the same
    /// number in every entry (+0 and -0 count as equal, and any NaN equals any NaN).
    /// </summary>
    public static void ShouldBeIdentical<T>(double[] actual, double[] expected, string what)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
    {
        Execute.Assertion
            .ForCondition(actual.Length == expected.Length)
            .FailWith("{0}: expected {1} {2} entries but found {3}", what, expected.Length, typeof(T).Name, actual.Length);
        for (int k = 0; k < actual.Length; k++)
        {
            double a = actual[k];
            double b = expected[k];
            if ((double.IsNaN(a) && double.IsNaN(b)) || a == b)
            {
                continue;
            }

            Execute.Assertion.FailWith("{0}: entry {1} should be exactly {2} but is {3}", what, k, Text(b), Text(a));
        }
    }

    public static bool Agrees<T>(double actual, double expected, double tolerance)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
    {
        if (double.IsNaN(expected))
        {
            return double.IsNaN(actual);
        }

        double rounded = double.CreateTruncating(T.CreateTruncating(expected));
        if (double.IsInfinity(rounded))
        {
            return actual.Equals(rounded);
        }

        if (double.IsInfinity(actual))
        {
            // A true value within the tolerance of the overflow threshold may round either way.
            return Math.Sign(actual) == Math.Sign(expected) && Math.Abs(expected) + tolerance >= Values.MaxValue<T>();
        }

        return Math.Abs(actual - expected) <= tolerance;
    }

    private static string Describe(string what) => what;

    private static string Text(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
