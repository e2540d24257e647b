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
/// Element-wise kernels of the logistic family and the regression losses, each written once for
/// every IEEE floating-point type.
/// </summary>
internal static class Elementwise
{
    /// <summary>σ(x): 1/(1 + e⁻ˣ) for x ≥ 0 and eˣ/(1 + eˣ) for x &lt; 0, so exp never overflows.</summary>
    public static T Sigmoid<T>(T x)
        where T : struct, IFloatingPointIeee754<T>
    {
        T e = T.Exp(-T.Abs(x));
        T denominator = T.One + e;
        return x >= T.Zero ? T.One / denominator : e / denominator;
    }

    /// <summary>
    /// σ(x) element-wise; <paramref name="destination"/> may alias <paramref name="x"/>. Large inputs are
    /// split between threads (<see cref="ElementBlocksWork{T}"/>) with the same result.
    /// </summary>
    public static void Sigmoid<T>(ReadOnlySpan<T> x, Span<T> destination)
        where T : struct, IFloatingPointIeee754<T>
    {
        int threads = ElementBlocksWork<T>.Threads(x.Length);
        if (threads > 1)
        {
            ElementBlocksWork<T>.Run(default, x, T.One, destination, default, default, threads);
            return;
        }

        SigmoidRange(x, destination);
    }

    /// <summary>σ(x) over one range, on this thread.</summary>
    internal static void SigmoidRange<T>(ReadOnlySpan<T> x, Span<T> destination)
        where T : struct, IFloatingPointIeee754<T>
    {
#if NET9_0_OR_GREATER
        if (typeof(T) == typeof(float) && VectorMath.Wide512)
        {
            SigmoidInOnePass(MemoryMarshal.Cast<T, float>(x), MemoryMarshal.Cast<T, float>(destination));
            return;
        }
#endif

        T[] pooled = ArrayPool<T>.Shared.Rent(ChunkLength);
        Span<T> exponential = pooled.AsSpan(0, ChunkLength);
        for (int start = 0; start < x.Length; start += ChunkLength)
        {
            int length = Math.Min(ChunkLength, x.Length - start);
            ReadOnlySpan<T> logits = x.Slice(start, length);
            Span<T> e = exponential[..length];
            VectorMath.ExpOfMinusAbs(logits, e);
            Span<T> target = destination.Slice(start, length);
            ReadOnlySpan<Vector<T>> xv = VectorMath.Vectors(logits);
            ReadOnlySpan<Vector<T>> ev = VectorMath.Vectors((ReadOnlySpan<T>)e);
            Span<Vector<T>> tv = VectorMath.Vectors(target);
            for (int i = 0; i < xv.Length; i++)
            {
                tv[i] = SigmoidFromExponential(xv[i], ev[i]);
            }

            for (int i = xv.Length * VectorMath.Lanes<T>(); i < length; i++)
            {
                target[i] = SigmoidFromExponential(logits[i], e[i]);
            }
        }

        ArrayPool<T>.Shared.Return(pooled);
    }

#if NET9_0_OR_GREATER
    /// <summary>
    /// <see cref="SigmoidRange{T}"/> for float where <see cref="VectorMath.Wide512"/>: e^-|x| (<see cref="ExpOfMinusAbsInFloat"/>)
    /// and σ from it vector by vector in one pass, instead of a pass of exponentials into a chunk and a pass of quotients;
    /// the same e rounded to float, the same division, so the same bits. The last, partial vector is zero-padded.
    /// </summary>
    private static void SigmoidInOnePass(ReadOnlySpan<float> x, Span<float> destination)
    {
        ReadOnlySpan<Vector<float>> xv = VectorMath.Vectors(x);
        Span<Vector<float>> target = VectorMath.Vectors(destination);
        for (int i = 0; i < xv.Length; i++)
        {
            Vector<float> logits = xv[i];
            target[i] = SigmoidFromExponential(logits, ExpOfMinusAbsInFloat(logits));
        }

        int done = xv.Length * Vector<float>.Count;
        if (done < x.Length)
        {
            Vector<float> padded = Vector<float>.Zero;
            Span<float> lanes = MemoryMarshal.CreateSpan(ref Unsafe.As<Vector<float>, float>(ref padded), Vector<float>.Count);
            x[done..].CopyTo(lanes);
            padded = SigmoidFromExponential(padded, ExpOfMinusAbsInFloat(padded));
            lanes[..(x.Length - done)].CopyTo(destination[done..]);
        }
    }
#endif

    /// <summary>Elements per chunk of the chunked element-wise kernels: their scratch stays in L1.</summary>
    internal const int ChunkLength = 1024;

    /// <summary>σ(x) from e = e^-|x|: 1/(1 + e) for x ≥ 0, e/(1 + e) otherwise.</summary>
    private static Vector<T> SigmoidFromExponential<T>(Vector<T> x, Vector<T> e)
        where T : struct, IFloatingPointIeee754<T>
        => Vector.ConditionalSelect(Vector.GreaterThanOrEqual(x, Vector<T>.Zero), Vector<T>.One, e) / (Vector<T>.One + e);

    /// <inheritdoc cref="SigmoidFromExponential{T}(Vector{T}, Vector{T})"/>
    private static T SigmoidFromExponential<T>(T x, T e)
        where T : struct, IFloatingPointIeee754<T>
        => (x >= T.Zero ? T.One : e) / (T.One + e);

    /// <summary>
    /// ln(1 + u) for u ≥ 0, accurate to a few ulps for tiny u (where ln of the rounded 1 + u would
    /// lose every digit): ln(w)·u/(w - 1) with w = 1 + u corrects the rounding of w.
    /// </summary>
    public static T LogOnePlus<T>(T u)
        where T : struct, IFloatingPointIeee754<T>
    {
        T w = T.One + u;
        return w == T.One ? u : T.Log(w) * (u / (w - T.One));
    }

    /// <summary>a·b, except that a zero <paramref name="a"/> gives 0 even when b is infinite.</summary>
    public static T TimesOrZero<T>(T a, T b)
        where T : struct, IFloatingPointIeee754<T>
        => a == T.Zero ? T.Zero : a * b;

    /// <summary>
    /// Weighted logistic loss, fused, with c = 1 + (q - 1)·z:
    /// <c>ℓ = (1 - z)·x + c·ln(1 + e^-|x|)</c> for x ≥ 0 and <c>ℓ = -q·z·x + c·ln(1 + e^-|x|)</c> for x &lt; 0
    /// (TensorFlow's weighted form with softplus(-x) = -x + softplus(x) applied on the negative side),
    /// and <c>∂ℓ/∂x = c·σ(x) - q·z</c>. q = 1 is the plain sigmoid cross-entropy. A zero factor in front
    /// of an infinite logit contributes 0, which is the limit. Either output may be empty. With
    /// <paramref name="rowFactors"/> (one per row of the column-major inputs, element k in row k mod their count), each
    /// gradient entry is multiplied by its row's factor as a chunk is finished (exactly 0 where the factor is 0): the
    /// loss objects' share of the reduction, with the roundings of scaling the finished gradient afterwards.
    /// </summary>
    /// <remarks>Large inputs are split between threads (<see cref="ElementBlocksWork{T}"/>) with the same result.</remarks>
    public static void LogisticCrossEntropy<T>(
        ReadOnlySpan<T> labels, ReadOnlySpan<T> logits, T positiveWeight, Span<T> losses, Span<T> gradient, ReadOnlySpan<T> rowFactors = default)
        where T : struct, IFloatingPointIeee754<T>
    {
        int threads = ElementBlocksWork<T>.Threads(logits.Length);
        if (threads > 1)
        {
            ElementBlocksWork<T>.Run(labels, logits, positiveWeight, losses, gradient, rowFactors, threads);
            return;
        }

        LogisticCrossEntropyRange(labels, logits, positiveWeight, losses, gradient, rowFactors, 0);
    }

