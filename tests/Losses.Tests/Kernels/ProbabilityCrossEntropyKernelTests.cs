using System;
using FluentAssertions;
using Losses.Internal;
using MathNet.Numerics.LinearAlgebra;

namespace Losses.Tests.Kernels;

/// <summary>
/// <see cref="Loss.CrossEntropy{T}(Matrix{T}, Matrix{T}, Vector{T})"/> skips the logarithm of a vector of
/// probabilities whose labels are all zero. With one-hot labels that is nearly every vector, so these tests
/// pin down that the skip changes nothing: the losses are, bit for bit, those of the plain composition (the
/// lane-wise logarithm of every probability, then <c>ℓᵢ -= yᵢⱼ·ln pᵢⱼ</c> in double column by column, 0 where
/// yᵢⱼ = 0),
/// and a probability under a zero label never reaches its row's loss, whatever its value.
/// </summary>
public abstract class ProbabilityCrossEntropyKernelTests<T>
    where T : struct, System.Numerics.IFloatingPointIeee754<T>
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(1, 5)]
    [InlineData(7, 3)]
    [InlineData(9, 2)]
    [InlineData(17, 10)]
    [InlineData(33, 17)]
    [InlineData(256, 10)]
    [InlineData(70, 70)]
    [InlineData(2100, 4)]
    public void OneHotLabels_GiveTheBitsOfTheLogarithmOfEveryProbability(int rows, int columns)
    {
        var random = new Random((rows * 1000) + columns);
        (Matrix<T> labels, Matrix<T> probabilities) = OneHot(rows, columns, random);

        Vector<T> losses = Vector<T>.Build.Dense(rows);
        Loss.CrossEntropy(labels, probabilities, losses);

        KernelComparison.BitIdentical(losses.ToArray(), Composition(labels, probabilities), $"cross-entropy at {rows}x{columns}, one-hot labels");
    }

    [Theory]
    [InlineData(1, 3)]
    [InlineData(15, 4)]
    [InlineData(16, 3)]
    [InlineData(17, 5)]
    [InlineData(47, 9)]
    [InlineData(150, 3)]
    [InlineData(512, 7)]
    public void SmoothedLabels_GiveTheBitsOfTheComposition(int rows, int columns)
    {
        // Label smoothing makes every label nonzero, so every vector of every column takes the logarithm: whole 512-bit
        // vectors where they run, 256-bit ones and a padded tail after them, each lane the composition's bits.
        var random = new Random((rows * 7919) + columns);
        (Matrix<T> oneHot, Matrix<T> probabilities) = OneHot(rows, columns, random);
        T smoothing = T.CreateChecked(0.1);
        Matrix<T> labels = oneHot.Map(label => ((T.One - smoothing) * label) + (smoothing / T.CreateChecked(columns)));

        Vector<T> losses = Vector<T>.Build.Dense(rows);
        Loss.CrossEntropy(labels, probabilities, losses);

        KernelComparison.BitIdentical(losses.ToArray(), Composition(labels, probabilities), $"cross-entropy at {rows}x{columns}, smoothed labels");
    }

    [Theory]
    [InlineData(8, 3)]
    [InlineData(19, 6)]
    [InlineData(64, 9)]
    public void ProbabilitiesUnderZeroLabels_NeverReachTheLoss(int rows, int columns)
    {
        var random = new Random((rows * 31) + columns);
        (Matrix<T> labels, Matrix<T> probabilities) = OneHot(rows, columns, random);
        Vector<T> expected = Vector<T>.Build.Dense(rows);
        Loss.CrossEntropy(labels, probabilities, expected);

        // Every probability whose label is 0 replaced by a value whose logarithm is NaN, ±∞ or undefined.
        T[] specials = [T.NaN, T.Zero, T.PositiveInfinity, T.NegativeInfinity, -T.One, T.NegativeZero];
        Matrix<T> spoiled = probabilities.Clone();
        for (int row = 0; row < rows; row++)
        {
            for (int column = 0; column < columns; column++)
            {
                if (labels[row, column] == T.Zero)
                {
                    spoiled[row, column] = specials[random.Next(specials.Length)];
                }
            }
        }

        Vector<T> actual = Vector<T>.Build.Dense(rows);
        Loss.CrossEntropy(labels, spoiled, actual);

        KernelComparison.BitIdentical(actual, expected, $"cross-entropy at {rows}x{columns} with spoiled probabilities under zero labels");
        Array.TrueForAll(actual.ToArray(), T.IsFinite).Should().BeTrue("every labelled probability is in (0, 1]");
    }

    [Fact]
    public void AZeroProbabilityUnderALabel_GivesAnInfiniteLoss_InEveryLaneOfAVector()
    {
        // 16 rows: whole vectors for float and double; row 5 has its labelled probability rounded to 0.
        (Matrix<T> labels, Matrix<T> probabilities) = OneHot(16, 3, new Random(5));
        int labelled = Array.FindIndex(labels.Row(5).ToArray(), value => value != T.Zero);
        probabilities[5, labelled] = T.Zero;

        Vector<T> losses = Loss.CrossEntropy(labels, probabilities);

        T.IsPositiveInfinity(losses[5]).Should().BeTrue("-1·ln 0 = +∞ (the documented cost of taking logs of rounded probabilities)");
        for (int row = 0; row < 16; row++)
        {
            if (row != 5)
            {
                T.IsFinite(losses[row]).Should().BeTrue($"row {row}'s labelled probabilities are in (0, 1]");
            }
        }
    }

    /// <summary>One-hot labels, except every fifth row with two classes of 0.5 and every seventh row of zeros; probabilities in (0, 1].</summary>
    private static (Matrix<T> Labels, Matrix<T> Probabilities) OneHot(int rows, int columns, Random random)
    {
        Matrix<T> labels = Matrix<T>.Build.Dense(rows, columns);
        for (int row = 0; row < rows; row++)
        {
            if (row % 7 == 6)
            {
                continue;
            }

            if (row % 5 == 4 && columns > 1)
            {
                int first = random.Next(columns);
                labels[row, first] = T.CreateChecked(0.5);
                labels[row, (first + 1) % columns] = T.CreateChecked(0.5);
            }
            else
            {
                labels[row, random.Next(columns)] = T.One;
            }
        }

        Matrix<T> probabilities = Matrix<T>.Build.Dense(rows, columns, (_, _) => T.CreateChecked(1.0 - random.NextDouble()));
        return (labels, probabilities);
    }

    /// <summary>
    /// The plain composition: the lane-wise logarithm of every probability (for float its double value, before the
    /// rounding to float), then the labelled subtraction in double in column order, rounded once to T.
    /// </summary>
    private static T[] Composition(Matrix<T> labels, Matrix<T> probabilities)
    {
        T[] p = probabilities.ToColumnMajorArray();
        T[] y = labels.ToColumnMajorArray();
        var logarithm = new double[p.Length];
        int rows = probabilities.RowCount;
        var losses = new double[rows];
        var segment = new T[rows];
        for (int column = 0; column < probabilities.ColumnCount; column++)
        {
            // Column by column, as the kernel's segments: the lane-wise logarithm depends only on its lane. Where
            // vectors do not run, the kernel takes VectorMath.Log over each segment, rounded to T.
            VectorMath.Log<T>(p.AsSpan(column * rows, rows), segment);
            for (int row = 0; row < rows; row++)
            {
                int index = (column * rows) + row;
                logarithm[index] = VectorMath.Lanes<T>() == 0 ? double.CreateTruncating(segment[row]) : LaneWiseLog(p[index]);
                losses[row] -= Elementwise.TimesOrZero(double.CreateTruncating(y[index]), logarithm[index]);
            }
        }

        return Array.ConvertAll(losses, T.CreateTruncating);
    }

    /// <summary>ln p lane-wise in double: for float the value the float logarithm rounds (see <see cref="VectorMath.Log{T}"/>).</summary>
    private static double LaneWiseLog(T probability)
    {
        var lane = new System.Numerics.Vector<double>(double.CreateTruncating(probability));
        return typeof(T) == typeof(float) && TableExponential.IsSupported ? VectorLogarithm.LogForFloat(lane)[0] : VectorLogarithm.Log(lane)[0];
    }
}

public sealed class ProbabilityCrossEntropyKernelTestsFloat : ProbabilityCrossEntropyKernelTests<float>;

public sealed class ProbabilityCrossEntropyKernelTestsDouble : ProbabilityCrossEntropyKernelTests<double>;
