using System;
using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Losses.Internal;

/// <summary>
/// Row-wise softmax kernels over column-major storage (element (i, j) of an r-row matrix at
/// <c>[j·r + i]</c>). Rows are processed in blocks; within a block every row reduction runs column
/// by column, vectorised across the rows, so that each pass reads memory contiguously.
/// </summary>
/// <remarks>
/// Per row, with m = maxⱼ xⱼ: the shifted logit sⱼ = xⱼ - m, S = Σⱼ exp(sⱼ) and log S, so that
/// log softmax(x)ⱼ = sⱼ - log S, subtracted in that order (one rounding fewer at the size of m).
/// S is summed in double also for float, and each row's arithmetic is the same whatever block it
/// falls in, so a result is bit-identical from call to call.
/// Two rows are special. A row whose maximum is +∞ takes its limit: the +∞ entries shift to 0, the
/// rest to -∞, so the row's probability is shared equally by its +∞ entries. A row of only -∞ has no
/// limit: its maximum is replaced by NaN so that everything computed from it is NaN.
/// </remarks>
internal static class RowSoftmax
{
    /// <summary>The most rows in one block: a block's statistics stay in L1.</summary>
    internal const int BlockRows = 1024;

    /// <summary>
    /// Below this many rows a block's column segments grow too short to stream well; wide matrices then
    /// take the largest blocks instead and stream each pass from memory.
    /// </summary>
    private const int MinimumBlockRows = 64;

    /// <summary>
    /// The logits of one block aim to fit this many bytes, so that the passes after the row maxima find
    /// them in cache (measured best on a 1 MiB-L2 machine at 4096x1000; 1024x32000 streams).
    /// </summary>
    internal const int BlockBytes = 2 * 1024 * 1024;

    private const int ScratchSpans = 10;

    /// <summary>
    /// Up to this many columns the class-index gradient builds each column's one-hot labels lane by lane in its one
    /// pass; beyond, that costs more than a few scalar operations per row on the labels' own entries (measured at
    /// 256x10 and 4096x1000).
    /// </summary>
    private const int ColumnsForClassMasks = 32;

    /// <summary>Rows per block for a matrix of <paramref name="columns"/> columns.</summary>
    internal static int RowsPerBlock<T>(int columns)
        where T : struct
    {
        long fit = BlockBytes / ((long)columns * Unsafe.SizeOf<T>());
        return fit < MinimumBlockRows ? BlockRows : (int)Math.Min(fit - (fit % 16), BlockRows);
    }

    /// <summary>softmax(x) row-wise into <paramref name="probabilities"/>, which may alias <paramref name="logits"/>.</summary>
    public static void Softmax<T>(ReadOnlySpan<T> logits, int rows, int columns, Span<T> probabilities)
        where T : struct, IFloatingPointIeee754<T>
        => Run(new RowArguments<T>(RowKernel.Softmax, logits, rows, columns, default, default, probabilities, default));

    /// <summary>log softmax(x) row-wise into <paramref name="logProbabilities"/>, which may alias <paramref name="logits"/>.</summary>
    public static void LogSoftmax<T>(ReadOnlySpan<T> logits, int rows, int columns, Span<T> logProbabilities)
        where T : struct, IFloatingPointIeee754<T>
        => Run(new RowArguments<T>(RowKernel.LogSoftmax, logits, rows, columns, default, default, logProbabilities, default));

    /// <summary>
    /// Softmax cross-entropy with dense labels, fused: <c>ℓᵢ = Σⱼ yᵢⱼ·(log Sᵢ - sᵢⱼ)</c> into
    /// <paramref name="losses"/> (one per row) and <c>∂(Σᵢ ℓᵢ)/∂xᵢⱼ = (Σₖ yᵢₖ)·pᵢⱼ - yᵢⱼ</c> into
    /// <paramref name="gradient"/>. Either output may be empty to skip it. A zero label contributes
    /// exactly 0, whatever its logit (so 0·∞ never arises). One pass over the logits after the row
    /// maxima gives S, Σⱼ yᵢⱼ and Σⱼ yᵢⱼ·sᵢⱼ together (ℓᵢ = (Σⱼ yᵢⱼ)·log Sᵢ - Σⱼ yᵢⱼ·sᵢⱼ), and leaves
    /// exp(sᵢⱼ) in the gradient for a last scaling pass. With <paramref name="gradientFactors"/> (one per row, each 0 or
    /// normal) that pass also multiplies row i of the gradient by fᵢ.
    /// </summary>
    public static void CrossEntropy<T>(
        ReadOnlySpan<T> labels, ReadOnlySpan<T> logits, int rows, int columns, Span<T> losses, Span<T> gradient, ReadOnlySpan<T> gradientFactors = default)
        where T : struct, IFloatingPointIeee754<T>
        => Run(new RowArguments<T>(RowKernel.CrossEntropy, logits, rows, columns, labels, default, gradient, losses, gradientFactors));

    /// <summary>
    /// Softmax cross-entropy with class indices, fused: <c>ℓᵢ = log Sᵢ - sᵢ,ₖ</c> for k = labelᵢ into
    /// <paramref name="losses"/> and <c>pᵢⱼ - [j = k]</c> into <paramref name="gradient"/>. Either
    /// output may be empty. The labels are already checked to lie in [0, columns). With <paramref name="gradientFactors"/>
    /// (one per row, each 0 or normal) row i of the gradient comes out multiplied by fᵢ. With label
    /// <paramref name="smoothing"/> ε ≠ 0 the labels are <c>aⱼ = (1 - ε)·[j = k] + ε/C</c>, which add up to 1:
    /// <c>ℓᵢ = (1 - ε)·(log Sᵢ - sᵢ,ₖ) + (ε/C)·(C·log Sᵢ - Σⱼ sᵢⱼ)</c>, every term ≥ 0, in double
    /// (<see cref="SmoothedClassLosses{T}"/>), and <c>pᵢⱼ - aⱼ</c> (<see cref="SmoothClassGradient{T}"/>).
    /// </summary>
    public static void SparseCrossEntropy<T>(
        ReadOnlySpan<int> labels,
        ReadOnlySpan<T> logits,
        int rows,
        int columns,
        Span<T> losses,
        Span<T> gradient,
        ReadOnlySpan<T> gradientFactors = default,
        T smoothing = default)
        where T : struct, IFloatingPointIeee754<T>
        => Run(new RowArguments<T>(RowKernel.SparseCrossEntropy, logits, rows, columns, default, labels, gradient, losses, gradientFactors, smoothing));

    /// <summary>
    /// Runs a kernel over every block of rows: on the calling thread, or split between threads
    /// (<see cref="RowBlocksWork{T}"/>) for a batch large enough and when <see cref="Parallelism"/> allows.
    /// A row's result is the same either way, since no block's arithmetic depends on another's.
    /// </summary>
    private static void Run<T>(scoped in RowArguments<T> arguments)
        where T : struct, IFloatingPointIeee754<T>
    {
        int rows = arguments.Rows;
        int rowsPerBlock = Math.Min(rows, RowsPerBlock<T>(arguments.Columns));
        int threads = RowBlocksWork<T>.Threads(rows, arguments.Columns);
        if (threads > 1)
        {
            RowBlocksWork<T>.Run(arguments, Math.Min(rowsPerBlock, RowBlocksWork<T>.RowsPerBlock(rows, threads)), threads);
            return;
        }

        // Narrow float rows with class indices: the whole strips of rows in registers, the rows after them by the blocks.
        int first = NarrowRows(arguments, 0, rows);
        if (first == rows)
        {
            return;
        }

        using var scratch = new Scratch<T>(Math.Min(rowsPerBlock, rows - first));
        var chain = default(BlockChain);
        for (int start = first, index = 0; start < rows; start += rowsPerBlock, index++)
        {
            int next = start + rowsPerBlock < rows ? start + rowsPerBlock : -1;
            RunBlock(arguments, scratch, index, start, next, ref chain);
        }

        FinishChain(arguments, scratch, ref chain);
    }

    /// <summary>
    /// The losses of the rows from <paramref name="start"/> (of the <paramref name="count"/> from there) that
    /// <c>NarrowClassLosses</c> takes, where it takes the call (float rows of at most 16 columns where 512-bit vectors
    /// run, or where AVX2 and FMA do; not with label smoothing): the whole strips of sixteen rows (eight without 512-bit
    /// vectors), the same bits as the blocks give them. Returns how many rows it did (0 where it does not apply).
    /// </summary>
    internal static int NarrowRows<T>(scoped in RowArguments<T> arguments, int start, int count)
        where T : struct, IFloatingPointIeee754<T>
    {
#if NET9_0_OR_GREATER
        if (NarrowClassLosses.Applies<T>(arguments.Kernel, arguments.Columns, gradient: !arguments.Outputs.IsEmpty)
            && !arguments.Losses.IsEmpty && arguments.Smoothing == T.Zero)
        {
            return NarrowClassLosses.Losses(
                MemoryMarshal.Cast<T, float>(arguments.Logits),
                arguments.Rows,
                arguments.Columns,
                arguments.ClassIndices,
                MemoryMarshal.Cast<T, float>(arguments.Losses),
                start,
                count);
        }
#endif
        return 0;
    }

    /// <summary>What a block leaves to the next block the same scratch runs (<see cref="RunBlock"/>).</summary>
    internal struct BlockChain
    {
        /// <summary>Whether the block's pass gathered the next block's row maxima.</summary>
        public bool MaxReady;

        /// <summary>Whether a block's exponentials wait to be divided by its S (the one before the next to run).</summary>
        public bool Pending;

        /// <summary>The first row of the waiting block.</summary>
        public int PendingStart;

        /// <summary>The waiting block's index (the parity of its spans).</summary>
        public int PendingIndex;

        /// <summary>How many finished entries the waiting block of the dense gradient keeps to put back (<see cref="PutBackEntries"/>).</summary>
        public int PendingEntries;

