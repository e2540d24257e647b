#if NET9_0_OR_GREATER
using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Losses.Internal;

/// <summary>
/// Float softmax cross-entropy with class indices, the losses alone, for rows of at most <see cref="MaxColumns"/>
/// columns: <c>ℓᵢ = log Sᵢ - shift(xᵢ,ₖ, mᵢ)</c>, sixteen rows at a time (one 512-bit vector per column), or eight (one
/// 256-bit vector) where 512-bit vectors do not run, each strip of rows taken from its maxima to its losses in
/// registers. The block kernel (<see cref="RowSoftmax"/>) keeps each statistic in a span between passes (the maxima,
/// the tail and count of the exponentials, S and log S), which for narrow rows costs as much as the exponentials
/// themselves.
/// </summary>
/// <remarks>
/// Per row, the operations of the block kernel in the same order, so the same bits: m by the same native-maximum tree
/// (the first column, then four columns at a time, then one; a row of only -∞ gives NaN), the tail and count of the
/// maxima by <see cref="VectorMath.AddBelowMaxima512"/> column by column from the first (by
/// <see cref="VectorMath.AddBelowFiniteMaxima512"/>, the same bits, where no maximum of the strips is +∞), S's logarithm by
/// <see cref="FusedExponentials.LogOfSumForFloat(Vector512{double}, Vector512{double})"/> with the count as double, and
/// the loss as <c>RowSoftmax.ClassLosses</c> takes it, in float. The rows after the last whole strip are left to the
/// block kernel.
/// </remarks>
[SkipLocalsInit]
internal static class NarrowClassLosses
{
    /// <summary>
    /// The widest rows taken: sixteen columns of a strip are sixteen cache lines, read twice (the maxima, then the
    /// exponentials) from L1.
    /// </summary>
    internal const int MaxColumns = 16;

    /// <summary>The rows of a strip: one 512-bit vector of floats.</summary>
    internal const int StripRows = 16;

    /// <summary>
    /// The rows of a strip where 512-bit vectors do not run (<see cref="EightRows"/>): one 256-bit vector of floats.
    /// </summary>
    internal const int NarrowStripRows = 8;

    /// <summary>
    /// Whether the kernel takes the losses alone of a float class-index call of this many columns on this machine
    /// (512-bit vectors, or eight-row strips where AVX2 and FMA run the table exponential).
    /// </summary>
    public static bool Applies<T>(RowKernel kernel, int columns, bool gradient)
        => kernel == RowKernel.SparseCrossEntropy && !gradient && typeof(T) == typeof(float)
            && ((VectorMath.Wide512 && Avx2.IsSupported) || EightRows)
            && columns >= 1 && columns <= MaxColumns;

    /// <summary>
    /// Whether the strips are eight rows (one 256-bit vector) instead of sixteen: where 512-bit vectors do not run and
    /// the table exponential does (AVX2 and FMA, <see cref="System.Numerics.Vector{T}"/> of 256 bits).
    /// </summary>
    private static bool EightRows => !VectorMath.Wide512 && TableExponential.IsSupported;

    /// <summary>
    /// The losses of the rows in whole strips from <paramref name="start"/> (of the <paramref name="count"/> rows from
    /// there) into <paramref name="losses"/>; returns how many rows that is (a multiple of the strip's rows). The
    /// matrix is column-major with <paramref name="rows"/> rows. Each class index is checked to lie in [0, columns)
    /// before its logit is read.
    /// </summary>
    public static unsafe int Losses(ReadOnlySpan<float> logits, int rows, int columns, ReadOnlySpan<int> classes, Span<float> losses, int start, int count)
    {
        int stripRows = EightRows ? NarrowStripRows : StripRows;
        int done = count / stripRows * stripRows;

        // Checked here once: every logit, class index and loss the strips touch lies in its span.
        logits = logits[..(rows * columns)];
        classes = classes.Slice(start, done);
        losses = losses.Slice(start, done);
        ref int k = ref MemoryMarshal.GetReference(classes);
        ref float target = ref MemoryMarshal.GetReference(losses);
        fixed (float* x = logits)
        {
            if (EightRows)
            {
                for (int strip = 0; strip < done; strip += NarrowStripRows)
                {
                    EightRowStrip(x, rows, columns, start + strip, ref Unsafe.Add(ref k, strip), ref Unsafe.Add(ref target, strip));
                }

                return done;
            }

            int i = 0;
            for (; i + (2 * StripRows) <= done; i += 2 * StripRows)
            {
                TwoStrips(x, rows, columns, start + i, ref Unsafe.Add(ref k, i), ref Unsafe.Add(ref target, i));
            }

            if (i < done)
            {
                OneStrip(x, rows, columns, start + i, ref Unsafe.Add(ref k, i), ref Unsafe.Add(ref target, i));
            }
        }

        return done;
    }

