#if NET9_0_OR_GREATER
using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Losses.Internal;

/// <summary>
/// The softmax kernels' pass after the row maxima, fused into one loop per column segment: each vector of
/// logits is shifted, exponentiated in double and added to the row sums without leaving registers. Float
/// exponentials are evaluated in double (the runtime's float vector exp is off by a unit in the last place
/// at times, exp(0) = 1.0000001), each within 6e-15 relative, and summed unrounded, so S is good to far more
/// digits than a float result shows; what is stored is the exponential rounded once to T.
/// </summary>
/// <remarks>
/// A segment's last, partial vector is copied into a zero-padded vector and runs through the same code,
/// so a row's result does not depend on where the vector boundary falls. The row statistics spans are
/// padded to whole vectors (their extra lanes are scratch).
/// </remarks>
internal static class FusedExponentials
{
    /// <summary>Whether the fused loop runs for <typeparamref name="T"/> on this machine.</summary>
    public static bool Supported<T>()
        where T : struct
        => VectorMath.Lanes<T>() != 0 && VectorMath.Lanes<double>() != 0
            && (typeof(T) == typeof(float) || typeof(T) == typeof(double));

    /// <summary>
    /// For the rows [<paramref name="start"/>, <paramref name="start"/> + <paramref name="length"/>) of each of the
    /// <paramref name="columns"/> columns in turn (column j's segment at j·<paramref name="rows"/> + start of each
    /// column-major matrix): s = shift(x, m); adds exp(s) to the row sums (apart from the row maxima, as
    /// <see cref="Step"/> describes) and, with labels, y to L and y·s to D; stores s (<paramref name="keepShifted"/>) or
    /// exp(s) into <paramref name="destination"/> unless empty. Meanwhile each column's next segment is prefetched
    /// (<see cref="Prefetch"/>). The statistics spans are the block's, padded to whole vectors.
    /// With a non-empty <paramref name="aheadMax"/> (the padded maxima span of the next block, the rows from
    /// <paramref name="aheadStart"/>, with as many whole vectors of rows as this block) the same pass also gathers the next
    /// block's row maxima over those whole vectors: each takes the native maximum of itself and every column's logits, so
    /// the pass reads the next block from memory while it works through this one from cache.
    /// With a non-empty <paramref name="behindDivisor"/> (the previous block's S, one per row from
    /// <paramref name="behindStart"/>, padded, with as many whole vectors of rows as this block) the pass also finishes
    /// that block's exponentials in <paramref name="destination"/>: each becomes e/S, the same division as
    /// <see cref="VectorMath.Divide{T}"/>'s, or with <paramref name="behindFactors"/> (one per row of that block)
    /// f·(e/S), exactly 0 where f = 0, as <see cref="VectorMath.DivideAndScaleOrZero{T}"/> gives it, done while this block's exponentials keep the processor busy instead of in a
    /// pass of its own that waits on the cache.
    /// Where it stores exponentials, has labels and <paramref name="statistics"/> has room for them, the pass also counts
    /// the vectors of rows with a nonzero label and keeps their positions (<see cref="Statistics{T}.Found"/>), so that the
    /// dense gradient finds its labels' entries without reading the labels again.
    /// With <paramref name="unitLabels"/> and no labels, every label is taken as 1 without reading any: D = Σⱼ sⱼ, each
    /// sⱼ = shift(xⱼ, m) of T added in double (<see cref="AddShifts{T}"/>; the class-index kernel's label smoothing).
    /// </summary>
    /// <remarks>
    /// One call per block: the spans are checked once, for the region from the first column's segment to the last's,
    /// and each column's references are the first's moved on by a multiple of <paramref name="rows"/>.
    /// </remarks>
    public static void Block<T>(
        ReadOnlySpan<T> logits,
        ReadOnlySpan<T> labels,
        Span<T> destination,
        bool keepShifted,
        int rows,
        int columns,
        int start,
        int length,
        Statistics<T> statistics,
        int aheadStart = 0,
        Span<T> aheadMax = default,
        int behindStart = 0,
        ReadOnlySpan<T> behindDivisor = default,
        ReadOnlySpan<T> behindFactors = default,
        bool unitLabels = false,
        T behindSpread = default)
        where T : struct, IFloatingPointIeee754<T>
    {
        if (columns == 0 || length == 0)
        {
            return;
        }

        int extent = ((columns - 1) * rows) + length;
        int aheadOffset = aheadStart - start;
        if (!aheadMax.IsEmpty)
        {
            aheadMax = aheadMax[..(length / Vector<T>.Count * Vector<T>.Count)];
        }

        Span<T> behind = default;
        if (!behindDivisor.IsEmpty)
        {
            behindDivisor = behindDivisor[..(length / Vector<T>.Count * Vector<T>.Count)];
            behindFactors = behindFactors.IsEmpty ? behindFactors : behindFactors[..behindDivisor.Length];
            behind = destination.Slice(behindStart, ((columns - 1) * rows) + behindDivisor.Length);
        }

        // With the next block's maxima the region reaches to the end of its last column's whole vectors (checked here once).
        int logitsExtent = aheadMax.IsEmpty ? extent : Math.Max(extent, ((columns - 1) * rows) + aheadOffset + aheadMax.Length);
        var region = new Region<T>(
            logits.Slice(start, logitsExtent),
            labels.IsEmpty ? labels : labels.Slice(start, extent),
            destination.IsEmpty ? destination : destination.Slice(start, extent),
            rows,
            columns,
            length,
            aheadOffset,
            aheadMax,
            behind,
            behindDivisor,
            behindFactors,
            unitLabels && labels.IsEmpty,
            behindSpread);

        // One loop per case (labels or none, a destination or none), each with only its own code, so that the JIT
        // inlines all of it (one loop holding every path outgrows its inlining budget and calls the small helpers
        // instead).
        if (behindDivisor.IsEmpty)
        {
            Ahead<T, NoDivision>(region, statistics, keepShifted);
        }
        else if (behindSpread != T.Zero)
        {
            if (behindFactors.IsEmpty)
            {
                Ahead<T, SmoothedDivision>(region, statistics, keepShifted);
            }
            else
            {
                Ahead<T, SmoothedScaledDivision>(region, statistics, keepShifted);
            }
        }
        else if (behindFactors.IsEmpty)
        {
            Ahead<T, Division>(region, statistics, keepShifted);
        }
        else
        {
            Ahead<T, ScaledDivision>(region, statistics, keepShifted);
        }
    }

    /// <summary><see cref="Cases"/> with the next block's maxima or without.</summary>
    private static void Ahead<T, TBehind>(in Region<T> region, Statistics<T> statistics, bool keepShifted)
        where T : struct, IFloatingPointIeee754<T>
        where TBehind : struct, IBehind
    {
        if (region.AheadMax.IsEmpty)
        {
            Cases<T, No, TBehind>(region, statistics, keepShifted);
        }
        else
        {
            Cases<T, Yes, TBehind>(region, statistics, keepShifted);
        }
    }

    /// <summary><see cref="Columns"/> for the case of <paramref name="region"/>: labels or none, a destination or none.</summary>
    private static void Cases<T, TAhead, TBehind>(in Region<T> region, Statistics<T> statistics, bool keepShifted)
        where T : struct, IFloatingPointIeee754<T>
        where TAhead : struct, IFlag
        where TBehind : struct, IBehind
    {
        if (!region.Labels.IsEmpty)
        {
            if (!region.Destination.IsEmpty && statistics.FoundCapacity > 0)
            {
                SixteenRows<T, Yes, Recording, TAhead, TBehind>(region, statistics, keepShifted);
            }
            else if (!region.Destination.IsEmpty)
            {
                SixteenRows<T, Yes, Yes, TAhead, TBehind>(region, statistics, keepShifted);
            }
            else
            {
                SixteenRows<T, Yes, No, TAhead, TBehind>(region, statistics, keepShifted);
            }
        }
        else if (region.UnitLabels)
        {
            if (!region.Destination.IsEmpty)
            {
                SixteenRows<T, Units, Yes, TAhead, TBehind>(region, statistics, keepShifted);
            }
            else
            {
                SixteenRows<T, Units, No, TAhead, TBehind>(region, statistics, keepShifted);
            }
        }
        else if (!region.Destination.IsEmpty)
        {
            SixteenRows<T, No, Yes, TAhead, TBehind>(region, statistics, keepShifted);
        }
        else if ((typeof(T) == typeof(float) || typeof(T) == typeof(double)) && !TBehind.Divides && VectorMath.Wide512)
        {
            SumsOnlyWide<T, TAhead>(region, statistics);
        }
        else
        {
            Columns<T, No, No, TAhead, TBehind>(region, statistics, keepShifted);
        }
    }