    /// <summary>
    /// <see cref="LogisticCrossEntropy"/> with each element's loss, rounded to T, added in double to its row's sum in
    /// <paramref name="rowSums"/> (one per row; element k in row k mod their count) as its chunk is finished, instead of
    /// being stored: each row's losses are added in column order, so the sums have the bits of
    /// <see cref="ElementTerms.SumRows{T}"/> over the stored losses, without a pass over a buffer of them. An input that
    /// would be split between threads is split in blocks of rows (<see cref="RowSumsWork{T, TKernel}"/> with
    /// <see cref="LogisticRowSums{T}"/>), where its columns are long enough. Returns false, with the outputs
    /// meaningless, for an input that would be split between threads in element ranges (which would share rows) or
    /// where labels large enough to overflow float call for the redo in double; the caller then stores the losses and
    /// sums them. With <paramref name="smoothing"/> ε ≠ 0 the labels are Keras's binary smoothing of them,
    /// <c>(1 - ε)·z + ε/2</c> rounded to T (<see cref="ElementTerms.SmoothBinaryLabels{T}"/>), each chunk's as the chunk
    /// is read.
    /// </summary>
    public static bool LogisticCrossEntropyIntoRows<T>(
        ReadOnlySpan<T> labels,
        ReadOnlySpan<T> logits,
        T positiveWeight,
        Span<double> rowSums,
        Span<T> gradient,
        ReadOnlySpan<T> rowFactors = default,
        T smoothing = default)
        where T : struct, IFloatingPointIeee754<T>
    {
        if (ElementBlocksWork<T>.Threads(logits.Length) > 1)
        {
            int threads = RowSumsWork<T, LogisticRowSums<T>>.Threads(rowSums.Length, logits.Length / rowSums.Length);
            return threads > 1 && RowSumsWork<T, LogisticRowSums<T>>.Run(labels, logits, positiveWeight, smoothing, rowSums, gradient, rowFactors, threads);
        }

        rowSums.Clear();
        return LogisticCrossEntropyRange(labels, logits, positiveWeight, Span<T>.Empty, gradient, rowFactors, 0, rowSums, smoothing);
    }

    /// <summary>
    /// The weighted logistic loss over one range, on this thread; <paramref name="offset"/> is the range's first
    /// element in the whole input, which places it among the rows of <paramref name="rowFactors"/> (and of
    /// <paramref name="rowSums"/>). With <paramref name="rowSums"/> the losses go into them, as
    /// <see cref="LogisticCrossEntropyIntoRows"/> describes, and a flagged label ends the range early with false. With
    /// <paramref name="smoothing"/> ε ≠ 0 (given with <paramref name="rowSums"/> only, so that no redo in double reads
    /// the labels) each chunk's labels are smoothed into a chunk of their own as it is read
    /// (<see cref="ElementTerms.SmoothBinaryLabels{T}"/>).
    /// </summary>
    internal static bool LogisticCrossEntropyRange<T>(
        ReadOnlySpan<T> labels,
        ReadOnlySpan<T> logits,
        T positiveWeight,
        Span<T> losses,
        Span<T> gradient,
        ReadOnlySpan<T> rowFactors,
        int offset,
        Span<double> rowSums = default,
        T smoothing = default)
        where T : struct, IFloatingPointIeee754<T>
    {
        bool intoRows = !rowSums.IsEmpty;
        bool withLosses = intoRows || !losses.IsEmpty;
        bool smooths = smoothing != T.Zero;
        T[] pooled = ArrayPool<T>.Shared.Rent(((intoRows ? 3 : 2) + (smooths ? 1 : 0)) * ChunkLength);
        // Only labels far outside [0, 1] can make c or q·z overflow float: the chunks flag a label of magnitude
        // 1e30/max(1, |q| + 1) or more (or NaN) as they read it, and such a range is looked over again below.
        bool checkLabels = typeof(T) == typeof(float) && T.IsFinite(positiveWeight) && !labels.IsEmpty;
        double q = double.CreateTruncating(positiveWeight);
        T largeLabel = checkLabels ? T.CreateTruncating(1e30 / Math.Max(1.0, Math.Abs(q) + 1.0)) : T.PositiveInfinity;
        bool largeLabels = false;
        for (int start = 0; start < logits.Length; start += ChunkLength)
        {
            int length = Math.Min(ChunkLength, logits.Length - start);
            ReadOnlySpan<T> x = logits.Slice(start, length);
            ReadOnlySpan<T> z = smooths
                ? SmoothedChunk(labels, start, length, smoothing, pooled.AsSpan((intoRows ? 3 : 2) * ChunkLength, length))
                : labels.Slice(start, length);

            Span<T> chunkLosses = intoRows ? pooled.AsSpan(2 * ChunkLength, length) : losses.IsEmpty ? losses : losses.Slice(start, length);
            Span<T> chunkGradient = gradient.IsEmpty ? gradient : gradient.Slice(start, length);
#if NET9_0_OR_GREATER
            if ((withLosses || VectorMath.Wide512) && typeof(T) == typeof(float) && VectorMath.WidensSoftplus)
            {
                largeLabels |= LogisticChunkInDouble(
                    MemoryMarshal.Cast<T, float>(z),
                    MemoryMarshal.Cast<T, float>(x),
                    float.CreateTruncating(positiveWeight),
                    MemoryMarshal.Cast<T, float>(chunkLosses),
                    MemoryMarshal.Cast<T, float>(chunkGradient),
                    float.CreateTruncating(largeLabel));
            }
            else
#endif
            {
                Span<T> e = pooled.AsSpan(0, length);
                Span<T> logOfW = pooled.AsSpan(ChunkLength, length);
                VectorMath.ExpOfMinusAbs(x, e);
                if (withLosses)
                {
                    VectorMath.LogOfOnePlus<T>(e, logOfW);
                }

                var chunk = new LogisticChunk<T>(z, x, e, logOfW, positiveWeight, chunkLosses, chunkGradient);
                largeLabels |= chunk.Run(largeLabel);
                if (typeof(T) == typeof(float) && withLosses)
                {
                    RedoCancellingInDouble(z, x, q, chunkLosses);
                }
            }

            if (intoRows)
            {
                if (checkLabels && largeLabels)
                {
                    ArrayPool<T>.Shared.Return(pooled);
                    return false;
                }

                AddToRows(chunkLosses, rowSums, offset + start);
            }

            if (!rowFactors.IsEmpty && !gradient.IsEmpty)
            {
                ScaleByRow(gradient.Slice(start, length), rowFactors, offset + start);
            }
        }

        ArrayPool<T>.Shared.Return(pooled);
        if (checkLabels && largeLabels)
        {
            RedoOverflowInDouble(labels, logits, q, losses, gradient, rowFactors, offset);
        }

        return true;
    }

    /// <summary>
    /// The chunk of <paramref name="length"/> labels from <paramref name="start"/> smoothed into <paramref name="smoothed"/>
    /// (<see cref="ElementTerms.SmoothBinaryLabels{T}"/>), asking for the next chunk's labels meanwhile. Never inlined, so
    /// that the chunk loop without smoothing keeps its code.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static ReadOnlySpan<T> SmoothedChunk<T>(ReadOnlySpan<T> labels, int start, int length, T smoothing, Span<T> smoothed)
        where T : struct, IFloatingPointIeee754<T>
    {
        int after = start + length;
        ElementTerms.SmoothBinaryLabels(labels.Slice(start, length), smoothing, smoothed, labels.Slice(after, Math.Min(ChunkLength, labels.Length - after)));
        return smoothed;
    }

    /// <summary>
    /// <c>sums[(first + k) mod rows] += vₖ</c> in double: a column-major span starting at element <paramref name="first"/>,
    /// added run by run of consecutive rows, each element once and in element order, so each row's in column order.
    /// </summary>
    private static void AddToRows<T>(ReadOnlySpan<T> values, Span<double> rowSums, int first)
        where T : struct, IFloatingPointIeee754<T>
    {
        for (var runs = new RowRuns(first, rowSums.Length, values.Length); runs.MoveNext();)
        {
            ElementTerms.AddWidened(values.Slice(runs.Start, runs.Length), rowSums.Slice(runs.Row, runs.Length));
        }
    }