    /// <summary>
    /// The losses of the thirty-two rows from <paramref name="first"/> into <paramref name="target"/>: two strips side by
    /// side, so that each column's two steps are independent and one strip's chain of additions overlaps the other's.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static unsafe void TwoStrips(float* x, int rows, int columns, int first, ref int classes, ref float target)
    {
        float* a = x + first;
        float* b = a + StripRows;
        Vector512<float> maxA = Max(a, rows, columns);
        Vector512<float> maxB = Max(b, rows, columns);
        Vector512<int> maximaA = Vector512<int>.Zero;
        Vector512<int> maximaB = Vector512<int>.Zero;
        Vector512<double> lowA = Vector512<double>.Zero;
        Vector512<double> highA = Vector512<double>.Zero;
        Vector512<double> lowB = Vector512<double>.Zero;
        Vector512<double> highB = Vector512<double>.Zero;
        // A maximum of +∞ needs the comparison x = m (x - m is NaN there); else the cheaper step (Max gives no -∞).
        var infinity = Vector512.Create(float.PositiveInfinity);
        nint end = (nint)columns * rows;
        if (Vector512.EqualsAny(maxA, infinity) || Vector512.EqualsAny(maxB, infinity))
        {
            AddColumns(finiteMaxima: false, a, b, rows, end, maxA, maxB, ref maximaA, ref maximaB, ref lowA, ref highA, ref lowB, ref highB);
        }
        else
        {
            AddColumns(finiteMaxima: true, a, b, rows, end, maxA, maxB, ref maximaA, ref maximaB, ref lowA, ref highA, ref lowB, ref highB);
        }

        // Finished in a call of its own: the logarithm's rare branch calls out, and values live across a call in this
        // method would be kept on the stack inside the loop.
        FinishTwo(x, rows, columns, first, ref classes, ref target, maxA, maximaA, lowA, highA, maxB, maximaB, lowB, highB);
    }

