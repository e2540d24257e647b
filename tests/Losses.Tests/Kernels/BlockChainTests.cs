using System;
using System.Collections.Generic;
using System.Numerics;
using FluentAssertions;
using Losses.Internal;
using Losses.Tests.Infrastructure;

namespace Losses.Tests.Kernels;

/// <summary>
/// The row kernels run a matrix in blocks of rows, and each block needs its row maxima before its pass of exponentials.
/// Where the fused loop runs, a block's pass also takes in the next block's logits and leaves that block's maxima
/// ready, so the next block is read from memory once, inside a pass that works from cache, instead of in a pass of its
/// own; and where a block's last step is the division of its exponentials by S (softmax, the class-index gradient of
/// wide rows, the dense gradient of labels adding up to 1 with one nonzero label per row), the next block's pass does it
/// (<see cref="RowSoftmax.RunBlock{T}"/>). The specification: every output
/// has the bits it has when each block takes its own maxima and finishes itself, whatever the inputs (±∞, NaN, rows of
/// only -∞, ±0) and wherever the blocks end.
/// </summary>
[Collection(AllocationMeasurement.Name)]
public abstract class BlockChainTests<T>
    where T : struct, IFloatingPointIeee754<T>
{
    private const int Columns3 = BlockChainShapes.Narrow;

    [Theory]
    [MemberData(nameof(BlockChainShapes.Several), MemberType = typeof(BlockChainShapes))]
    public void ChainingTheBlocks_GivesTheBitsOfEachBlockOnItsOwn(int rows, int columns)
    {
        var inputs = new Inputs(rows, columns, seed: (rows * 31) + columns);
        foreach ((RowKernel kernel, LabelKind labels) in Cases())
        {
            bool crossEntropy = kernel is RowKernel.CrossEntropy or RowKernel.SparseCrossEntropy;
            foreach ((bool withGradient, bool withFactors) in new[] { (true, false), (false, false), (true, true) })
            {
                if (withFactors && !crossEntropy)
                {
                    continue;
                }

                Outputs gathered = inputs.Run(kernel, labels, withGradient, withFactors, chained: true, out int gatheredBlocks, out int finishedBehind);
                Outputs separate = inputs.Run(kernel, labels, withGradient, withFactors, chained: false, out _, out _);
                string because = $"{kernel}, {labels} labels ({(withGradient ? "outputs" : "losses only")}{(withFactors ? ", with factors" : "")}) at {rows}x{columns}";
                KernelComparison.BitIdentical(gathered.Matrix, separate.Matrix, because);
                KernelComparison.BitIdentical(gathered.Losses, separate.Losses, because);

                // Every block but the last gathers the next one's maxima when its whole vectors of rows are as many.
                int rowsPerBlock = RowSoftmax.RowsPerBlock<T>(columns);
                int blocks = (rows + rowsPerBlock - 1) / rowsPerBlock;
                int lastLength = rows - ((blocks - 1) * rowsPerBlock);
                bool lastGathered = lastLength / Vector<T>.Count == rowsPerBlock / Vector<T>.Count;
                int expected = FusedLoopRuns() ? blocks - 2 + (lastGathered ? 1 : 0) : 0;
                gatheredBlocks.Should().Be(expected, because);

                // Every block but the last leaves its division to the next block's pass where that is its last step: for
                // the dense gradient, where every row's labels add up to 1 and the nonzero ones are no more than the rows.
                bool dividesLast = kernel == RowKernel.Softmax
                    || (kernel == RowKernel.SparseCrossEntropy && withGradient && columns > 32)
                    || (kernel == RowKernel.CrossEntropy && withGradient && labels == LabelKind.OneHot);
                finishedBehind.Should().Be(FusedLoopRuns() && dividesLast ? blocks - 2 + (lastGathered ? 1 : 0) : 0, because);
            }
        }
    }

    [Fact]
    public void ThePublicKernels_ChainTheBlocks_AndGiveTheSameBits()
    {
        // The same through RowSoftmax's own loop over the blocks (one thread), against blocks taking their own maxima.
        // Narrow rows (one-hot labels lane by lane) and wide ones (the label's entry taken apart and put back).
        foreach (int columns in new[] { Columns3, 40 })
        {
            int rows = (3 * RowSoftmax.RowsPerBlock<T>(columns)) + 5;
            AssertPublicKernel(new Inputs(rows, columns, seed: 7), RowKernel.SparseCrossEntropy, "class-index");
        }
    }

    [Fact]
    public void ThePublicDenseKernel_ChainsTheBlocks_AndGivesTheSameBits()
    {
        // One-hot labels: every block's division left to the next block's pass, the labels' entries put back.
        int columns = 40;
        int rows = (3 * RowSoftmax.RowsPerBlock<T>(columns)) + 8;
        AssertPublicKernel(new Inputs(rows, columns, seed: 11), RowKernel.CrossEntropy, "dense (one-hot labels)");
    }

    /// <summary>
    /// The class-index kernel (with <see cref="Inputs.ClassIndices"/>) or the dense one (with
    /// <see cref="Inputs.OneHotLabels"/>) through its public entry on one thread, against each block on its own.
    /// </summary>
    private static void AssertPublicKernel(Inputs inputs, RowKernel kernel, string what)
    {
        int rows = inputs.Rows;
        int columns = inputs.ColumnCount;
        LabelKind labels = kernel == RowKernel.CrossEntropy ? LabelKind.OneHot : LabelKind.Soft;
        Outputs separate = inputs.Run(kernel, labels, withGradient: true, withFactors: false, chained: false, out _, out _);
        T[] losses = new T[rows];
        T[] gradient = new T[rows * columns];
        int previous = Parallelism.MaxDegreeOfParallelism;
        try
        {
            Parallelism.MaxDegreeOfParallelism = 1;
            if (kernel == RowKernel.CrossEntropy)
            {
                RowSoftmax.CrossEntropy<T>(inputs.OneHotLabels, inputs.Logits, rows, columns, losses, gradient);
            }
            else
            {
                RowSoftmax.SparseCrossEntropy<T>(inputs.ClassIndices, inputs.Logits, rows, columns, losses, gradient);
            }
        }
        finally
        {
            Parallelism.MaxDegreeOfParallelism = previous;
        }

        KernelComparison.BitIdentical(gradient, separate.Matrix, $"the {what} gradient at {rows}x{columns}");
        KernelComparison.BitIdentical(losses, separate.Losses, $"the {what} losses at {rows}x{columns}");
    }

    /// <summary>Every kernel; the dense one with each kind of labels.</summary>
    private static IEnumerable<(RowKernel Kernel, LabelKind Labels)> Cases()
    {
        foreach (RowKernel kernel in Enum.GetValues<RowKernel>())
        {
            if (kernel != RowKernel.CrossEntropy)
            {
                yield return (kernel, LabelKind.Soft);
                continue;
            }

            foreach (LabelKind labels in Enum.GetValues<LabelKind>())
            {
                yield return (kernel, labels);
            }
        }
    }

    private static bool FusedLoopRuns()
        => VectorMath.Lanes<T>() != 0 && VectorMath.Lanes<double>() != 0 && FusedExponentials.Supported<T>();

    private readonly record struct Outputs(T[] Matrix, T[] Losses);

    /// <summary>
    /// The dense kernel's labels: soft (most rows adding up to other than 1, some one-hot, a zero row); one-hot in every
    /// row; one label of 3/4 in every row (one nonzero label per row, adding up to other than 1); or two halves in every
    /// row (adding up to 1, twice as many nonzero labels as rows).
    /// </summary>
    public enum LabelKind
    {
        Soft,
        OneHot,
        ThreeQuarters,
        Halves,
    }

    /// <summary>
    /// Random logits in [-8, 8] with extreme rows in every block: a row of only -∞, rows holding +∞, -∞, NaN, -0 and +0,
    /// huge and tiny logits; soft labels (one-hot in some rows, a zero row) and class indices.
    /// </summary>
    private sealed class Inputs
    {
        public Inputs(int rows, int columns, int seed)
        {
            Rows = rows;
            ColumnCount = columns;
            var random = new Random(seed);
            Logits = new T[rows * columns];
            Labels = new T[rows * columns];
            OneHotLabels = new T[rows * columns];
            ThreeQuartersLabels = new T[rows * columns];
            HalvesLabels = new T[rows * columns];
            ClassIndices = new int[rows];

            // The loss objects' shares of the reduction: normal numbers, and exact zeros (ignored rows).
            Factors = new T[rows];
            for (int i = 0; i < rows; i++)
            {
                Factors[i] = i % 11 == 4 ? T.Zero : T.CreateTruncating((random.NextDouble() + 0.5) / rows);
            }

            for (int i = 0; i < rows; i++)
            {
                ClassIndices[i] = random.Next(columns);
                OneHotLabels[(ClassIndices[i] * rows) + i] = T.One;
                ThreeQuartersLabels[(ClassIndices[i] * rows) + i] = T.CreateTruncating(0.75);
                HalvesLabels[(ClassIndices[i] * rows) + i] = T.CreateTruncating(0.5);
                HalvesLabels[(((ClassIndices[i] + 1) % columns) * rows) + i] = T.CreateTruncating(0.5);
                for (int j = 0; j < columns; j++)
                {
                    Logits[(j * rows) + i] = T.CreateTruncating((random.NextDouble() * 16) - 8);
                    Labels[(j * rows) + i] = i % 3 == 0 ? (j == ClassIndices[i] ? T.One : T.Zero) : T.CreateTruncating(random.NextDouble());
                }
            }

            T[] extremes = [T.PositiveInfinity, T.NegativeInfinity, T.NaN, T.NegativeZero, T.Zero, T.CreateTruncating(1e30), T.CreateTruncating(-1e30)];
            for (int i = 5; i < rows; i += 97)
            {
                for (int j = 0; j < columns; j++)
                {
                    Logits[(j * rows) + i] = (i / 97) % 4 == 0 ? T.NegativeInfinity : extremes[((i / 97) + j) % extremes.Length];
                    Labels[(j * rows) + i] = (i / 97) % 5 == 1 ? T.Zero : Labels[(j * rows) + i];
                }
            }
        }

        public int Rows { get; }

        public int ColumnCount { get; }

        public T[] Logits { get; }

        public T[] Labels { get; }

        public T[] OneHotLabels { get; }

        public T[] ThreeQuartersLabels { get; }

        public T[] HalvesLabels { get; }

        public int[] ClassIndices { get; }

        public T[] Factors { get; }

        /// <summary>
        /// The kernel over every block in turn, chained as the kernels run them (each block gathering the next one's
        /// maxima, and leaving its division to the next one's pass) or each on its own; <paramref name="gathered"/>
        /// counts the blocks whose maxima came from the block before, <paramref name="finishedBehind"/> the blocks whose
        /// division the next block's pass did.
        /// </summary>
        public Outputs Run(RowKernel kernel, LabelKind labels, bool withGradient, bool withFactors, bool chained, out int gathered, out int finishedBehind)
        {
            var matrix = new T[Rows * ColumnCount];
            var losses = new T[Rows];
            bool crossEntropy = kernel is RowKernel.CrossEntropy or RowKernel.SparseCrossEntropy;
            var arguments = new RowArguments<T>(
                kernel,
                Logits,
                Rows,
                ColumnCount,
                kernel != RowKernel.CrossEntropy ? default : labels switch
                {
                    LabelKind.OneHot => OneHotLabels,
                    LabelKind.ThreeQuarters => ThreeQuartersLabels,
                    LabelKind.Halves => HalvesLabels,
                    _ => Labels,
                },
                kernel == RowKernel.SparseCrossEntropy ? ClassIndices : default,
                withGradient || !crossEntropy ? matrix : default,
                crossEntropy ? losses : default,
                withFactors ? Factors : default);
            int rowsPerBlock = Math.Min(Rows, RowSoftmax.RowsPerBlock<T>(ColumnCount));
            using var scratch = new RowSoftmax.Scratch<T>(rowsPerBlock);
            gathered = 0;
            finishedBehind = 0;
            var chain = default(RowSoftmax.BlockChain);
            for (int start = 0, index = 0; start < Rows; start += rowsPerBlock, index++)
            {
                int next = chained && start + rowsPerBlock < Rows ? start + rowsPerBlock : -1;
                RowSoftmax.RunBlock(arguments, scratch, index, start, next, ref chain);
                gathered += chain.MaxReady ? 1 : 0;
                finishedBehind += chain.FinishedBehind ? 1 : 0;
            }

            RowSoftmax.FinishChain(arguments, scratch, ref chain);

            return new Outputs(matrix, losses);
        }
    }
}

/// <summary>
/// Shapes of several blocks: narrow rows in blocks of <see cref="RowSoftmax.BlockRows"/>, and wide rows in blocks of 256
/// rows for float or double (and 512 for the other); the last block whole, a row short of a block, a vector and a row
/// long, or a few rows.
/// </summary>
public static class BlockChainShapes
{
    public const int Narrow = 3;

    public static TheoryData<int, int> Several()
    {
        var shapes = new TheoryData<int, int>
        {
            { 3 * RowSoftmax.BlockRows, Narrow },
            { (2 * RowSoftmax.BlockRows) + 1, Narrow },
            { (3 * RowSoftmax.BlockRows) - 1, Narrow },
            { (2 * RowSoftmax.BlockRows) + 17, 5 },
        };
        foreach (int elementSize in new[] { sizeof(float), sizeof(double) })
        {
            int wide = RowSoftmax.BlockBytes / (256 * elementSize);
            shapes.Add(3 * 256, wide);
            shapes.Add((2 * 256) + 7, wide);
        }

        return shapes;
    }
}

public sealed class BlockChainTestsFloat : BlockChainTests<float>;

public sealed class BlockChainTestsDouble : BlockChainTests<double>;
