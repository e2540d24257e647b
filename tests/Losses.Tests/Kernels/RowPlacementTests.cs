using System;
using Losses.Internal;
using Losses.Tests.Infrastructure;
using MathNet.Numerics.LinearAlgebra;
using Xunit;

namespace Losses.Tests.Kernels;

/// <summary>
/// The softmax kernels take a block's rows in vectors: where 512-bit vectors run, float rows go sixteen at a time, then
/// an odd vector of eight, then a last, partial vector, each by its own loop. The specification: every row's loss,
/// gradient and softmax have the bits the same row has as a matrix of its own (one partial vector), wherever the row
/// falls, with one-hot labels (whose entries the gradient takes apart and puts back), soft ones and class indices, in
/// one block or across several.
/// </summary>
[Collection(AllocationMeasurement.Name)]
public abstract class RowPlacementTests<T>
    where T : struct, System.Numerics.IFloatingPointIeee754<T>
{
    [Theory]
    [MemberData(nameof(RowPlacementShapes.All), MemberType = typeof(RowPlacementShapes))]
    public void EachRow_GetsTheBitsItHasAlone_WithOneHotLabels(int rows, int columns)
    {
        var random = new Random((rows * 97) + columns);
        Matrix<T> logits = Logits(random, rows, columns);
        Matrix<T> labels = Matrix<T>.Build.Dense(rows, columns);
        for (int row = 0; row < rows; row++)
        {
            labels[row, random.Next(columns)] = T.One;
        }

        AssertEachRowAsAlone(labels, logits, "one-hot labels");
    }

    [Theory]
    [MemberData(nameof(RowPlacementShapes.All), MemberType = typeof(RowPlacementShapes))]
    public void EachRow_GetsTheBitsItHasAlone_WithSoftLabels(int rows, int columns)
    {
        var random = new Random((rows * 89) + columns);
        Matrix<T> logits = Logits(random, rows, columns);
        Matrix<T> labels = Matrix<T>.Build.Dense(rows, columns, (_, _) => random.Next(3) == 0 ? T.CreateTruncating(random.NextDouble()) : T.Zero);
        AssertEachRowAsAlone(labels, logits, "soft labels");
    }

    [Theory]
    [MemberData(nameof(RowPlacementShapes.All), MemberType = typeof(RowPlacementShapes))]
    public void EachRow_GetsTheBitsItHasAlone_ForClassIndicesAndSoftmax(int rows, int columns)
    {
        var random = new Random((rows * 83) + columns);
        Matrix<T> logits = Logits(random, rows, columns);
        int[] classIndices = new int[rows];
        for (int row = 0; row < rows; row++)
        {
            classIndices[row] = random.Next(columns);
        }

        Vector<T> losses = Vector<T>.Build.Dense(rows);
        Matrix<T> gradient = Matrix<T>.Build.Dense(rows, columns);
        Matrix<T> probabilities = Matrix<T>.Build.Dense(rows, columns);
        OnOneThread(() =>
        {
            Loss.SparseSoftmaxCrossEntropyWithLogits(classIndices, logits, losses);
            Loss.SparseSoftmaxCrossEntropyWithLogitsGradient(classIndices, logits, gradient);
            Activation.Softmax(logits, probabilities);
            for (int row = 0; row < rows; row++)
            {
                Matrix<T> rowLogits = logits.SubMatrix(row, 1, 0, columns);
                Vector<T> rowLoss = Vector<T>.Build.Dense(1);
                Matrix<T> rowGradient = Matrix<T>.Build.Dense(1, columns);
                Matrix<T> rowProbabilities = Matrix<T>.Build.Dense(1, columns);
                Loss.SparseSoftmaxCrossEntropyWithLogits([classIndices[row]], rowLogits, rowLoss);
                Loss.SparseSoftmaxCrossEntropyWithLogitsGradient([classIndices[row]], rowLogits, rowGradient);
                Activation.Softmax(rowLogits, rowProbabilities);
                string because = $"row {row} of {rows}x{columns} against the row alone";
                KernelComparison.BitIdentical(losses.SubVector(row, 1), rowLoss, $"the class-index loss of {because}");
                KernelComparison.BitIdentical(gradient.SubMatrix(row, 1, 0, columns), rowGradient, $"the class-index gradient of {because}");
                KernelComparison.BitIdentical(probabilities.SubMatrix(row, 1, 0, columns), rowProbabilities, $"the softmax of {because}");
            }
        });
    }

    private static void OnOneThread(Action run)
    {
        int previous = Parallelism.MaxDegreeOfParallelism;
        try
        {
            Parallelism.MaxDegreeOfParallelism = 1;
            run();
        }
        finally
        {
            Parallelism.MaxDegreeOfParallelism = previous;
        }
    }

    private static Matrix<T> Logits(Random random, int rows, int columns)
    {
        // Logits in [-8, 8], with ties for the row maximum now and then (a maximum counted twice).
        Matrix<T> logits = Matrix<T>.Build.Dense(rows, columns, (_, _) => T.CreateTruncating((random.NextDouble() * 16) - 8));
        for (int row = 0; row < rows; row += 5)
        {
            logits[row, (row + 1) % columns] = T.CreateTruncating(9);
            logits[row, (row + 3) % columns] = T.CreateTruncating(9);
        }

        return logits;
    }

    private static void AssertEachRowAsAlone(Matrix<T> labels, Matrix<T> logits, string what)
    {
        int rows = logits.RowCount;
        int columns = logits.ColumnCount;
        Vector<T> losses = Vector<T>.Build.Dense(rows);
        Matrix<T> gradient = Matrix<T>.Build.Dense(rows, columns);
        OnOneThread(() =>
        {
            Loss.SoftmaxCrossEntropyWithLogits(labels, logits, losses);
            Loss.SoftmaxCrossEntropyWithLogitsGradient(labels, logits, gradient);
            for (int row = 0; row < rows; row++)
            {
                Matrix<T> rowLabels = labels.SubMatrix(row, 1, 0, columns);
                Matrix<T> rowLogits = logits.SubMatrix(row, 1, 0, columns);
                Vector<T> rowLoss = Vector<T>.Build.Dense(1);
                Matrix<T> rowGradient = Matrix<T>.Build.Dense(1, columns);
                Loss.SoftmaxCrossEntropyWithLogits(rowLabels, rowLogits, rowLoss);
                Loss.SoftmaxCrossEntropyWithLogitsGradient(rowLabels, rowLogits, rowGradient);
                string because = $"row {row} of {rows}x{columns} ({what}) against the row alone";
                KernelComparison.BitIdentical(losses.SubVector(row, 1), rowLoss, because);
                KernelComparison.BitIdentical(gradient.SubMatrix(row, 1, 0, columns), rowGradient, because);
            }
        });
    }
}

/// <summary>Shapes whose rows fall in each kind of vector, in one block and across three.</summary>
public static class RowPlacementShapes
{
    public static TheoryData<int, int> All()
    {
        return new TheoryData<int, int>
        {
            { 43, 40 },  // two vectors of sixteen rows, an odd vector of eight, three rows in a partial vector
            { 48, 40 },  // three vectors of sixteen rows
            { 56, 7 },   // narrow rows: three vectors of sixteen and one of eight
            { (2 * RowSoftmax.BlockRows) + 27, 40 },  // three blocks of 40 columns (RowsPerBlock): each pass takes the next one's maxima and the previous one's division
        };
    }
}

public sealed class RowPlacementTestsFloat : RowPlacementTests<float>;

public sealed class RowPlacementTestsDouble : RowPlacementTests<double>;