    /// <summary>
    /// <c>gₖ = f[(first + k) mod rows]·gₖ</c>, exactly 0 where the factor is 0: a column-major span starting at element
    /// <paramref name="first"/>, scaled run by run of consecutive rows.
    /// </summary>
    private static void ScaleByRow<T>(Span<T> gradient, ReadOnlySpan<T> rowFactors, int first)
        where T : struct, IFloatingPointIeee754<T>
    {
        for (var runs = new RowRuns(first, rowFactors.Length, gradient.Length); runs.MoveNext();)
        {
            VectorMath.ScaleOrZero(gradient.Slice(runs.Start, runs.Length), rowFactors.Slice(runs.Row, runs.Length));
        }
    }

    /// <summary>
    /// Redoes in double, rounding once, every float element whose loss or gradient overflowed although its
    /// label and logit are finite: with labels far outside [0, 1], c = 1 + (q - 1)·z or q·z can leave float's
    /// range while ℓ does not. Whole vectors of finite results are passed over at the cost of one comparison.
    /// </summary>
    private static void RedoOverflowInDouble<T>(
        ReadOnlySpan<T> labels, ReadOnlySpan<T> logits, double q, Span<T> losses, Span<T> gradient, ReadOnlySpan<T> rowFactors, int offset)
        where T : struct, IFloatingPointIeee754<T>
    {
        int lanes = Math.Max(VectorMath.Lanes<T>(), 1);
        for (int start = 0; start < logits.Length; start += lanes)
        {
            int length = Math.Min(lanes, logits.Length - start);
            if (AllFinite(losses, start, length) && AllFinite(gradient, start, length))
            {
                continue;
            }

            for (int i = start; i < start + length; i++)
            {
                T z = labels[i];
                T x = logits[i];
                bool overflowed = (!losses.IsEmpty && !T.IsFinite(losses[i])) || (!gradient.IsEmpty && !T.IsFinite(gradient[i]));
                if (!overflowed || !T.IsFinite(z) || !T.IsFinite(x))
                {
                    continue;
                }

                double zd = double.CreateTruncating(z);
                double xd = double.CreateTruncating(x);
                double e = Math.Exp(-Math.Abs(xd));
                if (!losses.IsEmpty)
                {
                    losses[i] = T.CreateTruncating(LossInDouble(zd, xd, q, e));
                }

                if (!gradient.IsEmpty)
                {
                    T value = T.CreateTruncating(LogisticGradient(zd, xd, q, e));
                    gradient[i] = rowFactors.IsEmpty ? value : TimesOrZero(rowFactors[(offset + i) % rowFactors.Length], value);
                }
            }
        }
    }

    /// <summary>
    /// ℓ in double from e = e^-|x|: (1 - z)·x for x ≥ 0 and -(q·z)·x below, plus c·ln(1 + e) with c = 1 + (q - 1)·z, each
    /// product 0 where its first factor is 0.
    /// </summary>
    private static double LossInDouble(double z, double x, double q, double e)
    {
        double qz = TimesOrZero(z, q);
        double c = 1.0 + TimesOrZero(z, q - 1.0);
        double linear = x >= 0 ? TimesOrZero(1.0 - z, x) : TimesOrZero(qz, -x);
        return linear + TimesOrZero(c, LogOnePlus(e));
    }

    /// <summary>
    /// Redoes in double, rounding once, the float losses of a chunk composed in float whose two parts can cancel: with a
    /// label in [0, 1] and q ≥ 0 the linear part and c·ln(1 + e) are both at least 0, but a label outside [0, 1] (or NaN),
    /// or q &lt; 0, can give them opposite signs, and their float roundings would then be magnified in the difference.
    /// A chunk of labels in [0, 1] with q ≥ 0 costs one comparison per vector.
    /// </summary>
    private static void RedoCancellingInDouble<T>(ReadOnlySpan<T> labels, ReadOnlySpan<T> logits, double q, Span<T> losses)
        where T : struct, IFloatingPointIeee754<T>
    {
        bool every = !(q >= 0);
        int lanes = VectorMath.Lanes<T>();
        for (int start = 0; start < labels.Length; start += Math.Max(lanes, 1))
        {
            int length = Math.Min(Math.Max(lanes, 1), labels.Length - start);
            if (!every && length == lanes)
            {
                var z = new Vector<T>(labels.Slice(start, length));
                Vector<T> inRange = Vector.GreaterThanOrEqual(z, Vector<T>.Zero) & Vector.LessThanOrEqual(z, Vector<T>.One);
                if (Vector.EqualsAll(inRange.As<T, long>(), new Vector<long>(-1L)))
                {
                    continue;
                }
            }

            for (int i = start; i < start + length; i++)
            {
                T label = labels[i];
                if (every || !(label >= T.Zero && label <= T.One))
                {
                    double x = double.CreateTruncating(logits[i]);
                    losses[i] = T.CreateTruncating(LossInDouble(double.CreateTruncating(label), x, q, Math.Exp(-Math.Abs(x))));
                }
            }
        }
    }