    /// <summary>
    /// The pass with neither labels nor a destination (the class-index kernel's losses) where a float
    /// <see cref="Vector{T}"/> widens into one 512-bit double vector: sixteen float rows (eight double rows) at a time in
    /// 512-bit vectors, and four columns at a time, so that a vector of rows' maxima, counts and sums are loaded and
    /// stored once per four columns instead of once per column. Each row still adds its columns' exponentials one after
    /// the other in column order, by the operations of <see cref="Step"/> (<see cref="VectorMath.AddBelowMaxima512"/>,
    /// <see cref="VectorMath.AddExpApartFromOnes512"/>), so the same bits; a segment's odd vector of eight float (four
    /// double) rows and its last, partial vector (<see cref="Partial"/>) as well, and the columns after the groups of
    /// four through <see cref="Columns"/>. With
    /// <typeparamref name="TAhead"/>, the next block's maxima over the same vectors of its rows, four columns at a time
    /// as <see cref="RowSoftmax.Block{T}.ComputeMax"/> takes them (the same maxima, see there). The next four columns'
    /// segments are asked for meanwhile (<see cref="Prefetch"/>).
    /// </summary>
    private static void SumsOnlyWide<T, TAhead>(in Region<T> region, Statistics<T> statistics)
        where T : struct, IFloatingPointIeee754<T>
        where TAhead : struct, IFlag
    {
        int length = region.Length;
        int wholes = length / Vector<T>.Count;
        nint rows = region.Rows;
        int columns = region.Columns;
        ref T logits = ref MemoryMarshal.GetReference(region.Logits);
        ref T aheadMax = ref MemoryMarshal.GetReference(region.AheadMax);
        ref T max = ref Unsafe.As<Vector<T>, T>(ref statistics.Max);
        ref Vector512<double> tail = ref Unsafe.As<Vector<double>, Vector512<double>>(ref statistics.Tail);
        nint aheadOffset = TAhead.Value ? region.AheadOffset : 0;
        int grouped = columns / 4 * 4;

        // Float rows whose maxima are all finite or NaN (the maxima hold no -∞) take the step that finds a maximum from
        // the widened argument (the same bits).
        // (+∞ has one bit pattern, so the runtime's vectorised search of the bits finds it.)
        bool finite = typeof(T) == typeof(float)
            && !MemoryMarshal.CreateReadOnlySpan(ref Unsafe.As<T, int>(ref max), wholes * Vector<T>.Count).Contains(BitConverter.SingleToInt32Bits(float.PositiveInfinity));
        for (int column = 0; column < grouped; column += 4)
        {
            // The next group's columns, or these (already in cache) past the last group.
            nint next = column + 4 < grouped ? 4 * rows : 0;
            ref T first = ref Unsafe.Add(ref logits, column * rows);
            if (typeof(T) == typeof(float))
            {
                FloatFourColumns<TAhead>(
                    finite,
                    ref Unsafe.As<T, float>(ref first),
                    rows,
                    next,
                    ref Unsafe.As<T, float>(ref max),
                    ref Unsafe.As<Vector<int>, int>(ref statistics.Maxima),
                    ref tail,
                    ref Unsafe.As<T, float>(ref aheadMax),
                    aheadOffset,
                    wholes);
            }
            else
            {
                FourColumns<TAhead>(
                    ref Unsafe.As<T, double>(ref first),
                    rows,
                    next,
                    ref Unsafe.As<T, double>(ref max),
                    ref tail,
                    ref Unsafe.As<Vector<double>, Vector512<double>>(ref statistics.Ones),
                    ref Unsafe.As<T, double>(ref aheadMax),
                    aheadOffset,
                    wholes);
            }
        }

        if (wholes * Vector<T>.Count < length)
        {
            for (int column = 0; column < grouped; column++)
            {
                int offset = column * region.Rows;
                Partial(region.Logits.Slice(offset, length), default, default, statistics, wholes, keepShifted: false, offset, unitLabels: false);
            }
        }

        // The columns after the groups of four, one at a time.
        Columns<T, No, No, TAhead, NoDivision>(region, statistics, keepShifted: false, grouped);
    }