        /// <summary>Whether the last block's pass did the division of the block that waited before it.</summary>
        public bool FinishedBehind;
    }

    /// <summary>Finishes the block left waiting by the last <see cref="RunBlock"/>, if any.</summary>
    internal static void FinishChain<T>(scoped in RowArguments<T> arguments, in Scratch<T> scratch, ref BlockChain chain)
        where T : struct, IFloatingPointIeee754<T>
    {
        if (chain.Pending)
        {
            var pending = scratch.Block(chain.PendingStart, arguments.Rows, chain.PendingIndex);
            DivideAndPutBack(arguments, pending, chain.PendingEntries);
            chain.Pending = false;
        }
    }

    /// <summary>
    /// The kernel on the block of rows from <paramref name="start"/>, the <paramref name="index"/>-th block this scratch
    /// runs (its maxima, S and per-row work are kept in one of two sets of spans by the index's parity, the blocks before
    /// and after it in the other). The block's row maxima are taken first, unless the previous block's pass gathered them
    /// (<paramref name="chain"/>). With a next block, the rows from <paramref name="next"/> (-1 for none), this block's
    /// pass after the maxima also gathers that block's where the fused loop runs and the two have as many whole vectors of
    /// rows: the next block is then read from memory once, in a pass that works through this one from cache, instead of
    /// in a pass of its own. The maxima are the same values either way (the same native maxima, in another order).
    /// Where a block's last step is the division of its exponentials by S (softmax, the class-index gradient of wide
    /// rows, and the dense gradient of one nonzero label per row adding up to 1, with their factors or without) and a next
    /// block follows, that division is left waiting in <paramref name="chain"/> and
    /// done by the next block's pass, vector by vector beside its own exponentials, instead of in a pass that waits on the
    /// cache; the same divisions, so the same bits. <see cref="FinishChain"/> finishes the last block left waiting.
    /// </summary>
    internal static void RunBlock<T>(scoped in RowArguments<T> arguments, in Scratch<T> scratch, int index, int start, int next, ref BlockChain chain)
        where T : struct, IFloatingPointIeee754<T>
    {
        int rows = arguments.Rows;
        int columns = arguments.Columns;
        ReadOnlySpan<T> logits = arguments.Logits;
        Span<T> outputs = arguments.Outputs;
        var block = scratch.Block(start, rows, index);
        if (!chain.MaxReady)
        {
            block.ComputeMax(logits, rows, columns);
        }

        var ahead = next >= 0 ? scratch.Block(next, rows, index + 1) : default;
        Span<T> aheadMax = next >= 0 && GathersAhead<T>(block.Length, ahead.Length) ? ahead.WholeMax : default;
        if (!aheadMax.IsEmpty)
        {
            ahead.StartMax(logits);
        }

        // The waiting block's division in this pass, where its whole vectors of rows are as many as this block's; else
        // now, before the pass.
        var behind = chain.Pending ? scratch.Block(chain.PendingStart, rows, chain.PendingIndex) : default;
        bool finishesBehind = chain.Pending && behind.WholeSum.Length == block.WholeSum.Length;
        if (chain.Pending && !finishesBehind)
        {
            FinishChain(arguments, scratch, ref chain);
        }

        ReadOnlySpan<T> factors = arguments.GradientFactors;
        bool waits = next >= 0 && DividesLast(arguments, block);

        // The dense gradient's pass records the vectors of nonzero labels where its division may be left waiting, and for
        // wide rows also where the block finishes itself (DenseCrossEntropyBlock): narrow rows find a nonzero label in
        // nearly every vector, so taking their entries one by one costs more than reading the labels again.
        var pass = new Pass<T>(
            next,
            aheadMax,
            finishesBehind ? behind.Start : 0,
            finishesBehind ? behind.WholeSum : default,
            finishesBehind && !factors.IsEmpty ? factors.Slice(behind.Start, behind.WholeSum.Length) : default,
            recordsLabels: arguments.Kernel == RowKernel.CrossEntropy && !arguments.Outputs.IsEmpty && (waits || columns > ColumnsForClassMasks),
            behindSpread: finishesBehind && arguments.Smoothing != T.Zero ? Spread(arguments) : T.Zero);
        int entries = 0;
        switch (arguments.Kernel)
        {
            case RowKernel.Softmax:
                block.ComputeSums(logits, rows, columns, ReadOnlySpan<T>.Empty, outputs, keepShifted: false, pass);
                if (!waits)
                {
                    DivideColumns(arguments, block);
                }

                break;
            case RowKernel.LogSoftmax:
                block.ComputeSums(logits, rows, columns, ReadOnlySpan<T>.Empty, outputs, keepShifted: true, pass);
                for (int column = 0; column < columns; column++)
                {
                    int offset = (column * rows) + start;
                    VectorMath.Subtract(outputs.Slice(offset, block.Length), block.LogSum, Next<T>(outputs, offset, rows, columns, column, block.Length));
                }

                break;
            case RowKernel.CrossEntropy:
                waits = DenseCrossEntropyBlock(arguments, block, start, pass, waits, out entries);
                break;
            default:
                SparseCrossEntropyBlock(arguments, block, start, pass, waits);
                break;
        }

        if (finishesBehind)
        {
            PutBackEntries(arguments, behind, chain.PendingEntries);
        }

        chain.FinishedBehind = finishesBehind;
        chain.Pending = waits;
        chain.PendingStart = start;
        chain.PendingIndex = index;
        chain.PendingEntries = entries;
        chain.MaxReady = !aheadMax.IsEmpty;
        if (chain.MaxReady)
        {
            ahead.FinishMax(logits, rows, columns);
        }
    }

    /// <summary>
    /// Whether the block's last step is, or may be, the division of its exponentials by S (times the row's factor, where
    /// the kernel has them), over whole vectors of rows, where the fused loop runs: softmax, the class-index gradient of
    /// rows wider than <see cref="ColumnsForClassMasks"/>, and the dense gradient of a block whose every row's labels add
    /// up to 1 (<see cref="TakeLabelEntries"/> decides).
    /// </summary>
    private static bool DividesLast<T>(scoped in RowArguments<T> arguments, Block<T> block)
        where T : struct, IFloatingPointIeee754<T>
    {
        bool divides = arguments.Kernel is RowKernel.Softmax or RowKernel.CrossEntropy
            || (arguments.Kernel == RowKernel.SparseCrossEntropy && arguments.Columns > ColumnsForClassMasks);
        return divides && !arguments.Outputs.IsEmpty && GathersAhead<T>(block.Length, block.Length)
            && block.Length % VectorMath.Lanes<T>() == 0;
    }

    /// <summary>
    /// The block's exponentials divided by its S, column by column (with the class-index gradient's factors, where it has
    /// them: fᵢ·(eᵢⱼ/Sᵢ), exactly 0 where fᵢ = 0; with its label smoothing ε, minus fᵢ·(ε/C), or ε/C without factors).
    /// </summary>
    private static void DivideColumns<T>(scoped in RowArguments<T> arguments, Block<T> block)
        where T : struct, IFloatingPointIeee754<T>
    {
        int rows = arguments.Rows;
        int start = block.Start;
        Span<T> outputs = arguments.Outputs;
        ReadOnlySpan<T> factors = arguments.GradientFactors;
        ReadOnlySpan<T> blockFactors = factors.IsEmpty ? factors : factors.Slice(start, block.Length);
        for (int column = 0; column < arguments.Columns; column++)
        {
            int offset = (column * rows) + start;
            Span<T> segment = outputs.Slice(offset, block.Length);
            ReadOnlySpan<T> next = Next<T>(outputs, offset, rows, arguments.Columns, column, block.Length);
            if (arguments.Smoothing != T.Zero)
            {
                VectorMath.DivideAndSubtractTimes(segment, block.Sum, blockFactors, Spread(arguments), next);
            }
            else if (blockFactors.IsEmpty)
            {
                VectorMath.Divide(segment, block.Sum, next);
            }
            else
            {
                VectorMath.DivideAndScaleOrZero(segment, block.Sum, blockFactors, next);
            }
        }
    }

    /// <summary>
    /// A block's gradient finished by the division alone (<see cref="DivideColumns"/>), then its <paramref name="entries"/>
    /// kept label entries put back (<see cref="PutBackEntries"/>).
    /// </summary>
    private static void DivideAndPutBack<T>(scoped in RowArguments<T> arguments, Block<T> block, int entries)
        where T : struct, IFloatingPointIeee754<T>
    {
        DivideColumns(arguments, block);
        PutBackEntries(arguments, block, entries);
    }