    /// <summary>Whether every element of <c>span[start..start + length]</c> is finite (true for an empty span).</summary>
    private static bool AllFinite<T>(Span<T> span, int start, int length)
        where T : struct, IFloatingPointIeee754<T>
    {
        if (span.IsEmpty)
        {
            return true;
        }

        ReadOnlySpan<T> part = span.Slice(start, length);
        if (length == VectorMath.Lanes<T>())
        {
            var v = new Vector<T>(part);
            return Vector.EqualsAll(v - v, Vector<T>.Zero);
        }

        foreach (T value in part)
        {
            if (!T.IsFinite(value))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The runs of consecutive rows that a span of a column-major matrix covers, from its element
    /// <c>first</c> of the whole matrix on: each run's start in the span, its first row and its length, up to the end of a
    /// column or of the span.
    /// </summary>
    private struct RowRuns
    {
        private readonly int _rows;
        private readonly int _length;
        private int _nextRow;

        public RowRuns(int first, int rows, int length)
        {
            _rows = rows;
            _length = length;
            _nextRow = first % rows;
            Start = 0;
            Length = 0;
            Row = 0;
        }

        public int Start { get; private set; }

        public int Row { get; private set; }

        public int Length { get; private set; }

        public bool MoveNext()
        {
            Start += Length;
            if (Start >= _length)
            {
                return false;
            }

            Row = _nextRow;
            Length = Math.Min(_rows - Row, _length - Start);
            _nextRow = 0;
            return true;
        }
    }

    /// <summary>
    /// q·z and c = 1 + (q - 1)·z lane-wise, each 0 or 1 for a zero label: a zero label ignores the positive weight
    /// entirely, even an infinite one.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void LogisticWeights<T>(Vector<T> z, Vector<T> q, out Vector<T> qz, out Vector<T> c)
        where T : struct, IFloatingPointIeee754<T>
    {
        qz = VectorMath.TimesOrZero(z, q);
        c = Vector<T>.One + VectorMath.TimesOrZero(z, q - Vector<T>.One);
    }

    /// <summary>
    /// ℓ lane-wise from its parts: (1 - z)·x for x ≥ 0, -q·z·x below, plus c·ln(1 + e^-|x|), with
    /// <paramref name="qz"/> and <paramref name="c"/> from <see cref="LogisticWeights{T}"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<T> LogisticLoss<T>(Vector<T> z, Vector<T> x, Vector<T> qz, Vector<T> c, Vector<T> logOnePlus)
        where T : struct, IFloatingPointIeee754<T>
    {
        Vector<T> linear = Vector.ConditionalSelect(
            Vector.GreaterThanOrEqual(x, Vector<T>.Zero),
            VectorMath.TimesOrZero(Vector<T>.One - z, x),
            VectorMath.TimesOrZero(qz, -x));
        return linear + VectorMath.TimesOrZero(c, logOnePlus);
    }

#if NET9_0_OR_GREATER
    /// <summary>
    /// One chunk of <see cref="LogisticCrossEntropy"/> for float where <see cref="VectorMath.WidensSoftplus"/>, with
    /// its losses evaluated in double: e = e^-|x| (<see cref="VectorMath.ExpOfMinusAbs512"/> or
    /// <see cref="VectorMath.ExpOfMinusAbsWidened"/>) and ln(1 + e) (<see cref="VectorLogarithm.LogOnePlusForFloat(Vector{double})"/>),
    /// then <see cref="LogisticLoss{T}"/> of the widened labels, logits and q, rounded to float once. So each loss is
    /// the float nearest ℓ but where ℓ lies within about 1e-13 of a midpoint between two floats, where
    /// <see cref="LogisticChunk{T}"/> rounds e, ln(1 + e) and each product to float on the way (a unit off for about
    /// a quarter of the elements, two or three at times). The gradient is <see cref="LogisticChunk{T}"/>'s, from e
    /// rounded to float: the same bits. Without losses (where <see cref="VectorMath.Wide512"/>) only e and the gradient
    /// are computed, in one pass instead of <see cref="LogisticChunk{T}"/>'s two. The last, partial vector is
    /// zero-padded. Returns whether a label's magnitude is <paramref name="largeLabel"/> or more, or NaN.
    /// </summary>
    private static bool LogisticChunkInDouble(
        ReadOnlySpan<float> labels, ReadOnlySpan<float> logits, float q, Span<float> losses, Span<float> gradient, float largeLabel)
    {
        int done = logits.Length / Vector<float>.Count * Vector<float>.Count;
        bool flagged = LogisticVectorsInDouble(
            labels[..done], logits[..done], q, losses.IsEmpty ? losses : losses[..done], gradient.IsEmpty ? gradient : gradient[..done], largeLabel);
        if (done < logits.Length)
        {
            flagged |= LogisticPaddedInDouble(
                labels[done..], logits[done..], q, losses.IsEmpty ? losses : losses[done..], gradient.IsEmpty ? gradient : gradient[done..], largeLabel);
        }

        return flagged;
    }

    /// <summary>
    /// <see cref="LogisticChunkInDouble"/> over whole vectors. Not inlined: in its caller's code the JIT's inlining budget
    /// runs out and the exponential and logarithm become calls in the loop; on its own everything it calls is inlined.
    /// The last, partial vector goes through this same loop (<see cref="LogisticPaddedInDouble"/>), so that its body is
    /// compiled once.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool LogisticVectorsInDouble(
        ReadOnlySpan<float> labels, ReadOnlySpan<float> logits, float q, Span<float> losses, Span<float> gradient, float largeLabel)
    {
        ReadOnlySpan<Vector<float>> z = VectorMath.Vectors(labels);
        ReadOnlySpan<Vector<float>> x = VectorMath.Vectors(logits);
        Span<Vector<float>> g = VectorMath.Vectors(gradient);
        var large = new Vector<float>(largeLabel);
        Vector<int> flagged = Vector<int>.Zero;

        // Without losses only where 512-bit vectors run (the caller's condition); the branches the machine does not take
        // are left out of the compiled code.
        if (VectorMath.Wide512 && losses.IsEmpty)
        {
            for (int i = 0; i < x.Length; i++)
            {
                flagged |= ~Vector.LessThan(Vector.Abs(z[i]), large);
                if (!g.IsEmpty)
                {
                    g[i] = LogisticGradient(z[i], x[i], new Vector<float>(q), ExpOfMinusAbsInFloat(x[i]));
                }
            }
        }
        else if (VectorMath.Wide512)
        {
            flagged = LogisticLossesInDouble<LogisticIn512, Vector512<double>>(z, x, q, VectorMath.Vectors(losses), g, large);
        }
        else
        {
            flagged = LogisticLossesInDouble<LogisticInHalves, WidenedHalves>(z, x, q, VectorMath.Vectors(losses), g, large);
        }

        return !Vector.EqualsAll(flagged, Vector<int>.Zero);
    }

    /// <summary>
    /// The losses (and the gradient, unless <paramref name="g"/> is empty) of <see cref="LogisticVectorsInDouble"/>,
    /// one float vector at a time by <typeparamref name="TStep"/>. Returns the lanes whose label's magnitude is
    /// <paramref name="large"/> or more, or NaN, as all ones.
    /// </summary>
    /// <remarks>
    /// Each iteration computes the next vector's exponential before this vector's logarithm and terms, which measured
    /// about a sixth faster. Written one after the other, the logarithm's operations, all waiting on the exponential,
    /// can fill the processor's scheduler, so that the next vector's exponential waits for them to leave it; side by
    /// side, the two chains (each a few dozen dependent operations) overlap. The last iteration computes its own
    /// vector's exponential again instead of branching. Each lane takes the same operations either way, so the same
    /// bits.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<int> LogisticLossesInDouble<TStep, TExponential>(
        ReadOnlySpan<Vector<float>> z, ReadOnlySpan<Vector<float>> x, float q, Span<Vector<float>> l, Span<Vector<float>> g, Vector<float> large)
        where TStep : struct, ILogisticStep<TExponential>
        where TExponential : struct
    {
        Vector<int> flagged = Vector<int>.Zero;
        if (x.IsEmpty)
        {
            return flagged;
        }

        int last = x.Length - 1;
        TExponential next = TStep.Exponential(x[0]);
        for (int i = 0; i < x.Length; i++)
        {
            flagged |= ~Vector.LessThan(Vector.Abs(z[i]), large);
            TExponential exponential = next;
            next = TStep.Exponential(x[Math.Min(i + 1, last)]);
            l[i] = TStep.Losses(z[i], x[i], q, exponential, out Vector<float> e);
            if (!g.IsEmpty)
            {
                g[i] = LogisticGradient(z[i], x[i], new Vector<float>(q), e);
            }
        }

        return flagged;
    }

    /// <summary>One float vector's steps in <see cref="LogisticLossesInDouble{TStep, TExponential}"/>, at one vector width.</summary>
    /// <typeparam name="TExponential">The vector's e^-|x| in double.</typeparam>
    private interface ILogisticStep<TExponential>
        where TExponential : struct
    {
        /// <summary>e^-|x| lane-wise in double, the values <see cref="VectorMath.ExpOfMinusAbs{T}(ReadOnlySpan{T}, Span{T})"/> rounds to float.</summary>
        static abstract TExponential Exponential(Vector<float> x);

        /// <summary>
        /// The losses from the <paramref name="exponential"/> of <paramref name="x"/>, in double, rounded to float once;
        /// <paramref name="e"/> is the exponential rounded to float.
        /// </summary>
        static abstract Vector<float> Losses(Vector<float> z, Vector<float> x, float q, TExponential exponential, out Vector<float> e);
    }

    /// <summary>A float vector's exponential in double where 256-bit vectors run: lanes 0 to 3, then 4 to 7.</summary>
    private readonly record struct WidenedHalves(Vector<double> Low, Vector<double> High);