    /// <summary>The float <see cref="FourColumns{TAhead, TFinite}"/> with the finite-maxima step or without.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void FloatFourColumns<TAhead>(
        bool finite, ref float x0, nint rows, nint next, ref float max, ref int maxima, ref Vector512<double> tail, ref float aheadMax, nint aheadOffset, int wholes)
        where TAhead : struct, IFlag
    {
        if (finite)
        {
            FourColumns<TAhead, Yes>(ref x0, rows, next, ref max, ref maxima, ref tail, ref aheadMax, aheadOffset, wholes);
        }
        else
        {
            FourColumns<TAhead, No>(ref x0, rows, next, ref max, ref maxima, ref tail, ref aheadMax, aheadOffset, wholes);
        }
    }

    /// <summary>
    /// The whole vectors of rows of four column segments (from <paramref name="x0"/>, <paramref name="rows"/> apart) for
    /// <see cref="SumsOnlyWide"/>; the next four from <paramref name="next"/> elements on are asked for meanwhile. Never
    /// inlined, so that it is compiled the same way in every process (see <see cref="Wholes"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void FourColumns<TAhead, TFinite>(
        ref float x0, nint rows, nint next, ref float max, ref int maxima, ref Vector512<double> tail, ref float aheadMax, nint aheadOffset, int wholes)
        where TAhead : struct, IFlag
        where TFinite : struct, IFlag
    {
        ref float x1 = ref Unsafe.Add(ref x0, rows);
        ref float x2 = ref Unsafe.Add(ref x1, rows);
        ref float x3 = ref Unsafe.Add(ref x2, rows);
        nint i = 0;
        nint end = (nint)wholes * Vector256<float>.Count;
        for (; i + Vector512<float>.Count <= end; i += Vector512<float>.Count)
        {
            Prefetch.FourLines(ref x0, rows, next + i);
            Vector512<float> m = Vector512.LoadUnsafe(ref max, (nuint)i);
            Vector512<int> count = Vector512.LoadUnsafe(ref maxima, (nuint)i);
            ref Vector512<double> low = ref Unsafe.Add(ref tail, i / Vector512<double>.Count);
            Vector512<double> tailLow = low;
            Vector512<double> tailHigh = Unsafe.Add(ref low, 1);
            VectorMath.AddBelowMaxima512With(TFinite.Value, Vector512.LoadUnsafe(ref x0, (nuint)i), m, ref count, ref tailLow, ref tailHigh);
            VectorMath.AddBelowMaxima512With(TFinite.Value, Vector512.LoadUnsafe(ref x1, (nuint)i), m, ref count, ref tailLow, ref tailHigh);
            VectorMath.AddBelowMaxima512With(TFinite.Value, Vector512.LoadUnsafe(ref x2, (nuint)i), m, ref count, ref tailLow, ref tailHigh);
            VectorMath.AddBelowMaxima512With(TFinite.Value, Vector512.LoadUnsafe(ref x3, (nuint)i), m, ref count, ref tailLow, ref tailHigh);

            low = tailLow;
            Unsafe.Add(ref low, 1) = tailHigh;
            count.StoreUnsafe(ref maxima, (nuint)i);
            if (TAhead.Value)
            {
                Prefetch.FourLines(ref x0, rows, next + aheadOffset + i);
                AheadMaxima512(ref x0, rows, ref aheadMax, aheadOffset, i);
            }
        }

        if (i < end)
        {
            // The odd vector of eight rows.
            Vector256<float> m = Vector256.LoadUnsafe(ref max, (nuint)i);
            Vector256<int> count = Vector256.LoadUnsafe(ref maxima, (nuint)i);
            ref Vector512<double> sums = ref Unsafe.Add(ref tail, i / Vector512<double>.Count);
            Vector512<double> sum = sums;
            VectorMath.AddBelowMaxima256(Vector256.LoadUnsafe(ref x0, (nuint)i), m, ref count, ref sum);
            VectorMath.AddBelowMaxima256(Vector256.LoadUnsafe(ref x1, (nuint)i), m, ref count, ref sum);
            VectorMath.AddBelowMaxima256(Vector256.LoadUnsafe(ref x2, (nuint)i), m, ref count, ref sum);
            VectorMath.AddBelowMaxima256(Vector256.LoadUnsafe(ref x3, (nuint)i), m, ref count, ref sum);
            sums = sum;
            count.StoreUnsafe(ref maxima, (nuint)i);
            if (TAhead.Value)
            {
                AheadMaxima256(ref x0, rows, ref aheadMax, aheadOffset, i);
            }
        }
    }

    /// <summary>
    /// <see cref="FourColumns{TAhead, TFinite}(ref float, nint, nint, ref float, ref int, ref Vector512{double}, ref float, nint, int)"/>
    /// for double: eight rows at a time, each column by <see cref="VectorMath.AddExpApartFromOnes512"/>, the row sums'
    /// <paramref name="tail"/> and <paramref name="ones"/> loaded and stored once per four columns; a segment's odd vector
    /// of four rows by the four-lane step (<see cref="VectorMath.Exp(Vector{double})"/>, then
    /// <see cref="VectorMath.AddApartFromOnes"/>). With <typeparamref name="TAhead"/>, the next block's maxima as for float.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void FourColumns<TAhead>(
        ref double x0, nint rows, nint next, ref double max, ref Vector512<double> tail, ref Vector512<double> ones, ref double aheadMax, nint aheadOffset, int wholes)
        where TAhead : struct, IFlag
    {
        ref double x1 = ref Unsafe.Add(ref x0, rows);
        ref double x2 = ref Unsafe.Add(ref x1, rows);
        ref double x3 = ref Unsafe.Add(ref x2, rows);
        nint i = 0;
        nint end = (nint)wholes * Vector256<double>.Count;
        for (; i + Vector512<double>.Count <= end; i += Vector512<double>.Count)
        {
            Prefetch.FourLines(ref x0, rows, next + i);
            Vector512<double> m = Vector512.LoadUnsafe(ref max, (nuint)i);
            ref Vector512<double> rowTail = ref Unsafe.Add(ref tail, i / Vector512<double>.Count);
            ref Vector512<double> rowOnes = ref Unsafe.Add(ref ones, i / Vector512<double>.Count);
            Vector512<double> t = rowTail;
            Vector512<double> o = rowOnes;
            VectorMath.AddExpApartFromOnes512(Vector512.LoadUnsafe(ref x0, (nuint)i), m, ref t, ref o);
            VectorMath.AddExpApartFromOnes512(Vector512.LoadUnsafe(ref x1, (nuint)i), m, ref t, ref o);
            VectorMath.AddExpApartFromOnes512(Vector512.LoadUnsafe(ref x2, (nuint)i), m, ref t, ref o);
            VectorMath.AddExpApartFromOnes512(Vector512.LoadUnsafe(ref x3, (nuint)i), m, ref t, ref o);
            rowTail = t;
            rowOnes = o;
            if (TAhead.Value)
            {
                Prefetch.FourLines(ref x0, rows, next + aheadOffset + i);
                AheadMaxima512(ref x0, rows, ref aheadMax, aheadOffset, i);
            }
        }

        if (i < end)
        {
            // The odd vector of four rows.
            Vector<double> m = Vector.LoadUnsafe(ref max, (nuint)i);
            ref Vector<double> rowTail = ref Unsafe.As<Vector512<double>, Vector<double>>(ref Unsafe.Add(ref tail, i / Vector512<double>.Count));
            ref Vector<double> rowOnes = ref Unsafe.As<Vector512<double>, Vector<double>>(ref Unsafe.Add(ref ones, i / Vector512<double>.Count));
            VectorMath.AddApartFromOnes(ref rowTail, ref rowOnes, VectorMath.Exp(VectorMath.Shift(Vector.LoadUnsafe(ref x0, (nuint)i), m)));
            VectorMath.AddApartFromOnes(ref rowTail, ref rowOnes, VectorMath.Exp(VectorMath.Shift(Vector.LoadUnsafe(ref x1, (nuint)i), m)));
            VectorMath.AddApartFromOnes(ref rowTail, ref rowOnes, VectorMath.Exp(VectorMath.Shift(Vector.LoadUnsafe(ref x2, (nuint)i), m)));
            VectorMath.AddApartFromOnes(ref rowTail, ref rowOnes, VectorMath.Exp(VectorMath.Shift(Vector.LoadUnsafe(ref x3, (nuint)i), m)));
            if (TAhead.Value)
            {
                AheadMaxima256(ref x0, rows, ref aheadMax, aheadOffset, i);
            }
        }
    }

    /// <summary>
    /// The next block's maxima over one 512-bit vector of its rows, from <paramref name="i"/>, in four columns from
    /// <paramref name="x0"/> (<paramref name="rows"/> apart, the next block <paramref name="aheadOffset"/> on): the native
    /// maximum of the maxima so far and each column's logits, in the order <see cref="RowSoftmax.Block{T}.ComputeMax"/>
    /// takes them.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AheadMaxima512<T>(ref T x0, nint rows, ref T aheadMax, nint aheadOffset, nint i)
        where T : struct
    {
        ref T x = ref Unsafe.Add(ref x0, aheadOffset + i);
        Vector512<T> a = Vector512.MaxNative(Vector512.LoadUnsafe(ref aheadMax, (nuint)i), Vector512.LoadUnsafe(ref x));
        Vector512<T> b = Vector512.MaxNative(Vector512.LoadUnsafe(ref x, (nuint)rows), Vector512.LoadUnsafe(ref x, (nuint)(2 * rows)));
        Vector512.MaxNative(a, Vector512.MaxNative(b, Vector512.LoadUnsafe(ref x, (nuint)(3 * rows)))).StoreUnsafe(ref aheadMax, (nuint)i);
    }

    /// <summary><see cref="AheadMaxima512{T}"/> for one 256-bit vector of rows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AheadMaxima256<T>(ref T x0, nint rows, ref T aheadMax, nint aheadOffset, nint i)
        where T : struct
    {
        ref T x = ref Unsafe.Add(ref x0, aheadOffset + i);
        Vector256<T> a = Vector256.MaxNative(Vector256.LoadUnsafe(ref aheadMax, (nuint)i), Vector256.LoadUnsafe(ref x));
        Vector256<T> b = Vector256.MaxNative(Vector256.LoadUnsafe(ref x, (nuint)rows), Vector256.LoadUnsafe(ref x, (nuint)(2 * rows)));
        Vector256.MaxNative(a, Vector256.MaxNative(b, Vector256.LoadUnsafe(ref x, (nuint)(3 * rows)))).StoreUnsafe(ref aheadMax, (nuint)i);
    }

    /// <summary>
    /// The pass with labels or a destination: where a float <see cref="Vector{T}"/> widens into one 512-bit double vector
    /// and the pass keeps exponentials (or nothing), <see cref="WideColumns{T, TLabels, TStore, TAhead, TBehind}"/>; else
    /// <see cref="Columns"/>.
    /// </summary>
    private static void SixteenRows<T, TLabels, TStore, TAhead, TBehind>(in Region<T> region, Statistics<T> statistics, bool keepShifted)
        where T : struct, IFloatingPointIeee754<T>
        where TLabels : struct, IFlag
        where TStore : struct, IFlag
        where TAhead : struct, IFlag
        where TBehind : struct, IBehind
    {
        if (typeof(T) == typeof(float) && VectorMath.Wide512 && !keepShifted)
        {
            WideColumns<T, TLabels, TStore, TAhead, TBehind>(region, statistics);
        }
        else
        {
            Columns<T, TLabels, TStore, TAhead, TBehind>(region, statistics, keepShifted);
        }
    }

    /// <summary>
    /// The float pass with labels or a destination where a float <see cref="Vector{T}"/> widens into one 512-bit double
    /// vector: each column segment's rows sixteen at a time in 512-bit vectors (<see cref="WideColumn"/>), so that the
    /// loop's own instructions (the references, the requests for the next column, the loads and stores of the rows'
    /// statistics) are shared by sixteen rows instead of eight. Each row still takes its columns one after the other in
    /// column order, each by the operations of <see cref="Step"/>, so the same bits. The rows after the vectors of sixteen
    /// (an odd vector of eight, a partial one) go through <see cref="Columns"/>. (Four columns at a time, as
    /// <see cref="SumsOnlyWide"/> takes them, measured slower here: with four or five streams per column, sixteen to twenty
    /// at once.)
    /// </summary>
    private static void WideColumns<T, TLabels, TStore, TAhead, TBehind>(in Region<T> region, Statistics<T> statistics)
        where T : struct, IFloatingPointIeee754<T>
        where TLabels : struct, IFlag
        where TStore : struct, IFlag
        where TAhead : struct, IFlag
        where TBehind : struct, IBehind
    {
        int wholes = region.Length / Vector<T>.Count;
        int paired = wholes / 2 * 2;
        if (paired > 0)
        {
            for (int column = 0; column < region.Columns; column++)
            {
                WideColumn<T, TLabels, TStore, TAhead, TBehind>(region, statistics, column, paired * Vector<T>.Count);
            }
        }

        if (paired < wholes || wholes * Vector<T>.Count < region.Length)
        {
            Columns<T, TLabels, TStore, TAhead, TBehind>(region, statistics, keepShifted: false, firstVector: paired);
        }
    }

    /// <summary>
    /// Rows [0, <paramref name="end"/>) of the column segment <paramref name="column"/> for
    /// <see cref="WideColumns{T, TLabels, TStore, TAhead, TBehind}"/>, sixteen at a time: the step
    /// (<see cref="Sixteen{T, TLabels, TStore}"/>), then, with <typeparamref name="TAhead"/>, the next block's maxima over the
    /// same sixteen rows of its segment (as <see cref="AheadAt"/> takes them), and with <typeparamref name="TBehind"/> the
    /// previous block's division over the same rows of its segment (<see cref="DivideSixteen"/>). The next column's
    /// segments are asked for meanwhile, one request per cache line (<see cref="Prefetch"/>). Never inlined, as
    /// <see cref="Wholes"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void WideColumn<T, TLabels, TStore, TAhead, TBehind>(in Region<T> region, Statistics<T> statistics, int column, int end)
        where T : struct, IFloatingPointIeee754<T>
        where TLabels : struct, IFlag
        where TStore : struct, IFlag
        where TAhead : struct, IFlag
        where TBehind : struct, IBehind
    {
        nint rows = region.Rows;
        nint offset = column * rows;
        nint next = column + 1 < region.Columns ? rows : 0;
        ref float x0 = ref Unsafe.Add(ref Unsafe.As<T, float>(ref MemoryMarshal.GetReference(region.Logits)), offset);
        ref float y0 = ref TLabels.Value && !TLabels.Unit ? ref Unsafe.Add(ref Unsafe.As<T, float>(ref MemoryMarshal.GetReference(region.Labels)), offset) : ref x0;
        ref float d0 = ref TStore.Value ? ref Unsafe.Add(ref Unsafe.As<T, float>(ref MemoryMarshal.GetReference(region.Destination)), offset) : ref x0;
        ref float b0 = ref TBehind.Divides ? ref Unsafe.Add(ref Unsafe.As<T, float>(ref MemoryMarshal.GetReference(region.Behind)), offset) : ref x0;
        ref float divisor = ref Unsafe.As<T, float>(ref MemoryMarshal.GetReference(region.BehindDivisor));
        ref float factors = ref Unsafe.As<T, float>(ref MemoryMarshal.GetReference(region.BehindFactors));
        Vector512<float> spread = Vector512.Create(Unsafe.As<T, float>(ref Unsafe.AsRef(in region.BehindSpread)));
        ref float aheadMax = ref Unsafe.As<T, float>(ref MemoryMarshal.GetReference(region.AheadMax));
        ref float a0 = ref TAhead.Value ? ref Unsafe.Add(ref x0, region.AheadOffset) : ref x0;
        ref float max = ref Unsafe.As<Vector<T>, float>(ref statistics.Max);
        ref int maxima = ref Unsafe.As<Vector<int>, int>(ref statistics.Maxima);
        ref double tail = ref Unsafe.As<Vector<double>, double>(ref statistics.Tail);
        nint recorded = TStore.Records ? offset : -1;
        for (nint i = 0; i < end; i += Vector512<float>.Count)
        {
            Prefetch.Line(ref Unsafe.Add(ref x0, next + i));
            if (TLabels.Value && !TLabels.Unit)
            {
                Prefetch.Line(ref Unsafe.Add(ref y0, next + i));
            }

            if (TStore.Value)
            {
                Prefetch.Line(ref Unsafe.Add(ref d0, next + i));
            }

            Vector512<float> m = Vector512.LoadUnsafe(ref max, (nuint)i);
            Vector512<int> count = Vector512.LoadUnsafe(ref maxima, (nuint)i);
            // The tail holds one double per row, so row i's is at i.
            Vector512<double> tailLow = Vector512.LoadUnsafe(ref tail, (nuint)i);
            Vector512<double> tailHigh = Vector512.LoadUnsafe(ref tail, (nuint)(i + Vector512<double>.Count));
            Sixteen<T, TLabels, TStore>(ref x0, ref y0, ref d0, i, m, ref count, ref tailLow, ref tailHigh, statistics, recorded);
            tailLow.StoreUnsafe(ref tail, (nuint)i);
            tailHigh.StoreUnsafe(ref tail, (nuint)(i + Vector512<double>.Count));
            count.StoreUnsafe(ref maxima, (nuint)i);
            if (TAhead.Value)
            {
                Prefetch.Line(ref Unsafe.Add(ref a0, next + i));
                Vector512.MaxNative(Vector512.LoadUnsafe(ref aheadMax, (nuint)i), Vector512.LoadUnsafe(ref a0, (nuint)i)).StoreUnsafe(ref aheadMax, (nuint)i);
            }

            if (TBehind.Divides)
            {
                Prefetch.Line(ref Unsafe.Add(ref b0, next + i));
                DivideSixteen<TBehind>(ref b0, i, Vector512.LoadUnsafe(ref divisor, (nuint)i), TBehind.Scales ? Vector512.LoadUnsafe(ref factors, (nuint)i) : default, spread);
            }
        }
    }

    /// <summary>
    /// Sixteen rows of one column segment from <paramref name="i"/> (the logits <paramref name="x"/>, labels
    /// <paramref name="y"/>, destination <paramref name="d"/>): <see cref="Step"/>'s operations lane by lane, with
    /// <typeparamref name="TLabels"/> the labels' sums of each half of eight rows as <see cref="Labelled"/> adds them
    /// (recorded in <paramref name="statistics"/> at their positions from the block's first column segment, the column
    /// segment's own being <paramref name="segment"/>, unless that is -1), exp(x - m) added by
    /// <see cref="VectorMath.AddExpBelowMaxima512"/>, and with <typeparamref name="TStore"/> the exponentials rounded to
    /// float, 1 at a maximum, stored.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Sixteen<T, TLabels, TStore>(
        ref float x,
        ref float y,
        ref float d,
        nint i,
        Vector512<float> m,
        ref Vector512<int> count,
        ref Vector512<double> tailLow,
        ref Vector512<double> tailHigh,
        in Statistics<T> statistics,
        nint segment)
        where T : struct, IFloatingPointIeee754<T>
        where TLabels : struct, IFlag
        where TStore : struct, IFlag
    {
        Vector512<float> logits = Vector512.LoadUnsafe(ref x, (nuint)i);
        Vector512<float> labels = TLabels.Value && !TLabels.Unit ? Vector512.LoadUnsafe(ref y, (nuint)i) : default;
        Vector512<float> difference = logits - m;
        Vector512<float> atMax = Vector512.Equals(logits, m);
        if (TLabels.Unit)
        {
            // Row i's sum is at i: the sixteen rows' shifts in two eight-lane double vectors, as AddShifts adds them.
            Vector512<float> shifted = Vector512.ConditionalSelect(atMax, Vector512<float>.Zero, difference);
            ref Vector512<double> dot = ref Unsafe.As<Vector<double>, Vector512<double>>(ref RowsFrom(ref statistics.LabelDot, i));
            dot += Avx512F.ConvertToVector512Double(shifted.GetLower());
            Unsafe.Add(ref dot, 1) += Avx512F.ConvertToVector512Double(shifted.GetUpper());
        }
        else if (TLabels.Value && !Vector512.EqualsAll(labels, Vector512<float>.Zero))
        {
            Vector512<float> shifted = Vector512.ConditionalSelect(atMax, Vector512<float>.Zero, difference);
            nint position = segment < 0 ? -1 : segment + i;
            Labelled(
                logits.GetLower().AsVector().As<float, T>(),
                m.GetLower().AsVector().As<float, T>(),
                shifted.GetLower().AsVector().As<float, T>(),
                labels.GetLower().AsVector().As<float, T>(),
                ref RowsFrom(ref statistics.LabelSum, i),
                ref RowsFrom(ref statistics.LabelDot, i),
                statistics,
                position);
            Labelled(
                logits.GetUpper().AsVector().As<float, T>(),
                m.GetUpper().AsVector().As<float, T>(),
                shifted.GetUpper().AsVector().As<float, T>(),
                labels.GetUpper().AsVector().As<float, T>(),
                ref RowsFrom(ref statistics.LabelSum, i + Vector<float>.Count),
                ref RowsFrom(ref statistics.LabelDot, i + Vector<float>.Count),
                statistics,
                position < 0 ? -1 : position + Vector<float>.Count);
        }

        count -= atMax.AsInt32();
        VectorMath.AddExpBelowMaxima512(difference, atMax, ref tailLow, ref tailHigh, out Vector512<double> low, out Vector512<double> high);
        if (TStore.Value)
        {
            Vector512<float> rounded = Vector512.Create(Avx512F.ConvertToVector256Single(low), Avx512F.ConvertToVector256Single(high));
            Vector512.ConditionalSelect(atMax, Vector512<float>.One, rounded).StoreUnsafe(ref d, (nuint)i);
        }
    }

    /// <summary>The vector of a span of one double per row (a row sum) that starts at row <paramref name="row"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref Vector<double> RowsFrom(ref Vector<double> first, nint row)
        => ref Unsafe.As<double, Vector<double>>(ref Unsafe.Add(ref Unsafe.As<Vector<double>, double>(ref first), row));

    /// <summary>
    /// Sixteen rows of the previous block's exponentials in one column segment from <paramref name="i"/>, divided by their
    /// rows' S, times their factors (exactly 0 where a factor is 0) as <typeparamref name="TBehind"/> says: the operations of
    /// <see cref="BehindAt"/>, lane by lane.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void DivideSixteen<TBehind>(ref float exponentials, nint i, Vector512<float> sum, Vector512<float> factor, Vector512<float> spread)
        where TBehind : struct, IBehind
    {
        Vector512<float> quotient = Vector512.LoadUnsafe(ref exponentials, (nuint)i) / sum;
        if (TBehind.Scales)
        {
            quotient = VectorMath.TimesOrZero(factor, quotient);
        }

        if (TBehind.Smooths)
        {
            quotient -= TBehind.Scales ? factor * spread : spread;
        }

        quotient.StoreUnsafe(ref exponentials, (nuint)i);
    }

    /// <summary>
    /// Every column of <paramref name="region"/> from <paramref name="firstColumn"/>: the whole vectors from
    /// <paramref name="firstVector"/> by <see cref="Wholes"/> (with the next block's maxima
    /// as <typeparamref name="TAhead"/> says, the previous block's division as <typeparamref name="TBehind"/> does), then
    /// the partial one.
    /// </summary>
    private static void Columns<T, TLabels, TStore, TAhead, TBehind>(
        in Region<T> region, Statistics<T> statistics, bool keepShifted, int firstColumn = 0, int firstVector = 0)
        where T : struct, IFloatingPointIeee754<T>
        where TLabels : struct, IFlag
        where TStore : struct, IFlag
        where TAhead : struct, IFlag
        where TBehind : struct, IBehind
    {
        int lanes = Vector<T>.Count;
        int length = region.Length;
        int wholes = length / lanes;
        ref T logits = ref MemoryMarshal.GetReference(region.Logits);
        ref T labels = ref MemoryMarshal.GetReference(region.Labels);
        ref T destination = ref MemoryMarshal.GetReference(region.Destination);
        ref Vector<T> aheadMax = ref AsVector(ref MemoryMarshal.GetReference(region.AheadMax));
        nint aheadOffset = TAhead.Value ? region.AheadOffset : 0;
        ref T behind = ref MemoryMarshal.GetReference(region.Behind);
        ref Vector<T> behindDivisor = ref AsVector(ref MemoryMarshal.GetReference(region.BehindDivisor));
        ref Vector<T> behindFactors = ref AsVector(ref MemoryMarshal.GetReference(region.BehindFactors));
        for (int column = firstColumn; column < region.Columns; column++)
        {
            // The last column's "next" segment is itself, already in cache (see Prefetch.Ahead).
            nint offset = (nint)column * region.Rows;
            nint ahead = column + 1 < region.Columns ? offset + region.Rows : offset;
            var vectors = new Vectors<T>(
                ref AsVector(ref Unsafe.Add(ref logits, offset)),
                ref AsVector(ref TLabels.Value && !TLabels.Unit ? ref Unsafe.Add(ref labels, offset) : ref labels),
                ref AsVector(ref TStore.Value ? ref Unsafe.Add(ref destination, offset) : ref destination),
                statistics,
                ref Unsafe.Add(ref logits, ahead),
                ref TLabels.Value && !TLabels.Unit ? ref Unsafe.Add(ref labels, ahead) : ref labels,
                ref TStore.Value ? ref Unsafe.Add(ref destination, ahead) : ref destination,
                ref AsVector(ref Unsafe.Add(ref logits, offset + aheadOffset)),
                ref aheadMax,
                ref Unsafe.Add(ref logits, ahead + aheadOffset),
                ref AsVector(ref TBehind.Divides ? ref Unsafe.Add(ref behind, offset) : ref behind),
                ref behindDivisor,
                ref behindFactors,
                ref TBehind.Divides ? ref Unsafe.Add(ref behind, ahead) : ref behind,
                offset,
                new Vector<T>(region.BehindSpread));
            Wholes<T, TLabels, TStore, TAhead, TBehind>(vectors, wholes, keepShifted, firstVector);
            if (wholes * lanes < length)
            {
                Partial(
                    region.Logits.Slice((int)offset, length),
                    TLabels.Value && !TLabels.Unit ? region.Labels.Slice((int)offset, length) : default,
                    TStore.Value ? region.Destination.Slice((int)offset, length) : default,
                    statistics,
                    wholes,
                    keepShifted,
                    offset,
                    TLabels.Unit);
            }
        }
    }

    /// <summary>
    /// A column segment's last, partial vector, copied into a zero-padded vector (zero padding in the logits and labels
    /// gives harmless finite lanes) and run through the same <see cref="Step"/>, kept out of the loops' code, with unit
    /// labels as <paramref name="unitLabels"/> says.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Partial<T>(
        ReadOnlySpan<T> logits, ReadOnlySpan<T> labels, Span<T> destination, Statistics<T> statistics, int wholes, bool keepShifted, nint offset, bool unitLabels)
        where T : struct, IFloatingPointIeee754<T>
    {
        int done = wholes * Vector<T>.Count;
        int perVector = Vector<T>.Count / Vector<double>.Count;
        bool withLabels = !labels.IsEmpty;
        Vector<T> paddedLogits = Vector<T>.Zero;
        Vector<T> paddedLabels = Vector<T>.Zero;
        logits[done..].CopyTo(Lanes(ref paddedLogits));
        if (!labels.IsEmpty)
        {
            labels[done..].CopyTo(Lanes(ref paddedLabels));
        }

        Vector<T> last = Step(
            paddedLogits,
            Unsafe.Add(ref statistics.Max, wholes),
            paddedLabels,
            withLabels,
            unitLabels,
            ref Unsafe.Add(ref statistics.LabelSum, wholes * perVector),
            ref Unsafe.Add(ref statistics.LabelDot, wholes * perVector),
            ref Unsafe.Add(ref statistics.Tail, wholes * perVector),
            ref Unsafe.Add(ref statistics.Ones, wholes * perVector),
            ref Unsafe.Add(ref statistics.Maxima, wholes),
            keepShifted,
            TableExponential.FloatConstants.Create(),
            statistics,
            statistics.FoundCapacity > 0 ? offset + done : -1);
        if (!destination.IsEmpty)
        {
            Lanes(ref last)[..(logits.Length - done)].CopyTo(destination[done..]);
        }
    }

    /// <summary>
    /// The whole vectors of a column segment from vector <paramref name="first"/>, with labels or without as <typeparamref name="TLabels"/> fixes, storing the
    /// results or not as <typeparamref name="TStore"/> does (without a destination the rounding to T is left out), and
    /// with <typeparamref name="TAhead"/> the next block's maxima over the same vectors of its own segment, with
    /// <typeparamref name="TBehind"/> the previous block's division over the same vectors of its segment.
    /// Never inlined, so that it is compiled the same way in every process: with the whole loop inlined into it. Inlined
    /// into <see cref="Columns"/> it was or was not, from one process to the next, as the runtime's profile had it.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Wholes<T, TLabels, TStore, TAhead, TBehind>(in Vectors<T> vectors, int wholes, bool keepShifted, int first)
        where T : struct, IFloatingPointIeee754<T>
        where TLabels : struct, IFlag
        where TStore : struct, IFlag
        where TAhead : struct, IFlag
        where TBehind : struct, IBehind
    {
        // The references are copied out of the struct first, so that the loop keeps them in registers: read through
        // `vectors` they were loaded again in every iteration, as the loop's stores might have changed them.
        ref Vector<T> logits = ref vectors.Logits;
        ref Vector<T> labels = ref vectors.Labels;
        ref Vector<T> destination = ref vectors.Destination;
        ref Vector<T> max = ref vectors.Statistics.Max;
        ref Vector<double> labelSum = ref vectors.Statistics.LabelSum;
        ref Vector<double> labelDot = ref vectors.Statistics.LabelDot;
        ref Vector<double> tail = ref vectors.Statistics.Tail;
        ref Vector<double> ones = ref vectors.Statistics.Ones;
        ref Vector<int> maxima = ref vectors.Statistics.Maxima;

        // The next column's segments as vectors, so that their offsets are the current ones' (the JIT computes one).
        ref Vector<T> nextLogits = ref Unsafe.As<T, Vector<T>>(ref vectors.NextLogits);
        ref Vector<T> nextLabels = ref Unsafe.As<T, Vector<T>>(ref vectors.NextLabels);
        ref Vector<T> nextDestination = ref Unsafe.As<T, Vector<T>>(ref vectors.NextDestination);
        ref Vector<T> aheadLogits = ref vectors.AheadLogits;
        ref Vector<T> aheadMax = ref vectors.AheadMax;
        ref Vector<T> nextAheadLogits = ref Unsafe.As<T, Vector<T>>(ref vectors.NextAheadLogits);
        ref Vector<T> behind = ref vectors.Behind;
        ref Vector<T> behindDivisor = ref vectors.BehindDivisor;
        ref Vector<T> behindFactors = ref vectors.BehindFactors;
        ref Vector<T> nextBehind = ref Unsafe.As<T, Vector<T>>(ref vectors.NextBehind);
        Vector<T> spread = vectors.BehindSpread;

        // Created here, before the loop, so that the loop keeps them in registers.
        var constants = TableExponential.FloatConstants.Create();

        // Two vectors per iteration: half the loop's own instructions, and two independent exponentials side by side
        // (for double where 512-bit vectors run, one exponential of eight lanes: PairAt). The two vectors are a cache
        // line of each stream, so only the first asks for the next column's (a request every 64 bytes reaches every
        // line; one per vector measured about 6% slower for the dense gradient at 4096x1000). The choice between the two
        // is written out in each condition, not kept in a local: the compiler then leaves the other branch out as it
        // imports the loop, so its code cannot use up the inlining budget (see TableExponential.IsSupported).
        nint i = first;
        for (; i + 1 < wholes; i += 2)
        {
            if (typeof(T) == typeof(double) && VectorMath.Wide512)
            {
                PairAt<T, TLabels, TStore>(
                    i, ref logits, ref labels, ref destination, ref max, ref labelSum, ref labelDot, ref tail, ref ones,
                    ref nextLogits, ref nextLabels, ref nextDestination, keepShifted, vectors);
            }
            else
            {
                At<T, TLabels, TStore>(
                    i, ref logits, ref labels, ref destination, ref max, ref labelSum, ref labelDot, ref tail, ref ones, ref maxima,
                    ref nextLogits, ref nextLabels, ref nextDestination, keepShifted, constants, vectors);
            }

            AheadAt<T, TAhead>(i, ref aheadLogits, ref aheadMax, ref nextAheadLogits);
            BehindAt<T, TBehind>(i, ref behind, ref behindDivisor, ref behindFactors, ref nextBehind, spread);
            if (typeof(T) != typeof(double) || !VectorMath.Wide512)
            {
                At<T, TLabels, TStore>(
                    i + 1, ref logits, ref labels, ref destination, ref max, ref labelSum, ref labelDot, ref tail, ref ones, ref maxima,
                    ref nextLogits, ref nextLabels, ref nextDestination, keepShifted, constants, vectors, prefetch: false);
            }

            AheadAt<T, TAhead>(i + 1, ref aheadLogits, ref aheadMax, ref nextAheadLogits, prefetch: false);
            BehindAt<T, TBehind>(i + 1, ref behind, ref behindDivisor, ref behindFactors, ref nextBehind, spread, prefetch: false);
        }

        if (i < wholes)
        {
            At<T, TLabels, TStore>(
                i, ref logits, ref labels, ref destination, ref max, ref labelSum, ref labelDot, ref tail, ref ones, ref maxima,
                ref nextLogits, ref nextLabels, ref nextDestination, keepShifted, constants, vectors);
            AheadAt<T, TAhead>(i, ref aheadLogits, ref aheadMax, ref nextAheadLogits);
            BehindAt<T, TBehind>(i, ref behind, ref behindDivisor, ref behindFactors, ref nextBehind, spread);
        }
    }

    /// <summary>
    /// With <typeparamref name="TAhead"/>, vector <paramref name="i"/> of the next block's segment: asks for its next
    /// column's (where <paramref name="prefetch"/>), and takes the native maximum (<see cref="VectorMath.MaxNative{T}"/>) of the maximum so far and the logits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AheadAt<T, TAhead>(nint i, ref Vector<T> logits, ref Vector<T> max, ref Vector<T> nextLogits, bool prefetch = true)
        where T : struct, IFloatingPointIeee754<T>
        where TAhead : struct, IFlag
    {
        if (TAhead.Value)
        {
            if (prefetch)
            {
                Prefetch.Line(ref Unsafe.Add(ref nextLogits, i));
            }

            Unsafe.Add(ref max, i) = VectorMath.MaxNative(Unsafe.Add(ref max, i), Unsafe.Add(ref logits, i));
        }
    }

    /// <summary>
    /// As <typeparamref name="TBehind"/> says, vector <paramref name="i"/> of the previous block's segment: asks for its
    /// next column's (where <paramref name="prefetch"/>), and divides the exponentials by the rows' S (and multiplies the quotients by the rows' factors, or
    /// gives exactly 0 where a factor is 0), less <paramref name="spread"/> (times the factor) where it smooths: the
    /// operations of <see cref="VectorMath.DivideAndSubtractTimes{T}"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void BehindAt<T, TBehind>(
        nint i, ref Vector<T> exponentials, ref Vector<T> divisor, ref Vector<T> factors, ref Vector<T> next, Vector<T> spread, bool prefetch = true)
        where T : struct, IFloatingPointIeee754<T>
        where TBehind : struct, IBehind
    {
        if (TBehind.Divides)
        {
            if (prefetch)
            {
                Prefetch.Line(ref Unsafe.Add(ref next, i));
            }

            Vector<T> quotient = Unsafe.Add(ref exponentials, i) / Unsafe.Add(ref divisor, i);
            Vector<T> entry = TBehind.Scales ? VectorMath.TimesOrZero(Unsafe.Add(ref factors, i), quotient) : quotient;
            if (TBehind.Smooths)
            {
                entry -= TBehind.Scales ? Unsafe.Add(ref factors, i) * spread : spread;
            }

            Unsafe.Add(ref exponentials, i) = entry;
        }
    }

    /// <summary>
    /// Vector <paramref name="i"/> of a column segment: asks for the next column's (see <see cref="Prefetch"/>) where
    /// <paramref name="prefetch"/>, then
    /// <see cref="Step"/>, and stores the result as <typeparamref name="TStore"/> says. Unchecked indexing: every span
    /// holds at least as many vectors as the segment has whole ones (the statistics spans are padded).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void At<T, TLabels, TStore>(
        nint i,
        ref Vector<T> logits,
        ref Vector<T> labels,
        ref Vector<T> destination,
        ref Vector<T> max,
        ref Vector<double> labelSum,
        ref Vector<double> labelDot,
        ref Vector<double> tail,
        ref Vector<double> ones,
        ref Vector<int> maxima,
        ref Vector<T> nextLogits,
        ref Vector<T> nextLabels,
        ref Vector<T> nextDestination,
        bool keepShifted,
        in TableExponential.FloatConstants constants,
        in Vectors<T> vectors,
        bool prefetch = true)
        where T : struct, IFloatingPointIeee754<T>
        where TLabels : struct, IFlag
        where TStore : struct, IFlag
    {
        // Double vectors per vector of T, a constant to the JIT (no multiplication in the loop).
        int perVector = Vector<T>.Count / Vector<double>.Count;
        if (prefetch)
        {
            PrefetchNext<T, TLabels, TStore>(i, ref nextLogits, ref nextLabels, ref nextDestination);
        }

        Vector<T> result = Step(
            Unsafe.Add(ref logits, i),
            Unsafe.Add(ref max, i),
            LabelsAt<T, TLabels>(ref labels, i),
            TLabels.Value && !TLabels.Unit,
            TLabels.Unit,
            ref Unsafe.Add(ref labelSum, i * perVector),
            ref Unsafe.Add(ref labelDot, i * perVector),
            ref Unsafe.Add(ref tail, i * perVector),
            ref Unsafe.Add(ref ones, i * perVector),
            ref Unsafe.Add(ref maxima, i),
            keepShifted,
            constants,
            vectors.Statistics,
            TStore.Records ? vectors.Offset + (i * Vector<T>.Count) : -1);
        if (TStore.Value)
        {
            Unsafe.Add(ref destination, i) = result;
        }
    }

    /// <summary>Asks for vector <paramref name="i"/> of the next column's segments that the pass reads or writes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PrefetchNext<T, TLabels, TStore>(nint i, ref Vector<T> nextLogits, ref Vector<T> nextLabels, ref Vector<T> nextDestination)
        where T : struct
        where TLabels : struct, IFlag
        where TStore : struct, IFlag
    {
        Prefetch.Line(ref Unsafe.Add(ref nextLogits, i));
        if (TLabels.Value && !TLabels.Unit)
        {
            Prefetch.Line(ref Unsafe.Add(ref nextLabels, i));
        }

        if (TStore.Value)
        {
            Prefetch.Line(ref Unsafe.Add(ref nextDestination, i));
        }
    }

    /// <summary>
    /// Vectors <paramref name="i"/> and i + 1 of a double column segment as one vector of eight rows, where
    /// <see cref="VectorMath.Wide512"/>: the prefetches of <see cref="At"/> for each, s = shift(x, m) lane by lane, the
    /// labels' sums of each of the two (<see cref="Labelled"/>, first i, then i + 1), then one exponential of eight lanes
    /// added to the row sums (<see cref="VectorMath.ExpApartFromOnes512"/>, each lane the bits of <see cref="Step"/>'s
    /// four-lane one), and s or e stored. So the results of two <see cref="At"/>, with half the exponentials' instructions.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PairAt<T, TLabels, TStore>(
        nint i,
        ref Vector<T> logits,
        ref Vector<T> labels,
        ref Vector<T> destination,
        ref Vector<T> max,
        ref Vector<double> labelSum,
        ref Vector<double> labelDot,
        ref Vector<double> tail,
        ref Vector<double> ones,
        ref Vector<T> nextLogits,
        ref Vector<T> nextLabels,
        ref Vector<T> nextDestination,
        bool keepShifted,
        in Vectors<T> vectors)
        where T : struct, IFloatingPointIeee754<T>
        where TLabels : struct, IFlag
        where TStore : struct, IFlag
    {
        PrefetchNext<T, TLabels, TStore>(i, ref nextLogits, ref nextLabels, ref nextDestination);
        PrefetchNext<T, TLabels, TStore>(i + 1, ref nextLogits, ref nextLabels, ref nextDestination);
        Vector512<double> shifted = VectorMath.Shift(
            Unsafe.As<Vector<T>, Vector512<double>>(ref Unsafe.Add(ref logits, i)),
            Unsafe.As<Vector<T>, Vector512<double>>(ref Unsafe.Add(ref max, i)));
        if (TLabels.Unit)
        {
            AddShifts(shifted.GetLower().AsVector().As<double, T>(), ref Unsafe.Add(ref labelDot, i));
            AddShifts(shifted.GetUpper().AsVector().As<double, T>(), ref Unsafe.Add(ref labelDot, i + 1));
        }
        else if (TLabels.Value)
        {
            Labelled(
                Unsafe.Add(ref logits, i),
                Unsafe.Add(ref max, i),
                shifted.GetLower().AsVector().As<double, T>(),
                Unsafe.Add(ref labels, i),
                ref Unsafe.Add(ref labelSum, i),
                ref Unsafe.Add(ref labelDot, i),
                vectors.Statistics,
                TStore.Records ? vectors.Offset + (i * Vector<T>.Count) : -1);
            Labelled(
                Unsafe.Add(ref logits, i + 1),
                Unsafe.Add(ref max, i + 1),
                shifted.GetUpper().AsVector().As<double, T>(),
                Unsafe.Add(ref labels, i + 1),
                ref Unsafe.Add(ref labelSum, i + 1),
                ref Unsafe.Add(ref labelDot, i + 1),
                vectors.Statistics,
                TStore.Records ? vectors.Offset + ((i + 1) * Vector<T>.Count) : -1);
        }

        Vector512<double> exponential = VectorMath.ExpApartFromOnes512(
            shifted,
            ref Unsafe.As<Vector<double>, Vector512<double>>(ref Unsafe.Add(ref tail, i)),
            ref Unsafe.As<Vector<double>, Vector512<double>>(ref Unsafe.Add(ref ones, i)));
        if (TStore.Value)
        {
            Unsafe.As<Vector<T>, Vector512<double>>(ref Unsafe.Add(ref destination, i)) = keepShifted ? shifted : exponential;
        }
    }

    /// <summary>
    /// S = ones + tail and log S for every (padded) row: ln(1 + tail) where exactly one maximum gave
    /// ones = 1, so that a loss as small as the tail (a confident, correct prediction) is not rounded to 0.
    /// ln(1 + u) is Kahan's log(w)·u/(w - 1) with w = 1 + u, exact to a few units in double's last place.
    /// Float results take <see cref="LogOfSumForFloat(Vector512{double}, Vector512{double})"/> instead, eight lanes at
    /// once where 512-bit vectors run: one logarithm per row, no division.
    /// </summary>
    public static void Logarithms<T>(ReadOnlySpan<double> tail, ReadOnlySpan<double> ones, Span<T> sum, Span<T> logSum)
        where T : struct, IFloatingPointIeee754<T>
    {
        ReadOnlySpan<Vector<double>> t = MemoryMarshal.Cast<double, Vector<double>>(tail);
        ReadOnlySpan<Vector<double>> o = MemoryMarshal.Cast<double, Vector<double>>(ones);
        Span<Vector<T>> s = MemoryMarshal.Cast<T, Vector<T>>(sum);
        Span<Vector<T>> logS = MemoryMarshal.Cast<T, Vector<T>>(logSum);
        if (typeof(T) == typeof(double))
        {
            for (int i = 0; i < s.Length; i++)
            {
                s[i] = (o[i] + t[i]).As<double, T>();
                logS[i] = LogOfSum(t[i], o[i]).As<double, T>();
            }

            return;
        }

        if (TableExponential.IsSupported512 && Vector<float>.Count == Vector256<float>.Count)
        {
            // A float vector's rows widen into one 512-bit double vector: the same operations lane by lane, so the same bits.
            // Every vector by the logarithm's ordinary lanes, with no test inside the loop (the test's rare branch
            // calls out, and a call in the loop keeps its values on the stack); the vectors with a lane outside them
            // (the padding's 0, NaN, +∞) are done again after, whole, as LogOfSumForFloat does them. The same bits.
            ReadOnlySpan<Vector512<double>> t512 = MemoryMarshal.Cast<double, Vector512<double>>(tail)[..s.Length];
            ReadOnlySpan<Vector512<double>> o512 = MemoryMarshal.Cast<double, Vector512<double>>(ones)[..s.Length];
            _ = logS[..s.Length];
            ref Vector512<double> t0 = ref MemoryMarshal.GetReference(t512);
            ref Vector512<double> o0 = ref MemoryMarshal.GetReference(o512);
            ref Vector<T> s0 = ref MemoryMarshal.GetReference(s);
            ref Vector<T> logS0 = ref MemoryMarshal.GetReference(logS);
            Vector512<double> ordinary = Vector512<double>.AllBitsSet;
            for (nint i = 0; i < s.Length; i++)
            {
                Vector512<double> rowTail = Unsafe.Add(ref t0, i);
                Vector512<double> rowOnes = Unsafe.Add(ref o0, i);
                Vector512<double> w = rowOnes + rowTail;
                ordinary &= VectorLogarithm.Ordinary(w);
                Unsafe.Add(ref s0, i) = Avx512F.ConvertToVector256Single(w).AsVector().As<float, T>();
                Unsafe.Add(ref logS0, i) = Avx512F.ConvertToVector256Single(OrdinaryLogOfSumForFloat(rowTail, rowOnes, w)).AsVector().As<float, T>();
            }

            if (!Vector512.EqualsAll(ordinary.AsInt64(), Vector512<long>.AllBitsSet))
            {
                for (int i = 0; i < s.Length; i++)
                {
                    logS[i] = Avx512F.ConvertToVector256Single(LogOfSumForFloat(t512[i], o512[i])).AsVector().As<float, T>();
                }
            }

            return;
        }

        for (int i = 0; i < s.Length; i++)
        {
            s[i] = Vector.Narrow(o[2 * i] + t[2 * i], o[(2 * i) + 1] + t[(2 * i) + 1]).As<float, T>();
            logS[i] = TableExponential.IsSupported
                ? Vector.Narrow(LogOfSumForFloat(t[2 * i], o[2 * i]), LogOfSumForFloat(t[(2 * i) + 1], o[(2 * i) + 1])).As<float, T>()
                : Vector.Narrow(LogOfSum(t[2 * i], o[2 * i]), LogOfSum(t[(2 * i) + 1], o[(2 * i) + 1])).As<float, T>();
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<double> LogOfSum(Vector<double> tail, Vector<double> ones)
    {
        // Both logarithms only where the lanes need both: a row has one maximum far more often than not.
        Vector<long> single = Vector.Equals(ones, Vector<double>.One);
        Vector<double> w = Vector<double>.One + tail;
        Vector<double> logOnePlusTail = Vector.EqualsAll(single, Vector<long>.Zero)
            ? Vector<double>.Zero
            : Vector.ConditionalSelect(Vector.Equals(w, Vector<double>.One), tail, VectorLogarithm.Log(w) * (tail / (w - Vector<double>.One)));
        Vector<double> logOfSum = Vector.EqualsAll(single, new Vector<long>(-1L)) ? Vector<double>.Zero : VectorLogarithm.Log(ones + tail);
        return Vector.ConditionalSelect(single, logOnePlusTail, logOfSum);
    }

    /// <summary>
    /// log S for float results, S = ones + tail unrounded: ln w + ((ones - w) + tail) with w = ones + tail rounded.
    /// With one maximum (ones = 1) and a tail below 1, ones - w is exact and the bracket is exactly the rounding
    /// error e of w, and ln(w + e) = ln w + e/w + O(e²): adding e instead of e/w is off by e·tail/w, below 2⁻⁵³·tail,
    /// so a loss as small as the tail (a confident, correct prediction) keeps its digits, without the division of
    /// Kahan's ln(1 + u). Elsewhere ln w ≥ ln 2 (w ≥ 2) or ln w ≥ tail/2, and the bracket, at most a few units in w's
    /// last place, moves the result by less than 1e-15 relative. With the logarithm's 1e-13 that is far below
    /// float's half unit.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<double> LogOfSumForFloat(Vector512<double> tail, Vector512<double> ones)
    {
        Vector512<double> w = ones + tail;
        return VectorLogarithm.LogForFloat(w) + ((ones - w) + tail);
    }

    /// <summary>
    /// <see cref="LogOfSumForFloat(Vector512{double}, Vector512{double})"/> where every lane of w = ones + tail is ordinary
    /// (<see cref="VectorLogarithm.Ordinary(Vector512{double})"/>): the same bits there, without the test for special lanes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<double> OrdinaryLogOfSumForFloat(Vector512<double> tail, Vector512<double> ones, Vector512<double> w)
        => VectorLogarithm.LogForFloatOfOrdinary(w) + ((ones - w) + tail);

    /// <inheritdoc cref="LogOfSumForFloat(Vector512{double}, Vector512{double})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector<double> LogOfSumForFloat(Vector<double> tail, Vector<double> ones)
    {
        Vector<double> w = ones + tail;
        return VectorLogarithm.LogForFloat(w) + ((ones - w) + tail);
    }

    /// <summary>
    /// One vector of rows: s = shift(x, m), the labels' sums, exp(s) added to the row sums. For float the lanes at the
    /// row maximum are counted in <paramref name="maxima"/> and add nothing to <paramref name="tail"/> but e^-700
    /// (<see cref="VectorMath.ExpAddedBelowMaxima"/>), and <paramref name="ones"/> is left for the caller to fill
    /// from the counts; for double, exponentials of exactly 1 go to <paramref name="ones"/> and the rest to the tail.
    /// A vector with a nonzero label is recorded in <paramref name="statistics"/> (<see cref="Record"/>) at
    /// <paramref name="position"/>, unless that is -1 (the pass was not asked to: the register the position and the
    /// record take costs the loop more than its few instructions).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<T> Step<T>(
        Vector<T> x,
        Vector<T> max,
        Vector<T> y,
        bool withLabels,
        bool unitLabels,
        ref Vector<double> labelSum,
        ref Vector<double> labelDot,
        ref Vector<double> tail,
        ref Vector<double> ones,
        ref Vector<int> maxima,
        bool keepShifted,
        in TableExponential.FloatConstants constants,
        in Statistics<T> statistics,
        nint position)
        where T : struct, IFloatingPointIeee754<T>
    {
        // shift(x, m) is x - m but 0 where x = m (also for m = ±∞); the float exponential takes x - m as it is, as it
        // sets the maxima apart itself.
        // The shifted logits are formed only where they are used (a vector with a nonzero label, or kept), so that the
        // common step does without the select.
        Vector<T> difference = x - max;
        Vector<T> atMax = Vector.Equals(x, max);
        if (unitLabels)
        {
            AddShifts(Shifted(atMax, difference), ref labelDot);
        }
        else if (withLabels && !Vector.EqualsAll(y, Vector<T>.Zero))
        {
            AddNonzeroLabels(x, max, Shifted(atMax, difference), y, ref labelSum, ref labelDot, statistics, position);
        }

        Vector<T> exponential;
        if (typeof(T) == typeof(float))
        {
            maxima -= atMax.As<T, int>();
            exponential = VectorMath.ExpAddedBelowMaxima(difference.As<T, float>(), atMax.As<T, int>(), ref tail, constants).As<float, T>();
        }
        else
        {
            Vector<double> value = VectorMath.Exp(Shifted(atMax, difference).As<T, double>());
            VectorMath.AddApartFromOnes(ref tail, ref ones, value);
            exponential = value.As<double, T>();
        }

        return keepShifted ? Shifted(atMax, difference) : exponential;
    }

    /// <summary>
    /// L += y and D += y·s for one vector of rows (<see cref="AddNonzeroLabels"/>) unless every label is 0.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Labelled<T>(
        Vector<T> x, Vector<T> max, Vector<T> shifted, Vector<T> y, ref Vector<double> labelSum, ref Vector<double> labelDot, in Statistics<T> statistics, nint position)
        where T : struct, IFloatingPointIeee754<T>
    {
        // Zero labels add nothing to L and D (their ±0 leaves both as they are), and with one-hot labels nearly every
        // vector of a column holds only zeros.
        if (!Vector.EqualsAll(y, Vector<T>.Zero))
        {
            AddNonzeroLabels(x, max, shifted, y, ref labelSum, ref labelDot, statistics, position);
        }
    }

    /// <summary>
    /// L += y and D += y·s for a vector of rows with a nonzero label (<see cref="RowSoftmax.AddLabelled"/>), then the
    /// vector recorded (<see cref="Record"/>) at <paramref name="position"/> unless that is -1.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddNonzeroLabels<T>(
        Vector<T> x, Vector<T> max, Vector<T> shifted, Vector<T> y, ref Vector<double> labelSum, ref Vector<double> labelDot, in Statistics<T> statistics, nint position)
        where T : struct, IFloatingPointIeee754<T>
    {
        RowSoftmax.AddLabelled(x, max, shifted, y, ref labelSum, ref labelDot);
        if (position >= 0)
        {
            Record(statistics, position);
        }
    }

    /// <summary>shift(x, m) from the <paramref name="difference"/> x - m and the lanes <paramref name="atMax"/> where x = m: 0 there.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<T> Shifted<T>(Vector<T> atMax, Vector<T> difference)
        where T : struct, IFloatingPointIeee754<T>
        => Vector.ConditionalSelect(atMax, Vector<T>.Zero, difference);

    /// <summary>
    /// Counts a vector of rows with a nonzero label, and keeps its <paramref name="position"/> (from the block's first
    /// column segment) while there is room.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Record<T>(in Statistics<T> statistics, nint position)
        where T : struct
    {
        ref int count = ref statistics.Found;
        int found = count;
        if (found < statistics.FoundCapacity)
        {
            Unsafe.Add(ref count, found + 1) = (int)position;
        }

        count = found + 1;
    }

    /// <summary>What the pass does to the previous block's exponentials, fixed per instantiation.</summary>
    private interface IBehind
    {
        static abstract bool Divides { get; }

        static abstract bool Scales { get; }

        /// <summary>Whether each entry then loses the region's <see cref="Region{T}.BehindSpread"/> (times its factor).</summary>
        static virtual bool Smooths => false;
    }

    private readonly struct SmoothedDivision : IBehind
    {
        public static bool Divides => true;

        public static bool Scales => false;

        public static bool Smooths => true;
    }

    private readonly struct SmoothedScaledDivision : IBehind
    {
        public static bool Divides => true;

        public static bool Scales => true;

        public static bool Smooths => true;
    }

    private readonly struct NoDivision : IBehind
    {
        public static bool Divides => false;

        public static bool Scales => false;
    }

    private readonly struct Division : IBehind
    {
        public static bool Divides => true;

        public static bool Scales => false;
    }

    private readonly struct ScaledDivision : IBehind
    {
        public static bool Divides => true;

        public static bool Scales => true;
    }

    /// <summary>A choice fixed per instantiation, so that the JIT drops the code of the other.</summary>
    private interface IFlag
    {
        static abstract bool Value { get; }

        /// <summary>For the stores: whether the pass also records the vectors of rows with a nonzero label (<see cref="Record"/>).</summary>
        static virtual bool Records => false;

        /// <summary>For the labels: whether every label is 1 and none is read (<see cref="Region{T}.UnitLabels"/>).</summary>
        static virtual bool Unit => false;
    }

    /// <summary>Labels, every one 1, read from nowhere.</summary>
    private readonly struct Units : IFlag
    {
        public static bool Value => true;

        public static bool Unit => true;
    }

    /// <summary>Vector <paramref name="i"/> of the labels from <paramref name="labels"/> (none read for <see cref="Units"/>), 0 without labels.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<T> LabelsAt<T, TLabels>(ref Vector<T> labels, nint i)
        where T : struct, IFloatingPointIeee754<T>
        where TLabels : struct, IFlag
        => TLabels.Value && !TLabels.Unit ? Unsafe.Add(ref labels, i) : default;

    /// <summary>
    /// D += s for unit labels (<see cref="Units"/>): each shift of T exactly in double, a float vector's rows in two double
    /// vectors from <paramref name="labelDot"/> on. An overflowed or infinite shift adds -∞ (or NaN), which
    /// <c>RowSoftmax</c> takes as the sign to sum that row again in its own way.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void AddShifts<T>(Vector<T> shifted, ref Vector<double> labelDot)
        where T : struct, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(double))
        {
            labelDot += shifted.As<T, double>();
            return;
        }

        Vector.Widen(shifted.As<T, float>(), out Vector<double> low, out Vector<double> high);
        labelDot += low;
        Unsafe.Add(ref labelDot, 1) += high;
    }

    /// <summary>Stores, and records the vectors of rows with a nonzero label.</summary>
    private readonly struct Recording : IFlag
    {
        public static bool Value => true;

        public static bool Records => true;
    }

    private readonly struct Yes : IFlag
    {
        public static bool Value => true;
    }

    private readonly struct No : IFlag
    {
        public static bool Value => false;
    }

    /// <summary>
    /// References to the first vector of a block's statistics spans (each padded to whole vectors): m; L, D, the tail
    /// and ones in double (also for float); and the counts of maxima.
    /// </summary>
    public readonly ref struct Statistics<T>
        where T : struct
    {
        public readonly ref Vector<T> Max;
        public readonly ref Vector<double> LabelSum;
        public readonly ref Vector<double> LabelDot;
        public readonly ref Vector<double> Tail;
        public readonly ref Vector<double> Ones;
        public readonly ref Vector<int> Maxima;

        /// <summary>
        /// The count of vectors of nonzero labels found (<see cref="Record"/>), followed by their positions, up to
        /// <see cref="FoundCapacity"/> of them; the count goes on past that.
        /// </summary>
        public readonly ref int Found;

        /// <summary>How many positions <see cref="Found"/> has room for after the count.</summary>
        public readonly int FoundCapacity;

        /// <summary>The statistics of a block of <paramref name="length"/> rows, each span checked to hold its whole vectors.</summary>
        public Statistics(int length, ReadOnlySpan<T> max, Span<double> labelSum, Span<double> labelDot, Span<double> tail, Span<double> ones, Span<int> maxima, Span<int> found)
        {
            Found = ref MemoryMarshal.GetReference(found[..1]);
            FoundCapacity = found.Length - 1;
            int vectors = (length + Vector<T>.Count - 1) / Vector<T>.Count;
            int doubles = vectors * (Vector<T>.Count / Vector<double>.Count);
            Max = ref First(MemoryMarshal.Cast<T, Vector<T>>(max), vectors);
            LabelSum = ref First(MemoryMarshal.Cast<double, Vector<double>>(labelSum), doubles);
            LabelDot = ref First(MemoryMarshal.Cast<double, Vector<double>>(labelDot), doubles);
            Tail = ref First(MemoryMarshal.Cast<double, Vector<double>>(tail), doubles);
            Ones = ref First(MemoryMarshal.Cast<double, Vector<double>>(ones), doubles);

            // Only float counts its maxima (a vector of ints per vector of floats); double leaves them alone.
            Maxima = ref First(MemoryMarshal.Cast<int, Vector<int>>(maxima), typeof(T) == typeof(float) ? vectors : 0);
        }

        private static ref TVector First<TVector>(ReadOnlySpan<TVector> vectors, int count)
            => ref MemoryMarshal.GetReference(vectors[..count]);
    }

    /// <summary>
    /// A block's region of each matrix, from its first column's segment to its last's (for the logits, to the next block's
    /// last when it gathers that block's maxima), and the block's shape.
    /// </summary>
    private readonly ref struct Region<T>
        where T : struct
    {
        public readonly ReadOnlySpan<T> Logits;
        public readonly ReadOnlySpan<T> Labels;
        public readonly Span<T> Destination;
        public readonly int Rows;
        public readonly int Columns;
        public readonly int Length;

        /// <summary>Where the next block's segment lies from this one's in each column, when it gathers its maxima.</summary>
        public readonly int AheadOffset;

        /// <summary>The next block's maxima over its whole vectors of rows, or empty.</summary>
        public readonly Span<T> AheadMax;

        /// <summary>The previous block's region of the destination, from its first column's segment to its last's, or empty.</summary>
        public readonly Span<T> Behind;

        /// <summary>The previous block's S over its whole vectors of rows, or empty.</summary>
        public readonly ReadOnlySpan<T> BehindDivisor;

        /// <summary>The previous block's factors over its whole vectors of rows, or empty.</summary>
        public readonly ReadOnlySpan<T> BehindFactors;

        public Region(
            ReadOnlySpan<T> logits,
            ReadOnlySpan<T> labels,
            Span<T> destination,
            int rows,
            int columns,
            int length,
            int aheadOffset,
            Span<T> aheadMax,
            Span<T> behind,
            ReadOnlySpan<T> behindDivisor,
            ReadOnlySpan<T> behindFactors,
            bool unitLabels,
            T behindSpread)
        {
            Logits = logits;
            Labels = labels;
            Destination = destination;
            Rows = rows;
            Columns = columns;
            Length = length;
            AheadOffset = aheadOffset;
            AheadMax = aheadMax;
            Behind = behind;
            BehindDivisor = behindDivisor;
            BehindFactors = behindFactors;
            UnitLabels = unitLabels;
            BehindSpread = behindSpread;
        }

        /// <summary>What the previous block's division takes from each quotient (times its factor): label smoothing's ε/C, or 0.</summary>
        public readonly T BehindSpread;

        /// <summary>Whether, with no labels given, the pass adds every shift to D (D = Σⱼ sⱼ, labels of 1 read from nowhere).</summary>
        public readonly bool UnitLabels;
    }

    /// <summary>
    /// References to the first vector of each span of a column segment, and to the next column's segments; and of the next
    /// block's segment, its maxima and its next column's segment, when it gathers them.
    /// </summary>
    private readonly ref struct Vectors<T>
        where T : struct
    {
        public readonly ref Vector<T> Logits;
        public readonly ref Vector<T> Labels;
        public readonly ref Vector<T> Destination;
        public readonly Statistics<T> Statistics;
        public readonly ref T NextLogits;
        public readonly ref T NextLabels;
        public readonly ref T NextDestination;
        public readonly ref Vector<T> AheadLogits;
        public readonly ref Vector<T> AheadMax;
        public readonly ref T NextAheadLogits;
        public readonly ref Vector<T> Behind;
        public readonly ref Vector<T> BehindDivisor;
        public readonly ref Vector<T> BehindFactors;
        public readonly ref T NextBehind;

        /// <summary>The column segment's offset from the block's first (column j's: j times the rows).</summary>
        public readonly nint Offset;

        /// <summary><see cref="Region{T}.BehindSpread"/> in every lane.</summary>
        public readonly Vector<T> BehindSpread;

        public Vectors(
            ref Vector<T> logits,
            ref Vector<T> labels,
            ref Vector<T> destination,
            Statistics<T> statistics,
            ref T nextLogits,
            ref T nextLabels,
            ref T nextDestination,
            ref Vector<T> aheadLogits,
            ref Vector<T> aheadMax,
            ref T nextAheadLogits,
            ref Vector<T> behind,
            ref Vector<T> behindDivisor,
            ref Vector<T> behindFactors,
            ref T nextBehind,
            nint offset,
            Vector<T> behindSpread)
        {
            Offset = offset;
            BehindSpread = behindSpread;
            NextLogits = ref nextLogits;
            NextLabels = ref nextLabels;
            NextDestination = ref nextDestination;
            AheadLogits = ref aheadLogits;
            AheadMax = ref aheadMax;
            NextAheadLogits = ref nextAheadLogits;
            Behind = ref behind;
            BehindDivisor = ref behindDivisor;
            BehindFactors = ref behindFactors;
            NextBehind = ref nextBehind;
            Logits = ref logits;
            Labels = ref labels;
            Destination = ref destination;
            Statistics = statistics;
        }
    }

    private static ref Vector<T> AsVector<T>(ref T element)
        where T : struct
        => ref Unsafe.As<T, Vector<T>>(ref element);

    private static Span<T> Lanes<T>(ref Vector<T> vector)
        where T : struct
        => MemoryMarshal.CreateSpan(ref Unsafe.As<Vector<T>, T>(ref vector), Vector<T>.Count);
}
#endif