    /// <summary>
    /// After <see cref="DivideColumns"/>: for the class-index gradient of wide rows each label's entry put back, as
    /// <see cref="SparseCrossEntropyBlock"/> took it apart; for the dense gradient the <paramref name="entries"/> finished
    /// entries <see cref="TakeLabelEntries"/> kept (nothing for the other kernels).
    /// </summary>
    private static void PutBackEntries<T>(scoped in RowArguments<T> arguments, Block<T> block, int entries)
        where T : struct, IFloatingPointIeee754<T>
    {
        if (arguments.Kernel == RowKernel.CrossEntropy)
        {
            ReadOnlySpan<T> values = block.Work[..entries];
            ReadOnlySpan<int> offsets = block.EntryOffsets[..entries];
            for (int k = 0; k < values.Length; k++)
            {
                arguments.Outputs[offsets[k]] = values[k];
            }

            return;
        }

        if (arguments.Kernel != RowKernel.SparseCrossEntropy || arguments.Outputs.IsEmpty || arguments.Columns <= ColumnsForClassMasks)
        {
            return;
        }

        int rows = arguments.Rows;
        int start = block.Start;
        Span<T> gradient = arguments.Outputs;
        ReadOnlySpan<int> labels = arguments.ClassIndices.Slice(start, block.Length);
        ReadOnlySpan<T> labelEntries = block.Work;
        ReadOnlySpan<T> atMaximum = block.GradientsAtMaximum;
        bool withFactors = !arguments.GradientFactors.IsEmpty;
        T epsilon = arguments.Smoothing;
        if (epsilon == T.Zero)
        {
            for (int i = 0; i < labels.Length; i++)
            {
                ref T entry = ref gradient[(labels[i] * rows) + start + i];
                entry = withFactors ? labelEntries[i] : labelEntries[i] == T.One ? atMaximum[i] : entry - T.One;
            }

            return;
        }

        // With smoothing ε the division took fᵢ·(ε/C) from every entry (DivideColumns): the label's entry is fᵢ·(pₖ - 1)
        // as above, less fᵢ·(ε/C), plus fᵢ·ε, that is fᵢ·(pₖ - aₖ) with aₖ = 1 - ε + ε/C.
        T spread = Spread(arguments);
        ReadOnlySpan<T> factors = withFactors ? arguments.GradientFactors.Slice(start, labels.Length) : default;
        for (int i = 0; i < labels.Length; i++)
        {
            ref T entry = ref gradient[(labels[i] * rows) + start + i];
            entry = withFactors
                ? (labelEntries[i] - (factors[i] * spread)) + (factors[i] * epsilon)
                : (labelEntries[i] == T.One ? atMaximum[i] - spread : entry - T.One) + epsilon;
        }
    }

    /// <summary>ε/C, the label every class gets from label smoothing ε (<see cref="RowArguments{T}.Smoothing"/>), in T.</summary>
    private static T Spread<T>(scoped in RowArguments<T> arguments)
        where T : struct, IFloatingPointIeee754<T>
        => T.CreateTruncating(double.CreateTruncating(arguments.Smoothing) / arguments.Columns);

    /// <summary>
    /// With label smoothing ε (<see cref="RowArguments{T}.Smoothing"/>), the class-index losses of a block after
    /// <see cref="ClassLosses{T}"/> has checked its class indices: for the labels <c>aⱼ = (1 - ε)·[j = k] + ε/C</c>,
    /// <c>ℓ = Σⱼ aⱼ·(log S - sⱼ) = (1 - ε)·(log S - sₖ) + (ε/C)·(C·log S - Σⱼ sⱼ)</c> with sⱼ = shift(xⱼ, m) ≤ 0, so
    /// every term is ≥ 0 and nothing cancels: in double from T's log S, halved so that nothing overflows on the way
    /// (<see cref="HalfShift{T}"/>), and rounded once to T. Σⱼ sⱼ is the block pass's (<see cref="Block{T}.ShiftSums"/>):
    /// each sⱼ in T added in double, in column order (a sum of terms of one sign keeps their relative error, one rounding
    /// of T), so a row has the same bits in any block and on any thread. A row whose sum is not finite (an infinite or
    /// NaN logit, x - m overflowing T for finite logits of opposite extremes, or the sum overflowing) is summed
    /// again from <see cref="HalfShift{T}"/>, which gives the limit for +∞, each term times ε/C, which overflows only
    /// where the loss does. A label of weight 1 - ε = 0 adds 0 even where its term is infinite, as the dense kernel's
    /// zero labels do.
    /// </summary>
    private static void SmoothedClassLosses<T>(scoped in RowArguments<T> arguments, Block<T> block, Span<T> losses)
        where T : struct, IFloatingPointIeee754<T>
    {
        int rows = arguments.Rows;
        int columns = arguments.Columns;
        int start = block.Start;
        ReadOnlySpan<T> logits = arguments.Logits;
        ReadOnlySpan<T> max = block.Max;
        ReadOnlySpan<int> classes = arguments.ClassIndices.Slice(start, block.Length);
        ReadOnlySpan<double> shiftSums = block.ShiftSums;
        double epsilon = double.CreateTruncating(arguments.Smoothing);
        double keep = 1.0 - epsilon;
        double spread = epsilon / columns;
        ReadOnlySpan<T> logSum = block.LogSum;
        for (int i = 0; i < losses.Length; i++)
        {
            double halfLogSum = 0.5 * double.CreateTruncating(logSum[i]);
            double labelTerm = Elementwise.TimesOrZero(keep, halfLogSum - HalfShift(logits[(classes[i] * rows) + start + i], max[i]));
            double halfSpreadSum;
            if (double.IsFinite(shiftSums[i]))
            {
                halfSpreadSum = spread * ((columns * halfLogSum) - (0.5 * shiftSums[i]));
            }
            else
            {
                // Each half shift times ε/C before the sum, which then stays below ε·MaxValue where the halves alone may not.
                double spreadHalfShifts = 0.0;
                for (int column = 0; column < columns; column++)
                {
                    spreadHalfShifts += spread * HalfShift(logits[(column * rows) + start + i], max[i]);
                }

                halfSpreadSum = (spread * columns * halfLogSum) - spreadHalfShifts;
            }

            losses[i] = T.CreateTruncating(2.0 * (labelTerm + halfSpreadSum));
        }
    }

    /// <summary>
    /// <c>shift(x, m)/2</c> in double: exactly 0 where x = m (<see cref="VectorMath.Shift{T}(T, T)"/>), else
    /// <c>x/2 - m/2</c>, which does not overflow (the halving is exact but for subnormal doubles).
    /// </summary>
    private static double HalfShift<T>(T x, T m)
        where T : struct, IFloatingPointIeee754<T>
        => x == m ? 0.0 : (0.5 * double.CreateTruncating(x)) - (0.5 * double.CreateTruncating(m));