    /// <summary>The steps where a float vector widens into one 512-bit double vector.</summary>
    private readonly struct LogisticIn512 : ILogisticStep<Vector512<double>>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<double> Exponential(Vector<float> x) => VectorMath.ExpOfMinusAbs512(x);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector<float> Losses(Vector<float> z, Vector<float> x, float q, Vector512<double> exponential, out Vector<float> e)
            => LogisticInDouble512(z, x, q, exponential, out e);
    }

    /// <summary>The steps where a float vector widens into two 256-bit double vectors.</summary>
    private readonly struct LogisticInHalves : ILogisticStep<WidenedHalves>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static WidenedHalves Exponential(Vector<float> x)
        {
            VectorMath.ExpOfMinusAbsWidened(x, out Vector<double> low, out Vector<double> high);
            return new WidenedHalves(low, high);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector<float> Losses(Vector<float> z, Vector<float> x, float q, WidenedHalves exponential, out Vector<float> e)
            => LogisticInDouble(z, x, q, exponential, out e);
    }

    /// <summary>
    /// The last, partial vector of <see cref="LogisticChunkInDouble"/>, zero-padded (a zero label and logit are an ordinary
    /// lane) and run through <see cref="LogisticVectorsInDouble"/> as one whole vector.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool LogisticPaddedInDouble(
        ReadOnlySpan<float> labels, ReadOnlySpan<float> logits, float q, Span<float> losses, Span<float> gradient, float largeLabel)
    {
        int count = Vector<float>.Count;
        Span<float> paddedLabels = stackalloc float[count];
        Span<float> paddedLogits = stackalloc float[count];
        Span<float> paddedLosses = stackalloc float[count];
        Span<float> paddedGradient = stackalloc float[count];
        paddedLabels.Clear();
        paddedLogits.Clear();
        labels.CopyTo(paddedLabels);
        logits.CopyTo(paddedLogits);
        bool flagged = LogisticVectorsInDouble(
            paddedLabels, paddedLogits, q, losses.IsEmpty ? default : paddedLosses, gradient.IsEmpty ? default : paddedGradient, largeLabel);
        if (!losses.IsEmpty)
        {
            paddedLosses[..losses.Length].CopyTo(losses);
        }

        if (!gradient.IsEmpty)
        {
            paddedGradient[..gradient.Length].CopyTo(gradient);
        }

        return flagged;
    }

    /// <summary>
    /// One vector of <see cref="LogisticChunkInDouble"/>'s losses where 256-bit vectors run, each half of the widened
    /// vector in four lanes, from its <paramref name="exponential"/> e^-|x|; <paramref name="e"/> is e^-|x| rounded to
    /// float.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> LogisticInDouble(Vector<float> z, Vector<float> x, float q, WidenedHalves exponential, out Vector<float> e)
    {
        Vector<double> softplusLow = VectorLogarithm.LogOnePlusForFloat(exponential.Low);
        Vector<double> softplusHigh = VectorLogarithm.LogOnePlusForFloat(exponential.High);
        e = Vector.Narrow(exponential.Low, exponential.High);
        Vector.Widen(z, out Vector<double> zLow, out Vector<double> zHigh);
        Vector.Widen(x, out Vector<double> xLow, out Vector<double> xHigh);
        if (q == 1f)
        {
            return Vector.Narrow(UnweightedLogisticLoss(zLow, xLow, softplusLow), UnweightedLogisticLoss(zHigh, xHigh, softplusHigh));
        }

        var qd = new Vector<double>(q);
        LogisticWeights(zLow, qd, out Vector<double> qzLow, out Vector<double> cLow);
        LogisticWeights(zHigh, qd, out Vector<double> qzHigh, out Vector<double> cHigh);
        return Vector.Narrow(LogisticLoss(zLow, xLow, qzLow, cLow, softplusLow), LogisticLoss(zHigh, xHigh, qzHigh, cHigh, softplusHigh));
    }

    /// <summary>
    /// e^-|x| rounded to float, the e that <see cref="LogisticInDouble512"/> gives, for the gradient alone: only where
    /// <see cref="VectorMath.Wide512"/> (elsewhere the gradient alone takes <see cref="LogisticChunk{T}"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> ExpOfMinusAbsInFloat(Vector<float> x)
        => Avx512F.ConvertToVector256Single(VectorMath.ExpOfMinusAbs512(x)).AsVector();

    /// <summary>
    /// <see cref="LogisticInDouble"/> where a float vector widens into one 512-bit double vector, from its
    /// <paramref name="exponential"/> e^-|x| (<see cref="VectorMath.ExpOfMinusAbs512"/>): the labels, logits and
    /// the loss's terms in eight-lane double vectors instead of two halves of four, by the same operations lane by lane
    /// (<see cref="LogisticWeights{T}"/> and <see cref="LogisticLoss{T}"/>, or <see cref="UnweightedLogisticLoss"/> for
    /// q = 1), so the same bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> LogisticInDouble512(Vector<float> z, Vector<float> x, float q, Vector512<double> exponential, out Vector<float> e)
    {
        Vector512<double> softplus = VectorLogarithm.LogOnePlusForFloat(exponential);
        e = Avx512F.ConvertToVector256Single(exponential).AsVector();
        Vector512<double> labels = Avx512F.ConvertToVector512Double(z.AsVector256());
        Vector512<double> logits = Avx512F.ConvertToVector512Double(x.AsVector256());
        if (q == 1f)
        {
            Vector512<double> factor = Vector512.ConditionalSelect(
                Vector512.GreaterThanOrEqual(logits, Vector512<double>.Zero), Vector512<double>.One - labels, labels);
            return Avx512F.ConvertToVector256Single(TimesOrZero(factor, Vector512.Abs(logits)) + (softplus + (labels - labels))).AsVector();
        }

        Vector512<double> weight = Vector512.Create((double)q);
        Vector512<double> qz = TimesOrZero(labels, weight);
        Vector512<double> c = Vector512<double>.One + TimesOrZero(labels, weight - Vector512<double>.One);
        Vector512<double> linear = Vector512.ConditionalSelect(
            Vector512.GreaterThanOrEqual(logits, Vector512<double>.Zero),
            TimesOrZero(Vector512<double>.One - labels, logits),
            TimesOrZero(qz, -logits));
        return Avx512F.ConvertToVector256Single(linear + TimesOrZero(c, softplus)).AsVector();
    }

    /// <summary>
    /// <see cref="LogisticLoss{T}"/> for q = 1 by fewer operations, with the same bits: <c>a·|x| + (ln(1 + e) + (z - z))</c>
    /// with a = 1 - z for x ≥ 0 and z below (a product 0 where a is 0). For q = 1, c = 1 + 0·z is 1 for a finite label
    /// and NaN for an infinite or NaN one, as ln(1 + e) + (z - z) is; q·z is z but for z = -0, where both products are 0;
    /// and a·|x| differs from the linear part only in the sign of a zero at x = -0, to which ln 2 (or NaN) is added.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<double> UnweightedLogisticLoss(Vector<double> z, Vector<double> x, Vector<double> logOnePlus)
    {
        Vector<double> factor = Vector.ConditionalSelect(Vector.GreaterThanOrEqual(x, Vector<double>.Zero), Vector<double>.One - z, z);
        return VectorMath.TimesOrZero(factor, Vector.Abs(x)) + (logOnePlus + (z - z));
    }

    /// <summary><see cref="VectorMath.TimesOrZero{T}(Vector{T}, Vector{T})"/> for eight doubles.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> TimesOrZero(Vector512<double> a, Vector512<double> b)
        => Vector512.ConditionalSelect(Vector512.Equals(a, Vector512<double>.Zero), Vector512<double>.Zero, a * b);