    /// <summary>
    /// Every column of the two strips from <paramref name="a"/> and <paramref name="b"/> into their counts and tails, the
    /// two strips' steps side by side (<see cref="VectorMath.AddBelowMaxima512With"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void AddColumns(
        bool finiteMaxima,
        float* a,
        float* b,
        int rows,
        nint end,
        Vector512<float> maxA,
        Vector512<float> maxB,
        ref Vector512<int> maximaA,
        ref Vector512<int> maximaB,
        ref Vector512<double> lowA,
        ref Vector512<double> highA,
        ref Vector512<double> lowB,
        ref Vector512<double> highB)
    {
        for (nint offset = 0; offset < end; offset += rows)
        {
            VectorMath.AddBelowMaxima512With(finiteMaxima, Vector512.Load(a + offset), maxA, ref maximaA, ref lowA, ref highA);
            VectorMath.AddBelowMaxima512With(finiteMaxima, Vector512.Load(b + offset), maxB, ref maximaB, ref lowB, ref highB);
        }
    }

    /// <summary>
    /// The losses of <see cref="TwoStrips"/>'s two strips from their maxima, counts and tails: the class indices checked
    /// first; then, where every row's S is ordinary for the logarithm (as it is but for NaN), no call out of this
    /// method, so that nothing is kept on the stack; else each strip by <see cref="StripLosses"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static unsafe void FinishTwo(
        float* x,
        int rows,
        int columns,
        int first,
        ref int classes,
        ref float target,
        Vector512<float> maxA,
        Vector512<int> maximaA,
        Vector512<double> lowA,
        Vector512<double> highA,
        Vector512<float> maxB,
        Vector512<int> maximaB,
        Vector512<double> lowB,
        Vector512<double> highB)
    {
        Vector512<int> classesA = Vector512.LoadUnsafe(ref classes);
        Vector512<int> classesB = Vector512.LoadUnsafe(ref classes, StripRows);
        var classCount = Vector512.Create((uint)columns);
        RowSoftmax.CheckClasses(Vector512.LessThanAll(classesA.AsUInt32(), classCount) & Vector512.LessThanAll(classesB.AsUInt32(), classCount));
        Vector512<double> onesLowA = Avx512F.ConvertToVector512Double(maximaA.GetLower());
        Vector512<double> onesHighA = Avx512F.ConvertToVector512Double(maximaA.GetUpper());
        Vector512<double> onesLowB = Avx512F.ConvertToVector512Double(maximaB.GetLower());
        Vector512<double> onesHighB = Avx512F.ConvertToVector512Double(maximaB.GetUpper());
        Vector512<double> sumLowA = onesLowA + lowA;
        Vector512<double> sumHighA = onesHighA + highA;
        Vector512<double> sumLowB = onesLowB + lowB;
        Vector512<double> sumHighB = onesHighB + highB;
        Vector512<double> ordinary = VectorLogarithm.Ordinary(sumLowA) & VectorLogarithm.Ordinary(sumHighA)
            & VectorLogarithm.Ordinary(sumLowB) & VectorLogarithm.Ordinary(sumHighB);
        if (!Vector512.EqualsAll(ordinary.AsInt64(), Vector512<long>.AllBitsSet))
        {
            StripLosses(x, rows, first, classesA, maxA, maximaA, lowA, highA).StoreUnsafe(ref target);
            StripLosses(x, rows, first + StripRows, classesB, maxB, maximaB, lowB, highB).StoreUnsafe(ref target, StripRows);
            return;
        }

        Vector512<float> logSumA = Vector512.Create(
            Avx512F.ConvertToVector256Single(FusedExponentials.OrdinaryLogOfSumForFloat(lowA, onesLowA, sumLowA)),
            Avx512F.ConvertToVector256Single(FusedExponentials.OrdinaryLogOfSumForFloat(highA, onesHighA, sumHighA)));
        Vector512<float> logSumB = Vector512.Create(
            Avx512F.ConvertToVector256Single(FusedExponentials.OrdinaryLogOfSumForFloat(lowB, onesLowB, sumLowB)),
            Avx512F.ConvertToVector256Single(FusedExponentials.OrdinaryLogOfSumForFloat(highB, onesHighB, sumHighB)));
        (logSumA - Shifted(x, rows, first, classesA, maxA)).StoreUnsafe(ref target);
        (logSumB - Shifted(x, rows, first + StripRows, classesB, maxB)).StoreUnsafe(ref target, StripRows);
    }

    /// <summary>The losses of the sixteen rows from <paramref name="first"/> into <paramref name="target"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static unsafe void OneStrip(float* x, int rows, int columns, int first, ref int classes, ref float target)
    {
        float* a = x + first;
        Vector512<float> max = Max(a, rows, columns);
        Vector512<int> maxima = Vector512<int>.Zero;
        Vector512<double> low = Vector512<double>.Zero;
        Vector512<double> high = Vector512<double>.Zero;
        for (nint offset = 0, end = (nint)columns * rows; offset < end; offset += rows)
        {
            VectorMath.AddBelowMaxima512(Vector512.Load(a + offset), max, ref maxima, ref low, ref high);
        }

        Vector512<int> stripClasses = Vector512.LoadUnsafe(ref classes);
        RowSoftmax.CheckClasses(Vector512.LessThanAll(stripClasses.AsUInt32(), Vector512.Create((uint)columns)));
        StripLosses(x, rows, first, stripClasses, max, maxima, low, high).StoreUnsafe(ref target);
    }

    /// <summary>
    /// The row maxima of a strip, from its first row <paramref name="rowsAt"/>: the first column, then the native maximum
    /// four columns at a time, then one (a row of only -∞ gives NaN).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe Vector512<float> Max(float* rowsAt, int rows, int columns)
    {
        Vector512<float> m = Vector512.Load(rowsAt);
        int column = 1;
        for (; column + 3 < columns; column += 4)
        {
            float* group = rowsAt + ((nint)column * rows);
            m = Vector512.MaxNative(
                Vector512.MaxNative(m, Vector512.Load(group)),
                Vector512.MaxNative(
                    Vector512.MaxNative(Vector512.Load(group + rows), Vector512.Load(group + (2 * (nint)rows))),
                    Vector512.Load(group + (3 * (nint)rows))));
        }

        for (; column < columns; column++)
        {
            m = Vector512.MaxNative(m, Vector512.Load(rowsAt + ((nint)column * rows)));
        }

        // A row of only -∞ has no limit: NaN flows into its loss.
        return Vector512.ConditionalSelect(Vector512.Equals(m, Vector512.Create(float.NegativeInfinity)), Vector512.Create(float.NaN), m);
    }

    /// <summary>
    /// A strip's losses from its maxima <paramref name="max"/>, its count of them and its tail: log S - shift(x_label, m),
    /// the class indices already checked.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe Vector512<float> StripLosses(
        float* x, int rows, int first, Vector512<int> classes, Vector512<float> max, Vector512<int> maxima, Vector512<double> tailLow, Vector512<double> tailHigh)
    {
        Vector256<float> logSumLow = Avx512F.ConvertToVector256Single(
            FusedExponentials.LogOfSumForFloat(tailLow, Avx512F.ConvertToVector512Double(maxima.GetLower())));
        Vector256<float> logSumHigh = Avx512F.ConvertToVector256Single(
            FusedExponentials.LogOfSumForFloat(tailHigh, Avx512F.ConvertToVector512Double(maxima.GetUpper())));
        return Vector512.Create(logSumLow, logSumHigh) - Shifted(x, rows, first, classes, max);
    }

    /// <summary>
    /// The losses of the eight rows from <paramref name="first"/> into <paramref name="target"/>, where 512-bit vectors do
    /// not run: the maxima by <see cref="Max"/>'s tree, then each column's step as the block kernel's there
    /// (<see cref="VectorMath.ExpBelowMaximaWidened"/>: the maxima counted, every other lane's exponential added to the
    /// lower or upper four rows' tail), S's logarithm by
    /// <see cref="FusedExponentials.LogOfSumForFloat(System.Numerics.Vector{double}, System.Numerics.Vector{double})"/>
    /// with the count as double, and the loss in float. The same operations as the blocks, so the same bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static unsafe void EightRowStrip(float* x, int rows, int columns, int first, ref int classes, ref float target)
    {
        float* a = x + first;
        Vector256<float> max = Vector256.Load(a);
        int column = 1;
        for (; column + 3 < columns; column += 4)
        {
            float* group = a + ((nint)column * rows);
            max = Vector256.MaxNative(
                Vector256.MaxNative(max, Vector256.Load(group)),
                Vector256.MaxNative(Vector256.MaxNative(Vector256.Load(group + rows), Vector256.Load(group + (2 * (nint)rows))), Vector256.Load(group + (3 * (nint)rows))));
        }

        for (; column < columns; column++)
        {
            max = Vector256.MaxNative(max, Vector256.Load(a + ((nint)column * rows)));
        }

        // A row of only -∞ has no limit: NaN flows into its loss.
        max = Vector256.ConditionalSelect(Vector256.Equals(max, Vector256.Create(float.NegativeInfinity)), Vector256.Create(float.NaN), max);

        var constants = TableExponential.FloatConstants.Create();
        Vector256<int> maxima = Vector256<int>.Zero;
        System.Numerics.Vector<double> low = System.Numerics.Vector<double>.Zero;
        System.Numerics.Vector<double> high = System.Numerics.Vector<double>.Zero;
        for (nint offset = 0, end = (nint)columns * rows; offset < end; offset += rows)
        {
            Vector256<float> logits = Vector256.Load(a + offset);
            Vector256<float> atMax = Vector256.Equals(logits, max);
            maxima -= atMax.AsInt32();
            VectorMath.ExpBelowMaximaWidened(
                (logits - max).AsVector(), atMax.AsInt32().AsVector(), constants, out System.Numerics.Vector<double> lowTerms, out System.Numerics.Vector<double> highTerms);
            low += lowTerms;
            high += highTerms;
        }

        Vector256<int> stripClasses = Vector256.LoadUnsafe(ref classes);
        RowSoftmax.CheckClasses(Vector256.LessThanAll(stripClasses.AsUInt32(), Vector256.Create((uint)columns)));
        Vector256<float> logSum = System.Numerics.Vector.Narrow(
            FusedExponentials.LogOfSumForFloat(low, Avx.ConvertToVector256Double(maxima.GetLower()).AsVector()),
            FusedExponentials.LogOfSumForFloat(high, Avx.ConvertToVector256Double(maxima.GetUpper()).AsVector())).AsVector256();
        Vector256<int> offsets = (stripClasses * Vector256.Create(rows)) + Vector256.Create(first) + Vector256<int>.Indices;
        Vector256<float> logit = Avx2.GatherVector256(x, offsets, sizeof(float));
        (logSum - Vector256.ConditionalSelect(Vector256.Equals(logit, max), Vector256<float>.Zero, logit - max)).StoreUnsafe(ref target);
    }

    /// <summary>
    /// shift(x_label, m) for the sixteen rows from <paramref name="first"/>, whose class indices (already checked) are
    /// <paramref name="classes"/>: 0 where the label's logit is the maximum, else x_label - m, in float.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe Vector512<float> Shifted(float* x, int rows, int first, Vector512<int> classes, Vector512<float> max)
    {
        Vector512<int> offsets = (classes * Vector512.Create(rows)) + Vector512.Create(first) + Vector512<int>.Indices;
        Vector512<float> logit = Vector512.Create(
            Avx2.GatherVector256(x, offsets.GetLower(), sizeof(float)), Avx2.GatherVector256(x, offsets.GetUpper(), sizeof(float)));
        return Vector512.ConditionalSelect(Vector512.Equals(logit, max), Vector512<float>.Zero, logit - max);
    }
}
#endif
