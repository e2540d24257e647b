using System;
using FluentAssertions;
using Losses.Internal;
using MathNet.Numerics.LinearAlgebra;

namespace Losses.Tests.Kernels;

/// <summary>
/// The class-index kernel takes each row's loss as log S - shift(x_label, m), reading the label's logit at its class
/// index; the dense kernel with the one-hot row takes it as L·log S - D with L = 1 and D = the label's shifted logit.
/// The specification: the same bits, row by row, wherever the row falls among the vectors of rows (every tail length),
/// with the label's logit at the row maximum, at ±∞, NaN, -0 and 1e30; with the columns in groups of four and after them
/// (the class-index pass takes four columns at a time where 512-bit vectors run), over several blocks of rows; and for
/// rows of at most 16 columns, where the float losses alone are taken sixteen rows at a time in registers (eight without
/// 512-bit vectors: CI runs these tests with AVX-512 turned off too) (<c>NarrowClassLosses</c>) and the rows after the last whole strip by the blocks. Their gradients, pⱼ - [j = k]
/// against (pⱼ·1) - yⱼ, have the same bits too.
/// </summary>
public abstract class ClassIndexLossTests<T>
    where T : struct, System.Numerics.IFloatingPointIeee754<T>
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(7)]
    [InlineData(9)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(40)]
    public void ClassIndexLosses_GiveTheBitsOfTheDenseKernelWithOneHotLabels_AtEveryRowCount(int columns)
    {
        for (int rows = 1; rows <= 37; rows++)
        {
            AssertSameAsDense(rows, columns, seed: (rows * 101) + columns);
        }

        AssertSameAsDense(256, columns, seed: 256 + columns);
        AssertSameAsDense(1029, columns, seed: 1029 + columns);

        // Three blocks of rows: each block's pass gathers the next one's maxima.
        int rowsPerBlock = Losses.Internal.RowSoftmax.RowsPerBlock<T>(columns);
        AssertSameAsDense((3 * rowsPerBlock) - 8, columns, seed: rowsPerBlock + columns);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(33)]
    [InlineData(40)]
    [InlineData(100)]
    public void ClassIndexGradient_GivesTheBitsOfTheDenseKernelWithOneHotLabels_AtEveryRowCount(int columns)
    {
        // Past 32 columns both finish a block's gradient by the division alone, the label's entry put back afterwards;
        // one block's last vector of rows is partial at most of these row counts.
        for (int rows = 1; rows <= 37; rows++)
        {
            AssertSameAsDense(rows, columns, seed: (rows * 103) + columns, gradients: true);
        }

        int rowsPerBlock = Losses.Internal.RowSoftmax.RowsPerBlock<T>(columns);
        AssertSameAsDense((3 * rowsPerBlock) - 3, columns, seed: rowsPerBlock + columns, gradients: true);
    }

    [Theory]
    [InlineData(3, 3)]
    [InlineData(3, -1)]
    [InlineData(21, 3)]
    [InlineData(21, -1)]
    [InlineData(21, int.MinValue)]
    public void TheKernel_RefusesAClassIndexOutsideTheColumns_BeforeReadingItsLogit(int rows, int badClass)
    {
        // 21 rows: the bad index in a whole vector of rows (row 2) and in the rows after them (row 20) in turn.
        foreach (int badRow in new[] { 2, rows - 1 })
        {
            int[] classes = new int[rows];
            classes[badRow] = badClass;
            T[] logits = new T[rows * 3];
            T[] losses = new T[rows];
            Action run = () => RowSoftmax.SparseCrossEntropy<T>(classes, logits, rows, 3, losses, Span<T>.Empty);
            run.Should().Throw<ArgumentOutOfRangeException>($"class {badClass} of 3 at row {badRow} of {rows}");
        }
    }

    private static void AssertSameAsDense(int rows, int columns, int seed, bool gradients = false)
    {
        var random = new Random(seed);
        T[] specials = [T.PositiveInfinity, T.NegativeInfinity, T.NaN, T.NegativeZero, T.CreateTruncating(1e30), T.CreateTruncating(-1e30)];
        var logits = Matrix<T>.Build.Dense(rows, columns, (i, j) => T.CreateTruncating((random.NextDouble() * 16) - 8));
        int[] classes = new int[rows];
        var oneHot = Matrix<T>.Build.Dense(rows, columns);
        for (int i = 0; i < rows; i++)
        {
            classes[i] = random.Next(columns);
            oneHot[i, classes[i]] = T.One;
            switch (random.Next(6))
            {
                case 0:
                    // The label's logit is the row maximum (shift gives exactly 0 there).
                    logits[i, classes[i]] = logits.Row(i).Maximum();
                    break;
                case 1:
                    logits[i, classes[i]] = specials[random.Next(specials.Length)];
                    break;
                case 2:
                    logits[i, random.Next(columns)] = specials[random.Next(specials.Length)];
                    break;
            }
        }

        if (gradients)
        {
            KernelComparison.BitIdentical(
                Loss.SparseSoftmaxCrossEntropyWithLogitsGradient(classes, logits).ToColumnMajorArray(),
                Loss.SoftmaxCrossEntropyWithLogitsGradient(oneHot, logits).ToColumnMajorArray(),
                $"class-index gradient against one-hot labels at {rows}x{columns}");
            return;
        }

        Vector<T> classIndex = Loss.SparseSoftmaxCrossEntropyWithLogits(classes, logits);
        Vector<T> dense = Loss.SoftmaxCrossEntropyWithLogits(oneHot, logits);
        KernelComparison.BitIdentical(classIndex, dense, $"class-index losses against one-hot labels at {rows}x{columns}");
    }
}

public sealed class ClassIndexLossTestsFloat : ClassIndexLossTests<float>;

public sealed class ClassIndexLossTestsDouble : ClassIndexLossTests<double>;