    /// <summary>
    /// <c>sums[i] += shift(x[i], m[i])</c> for the column-by-column pass, each shift of T in double, as the fused pass
    /// adds them (<c>FusedExponentials.AddShifts</c>).
    /// </summary>
    private static void AddShifts<T>(ReadOnlySpan<T> shifted, Span<double> sums)
        where T : struct, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < sums.Length; i++)
        {
            sums[i] += double.CreateTruncating(shifted[i]);
        }
    }

    /// <summary>
    /// With label smoothing ε (<see cref="RowArguments{T}.Smoothing"/>), a block's finished class-index gradient of rows
    /// of at most <see cref="ColumnsForClassMasks"/> columns, <c>fᵢ·(pᵢⱼ - [j = k])</c>, made <c>fᵢ·(pᵢⱼ - aⱼ)</c> for
    /// <c>aⱼ = (1 - ε)·[j = k] + ε/C</c>: fᵢ·(ε/C) taken from every entry, then fᵢ·ε added at the label's (fᵢ = 1
    /// without factors), the same operations as for wider rows (<see cref="DivideColumns"/>, <see cref="PutBackEntries"/>).
    /// A row whose factor is 0 stays exact zeros. The block's gradient is still in cache from its pass.
    /// </summary>
    private static void SmoothClassGradient<T>(scoped in RowArguments<T> arguments, Block<T> block)
        where T : struct, IFloatingPointIeee754<T>
    {
        T epsilon = arguments.Smoothing;
        if (epsilon == T.Zero)
        {
            return;
        }

        int rows = arguments.Rows;
        int start = block.Start;
        T spread = Spread(arguments);
        Span<T> gradient = arguments.Outputs;
        ReadOnlySpan<T> factors = arguments.GradientFactors.IsEmpty ? default : arguments.GradientFactors.Slice(start, block.Length);
        for (int column = 0; column < arguments.Columns; column++)
        {
            VectorMath.SubtractTimes(gradient.Slice((column * rows) + start, block.Length), factors, spread);
        }

        ReadOnlySpan<int> classes = arguments.ClassIndices.Slice(start, block.Length);
        for (int i = 0; i < classes.Length; i++)
        {
            gradient[(classes[i] * rows) + start + i] += factors.IsEmpty ? epsilon : factors[i] * epsilon;
        }
    }

    /// <summary>
    /// Whether a block of <paramref name="length"/> rows gathers the maxima of the next, of <paramref name="aheadLength"/>
    /// rows, in its pass: where the fused loop runs, for as many whole vectors of rows as its own.
    /// </summary>
    private static bool GathersAhead<T>(int length, int aheadLength)
        where T : struct, IFloatingPointIeee754<T>
    {
#if NET9_0_OR_GREATER
        return FusedExponentials.Supported<T>() && aheadLength / Vector<T>.Count == length / Vector<T>.Count && length >= Vector<T>.Count;
#else
        return false;
#endif
    }

    /// <summary>
    /// The dense kernel on one block. Its gradient is finished here, or, where <paramref name="mayWait"/> and
    /// <see cref="TakeLabelEntries"/> allow, left to the division the next block's pass does: then it returns true, with
    /// the <paramref name="entries"/> entries of nonzero labels kept to put back afterwards. A block that finishes here
    /// and whose label entries <see cref="TakeLabelEntries"/> takes (rows of more than <see cref="ColumnsForClassMasks"/>
    /// columns, where the pass records them) is finished the same way, by the division and the entries put back, without
    /// reading its labels again (the same bits as <see cref="ScaleToGradient{T, TLabels}"/>'s).
    /// </summary>
    private static bool DenseCrossEntropyBlock<T>(scoped in RowArguments<T> arguments, Block<T> block, int start, Pass<T> pass, bool mayWait, out int entries)
        where T : struct, IFloatingPointIeee754<T>
    {
        entries = 0;
        int rows = arguments.Rows;
        ReadOnlySpan<T> labels = arguments.Labels;
        Span<T> gradient = arguments.Outputs;
        block.ComputeSums(arguments.Logits, rows, arguments.Columns, labels, gradient, keepShifted: false, pass);
        if (!arguments.Losses.IsEmpty)
        {
            block.LabelledLosses(arguments.Losses.Slice(start, block.Length));
        }

        if (gradient.IsEmpty)
        {
            return false;
        }

        // With a factor fᵢ per row (the loss objects' share of the reduction) each entry is multiplied by it as it is
        // finished: the same roundings as scaling the finished gradient afterwards, in one pass instead of two.
        ReadOnlySpan<T> factors = arguments.GradientFactors;
        ReadOnlySpan<T> atMaximum = block.ComputeGradientsAtMaximum(classIndices: false);
        if (TakeLabelEntries(arguments, block, atMaximum, out entries))
        {
            if (mayWait)
            {
                return true;
            }

            DivideAndPutBack(arguments, block, entries);
            entries = 0;
            return false;
        }

        for (int column = 0; column < arguments.Columns; column++)
        {
            int offset = (column * rows) + start;
            ScaleToGradient<T, LabelColumn>(
                gradient.Slice(offset, block.Length),
                block.Sum,
                block.LabelSum,
                atMaximum,
                labels.Slice(offset, block.Length),
                column,
                factors.IsEmpty ? factors : factors.Slice(start, block.Length),
                Next<T>(gradient, offset, rows, arguments.Columns, column, block.Length),
                Next(labels, offset, rows, arguments.Columns, column, block.Length));
        }

        return false;
    }

    /// <summary>
    /// Where every row of the block has labels adding up to exactly 1 (L = 1, one-hot labels among them), each entry
    /// of a zero label is (eᵢ/Sᵢ)·1 - 0 = eᵢ/Sᵢ (times fᵢ, exactly 0 where fᵢ = 0): the division alone, which the next
    /// block's pass can do (<see cref="RunBlock"/>). The entries of the nonzero labels, in the vectors of rows the fused
    /// pass found (<see cref="Block{T}.Found"/>), so that the labels are not read again, are finished here, the same
    /// operations as <see cref="ScaleToGradient{T, TLabels}"/>'s (<see cref="EntryAt"/>), and kept in the block's work
    /// span with their offsets, to be put back after the division (<see cref="PutBackEntries"/>). False, with nothing
    /// changed, where a row's L is not 1 or the nonzero labels outnumber the block's rows.
    /// </summary>
    private static bool TakeLabelEntries<T>(scoped in RowArguments<T> arguments, Block<T> block, ReadOnlySpan<T> atMaximum, out int entries)
        where T : struct, IFloatingPointIeee754<T>
    {
        entries = 0;
        ReadOnlySpan<T> labelSum = block.LabelSum;
        if (labelSum.ContainsAnyExcept(T.One))
        {
            return false;
        }

        int rows = arguments.Rows;
        int start = block.Start;
        int length = block.Length;
        ReadOnlySpan<T> labels = arguments.Labels;
        ReadOnlySpan<T> gradient = arguments.Outputs;
        ReadOnlySpan<T> sum = block.Sum;
        ReadOnlySpan<T> factors = arguments.GradientFactors;
        Span<T> values = block.Work;
        Span<int> offsets = block.EntryOffsets;
        int lanes = VectorMath.Lanes<T>();
        ReadOnlySpan<int> found = block.Found;
        int count = found[0];
        if (count < 0 || count >= found.Length)
        {
            return false;
        }

        foreach (int position in found.Slice(1, count))
        {
            // A segment's last vector may be partial: its lanes past the block's rows are none of its own.
            int first = position % rows;
            for (int i = first; i < Math.Min(first + lanes, length); i++)
            {
                int offset = position - first + start + i;
                T label = labels[offset];
                if (label == T.Zero)
                {
                    continue;
                }

                if (entries == length)
                {
                    return false;
                }

                T entry = EntryAt(gradient[offset], sum[i], labelSum[i], atMaximum[i], label);
                values[entries] = factors.IsEmpty ? entry : Elementwise.TimesOrZero(factors[start + i], entry);
                offsets[entries] = offset;
                entries++;
            }
        }

        return true;
    }

    private static void SparseCrossEntropyBlock<T>(scoped in RowArguments<T> arguments, Block<T> block, int start, Pass<T> pass, bool waits)
        where T : struct, IFloatingPointIeee754<T>
    {
        int rows = arguments.Rows;
        ReadOnlySpan<int> labels = arguments.ClassIndices;
        ReadOnlySpan<T> logits = arguments.Logits;
        Span<T> gradient = arguments.Outputs;
        Span<T> losses = arguments.Losses;
        bool smoothedLosses = arguments.Smoothing != T.Zero && !losses.IsEmpty;
        block.ComputeSums(logits, rows, arguments.Columns, ReadOnlySpan<T>.Empty, gradient, keepShifted: false, pass, sumsShifts: smoothedLosses);
        if (!losses.IsEmpty)
        {
            ClassLosses(logits, rows, arguments.Columns, start, labels.Slice(start, block.Length), block.LogSum, block.Max, losses.Slice(start, block.Length));
            if (smoothedLosses)
            {
                SmoothedClassLosses(arguments, block, losses.Slice(start, block.Length));
            }
        }

        if (gradient.IsEmpty)
        {
            return;
        }

        ReadOnlySpan<int> gradientLabels = labels.Slice(start, block.Length);
        ReadOnlySpan<T> factors = arguments.GradientFactors;
        ReadOnlySpan<T> blockFactors = factors.IsEmpty ? factors : factors.Slice(start, block.Length);
        if (arguments.Columns <= ColumnsForClassMasks)
        {
            // Each column as the dense kernel takes it with one-hot labels (its labels made lane by lane from the class
            // indices), so the same bits, in one vectorised pass with no pass over the labels' scattered entries.
            ReadOnlySpan<T> atMaximum = block.ComputeGradientsAtMaximum(classIndices: true);
            ReadOnlySpan<T> classes = ClassBits(gradientLabels, block.Work);
            Span<T> labelSums = block.LabelSum;
            labelSums.Fill(T.One);
            for (int column = 0; column < arguments.Columns; column++)
            {
                int offset = (column * rows) + start;
                ScaleToGradient<T, ClassColumn>(
                    gradient.Slice(offset, block.Length),
                    block.Sum,
                    labelSums,
                    atMaximum,
                    classes,
                    column,
                    blockFactors,
                    Next<T>(gradient, offset, rows, arguments.Columns, column, block.Length),
                    default);
            }

            SmoothClassGradient(arguments, block);
            return;
        }

        // Wider rows: the label's entry eᵢₖ/Sᵢ - 1 (at a maximum, Block.ComputeGradientsAtMaximum's, as the dense kernel
        // takes it at a label of 1) is taken apart, every entry divided (and multiplied by fᵢ, the loss objects' share of
        // the reduction) in one pass, and the label's entry put back (PutBackEntries): the same bits again, with a
        // division per vector in the pass and a few scalar operations per row. The division may wait for the next block's
        // pass (RunBlock).
        ReadOnlySpan<T> sum = block.Sum;
        Span<T> labelEntries = block.Work;
        if (blockFactors.IsEmpty)
        {
            // Kept in block.GradientsAtMaximum for PutBackEntries, which may run after the next block's pass has
            // replaced the sums it is computed from.
            block.ComputeGradientsAtMaximum(classIndices: true);
        }

        for (int i = 0; i < gradientLabels.Length; i++)
        {
            // Without factors only e is kept here, and the entry is taken after the division, from its quotient.
            T e = gradient[(gradientLabels[i] * rows) + start + i];
            labelEntries[i] = blockFactors.IsEmpty ? e
                : Elementwise.TimesOrZero(blockFactors[i], e == T.One ? block.GradientAtMaximum(i, 1.0) : (e / sum[i]) - T.One);
        }

        if (!waits)
        {
            DivideAndPutBack(arguments, block, 0);
        }
    }

    /// <summary>
    /// ℓᵢ = log Sᵢ - shift(x_{i,kᵢ}, mᵢ) for the rows of a block from <paramref name="start"/>, kᵢ the row's class index
    /// in <paramref name="classes"/> and its logit at kᵢ·rows + i in the column-major <paramref name="logits"/>. Where AVX2
    /// runs, a vector of rows at a time (eight floats or four doubles), the logits read by one gather and each class index
    /// checked to lie in [0, <paramref name="columns"/>) first (as each is row by row); the same operations lane by lane as
    /// row by row, so the same bits.
    /// </summary>
    private static unsafe void ClassLosses<T>(
        ReadOnlySpan<T> logits, int rows, int columns, int start, ReadOnlySpan<int> classes, ReadOnlySpan<T> logSum, ReadOnlySpan<T> max, Span<T> losses)
        where T : struct, IFloatingPointIeee754<T>
    {
        int i = 0;
        int count = losses.Length;
        if (Avx2.IsSupported && (typeof(T) == typeof(float) || typeof(T) == typeof(double)) && !logits.IsEmpty)
        {
            // Checked here once: every row's logits, and a vector of each statistic, lie in their spans.
            logSum = logSum[..count];
            max = max[..count];
            classes = classes[..count];
            ref int k = ref MemoryMarshal.GetReference(classes);
            ref T m = ref MemoryMarshal.GetReference(max);
            ref T l = ref MemoryMarshal.GetReference(logSum);
            ref T target = ref MemoryMarshal.GetReference(losses);
            var stride = Vector256.Create(rows);
            var classCount = Vector256.Create((uint)columns);
            fixed (byte* x = MemoryMarshal.AsBytes(logits))
            {
                if (typeof(T) == typeof(float))
                {
                    for (; i + Vector256<float>.Count <= count; i += Vector256<float>.Count)
                    {
                        Vector256<int> indices = Vector256.LoadUnsafe(ref k, (nuint)i);
                        CheckClasses(Vector256.LessThanAll(indices.AsUInt32(), classCount));
                        Vector256<int> offsets = (indices * stride) + Vector256.Create(start + i) + Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7);
                        Vector256<float> logit = Avx2.GatherVector256((float*)x, offsets, sizeof(float));
                        Vector256<float> rowMax = Vector256.LoadUnsafe(ref Unsafe.As<T, float>(ref m), (nuint)i);
                        Vector256<float> shifted = Vector256.ConditionalSelect(Vector256.Equals(logit, rowMax), Vector256<float>.Zero, logit - rowMax);
                        (Vector256.LoadUnsafe(ref Unsafe.As<T, float>(ref l), (nuint)i) - shifted).StoreUnsafe(ref Unsafe.As<T, float>(ref target), (nuint)i);
                    }
                }
                else
                {
                    for (; i + Vector256<double>.Count <= count; i += Vector256<double>.Count)
                    {
                        Vector128<int> indices = Vector128.LoadUnsafe(ref k, (nuint)i);
                        CheckClasses(Vector128.LessThanAll(indices.AsUInt32(), classCount.GetLower()));
                        Vector128<int> offsets = (indices * stride.GetLower()) + Vector128.Create(start + i) + Vector128.Create(0, 1, 2, 3);
                        Vector256<double> logit = Avx2.GatherVector256((double*)x, offsets, sizeof(double));
                        Vector256<double> rowMax = Vector256.LoadUnsafe(ref Unsafe.As<T, double>(ref m), (nuint)i);
                        Vector256<double> shifted = Vector256.ConditionalSelect(Vector256.Equals(logit, rowMax), Vector256<double>.Zero, logit - rowMax);
                        (Vector256.LoadUnsafe(ref Unsafe.As<T, double>(ref l), (nuint)i) - shifted).StoreUnsafe(ref Unsafe.As<T, double>(ref target), (nuint)i);
                    }
                }
            }
        }

        for (; i < count; i++)
        {
            CheckClasses((uint)classes[i] < (uint)columns);
            T logit = logits[(classes[i] * rows) + start + i];
            losses[i] = logSum[i] - VectorMath.Shift(logit, max[i]);
        }
    }

    /// <summary>
    /// Throws unless every class index of a vector (or a row's) lies in [0, columns), before its logits are read. The
    /// public entries check the indices first, with the row named; this keeps the gather from reading outside the logits
    /// should a caller inside the library skip that.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void CheckClasses(bool inRange)
    {
        if (!inRange)
        {
            ThrowClassOutOfRange();
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowClassOutOfRange()
        => throw new ArgumentOutOfRangeException("labels", "A class index is not in [0, columns): the kernel takes only checked class indices.");

    /// <summary>
    /// Each class index's bits as a <typeparamref name="T"/> (an int's for float, a long's for double) in
    /// <paramref name="bits"/>, for a lane-wise comparison with a column's.
    /// </summary>
    private static ReadOnlySpan<T> ClassBits<T>(ReadOnlySpan<int> classIndices, Span<T> bits)
        where T : struct, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            classIndices.CopyTo(MemoryMarshal.Cast<T, int>(bits));
        }
        else if (typeof(T) == typeof(double))
        {
            Span<long> wide = MemoryMarshal.Cast<T, long>(bits);
            for (int i = 0; i < classIndices.Length; i++)
            {
                wide[i] = classIndices[i];
            }
        }

        return bits[..classIndices.Length];
    }

    /// <summary>1 in the lanes whose class bits equal <paramref name="columnBits"/>, 0 in the others.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<T> OneHot<T>(Vector<T> classBits, Vector<T> columnBits)
        where T : struct, IFloatingPointIeee754<T>
    {
        Vector<T> match = typeof(T) == typeof(float)
            ? Vector.Equals(classBits.As<T, int>(), columnBits.As<T, int>()).As<int, T>()
            : Vector.Equals(classBits.As<T, long>(), columnBits.As<T, long>()).As<long, T>();
        return match & Vector<T>.One;
    }

    /// <summary>
    /// <c>gᵢ = (eᵢ/Sᵢ)·Lᵢ - yᵢ</c> in place, with eᵢ = exp(sᵢ) already in <paramref name="gradient"/>, but where eᵢ = 1
    /// and yᵢ = 1: there the row's <paramref name="atMaximum"/> (<see cref="Block{T}.ComputeGradientsAtMaximum"/>), the
    /// same value without the cancellation of Lᵢ/Sᵢ against 1. With <paramref name="factors"/>, that times fᵢ (exactly 0
    /// where fᵢ = 0). The labels of column <paramref name="column"/> are <typeparamref name="TLabels"/>'s reading of
    /// <paramref name="labels"/>: the labels themselves, or one-hot labels from class indices' bits.
    /// </summary>
    private static void ScaleToGradient<T, TLabels>(
        Span<T> gradient,
        ReadOnlySpan<T> sum,
        ReadOnlySpan<T> labelSum,
        ReadOnlySpan<T> atMaximum,
        ReadOnlySpan<T> labels,
        int column,
        ReadOnlySpan<T> factors,
        ReadOnlySpan<T> nextGradient,
        ReadOnlySpan<T> nextLabels)
        where T : struct, IFloatingPointIeee754<T>
        where TLabels : struct, IColumnLabels
    {
        ref T gradientAhead = ref Prefetch.Ahead(gradient, nextGradient);
        ref T labelsAhead = ref Prefetch.Ahead(labels, nextLabels);
        int lanes = VectorMath.Lanes<T>();
        Span<Vector<T>> g = VectorMath.Vectors(gradient);
        ReadOnlySpan<Vector<T>> s = VectorMath.Vectors(sum);
        ReadOnlySpan<Vector<T>> l = VectorMath.Vectors(labelSum);
        ReadOnlySpan<Vector<T>> a = VectorMath.Vectors(atMaximum);
        ReadOnlySpan<Vector<T>> y = VectorMath.Vectors(labels);
        Vector<T> columnBits = ColumnBits<T>(column);
        if (factors.IsEmpty)
        {
            for (int i = 0; i < g.Length; i++)
            {
                Prefetch.Line(ref Unsafe.Add(ref gradientAhead, i * lanes));
                Prefetch.Line(ref Unsafe.Add(ref labelsAhead, i * lanes));
                g[i] = Entry(g[i], s[i], l[i], a[i], TLabels.Labels(y[i], columnBits));
            }
        }
        else
        {
            ReadOnlySpan<Vector<T>> f = VectorMath.Vectors(factors);
            for (int i = 0; i < g.Length; i++)
            {
                Prefetch.Line(ref Unsafe.Add(ref gradientAhead, i * lanes));
                Prefetch.Line(ref Unsafe.Add(ref labelsAhead, i * lanes));
                g[i] = VectorMath.TimesOrZero(f[i], Entry(g[i], s[i], l[i], a[i], TLabels.Labels(y[i], columnBits)));
            }
        }

        for (int i = g.Length * VectorMath.Lanes<T>(); i < gradient.Length; i++)
        {
            T entry = EntryAt(gradient[i], sum[i], labelSum[i], atMaximum[i], TLabels.Label(labels[i], column));
            gradient[i] = factors.IsEmpty ? entry : Elementwise.TimesOrZero(factors[i], entry);
        }
    }

    /// <summary>How <see cref="ScaleToGradient{T, TLabels}"/> reads a column's labels from what it is given.</summary>
    private interface IColumnLabels
    {
        /// <summary>The labels of a vector of rows.</summary>
        static abstract Vector<T> Labels<T>(Vector<T> stored, Vector<T> columnBits)
            where T : struct, IFloatingPointIeee754<T>;

        /// <summary>The label of one row.</summary>
        static abstract T Label<T>(T stored, int column)
            where T : struct, IFloatingPointIeee754<T>;
    }

    /// <summary>Dense labels: the column's labels themselves.</summary>
    private readonly struct LabelColumn : IColumnLabels
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector<T> Labels<T>(Vector<T> stored, Vector<T> columnBits)
            where T : struct, IFloatingPointIeee754<T>
            => stored;

        public static T Label<T>(T stored, int column)
            where T : struct, IFloatingPointIeee754<T>
            => stored;
    }

    /// <summary>Class indices' bits (<see cref="ClassBits{T}"/>): 1 where the row's class is the column, else 0.</summary>
    private readonly struct ClassColumn : IColumnLabels
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector<T> Labels<T>(Vector<T> stored, Vector<T> columnBits)
            where T : struct, IFloatingPointIeee754<T>
            => OneHot(stored, columnBits);

        public static T Label<T>(T stored, int column)
            where T : struct, IFloatingPointIeee754<T>
        {
            bool match = typeof(T) == typeof(float) ? Unsafe.As<T, int>(ref stored) == column : Unsafe.As<T, long>(ref stored) == column;
            return match ? T.One : T.Zero;
        }
    }

    /// <summary>A column index's bits in every lane, as <see cref="ClassBits{T}"/> stores class indices.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<T> ColumnBits<T>(int column)
        where T : struct, IFloatingPointIeee754<T>
        => typeof(T) == typeof(float) ? new Vector<int>(column).As<int, T>() : new Vector<long>(column).As<long, T>();

    /// <summary>
    /// One entry of <see cref="ScaleToGradient{T, TLabels}"/> before its factor: (e/S)·L - y, or the row's gradient at a
    /// maximum where e = 1 and y = 1; lane by lane the same operations as <see cref="Entry{T}"/>.
    /// </summary>
    private static T EntryAt<T>(T e, T sum, T labelSum, T atMaximum, T label)
        where T : struct, IFloatingPointIeee754<T>
        => e == T.One && label == T.One ? atMaximum : (e / sum * labelSum) - label;

    /// <summary>One vector of <see cref="ScaleToGradient{T, TLabels}"/> before its factors, without a branch.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<T> Entry<T>(Vector<T> e, Vector<T> sum, Vector<T> labelSum, Vector<T> atMaximum, Vector<T> label)
        where T : struct, IFloatingPointIeee754<T>
        => Vector.ConditionalSelect(
            Vector.Equals(e, Vector<T>.One) & Vector.Equals(label, Vector<T>.One), atMaximum, (e / sum * labelSum) - label);

    /// <summary>
    /// <c>sᵢ = shift(xᵢ, mᵢ)</c> into <paramref name="shifted"/>; with labels also <c>Lᵢ += yᵢ</c> and
    /// <c>Dᵢ += yᵢ·sᵢ</c> (0 where yᵢ = 0), in double (<see cref="AddLabelled"/>).
    /// </summary>
    private static void Shift<T>(
        ReadOnlySpan<T> logits, ReadOnlySpan<T> max, Span<T> shifted, ReadOnlySpan<T> labels, Span<double> labelSum, Span<double> labelDot)
        where T : struct, IFloatingPointIeee754<T>
    {
        ReadOnlySpan<Vector<T>> x = VectorMath.Vectors(logits);
        ReadOnlySpan<Vector<T>> m = VectorMath.Vectors(max);
        Span<Vector<T>> s = VectorMath.Vectors(shifted);
        int done = s.Length * VectorMath.Lanes<T>();
        if (labels.IsEmpty)
        {
            for (int i = 0; i < s.Length; i++)
            {
                s[i] = VectorMath.Shift(x[i], m[i]);
            }

            for (int i = done; i < shifted.Length; i++)
            {
                shifted[i] = VectorMath.Shift(logits[i], max[i]);
            }

            return;
        }

        ReadOnlySpan<Vector<T>> y = VectorMath.Vectors(labels);
        // Double vectors per vector of T (none where vectors do not run, and then no vector of T either).
        int perVector = s.IsEmpty ? 0 : VectorMath.Lanes<T>() / VectorMath.Lanes<double>();
        ref Vector<double> l = ref MemoryMarshal.GetReference(MemoryMarshal.Cast<double, Vector<double>>(labelSum[..(s.Length * VectorMath.Lanes<T>())]));
        ref Vector<double> d = ref MemoryMarshal.GetReference(MemoryMarshal.Cast<double, Vector<double>>(labelDot[..(s.Length * VectorMath.Lanes<T>())]));
        for (int i = 0; i < s.Length; i++)
        {
            Vector<T> value = VectorMath.Shift(x[i], m[i]);
            s[i] = value;
            AddLabelled(x[i], m[i], value, y[i], ref Unsafe.Add(ref l, i * perVector), ref Unsafe.Add(ref d, i * perVector));
        }

        for (int i = done; i < shifted.Length; i++)
        {
            T value = VectorMath.Shift(logits[i], max[i]);
            shifted[i] = value;
            labelSum[i] += double.CreateTruncating(labels[i]);
            bool overflowed = T.IsNegativeInfinity(value) && !T.IsNegativeInfinity(logits[i]) && !T.IsPositiveInfinity(max[i]);
            labelDot[i] += LabelledTerm(logits[i], max[i], value, labels[i], overflowed);
        }
    }

    /// <summary>
    /// y·s in double, 0 where y = 0: for float the product of the two floats taken in double, exact, as
    /// <see cref="AddLabelled"/> takes it for a whole vector (so that a row's D has the same bits in a block's last,
    /// partial vector of rows as in a whole one). Where x - m overflowed T to -∞ for finite logits of opposite extremes
    /// (-MaxValue against MaxValue): for float y·(x - m) with x - m exact in double; for double y·x - y·m, the same
    /// product, finite.
    /// </summary>
    private static double LabelledTerm<T>(T x, T m, T s, T y, bool overflowed)
        where T : struct, IFloatingPointIeee754<T>
    {
        if (!overflowed)
        {
            return Elementwise.TimesOrZero(double.CreateTruncating(y), double.CreateTruncating(s));
        }

        return typeof(T) == typeof(float)
            ? double.CreateTruncating(y) * (double.CreateTruncating(x) - double.CreateTruncating(m))
            : double.CreateTruncating((y * x) - (y * m));
    }

    /// <summary>
    /// <c>L += y</c> and <c>D += y·s</c> lane-wise for shifted logits s = shift(x, m), a zero label adding 0, into
    /// double sums (the <see cref="Vector{T}.Count"/> lanes of T in as many double lanes from
    /// <paramref name="labelSum"/> and <paramref name="labelDot"/> on): for float each y and y·s exactly (a product of
    /// two floats fits in double), so that a row of many soft labels loses no more than double's rounding.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void AddLabelled<T>(Vector<T> x, Vector<T> m, Vector<T> s, Vector<T> y, ref Vector<double> labelSum, ref Vector<double> labelDot)
        where T : struct, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(double))
        {
            ref Vector<T> sum = ref Unsafe.As<Vector<double>, Vector<T>>(ref labelSum);
            ref Vector<T> dot = ref Unsafe.As<Vector<double>, Vector<T>>(ref labelDot);
            sum += y;
            if (Vector.LessThanAll(Vector.Abs(s), new Vector<T>(T.PositiveInfinity)))
            {
                // Every s is finite: a zero label adds ±0, which leaves the sum as the 0 it must add would.
                dot += y * s;
                return;
            }

            // x - m overflows to -∞ for finite logits of opposite extremes (-MaxValue against MaxValue), while
            // y·x - y·m, the same product, is finite.
            dot += Vector.ConditionalSelect(Overflowed(x, m, s), (y * x) - (y * m), VectorMath.TimesOrZero(y, s));
            return;
        }

        Vector.Widen(y.As<T, float>(), out Vector<double> yLow, out Vector<double> yHigh);
        labelSum += yLow;
        Unsafe.Add(ref labelSum, 1) += yHigh;
        Vector.Widen(s.As<T, float>(), out Vector<double> sLow, out Vector<double> sHigh);
        if (Vector.LessThanAll(Vector.Abs(s), new Vector<T>(T.PositiveInfinity)))
        {
            labelDot += yLow * sLow;
            Unsafe.Add(ref labelDot, 1) += yHigh * sHigh;
            return;
        }

        // Where x - m overflowed float, y·(x - m) with x - m exact in double.
        Vector.Widen(Overflowed(x, m, s).As<T, int>(), out Vector<long> overflowedLow, out Vector<long> overflowedHigh);
        Vector.Widen(x.As<T, float>(), out Vector<double> xLow, out Vector<double> xHigh);
        Vector.Widen(m.As<T, float>(), out Vector<double> mLow, out Vector<double> mHigh);
        labelDot += Vector.ConditionalSelect(Vector.AsVectorDouble(overflowedLow), yLow * (xLow - mLow), VectorMath.TimesOrZero(yLow, sLow));
        Unsafe.Add(ref labelDot, 1) += Vector.ConditionalSelect(Vector.AsVectorDouble(overflowedHigh), yHigh * (xHigh - mHigh), VectorMath.TimesOrZero(yHigh, sHigh));
    }

    /// <summary>The lanes where s = x - m overflowed to -∞ though x is not -∞ and m is not +∞.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<T> Overflowed<T>(Vector<T> x, Vector<T> m, Vector<T> s)
        where T : struct, IFloatingPointIeee754<T>
        => Vector.Equals(s, new Vector<T>(T.NegativeInfinity))
            & ~Vector.Equals(x, new Vector<T>(T.NegativeInfinity)) & ~Vector.Equals(m, new Vector<T>(T.PositiveInfinity));

    /// <summary>
    /// Pooled scratch for every block of one call: ten spans of T (two sets of four for two blocks in a row), four of
    /// double, one of int and two more of int (one per set), each padded to whole vectors so that a block's last, partial vector of rows runs through
    /// the same vector code as the others.
    /// </summary>
    internal readonly struct Scratch<T> : IDisposable
        where T : struct, IFloatingPointIeee754<T>
    {
        private readonly T[] _values;
        private readonly double[] _sums;

        public Scratch(int rowsPerBlock)
        {
            RowsPerBlock = rowsPerBlock;
            Stride = Padded<T>(RowsPerBlock);
            _values = ArrayPool<T>.Shared.Rent(ScratchSpans * Stride);
            _sums = ArrayPool<double>.Shared.Rent(7 * Stride);
        }

        public int RowsPerBlock { get; }

        private int Stride { get; }

        /// <summary>
        /// The block of rows from <paramref name="start"/>, the <paramref name="index"/>-th this scratch runs: its own spans
        /// (<see cref="RowSoftmax.Block{T}"/>) the first set for an even index, the second for an odd one.
        /// </summary>
        public Block<T> Block(int start, int rows, int index = 0)
            => new(_values, _sums, Stride, (index & 1) != 0, start, Math.Min(RowsPerBlock, rows - start));

        public void Dispose()
        {
            ArrayPool<T>.Shared.Return(_values);
            ArrayPool<double>.Shared.Return(_sums);
        }
    }

    /// <summary>
    /// The segment of <paramref name="length"/> elements one column after the one at <paramref name="offset"/> in column
    /// <paramref name="column"/> of <paramref name="matrix"/>: the segment to prefetch while that one is worked through
    /// (empty in the last column, or for an empty matrix).
    /// </summary>
    private static ReadOnlySpan<T> Next<T>(ReadOnlySpan<T> matrix, int offset, int rows, int columns, int column, int length)
        => column + 1 < columns && !matrix.IsEmpty ? matrix.Slice(offset + rows, length) : default;

    /// <summary><paramref name="length"/> rounded up to whole <see cref="Vector{T}"/>s.</summary>
    private static int Padded<T>(int length)
        where T : struct
    {
        int lanes = Math.Max(VectorMath.Lanes<T>(), 1);
        return (length + lanes - 1) / lanes * lanes;
    }

    /// <summary>
    /// What a block's pass does besides its own work (<see cref="RunBlock"/>): the next block's maxima (the rows from
    /// <see cref="AheadStart"/>, into <see cref="AheadMax"/>) and the previous block's division (the rows from
    /// <see cref="BehindStart"/>, by <see cref="BehindSum"/>, times <see cref="BehindFactors"/> unless empty, less
    /// <see cref="BehindSpread"/> times them); empty spans for neither.
    /// </summary>
    internal readonly ref struct Pass<T>(
        int aheadStart, Span<T> aheadMax, int behindStart, ReadOnlySpan<T> behindSum, ReadOnlySpan<T> behindFactors, bool recordsLabels, T behindSpread = default)
        where T : struct
    {
        public int AheadStart { get; } = aheadStart;

        public Span<T> AheadMax { get; } = aheadMax;

        public int BehindStart { get; } = behindStart;

        public ReadOnlySpan<T> BehindSum { get; } = behindSum;

        public ReadOnlySpan<T> BehindFactors { get; } = behindFactors;

        /// <summary>What the previous block's division takes from each entry (times its factor): label smoothing's ε/C, or 0.</summary>
        public T BehindSpread { get; } = behindSpread;

        /// <summary>Whether the pass records the vectors of rows with a nonzero label (<see cref="Block{T}.Found"/>).</summary>
        public bool RecordsLabels { get; } = recordsLabels;
    }

    /// <summary>The statistics of one block of rows and a work span.</summary>
    internal readonly ref struct Block<T>
        where T : struct, IFloatingPointIeee754<T>
    {
        private readonly int _start;
        private readonly Span<double> _tailInDouble;
        private readonly Span<double> _onesInDouble;
        private readonly Span<int> _maxima;
        private readonly Span<T> _paddedMax;
        private readonly Span<T> _paddedSum;
        private readonly Span<T> _paddedLogSum;
        private readonly Span<T> _paddedLabelSum;
        private readonly Span<T> _paddedAtMaximum;
        private readonly Span<double> _labelSumInDouble;
        private readonly Span<double> _labelDotInDouble;

        /// <summary>
        /// A block's spans in the scratch arrays: its maxima, S, work span and gradients at a maximum in the first or the
        /// <paramref name="second"/> set of spans of the values (two blocks in a row keep theirs apart), the rest shared
        /// by every block.
        /// </summary>
        public Block(T[] values, double[] sums, int stride, bool second, int start, int length)
        {
            _start = start;
            Length = length;
            int padded = Padded<T>(length);
            int own = second ? 6 : 0;
            _paddedMax = values.AsSpan(own * stride, padded);
            _paddedSum = values.AsSpan((second ? 7 : 1) * stride, padded);
            _paddedLogSum = values.AsSpan(2 * stride, padded);
            Work = values.AsSpan((second ? 8 : 3) * stride, length);
            _paddedLabelSum = values.AsSpan(4 * stride, padded);
            _paddedAtMaximum = values.AsSpan((second ? 9 : 5) * stride, padded);
            _tailInDouble = sums.AsSpan(0, padded);
            _onesInDouble = sums.AsSpan(stride, padded);
            _maxima = MemoryMarshal.Cast<double, int>(sums.AsSpan(2 * stride, padded))[..padded];
            _labelSumInDouble = sums.AsSpan(3 * stride, padded);
            _labelDotInDouble = sums.AsSpan(4 * stride, padded);
            EntryOffsets = MemoryMarshal.Cast<double, int>(sums.AsSpan(5 * stride, stride)).Slice(second ? stride : 0, length);
            Found = MemoryMarshal.Cast<double, int>(sums.AsSpan(6 * stride, stride));
        }

        public int Length { get; }

        /// <summary>m, the row maxima (NaN for a row of only -∞).</summary>
        public Span<T> Max => _paddedMax[..Length];

        /// <summary>The block's first row.</summary>
        public int Start => _start;

        /// <summary>The maxima of the block's whole vectors of rows.</summary>
        public Span<T> WholeMax => _paddedMax[..WholeRows];

        /// <summary>S over the block's whole vectors of rows.</summary>
        public ReadOnlySpan<T> WholeSum => _paddedSum[..WholeRows];

        /// <summary>The gradients at a maximum as <see cref="ComputeGradientsAtMaximum"/> last left them.</summary>
        public ReadOnlySpan<T> GradientsAtMaximum => _paddedAtMaximum[..Length];

        private int WholeRows => Length / Math.Max(VectorMath.Lanes<T>(), 1) * VectorMath.Lanes<T>();

        /// <summary>S = Σⱼ exp(sⱼ).</summary>
        public Span<T> Sum => _paddedSum[..Length];

        /// <summary>log S.</summary>
        public Span<T> LogSum => _paddedLogSum[..Length];

        public Span<T> Work { get; }

        /// <summary>Offsets of entries kept in <see cref="Work"/> (the dense gradient's, <see cref="TakeLabelEntries"/>); the block's own.</summary>
        public Span<int> EntryOffsets { get; }

        /// <summary>
        /// How many vectors of rows with a nonzero label the fused pass found (the first int; -1 where it was not asked to
        /// record them, <see cref="Pass{T}.RecordsLabels"/>), and their positions from the block's first column segment,
        /// as many as fit.
        /// </summary>
        public Span<int> Found { get; }

        /// <summary>
        /// Σⱼ sⱼ in double, after <see cref="ComputeSums"/> with sumsShifts (and no labels): each sⱼ = shift(xⱼ, m) of T
        /// added in double, in column order (-∞ or NaN where a shift is).
        /// </summary>
        public ReadOnlySpan<double> ShiftSums => _labelDotInDouble[..Length];

        /// <summary>L = Σⱼ yⱼ, summed in double and rounded once to T, when labels were given.</summary>
        public Span<T> LabelSum => _paddedLabelSum[..Length];

        /// <summary>
        /// The gradient L/S - 1 at an entry of the row whose exponential is 1 (a maximum) and whose label is 1, after
        /// <see cref="ComputeSums"/>: <c>((L - k) - t)/S</c> in double, with k the count of the row's maxima and t the
        /// other exponentials' sum (S = k + t), rounded once to T; L = 1 for <paramref name="classIndices"/>. The same value
        /// with the cancellation of L/S against 1 done exactly: at a confident, correct prediction's label (L = k = 1)
        /// it is -t/S, where L/S - 1 in T gives 0 as soon as S rounds to 1 (t below 2⁻²⁴ in float, 2⁻⁵³ in double).
        /// A zero is +0. For the padded rows too (meaningless there).
        /// </summary>
        public ReadOnlySpan<T> ComputeGradientsAtMaximum(bool classIndices)
        {
            int done = 0;
            if (VectorMath.Lanes<T>() != 0 && VectorMath.Lanes<double>() != 0 && (typeof(T) == typeof(float) || typeof(T) == typeof(double)))
            {
                // Whole vectors of the padded rows (a float vector's rows in two double vectors), rounded as below.
                Span<Vector<T>> target = VectorMath.Vectors(_paddedAtMaximum);
                ReadOnlySpan<Vector<double>> tail = VectorMath.Vectors((ReadOnlySpan<double>)_tailInDouble);
                ReadOnlySpan<Vector<double>> ones = VectorMath.Vectors((ReadOnlySpan<double>)_onesInDouble);
                ReadOnlySpan<Vector<double>> labelSum = VectorMath.Vectors((ReadOnlySpan<double>)_labelSumInDouble);
                int halves = Vector<T>.Count / Vector<double>.Count;
                for (int i = 0; i < target.Length; i++)
                {
                    int j = halves * i;
                    Vector<T> gradient = typeof(T) == typeof(double)
                        ? AtMaximum(tail[j], ones[j], classIndices ? Vector<double>.One : labelSum[j]).As<double, T>()
                        : Vector.Narrow(
                            AtMaximum(tail[j], ones[j], classIndices ? Vector<double>.One : labelSum[j]),
                            AtMaximum(tail[j + 1], ones[j + 1], classIndices ? Vector<double>.One : labelSum[j + 1])).As<float, T>();
                    target[i] = Vector.ConditionalSelect(Vector.Equals(gradient, Vector<T>.Zero), Vector<T>.Zero, gradient);
                }

                done = target.Length * Vector<T>.Count;
            }

            for (int i = done; i < _paddedAtMaximum.Length; i++)
            {
                _paddedAtMaximum[i] = GradientAtMaximum(i, classIndices ? 1.0 : _labelSumInDouble[i]);
            }

            return _paddedAtMaximum[..Length];
        }

        /// <summary>
        /// Row <paramref name="row"/>'s entry of <see cref="ComputeGradientsAtMaximum"/> with label sum
        /// <paramref name="labelSum"/>, by the same operations (the same bits).
        /// </summary>
        public T GradientAtMaximum(int row, double labelSum)
        {
            T gradient = T.CreateTruncating(((labelSum - _onesInDouble[row]) - _tailInDouble[row]) / (_onesInDouble[row] + _tailInDouble[row]));

            // +0 for a zero, as L/S - 1 gives it: the float kernel's tail holds e^-700 for each maximum, below any float,
            // which would otherwise make it -0.
            return gradient == T.Zero ? T.Zero : gradient;
        }

        /// <summary>((L - k) - t)/(k + t) lane-wise, in double.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector<double> AtMaximum(Vector<double> tail, Vector<double> ones, Vector<double> labelSum)
            => ((labelSum - ones) - tail) / (ones + tail);

        /// <summary>Row maxima m for the block's rows.</summary>
        public void ComputeMax(ReadOnlySpan<T> logits, int rows, int columns)
        {
            StartMax(logits);
            Span<Vector<T>> max = VectorMath.Vectors(Max);
            int column = 1;

            // Four columns at a time: four streams from memory at once, and a quarter of the stores. The maximum is
            // the native one (one instruction; the IEEE maximum takes three): where it meets a NaN it may return the
            // NaN or skip it, but a NaN anywhere in a row reaches the row's sum and from there every output, so the
            // outputs are the same either way. Of -0 and +0 it may keep either; every output takes m through x - m or
            // x = m, where the two give the same.
            int lanes = VectorMath.Lanes<T>();
            ref Vector<T> m = ref MemoryMarshal.GetReference(max);
            for (; column + 3 < columns; column += 4)
            {
                // Each segment holds at least max.Length vectors (Slice checks it), so the loop reads them unchecked.
                ref Vector<T> x0 = ref Segment(logits, (column * rows) + _start);
                ref Vector<T> x1 = ref Segment(logits, ((column + 1) * rows) + _start);
                ref Vector<T> x2 = ref Segment(logits, ((column + 2) * rows) + _start);
                ref Vector<T> x3 = ref Segment(logits, ((column + 3) * rows) + _start);

                // The next four columns' segments are asked for as these four are read (see Prefetch).
                ref T ahead = ref Prefetch.Ahead(logits.Slice(column * rows, 4 * rows), logits[((column + 4) * rows)..]);
                nint i = 0;
#if NET9_0_OR_GREATER
                if (VectorMath.Wide512 && (typeof(T) == typeof(float) || typeof(T) == typeof(double)))
                {
                    // Two vectors of rows at once in one 512-bit vector (a cache line): the same maxima lane by lane, with
                    // half the instructions and one request per line.
                    for (; i + 1 < max.Length; i += 2)
                    {
                        Prefetch.FourLines(ref ahead, rows, (i * lanes) + _start);
                        ref Vector512<T> pair = ref Unsafe.As<Vector<T>, Vector512<T>>(ref Unsafe.Add(ref m, i));
                        pair = Vector512.MaxNative(
                            Vector512.MaxNative(pair, Unsafe.As<Vector<T>, Vector512<T>>(ref Unsafe.Add(ref x0, i))),
                            Vector512.MaxNative(
                                Vector512.MaxNative(Unsafe.As<Vector<T>, Vector512<T>>(ref Unsafe.Add(ref x1, i)), Unsafe.As<Vector<T>, Vector512<T>>(ref Unsafe.Add(ref x2, i))),
                                Unsafe.As<Vector<T>, Vector512<T>>(ref Unsafe.Add(ref x3, i))));
                    }
                }
#endif
                for (; i < max.Length; i++)
                {
                    Prefetch.FourLines(ref ahead, rows, (i * lanes) + _start);
                    Unsafe.Add(ref m, i) = VectorMath.MaxNative(
                        VectorMath.MaxNative(Unsafe.Add(ref m, i), Unsafe.Add(ref x0, i)),
                        VectorMath.MaxNative(VectorMath.MaxNative(Unsafe.Add(ref x1, i), Unsafe.Add(ref x2, i)), Unsafe.Add(ref x3, i)));
                }
            }

            for (; column < columns; column++)
            {
                ref Vector<T> x = ref Segment(logits, (column * rows) + _start);
                for (nint i = 0; i < max.Length; i++)
                {
                    Unsafe.Add(ref m, i) = VectorMath.MaxNative(Unsafe.Add(ref m, i), Unsafe.Add(ref x, i));
                }
            }

            FinishMax(logits, rows, columns);
        }

        /// <summary>
        /// The first step of the row maxima, before any column's whole vectors are taken in: m = the first column's
        /// logits, and 0 in the padding lanes.
        /// </summary>
        public void StartMax(ReadOnlySpan<T> logits)
        {
            logits.Slice(_start, Length).CopyTo(Max);
            _paddedMax[Length..].Clear();
        }

        /// <summary>
        /// The last step of the row maxima, once every column's whole vectors of rows have been taken in (by
        /// <see cref="ComputeMax"/>, or by the previous block's pass, the fused loop): the rows after the
        /// whole vectors, lane by lane, then NaN for a row of only -∞.
        /// </summary>
        public void FinishMax(ReadOnlySpan<T> logits, int rows, int columns)
        {
            int done = VectorMath.Vectors(Max).Length * VectorMath.Lanes<T>();
            for (int column = 1; column < columns && done < Length; column++)
            {
                ReadOnlySpan<T> segment = logits.Slice((column * rows) + _start, Length);
                for (int i = done; i < Length; i++)
                {
                    // The native maximum's rule lane by lane: the second operand unless the first is greater.
                    Max[i] = Max[i] > segment[i] ? Max[i] : segment[i];
                }
            }

            // A row of only -∞ has no limit: NaN flows into everything computed from it. The padding lanes hold 0.
            var minusInfinity = new Vector<T>(T.NegativeInfinity);
            var nan = new Vector<T>(T.NaN);
            Span<Vector<T>> padded = VectorMath.Vectors(_paddedMax);
            for (int i = 0; i < padded.Length; i++)
            {
                padded[i] = Vector.ConditionalSelect(Vector.Equals(padded[i], minusInfinity), nan, padded[i]);
            }

            for (int i = padded.Length * VectorMath.Lanes<T>(); i < Length; i++)
            {
                Max[i] = T.IsNegativeInfinity(Max[i]) ? T.NaN : Max[i];
            }
        }

        /// <summary>The first vector of the segment of the block's rows from <paramref name="offset"/>, checked to hold them all.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private ref Vector<T> Segment(ReadOnlySpan<T> logits, int offset)
            => ref Unsafe.As<T, Vector<T>>(ref MemoryMarshal.GetReference(logits.Slice(offset, Length)));

        /// <summary>
        /// One pass over the block's logits: S and log S, with L and D when <paramref name="labels"/>
        /// is not empty, or with <paramref name="sumsShifts"/> (and no labels) Σⱼ sⱼ (<see cref="ShiftSums"/>).
        /// exp(s) is left in <paramref name="destination"/> (when not empty), or s itself
        /// when <paramref name="keepShifted"/> is set. What <paramref name="pass"/> asks besides (the fused loop only:
        /// <see cref="RunBlock"/> asks it only there): the next block's maxima over every column's whole vectors of its
        /// rows (started by <see cref="StartMax"/>), and the previous block's division by its S in
        /// <paramref name="destination"/>.
        /// </summary>
        public void ComputeSums(
            ReadOnlySpan<T> logits, int rows, int columns, ReadOnlySpan<T> labels, Span<T> destination, bool keepShifted, Pass<T> pass = default, bool sumsShifts = false)
        {
            _tailInDouble.Clear();
            _onesInDouble.Clear();
            _maxima.Clear();
            if (!labels.IsEmpty || sumsShifts)
            {
                // L and D only where there are labels or shifts to sum: nothing reads them otherwise.
                _labelSumInDouble.Clear();
                _labelDotInDouble.Clear();
            }

            // -1: nothing recorded (the column-by-column pass below never records); else the count, from 0.
            Found[0] = -1;
#if NET9_0_OR_GREATER
            if (FusedExponentials.Supported<T>())
            {
                Found[0] = pass.RecordsLabels ? 0 : -1;
                FusedExponentials.Block(
                    logits,
                    labels,
                    destination,
                    keepShifted,
                    rows,
                    columns,
                    _start,
                    Length,
                    new FusedExponentials.Statistics<T>(Length, _paddedMax, _labelSumInDouble, _labelDotInDouble, _tailInDouble, _onesInDouble, _maxima, pass.RecordsLabels ? Found : Found[..1]),
                    pass.AheadStart,
                    pass.AheadMax,
                    pass.BehindStart,
                    pass.BehindSum,
                    pass.BehindFactors,
                    sumsShifts,
                    pass.BehindSpread);

                if (typeof(T) == typeof(float))
                {
                    // The float loop counts each row's maxima instead of adding their exponentials of 1.
                    VectorMath.ConvertToDouble(_maxima, _onesInDouble);
                }

                FusedExponentials.Logarithms(_tailInDouble, _onesInDouble, _paddedSum, _paddedLogSum);
                RoundLabelSums(labels);
                return;
            }
#endif
            for (int column = 0; column < columns; column++)
            {
                int offset = (column * rows) + _start;
                ReadOnlySpan<T> x = logits.Slice(offset, Length);
                ReadOnlySpan<T> y = labels.IsEmpty ? labels : labels.Slice(offset, Length);
                Span<T> target = destination.IsEmpty ? destination : destination.Slice(offset, Length);
                Span<T> shifted = target.IsEmpty ? Work : target;
                Shift(x, Max, shifted, y, _labelSumInDouble[..Length], _labelDotInDouble[..Length]);
                if (sumsShifts && labels.IsEmpty)
                {
                    AddShifts<T>(shifted, _labelDotInDouble[..Length]);
                }

                Span<T> exponential = keepShifted ? Work : shifted;
                VectorMath.Exp(shifted, exponential);
                VectorMath.AddInDoubleApartFromOnes(_tailInDouble, _onesInDouble, exponential);
            }

            for (int i = 0; i < Length; i++)
            {
                // With one maximum, S = 1 + tail and log S = ln(1 + tail) keeps a loss as small as the tail
                // (a confident, correct prediction) instead of rounding it to 0.
                double ones = _onesInDouble[i];
                double tail = _tailInDouble[i];
                Sum[i] = T.CreateTruncating(ones + tail);
                LogSum[i] = T.CreateTruncating(ones == 1.0 ? Elementwise.LogOnePlus(tail) : Math.Log(ones + tail));
            }

            RoundLabelSums(labels);
        }

        /// <summary>L rounded once to T, for the gradient, when labels were given.</summary>
        private void RoundLabelSums(ReadOnlySpan<T> labels)
        {
            if (labels.IsEmpty)
            {
                return;
            }

            ElementTerms.Round<T>(_labelSumInDouble[..Length], LabelSum);
        }

        /// <summary>
        /// <c>ℓᵢ = Lᵢ·log Sᵢ - Dᵢ</c> in double from L and D in double, rounded once to T (a row of zero labels gives 0
        /// whatever its logits). With one-hot labels (L = 1, D = the label's s) that is log S - s rounded once, as the
        /// class-index kernel gives it.
        /// </summary>
        public void LabelledLosses(Span<T> losses)
        {
            ReadOnlySpan<double> labelSum = _labelSumInDouble;
            ReadOnlySpan<T> logSum = LogSum;
            ReadOnlySpan<double> labelDot = _labelDotInDouble;
            for (int i = 0; i < losses.Length; i++)
            {
                losses[i] = T.CreateTruncating(Elementwise.TimesOrZero(labelSum[i], double.CreateTruncating(logSum[i])) - labelDot[i]);
            }
        }
    }
}