#endif

    /// <summary>
    /// ∂ℓ/∂x = c·σ(x) - q·z lane-wise from e = e^-|x|, as <c>((1 - z)·a - q·z·b)/(1 + e)</c> with (a, b) = (1, e) for
    /// x ≥ 0 and (e, 1) below: the same value with c - q·z = 1 - z taken exactly, so that no rounding of σ(x) near 1 or
    /// 0 cancels against q·z. The gradient of a confident prediction keeps its relative precision (as written, c·σ(x) - q·z
    /// gives 0 for z = 1 from x ≈ 17 in float and 37 in double). A zero label gives σ(x), the bits of
    /// <see cref="SigmoidFromExponential{T}(Vector{T}, Vector{T})"/>, whatever q is; x = +∞ gives 1 - z and x = -∞ gives -q·z.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<T> LogisticGradient<T>(Vector<T> z, Vector<T> x, Vector<T> q, Vector<T> e)
        where T : struct, IFloatingPointIeee754<T>
    {
        Vector<T> nonNegative = Vector.GreaterThanOrEqual(x, Vector<T>.Zero);
        Vector<T> a = Vector.ConditionalSelect(nonNegative, Vector<T>.One, e);
        Vector<T> b = Vector.ConditionalSelect(nonNegative, e, Vector<T>.One);
        return (((Vector<T>.One - z) * a) - (VectorMath.TimesOrZero(z, q) * b)) / (Vector<T>.One + e);
    }

    /// <summary><see cref="LogisticGradient{T}(Vector{T}, Vector{T}, Vector{T}, Vector{T})"/> of one element, by the same operations.</summary>
    private static T LogisticGradient<T>(T z, T x, T q, T e)
        where T : struct, IFloatingPointIeee754<T>
    {
        bool nonNegative = x >= T.Zero;
        T a = nonNegative ? T.One : e;
        T b = nonNegative ? e : T.One;
        return (((T.One - z) * a) - (TimesOrZero(z, q) * b)) / (T.One + e);
    }

    /// <summary>
    /// One chunk of <see cref="LogisticCrossEntropy"/> with e = e^-|x| and ln(1 + e) already computed:
    /// ln(1 + e) is corrected to ln(w)·e/(w - 1) with w = 1 + e (e when w rounds to 1).
    /// </summary>
    private readonly ref struct LogisticChunk<T>
        where T : struct, IFloatingPointIeee754<T>
    {
        private readonly ReadOnlySpan<T> _z;
        private readonly ReadOnlySpan<T> _x;
        private readonly ReadOnlySpan<T> _e;
        private readonly ReadOnlySpan<T> _logOfW;
        private readonly T _q;
        private readonly Span<T> _losses;
        private readonly Span<T> _gradient;

        public LogisticChunk(
            ReadOnlySpan<T> z, ReadOnlySpan<T> x, ReadOnlySpan<T> e, ReadOnlySpan<T> logOfW, T q, Span<T> losses, Span<T> gradient)
        {
            _z = z;
            _x = x;
            _e = e;
            _logOfW = logOfW;
            _q = q;
            _losses = losses;
            _gradient = gradient;
        }

        /// <summary>The chunk's losses and gradient; returns whether a label's magnitude is <paramref name="largeLabel"/> or more, or NaN.</summary>
        public bool Run(T largeLabel)
        {
            ReadOnlySpan<Vector<T>> z = VectorMath.Vectors(_z);
            ReadOnlySpan<Vector<T>> x = VectorMath.Vectors(_x);
            ReadOnlySpan<Vector<T>> e = VectorMath.Vectors(_e);
            ReadOnlySpan<Vector<T>> logOfW = VectorMath.Vectors(_logOfW);
            Span<Vector<T>> losses = VectorMath.Vectors(_losses);
            Span<Vector<T>> gradient = VectorMath.Vectors(_gradient);
            var q = new Vector<T>(_q);
            Vector<T> one = Vector<T>.One;
            var large = new Vector<T>(largeLabel);
            Vector<T> flagged = Vector<T>.Zero;
            for (int i = 0; i < x.Length; i++)
            {
                flagged |= ~Vector.LessThan(Vector.Abs(z[i]), large);
                LogisticWeights(z[i], q, out Vector<T> qz, out Vector<T> c);
                if (!losses.IsEmpty)
                {
                    Vector<T> w = one + e[i];
                    Vector<T> logOnePlus = Vector.ConditionalSelect(Vector.Equals(w, one), e[i], logOfW[i] * (e[i] / (w - one)));
                    losses[i] = LogisticLoss(z[i], x[i], qz, c, logOnePlus);
                }

                if (!gradient.IsEmpty)
                {
                    gradient[i] = LogisticGradient(z[i], x[i], q, e[i]);
                }
            }

            bool flaggedInTail = false;
            for (int i = x.Length * VectorMath.Lanes<T>(); i < _x.Length; i++)
            {
                flaggedInTail |= !(T.Abs(_z[i]) < largeLabel);
                T qz = TimesOrZero(_z[i], _q);
                T c = T.One + TimesOrZero(_z[i], _q - T.One);
                bool nonNegative = _x[i] >= T.Zero;
                if (!_losses.IsEmpty)
                {
                    T linear = nonNegative ? TimesOrZero(T.One - _z[i], _x[i]) : TimesOrZero(qz, -_x[i]);
                    T w = T.One + _e[i];
                    T logOnePlus = w == T.One ? _e[i] : _logOfW[i] * (_e[i] / (w - T.One));
                    _losses[i] = linear + TimesOrZero(c, logOnePlus);
                }

                if (!_gradient.IsEmpty)
                {
                    _gradient[i] = LogisticGradient(_z[i], _x[i], _q, _e[i]);
                }
            }

            // A flagged lane holds all ones, a NaN as T, which equals nothing.
            return flaggedInTail || !Vector.EqualsAll(flagged, Vector<T>.Zero);
        }
    }

    /// <summary>
    /// Cross-entropy of probabilities, row sums: <c>ℓᵢ = -Σⱼ yᵢⱼ·ln pᵢⱼ</c>, a zero label contributing
    /// exactly 0 (so 0·ln 0 = 0), into <paramref name="losses"/>; <c>-yᵢⱼ/pᵢⱼ</c> (0 where yᵢⱼ = 0) into
    /// <paramref name="gradient"/>. Either output may be empty.
    /// </summary>
    public static void ProbabilityCrossEntropy<T>(
        ReadOnlySpan<T> labels, ReadOnlySpan<T> probabilities, int rows, Span<T> losses, Span<T> gradient)
        where T : struct, IFloatingPointIeee754<T>
    {
        if (!losses.IsEmpty)
        {
            ProbabilityCrossEntropyLosses(labels, probabilities, rows, losses);
        }

        if (!gradient.IsEmpty)
        {
            ReadOnlySpan<Vector<T>> y = VectorMath.Vectors(labels);
            ReadOnlySpan<Vector<T>> p = VectorMath.Vectors(probabilities);
            Span<Vector<T>> g = VectorMath.Vectors(gradient);
            for (int i = 0; i < g.Length; i++)
            {
                g[i] = Vector.ConditionalSelect(Vector.Equals(y[i], Vector<T>.Zero), Vector<T>.Zero, -y[i] / p[i]);
            }

            for (int i = g.Length * VectorMath.Lanes<T>(); i < gradient.Length; i++)
            {
                gradient[i] = labels[i] != T.Zero ? -labels[i] / probabilities[i] : T.Zero;
            }
        }
    }

    /// <summary>
    /// The losses of <see cref="ProbabilityCrossEntropy"/>, column by column within blocks of rows (a block's
    /// losses stay in cache), summed in double (also for float) and rounded once. Where the lane-wise logarithm runs,
    /// it is taken only for vectors of labels that are not all zero, which with one-hot labels skips nearly all of
    /// them, and for float its double value is added, unrounded; else a logarithm pass over each column segment
    /// precedes the labelled subtraction. A block's losses are written once all its probabilities are read, so the
    /// losses may lie in the array of an N×1 probabilities matrix.
    /// </summary>
    private static void ProbabilityCrossEntropyLosses<T>(ReadOnlySpan<T> labels, ReadOnlySpan<T> probabilities, int rows, Span<T> losses)
        where T : struct, IFloatingPointIeee754<T>
    {
        bool laneWise = false;
#if NET9_0_OR_GREATER
        laneWise = VectorMath.Lanes<T>() != 0 && (typeof(T) == typeof(float) || typeof(T) == typeof(double));
#endif
        int blockRows = Math.Min(rows, ChunkLength);
        T[] pooled = laneWise ? [] : ArrayPool<T>.Shared.Rent(blockRows);
        double[] pooledSums = ArrayPool<double>.Shared.Rent(blockRows);
        for (int start = 0; start < rows; start += blockRows)
        {
            int length = Math.Min(blockRows, rows - start);
            Span<double> loss = pooledSums.AsSpan(0, length);
            loss.Clear();
            for (int offset = start; offset < probabilities.Length; offset += rows)
            {
                ReadOnlySpan<T> y = labels.Slice(offset, length);
                ReadOnlySpan<T> p = probabilities.Slice(offset, length);
#if NET9_0_OR_GREATER
                if (laneWise)
                {
                    VectorMath.SubtractLabelledLog(loss, y, p);
                    continue;
                }
#endif
                Span<T> logarithm = pooled.AsSpan(0, length);
                VectorMath.Log(p, logarithm);
                SubtractLabelled(loss, y, logarithm);
            }

            ElementTerms.Round<T>(loss, losses.Slice(start, length));
        }

        ArrayPool<double>.Shared.Return(pooledSums);
        if (!laneWise)
        {
            ArrayPool<T>.Shared.Return(pooled);
        }
    }

    /// <summary><c>ℓᵢ -= yᵢ·ln pᵢ</c> in double, nothing where yᵢ = 0.</summary>
    private static void SubtractLabelled<T>(Span<double> losses, ReadOnlySpan<T> labels, ReadOnlySpan<T> logarithm)
        where T : struct, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < losses.Length; i++)
        {
            losses[i] -= TimesOrZero(double.CreateTruncating(labels[i]), double.CreateTruncating(logarithm[i]));
        }
    }

    /// <summary>Σ (p - y)², summed in double (also for float) with compensation.</summary>
    public static double SumOfSquaredDifferences<T>(ReadOnlySpan<T> labels, ReadOnlySpan<T> predictions)
        where T : struct, IFloatingPointIeee754<T>
        => SumOfDifferenceTerms<T, Square>(labels, predictions);

    /// <summary>Σ |p - y|, summed in double (also for float) with compensation.</summary>
    public static double SumOfAbsoluteDifferences<T>(ReadOnlySpan<T> labels, ReadOnlySpan<T> predictions)
        where T : struct, IFloatingPointIeee754<T>
        => SumOfDifferenceTerms<T, Absolute>(labels, predictions);

    /// <summary>
    /// <c>gᵢ = (pᵢ - yᵢ)·scale</c> in T with the scale rounded to T (the loss objects' MSE gradient gives the same
    /// bits); a zero scale gives 0. Where p - y overflows for finite p and y, p·scale - y·scale, which is finite
    /// wherever the result is. Element by element, so large inputs are split between threads (when
    /// <see cref="Parallelism"/> allows) with the same result.
    /// </summary>
    public static void ScaledDifference<T>(ReadOnlySpan<T> labels, ReadOnlySpan<T> predictions, double scale, Span<T> gradient)
        where T : struct, IFloatingPointIeee754<T>
        => DifferenceGradient<T, Square>(labels, predictions, scale, gradient);

    /// <summary>
    /// <c>gᵢ = sign(pᵢ - yᵢ)·scale</c> with sign(0) = 0 and sign(NaN) = NaN; split between threads as
    /// <see cref="ScaledDifference{T}"/>.
    /// </summary>
    public static void ScaledSignOfDifference<T>(ReadOnlySpan<T> labels, ReadOnlySpan<T> predictions, T scale, Span<T> gradient)
        where T : struct, IFloatingPointIeee754<T>
        => DifferenceGradient<T, Absolute>(labels, predictions, double.CreateTruncating(scale), gradient);

    /// <summary>The gradient of the sum of term(p - y), scaled, on this thread or split between threads.</summary>
    private static void DifferenceGradient<T, TTerm>(ReadOnlySpan<T> labels, ReadOnlySpan<T> predictions, double scale, Span<T> gradient)
        where T : struct, IFloatingPointIeee754<T>
        where TTerm : struct, IDifferenceTerm
    {
        int threads = RegressionBlocksWork<T, TTerm>.Threads(predictions.Length);
        if (threads > 1)
        {
            RegressionBlocksWork<T, TTerm>.Gradient(labels, predictions, scale, gradient, threads);
            return;
        }

        DifferenceGradientRange<T, TTerm>(labels, predictions, scale, gradient);
    }

    /// <summary>
    /// <see cref="ScaledDifference{T}"/> (squares) or <see cref="ScaledSignOfDifference{T}"/> (absolute values) over one
    /// range, on this thread.
    /// </summary>
    internal static void DifferenceGradientRange<T, TTerm>(ReadOnlySpan<T> labels, ReadOnlySpan<T> predictions, double scale, Span<T> gradient)
        where T : struct, IFloatingPointIeee754<T>
        where TTerm : struct, IDifferenceTerm
    {
        if (typeof(TTerm) == typeof(Square))
        {
            ScaledDifferenceRange(labels, predictions, scale, gradient);
        }
        else
        {
            // The scale came from T (ScaledSignOfDifference), so it goes back exactly.
            ScaledSignOfDifferenceRange(labels, predictions, T.CreateTruncating(scale), gradient);
        }
    }

    /// <summary><see cref="ScaledDifference{T}"/> over one range, on this thread.</summary>
    private static void ScaledDifferenceRange<T>(ReadOnlySpan<T> labels, ReadOnlySpan<T> predictions, double scale, Span<T> gradient)
        where T : struct, IFloatingPointIeee754<T>
    {
        if (scale == 0.0)
        {
            gradient.Clear();
            return;
        }

        ReadOnlySpan<Vector<T>> y = VectorMath.Vectors(labels);
        ReadOnlySpan<Vector<T>> p = VectorMath.Vectors(predictions);
        Span<Vector<T>> g = VectorMath.Vectors(gradient);
        T factor = T.CreateTruncating(scale);
        var factors = new Vector<T>(factor);
        var infinity = new Vector<T>(T.PositiveInfinity);
        for (int i = 0; i < g.Length; i++)
        {
            Vector<T> difference = p[i] - y[i];
            g[i] = factors * difference;
            if (!Vector.LessThanAll(Vector.Abs(difference), infinity))
            {
                // p - y overflowed (or is NaN) somewhere: where it overflowed for finite p and y, the scaled terms apart.
                Vector<T> overflowed = Vector.Equals(Vector.Abs(difference), infinity)
                    & Vector.LessThan(Vector.Abs(p[i]), infinity) & Vector.LessThan(Vector.Abs(y[i]), infinity);
                g[i] = Vector.ConditionalSelect(overflowed, (factors * p[i]) - (factors * y[i]), g[i]);
            }
        }

        for (int i = g.Length * VectorMath.Lanes<T>(); i < gradient.Length; i++)
        {
            T difference = predictions[i] - labels[i];
            gradient[i] = T.IsInfinity(difference) && T.IsFinite(predictions[i]) && T.IsFinite(labels[i])
                ? (factor * predictions[i]) - (factor * labels[i])
                : factor * difference;
        }
    }

    /// <summary><see cref="ScaledSignOfDifference{T}"/> over one range, on this thread.</summary>
    private static void ScaledSignOfDifferenceRange<T>(ReadOnlySpan<T> labels, ReadOnlySpan<T> predictions, T scale, Span<T> gradient)
        where T : struct, IFloatingPointIeee754<T>
    {
        ReadOnlySpan<Vector<T>> y = VectorMath.Vectors(labels);
        ReadOnlySpan<Vector<T>> p = VectorMath.Vectors(predictions);
        Span<Vector<T>> g = VectorMath.Vectors(gradient);
        var positive = new Vector<T>(scale);
        var notANumber = new Vector<T>(T.NaN);
        for (int i = 0; i < g.Length; i++)
        {
            Vector<T> difference = p[i] - y[i];
            Vector<T> sign = Vector.ConditionalSelect(Vector.Equals(difference, Vector<T>.Zero), Vector<T>.Zero, notANumber);
            sign = Vector.ConditionalSelect(Vector.GreaterThan(difference, Vector<T>.Zero), positive, sign);
            g[i] = Vector.ConditionalSelect(Vector.LessThan(difference, Vector<T>.Zero), -positive, sign);
        }

        for (int i = g.Length * VectorMath.Lanes<T>(); i < gradient.Length; i++)
        {
            T difference = predictions[i] - labels[i];
            gradient[i] = difference > T.Zero ? scale
                : difference < T.Zero ? -scale
                : difference == T.Zero ? T.Zero
                : T.NaN;
        }
    }

    /// <summary>
    /// Σ term(p - y) in double over blocks of <see cref="RegressionBlocksWork{T, TTerm}.BlockLength"/> elements, each
    /// summed by <see cref="SumOfDifferenceTermsRange{T, TTerm}"/>, the blocks' compensated sums then added in block
    /// order: the same arithmetic whether the blocks run on one thread or on several (large inputs, when
    /// <see cref="Parallelism"/> allows), so the same bits. An input of one block is summed as one range.
    /// </summary>
    private static double SumOfDifferenceTerms<T, TTerm>(ReadOnlySpan<T> labels, ReadOnlySpan<T> predictions)
        where T : struct, IFloatingPointIeee754<T>
        where TTerm : struct, IDifferenceTerm
    {
        int blocks = RegressionBlocksWork<T, TTerm>.BlocksOf(predictions.Length);
        if (blocks <= 1)
        {
            return SumOfDifferenceTermsRange<T, TTerm>(labels, predictions).Value;
        }

        double[] pooled = ArrayPool<double>.Shared.Rent(2 * blocks);
        Span<double> partials = pooled.AsSpan(0, 2 * blocks);
        int threads = RegressionBlocksWork<T, TTerm>.Threads(predictions.Length);
        if (threads > 1)
        {
            RegressionBlocksWork<T, TTerm>.Sums(labels, predictions, partials, threads);
        }
        else
        {
            for (int block = 0; block < blocks; block++)
            {
                RegressionBlocksWork<T, TTerm>.SumBlock(labels, predictions, block, partials);
            }
        }

        var total = default(CompensatedSum);
        for (int block = 0; block < blocks; block++)
        {
            total.Add(new CompensatedSum(partials[2 * block], partials[(2 * block) + 1]));
        }

        ArrayPool<double>.Shared.Return(pooled);
        return total.Value;
    }

    /// <summary>
    /// Σ term(p - y) in double over one range: double whole vectors into two lane-wise Neumaier sums (two chains, so
    /// the additions overlap), whose lanes and the scalar tail then go, in a fixed order, into one
    /// <see cref="CompensatedSum"/>. Float takes <see cref="FloatSumOfDifferenceTerms{TTerm}"/>.
    /// </summary>
    internal static CompensatedSum SumOfDifferenceTermsRange<T, TTerm>(ReadOnlySpan<T> labels, ReadOnlySpan<T> predictions)
        where T : struct, IFloatingPointIeee754<T>
        where TTerm : struct, IDifferenceTerm
    {
        if (typeof(T) == typeof(float) && VectorMath.Lanes<float>() != 0 && VectorMath.Lanes<double>() != 0)
        {
            return FloatSumOfDifferenceTerms<TTerm>(MemoryMarshal.Cast<T, float>(labels), MemoryMarshal.Cast<T, float>(predictions));
        }

        var first = default(LaneSum);
        var second = default(LaneSum);
        int done = 0;
        if (typeof(T) == typeof(double) && VectorMath.Lanes<double>() != 0)
        {
            ReadOnlySpan<Vector<double>> y = MemoryMarshal.Cast<T, Vector<double>>(labels);
            ReadOnlySpan<Vector<double>> p = MemoryMarshal.Cast<T, Vector<double>>(predictions);
            int pairs = p.Length / 2;
            for (int i = 0; i < pairs; i++)
            {
                first.Add(TTerm.Of(p[2 * i] - y[2 * i]));
                second.Add(TTerm.Of(p[(2 * i) + 1] - y[(2 * i) + 1]));
            }

            done = 2 * pairs * Vector<double>.Count;
        }

        var total = default(CompensatedSum);
        first.AddTo(ref total);
        second.AddTo(ref total);
        for (int i = done; i < predictions.Length; i++)
        {
            total.Add(TTerm.Of(double.CreateTruncating(predictions[i]) - double.CreateTruncating(labels[i])));
        }

        return total;
    }

    /// <summary>
    /// Σ term(p - y) in double over one range of float elements. Widened to double, a float difference is exact (or,
    /// where the two exponents lie far apart, rounded once at 2⁻⁵³), and so, to 2⁻⁵³, is its square; and double carries
    /// 29 bits more than a float result shows. So the terms are added plainly, without compensation, in four sums per
    /// lane (independent chains, so the additions overlap): each lane of each sum takes one term per four vectors of
    /// double, so over a range of 65,536 elements at most 8,192 additions (4,096 with 256-bit vectors) of terms of one
    /// sign, within 8,192·2⁻⁵³ = 2⁻⁴⁰ relative of the exact sum, far below float's half unit (2⁻²⁴).
    /// The lanes and the scalar tail then go, in a fixed order, into one <see cref="CompensatedSum"/>. Compensating each
    /// addition made the pass compute-bound; this one reads memory as fast as it comes.
    /// </summary>
    private static CompensatedSum FloatSumOfDifferenceTerms<TTerm>(ReadOnlySpan<float> labels, ReadOnlySpan<float> predictions)
        where TTerm : struct, IDifferenceTerm
    {
        ReadOnlySpan<Vector<float>> y = MemoryMarshal.Cast<float, Vector<float>>(labels);
        ReadOnlySpan<Vector<float>> p = MemoryMarshal.Cast<float, Vector<float>>(predictions);
        Vector<double> s0 = Vector<double>.Zero;
        Vector<double> s1 = Vector<double>.Zero;
        Vector<double> s2 = Vector<double>.Zero;
        Vector<double> s3 = Vector<double>.Zero;
        int pairs = p.Length / 2;
        for (int i = 0; i < pairs; i++)
        {
            Vector.Widen(p[2 * i], out Vector<double> p0, out Vector<double> p1);
            Vector.Widen(y[2 * i], out Vector<double> y0, out Vector<double> y1);
            Vector.Widen(p[(2 * i) + 1], out Vector<double> p2, out Vector<double> p3);
            Vector.Widen(y[(2 * i) + 1], out Vector<double> y2, out Vector<double> y3);
            s0 += TTerm.Of(p0 - y0);
            s1 += TTerm.Of(p1 - y1);
            s2 += TTerm.Of(p2 - y2);
            s3 += TTerm.Of(p3 - y3);
        }

        if (p.Length % 2 != 0)
        {
            Vector.Widen(p[^1], out Vector<double> p0, out Vector<double> p1);
            Vector.Widen(y[^1], out Vector<double> y0, out Vector<double> y1);
            s0 += TTerm.Of(p0 - y0);
            s1 += TTerm.Of(p1 - y1);
        }

        var total = default(CompensatedSum);
        AddLanes(s0, ref total);
        AddLanes(s1, ref total);
        AddLanes(s2, ref total);
        AddLanes(s3, ref total);
        for (int i = p.Length * Vector<float>.Count; i < predictions.Length; i++)
        {
            total.Add(TTerm.Of((double)predictions[i] - labels[i]));
        }

        return total;
    }

    private static void AddLanes(Vector<double> sums, ref CompensatedSum total)
    {
        for (int lane = 0; lane < Vector<double>.Count; lane++)
        {
            total.Add(sums[lane]);
        }
    }

    /// <summary>The term a regression sum adds for one difference d = p - y.</summary>
    internal interface IDifferenceTerm
    {
        static abstract double Of(double difference);

        static abstract Vector<double> Of(Vector<double> difference);
    }

    internal readonly struct Square : IDifferenceTerm
    {
        public static double Of(double difference) => difference * difference;

        public static Vector<double> Of(Vector<double> difference) => difference * difference;
    }

    internal readonly struct Absolute : IDifferenceTerm
    {
        public static double Of(double difference) => Math.Abs(difference);

        public static Vector<double> Of(Vector<double> difference) => Vector.Abs(difference);
    }

    /// <summary>A Neumaier sum in every lane of a vector of double.</summary>
    private struct LaneSum
    {
        private Vector<double> _sum;
        private Vector<double> _compensation;

        public void Add(Vector<double> value)
        {
            Vector<double> total = _sum + value;
            _compensation += Vector.ConditionalSelect(
                Vector.GreaterThanOrEqual(Vector.Abs(_sum), Vector.Abs(value)),
                (_sum - total) + value,
                (value - total) + _sum);
            _sum = total;
        }

        /// <summary>Adds every lane to <paramref name="total"/>; a lane that is no longer finite adds its sum only.</summary>
        public readonly void AddTo(ref CompensatedSum total)
        {
            for (int lane = 0; lane < Vector<double>.Count; lane++)
            {
                total.Add(_sum[lane]);
                if (double.IsFinite(_sum[lane]))
                {
                    total.Add(_compensation[lane]);
                }
            }
        }
    }
}
