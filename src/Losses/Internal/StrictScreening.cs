using System;
using System.Globalization;
using System.Numerics;

namespace Losses.Internal;

/// <summary>
/// The checks of a loss's Strict mode: inputs that are almost always a mistake, each rejected with an
/// <see cref="ArgumentException"/> whose message says what to do instead. Matrices are column-major.
/// </summary>
internal static class StrictScreening
{
    /// <summary>
    /// Tolerance of a row sum that should be 1: 1e-4, or more for many classes where the rounding of
    /// C terms of type T can reach it.
    /// </summary>
    public static double SumTolerance<T>(int columns)
        where T : struct, IFloatingPointIeee754<T>
    {
        double epsilon = double.CreateTruncating(T.BitIncrement(T.One) - T.One);
        return Math.Max(1e-4, 4.0 * columns * epsilon);
    }

    /// <summary>Every element finite; <paramref name="rows"/> = 0 names elements of a vector by one index.</summary>
    public static void Finite<T>(ReadOnlySpan<T> values, int rows, string name)
        where T : struct, IFloatingPointIeee754<T>
    {
        for (int index = 0; index < values.Length; index++)
        {
            if (!T.IsFinite(values[index]))
            {
                throw new ArgumentException(
                    $"{Element(name, index, rows, values[index])}: Strict mode rejects NaN and infinite inputs. "
                    + "Find where the non-finite value comes from (missing data, a division by zero, an overflowing model) "
                    + "and remove or replace it before computing the loss, or leave Strict off to let NaN propagate.",
                    name);
            }
        }
    }

    /// <summary>Every element in [0, 1].</summary>
    public static void Probabilities<T>(ReadOnlySpan<T> values, int rows, string name)
        where T : struct, IFloatingPointIeee754<T>
    {
        for (int index = 0; index < values.Length; index++)
        {
            T value = values[index];
            if (value < T.Zero || value > T.One)
            {
                throw new ArgumentException(
                    $"{Element(name, index, rows, value)} is outside [0, 1]: Strict mode expects {name} to be probabilities. "
                    + "Scale or clip the labels into [0, 1]; for integer class indices use SparseSoftmaxCrossEntropyLoss.",
                    name);
            }
        }
    }

    /// <summary>Every row sums to 1 within <see cref="SumTolerance{T}"/>.</summary>
    public static void RowsSumToOne<T>(ReadOnlySpan<T> values, int rows, int columns, string name)
        where T : struct, IFloatingPointIeee754<T>
    {
        double tolerance = SumTolerance<T>(columns);
        for (int row = 0; row < rows; row++)
        {
            double sum = RowSum(values, rows, columns, row);
            if (!(Math.Abs(sum - 1.0) <= tolerance))
            {
                throw new ArgumentException(
                    string.Create(
                        CultureInfo.InvariantCulture,
                        $"{name} row {row} sums to {sum:G9}, not 1: Strict mode expects each row of {name} to be a probability distribution. ")
                    + "Divide each row by its sum, or pass integer class indices to SparseSoftmaxCrossEntropyLoss.",
                    name);
            }
        }
    }

    /// <summary>
    /// Rejects logits of which every row lies in [0, 1] and sums to 1: softmax output passed where the
    /// raw logits belong, which applies softmax twice. Logits that are merely small pass.
    /// </summary>
    public static void NotProbabilities<T>(ReadOnlySpan<T> logits, int rows, int columns, string name)
        where T : struct, IFloatingPointIeee754<T>
    {
        if (columns < 2)
        {
            return;
        }

        for (int index = 0; index < logits.Length; index++)
        {
            if (logits[index] < T.Zero || logits[index] > T.One)
            {
                return;
            }
        }

        double tolerance = SumTolerance<T>(columns);
        for (int row = 0; row < rows; row++)
        {
            if (!(Math.Abs(RowSum(logits, rows, columns, row) - 1.0) <= tolerance))
            {
                return;
            }
        }

        throw new ArgumentException(
            $"{name} look like softmax probabilities: every row lies in [0, 1] and sums to 1. "
            + "Pass the raw logits (the values before softmax); the loss applies softmax itself, "
            + "and applying it twice gives a wrong loss and a vanishing gradient.",
            name);
    }

    private static double RowSum<T>(ReadOnlySpan<T> values, int rows, int columns, int row)
        where T : struct, IFloatingPointIeee754<T>
    {
        double sum = 0.0;
        for (int column = 0; column < columns; column++)
        {
            sum += double.CreateTruncating(values[(column * rows) + row]);
        }

        return sum;
    }

    private static string Element<T>(string name, int index, int rows, T value)
        where T : struct, IFloatingPointIeee754<T>
        => rows == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{name}[{index}] = {value}")
            : string.Create(CultureInfo.InvariantCulture, $"{name}[{index % rows}, {index / rows}] = {value}");
}
