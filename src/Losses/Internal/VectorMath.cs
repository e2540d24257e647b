using System;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
#if NET9_0_OR_GREATER
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
#endif

namespace Losses.Internal;

/// <summary>
/// Small SIMD building blocks over <see cref="Vector{T}"/>, generic over the element type. Every loop
/// that uses them runs whole vectors first and then the same arithmetic on the scalar tail, so a result
/// never depends on where the vector boundary falls: + - × ÷ and selections round identically in a lane
/// and in a scalar, and the JIT does not contract a·b + c into a fused multiply-add.
/// </summary>
internal static unsafe class VectorMath
{
    /// <summary>Elements per <see cref="Vector{T}"/>, or 0 when <typeparamref name="T"/> has no hardware vectors.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Lanes<T>()
        where T : struct
        => Vector.IsHardwareAccelerated && Vector<T>.IsSupported ? Vector<T>.Count : 0;

    /// <summary>The whole vectors of a span, empty when <typeparamref name="T"/> has no hardware vectors.</summary>
    public static ReadOnlySpan<Vector<T>> Vectors<T>(ReadOnlySpan<T> span)
        where T : struct
        => Lanes<T>() == 0 ? ReadOnlySpan<Vector<T>>.Empty : MemoryMarshal.Cast<T, Vector<T>>(span);

    /// <inheritdoc cref="Vectors{T}(ReadOnlySpan{T})"/>
    public static Span<Vector<T>> Vectors<T>(Span<T> span)
        where T : struct
        => Lanes<T>() == 0 ? Span<Vector<T>>.Empty : MemoryMarshal.Cast<T, Vector<T>>(span);

    /// <summary>a·b lane-wise, except that a zero in <paramref name="a"/> gives 0 even when b is infinite or NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> TimesOrZero<T>(Vector<T> a, Vector<T> b)
        where T : struct, IFloatingPointIeee754<T>
        => Vector.ConditionalSelect(Vector.Equals(a, Vector<T>.Zero), Vector<T>.Zero, a * b);

    /// <summary>
    /// sᵢ = xᵢ - mᵢ, except that xᵢ = mᵢ gives exactly 0 (the limit when the maximum is +∞, where
    /// ∞ - ∞ would be NaN).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Shift<T>(Vector<T> x, Vector<T> max)
        where T : struct, IFloatingPointIeee754<T>
        => Vector.ConditionalSelect(Vector.Equals(x, max), Vector<T>.Zero, x - max);

#if NET9_0_OR_GREATER
    /// <inheritdoc cref="Shift{T}(Vector{T}, Vector{T})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Shift(Vector512<double> x, Vector512<double> max)
        => Vector512.ConditionalSelect(Vector512.Equals(x, max), Vector512<double>.Zero, x - max);
#endif

    /// <inheritdoc cref="Shift{T}(Vector{T}, Vector{T})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Shift<T>(T x, T max)
        where T : struct, IFloatingPointIeee754<T>
        => x == max ? T.Zero : x - max;

    /// <summary>
    /// max(a, b) lane-wise by the processor's own instruction: b unless a is greater (so b where either is NaN). Of -0
    /// and +0 it keeps either. The row kernels take their maxima this way (see <see cref="RowSoftmax"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> MaxNative<T>(Vector<T> a, Vector<T> b)
        where T : struct, IFloatingPointIeee754<T>
#if NET9_0_OR_GREATER
        => Vector.MaxNative(a, b);
#else
        => Vector.ConditionalSelect(Vector.GreaterThan(a, b), a, b);
#endif

    /// <summary>
    /// eˣ element-wise; <paramref name="destination"/> may alias <paramref name="x"/>. Every element's result depends on
    /// its value alone, not on its position, the span's length, its neighbours or the buffers' alignment, so repeated
    /// calls and every batch give an element the same bits: on .NET 9 and later by the library's lane-wise exponential
    /// (the tail in a zero-padded vector); elsewhere by <see cref="ChunkedExp{T}"/>.
    /// </summary>
    public static void Exp<T>(ReadOnlySpan<T> x, Span<T> destination)
        where T : struct, IFloatingPointIeee754<T>
    {
#if NET9_0_OR_GREATER
        if (TryLaneWise<T, ExpOperation>(x, destination))
        {
            return;
        }
#endif
        ChunkedExp(x, destination);
    }

    /// <summary>
    /// ln x element-wise, position-independent as <see cref="Exp{T}(ReadOnlySpan{T}, Span{T})"/>: on .NET 9 and later by
    /// the library's lane-wise logarithm, elsewhere by <see cref="ChunkedLog{T}"/>.
    /// </summary>
    public static void Log<T>(ReadOnlySpan<T> x, Span<T> destination)
        where T : struct, IFloatingPointIeee754<T>
    {
#if NET9_0_OR_GREATER
        if (TryLaneWise<T, LogOperation>(x, destination))
        {
            return;
        }
#endif
        ChunkedLog(x, destination);
    }

    /// <summary>
    /// <see cref="Exp{T}(ReadOnlySpan{T}, Span{T})"/> where the lane-wise functions do not run (the net8.0 build, or
    /// vectors not accelerated): <c>TensorPrimitives.Exp</c> in double over chunks (<see cref="InDoubleChunks"/>), a float
    /// result rounded once from it; arguments beyond ±708, ±0 and NaN by <see cref="Math.Exp"/>.
    /// </summary>
    internal static void ChunkedExp<T>(ReadOnlySpan<T> x, Span<T> destination)
        where T : struct, IFloatingPointIeee754<T>
        => InDoubleChunks(x, destination, exponential: true);

    /// <summary>
    /// <see cref="Log{T}(ReadOnlySpan{T}, Span{T})"/> where the lane-wise functions do not run: <c>TensorPrimitives.Log</c>
    /// in double over chunks (<see cref="InDoubleChunks"/>), a float result rounded once from it; arguments that are not
    /// positive normal finite numbers by <see cref="Math.Log(double)"/>.
    /// </summary>
    internal static void ChunkedLog<T>(ReadOnlySpan<T> x, Span<T> destination)
        where T : struct, IFloatingPointIeee754<T>
        => InDoubleChunks(x, destination, exponential: false);

    /// <summary>The doubles in one chunk of <see cref="InDoubleChunks"/>: whole 512-bit vectors.</summary>
    private const int ChunkDoubles = 256;

    /// <summary>
    /// eˣ or ln x element-wise by <c>TensorPrimitives</c> in double, run so that each element's result depends on its
    /// value alone. TensorPrimitives does not promise that, and on its own it does not give it:
    /// <list type="bullet">
    /// <item>a span of fewer than four floats (two doubles) goes through scalar code with other bits than its vector code;</item>
    /// <item>a double vector holding one exponential's argument beyond ±708 takes every lane through the scalar code (the
    /// logarithm's zeros, negatives, subnormals, infinities and NaN are set apart likewise);</item>
    /// <item>its float exponential gives e⁰ as 1 + 2⁻²³ and many results a unit or two from the float nearest.</item>
    /// </list>
    /// So the arguments go, in chunks of <see cref="ChunkDoubles"/>, into a 64-byte-aligned buffer of doubles (the last
    /// chunk padded). The arguments the vector code does not take alike are replaced there by an ordinary one (1 for
    /// eˣ, 2 for ln x), and their results are taken from <see cref="Math"/> afterwards. A float result is the double
    /// result rounded once: the float nearest eˣ or ln x but in rare arguments. <paramref name="destination"/> may alias
    /// <paramref name="x"/>: each chunk is read before it is written.
    /// </summary>
    private static void InDoubleChunks<T>(ReadOnlySpan<T> x, Span<T> destination, bool exponential)
        where T : struct, IFloatingPointIeee754<T>
    {
        if (x.Length != destination.Length)
        {
            throw new ArgumentException("The destination's length is not the source's.", nameof(destination));
        }

        Span<byte> bytes = stackalloc byte[(2 * ChunkDoubles * sizeof(double)) + 64];
        nint address = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetReference(bytes));
        int skip = (int)((64 - (address & 63)) & 63);
        Span<double> input = MemoryMarshal.Cast<byte, double>(bytes.Slice(skip, ChunkDoubles * sizeof(double)));
        Span<double> output = MemoryMarshal.Cast<byte, double>(bytes.Slice(skip + (ChunkDoubles * sizeof(double)), ChunkDoubles * sizeof(double)));
        double ordinary = exponential ? 1.0 : 2.0;
        for (int start = 0; start < x.Length; start += ChunkDoubles)
        {
            int count = Math.Min(ChunkDoubles, x.Length - start);
            ReadOnlySpan<T> arguments = x.Slice(start, count);
            ElementTerms.Widen(arguments, input);
            input[count..].Fill(ordinary);
            bool special = SetApart(input, exponential, ordinary);
            if (exponential)
            {
                TensorPrimitives.Exp<double>(input, output);
            }
            else
            {
                TensorPrimitives.Log<double>(input, output);
            }

            if (special)
            {
                for (int i = 0; i < count; i++)
                {
                    // Set apart where SetApart replaced the argument: its bits differ from the argument's.
                    double value = double.CreateTruncating(arguments[i]);
                    if (BitConverter.DoubleToInt64Bits(input[i]) != BitConverter.DoubleToInt64Bits(value))
                    {
                        output[i] = exponential ? Math.Exp(value) : Math.Log(value);
                    }
                }
            }

            ElementTerms.Round<T>(output[..count], destination.Slice(start, count));
        }
    }

    /// <summary>The smallest positive normal double, 2⁻¹⁰²².</summary>
    private const double SmallestNormal = 2.2250738585072014E-308;

    /// <summary>
    /// Replaces by <paramref name="ordinary"/> every argument in <paramref name="input"/> (whole vectors of doubles) that
    /// TensorPrimitives' vector code does not take as it takes every ordinary one, or whose result is fixed exactly:
    /// for eˣ all but 0 &lt; |x| ≤ 708, for ln x all but positive normal finite x other than 1 (e⁰ = 1 and ln 1 = 0
    /// are then taken from <see cref="Math"/>, exactly); returns whether there was one.
    /// </summary>
    private static bool SetApart(Span<double> input, bool exponential, double ordinary)
    {
        Span<Vector<double>> vectors = MemoryMarshal.Cast<double, Vector<double>>(input);
        var replacement = new Vector<double>(ordinary);
        Vector<long> any = Vector<long>.Zero;
        for (int i = 0; i < vectors.Length; i++)
        {
            Vector<double> v = vectors[i];
            Vector<long> alike = exponential
                ? Vector.LessThanOrEqual(Vector.Abs(v), new Vector<double>(708.0)) & ~Vector.Equals(v, Vector<double>.Zero)
                : Vector.GreaterThanOrEqual(v, new Vector<double>(SmallestNormal))
                    & Vector.LessThanOrEqual(v, new Vector<double>(double.MaxValue))
                    & ~Vector.Equals(v, Vector<double>.One);
            any |= ~alike;
            vectors[i] = Vector.ConditionalSelect(alike, v, replacement);
        }

        return !Vector.EqualsAll(any, Vector<long>.Zero);
    }

    /// <summary>
    /// e^-|x| element-wise in one pass, the bits of <see cref="Exp{T}(ReadOnlySpan{T}, Span{T})"/> of the negated
    /// magnitudes; <paramref name="destination"/> may alias <paramref name="x"/>.
    /// </summary>
    public static void ExpOfMinusAbs<T>(ReadOnlySpan<T> x, Span<T> destination)
        where T : struct, IFloatingPointIeee754<T>
    {
#if NET9_0_OR_GREATER
        if (TryLaneWise<T, ExpOfMinusAbsOperation>(x, destination))
        {
            return;
        }
#endif
        TensorPrimitives.Abs(x, destination);
        TensorPrimitives.Negate(destination, destination);
        Exp(destination, destination);
    }

#if NET9_0_OR_GREATER
    /// <summary>
    /// Whether the float logistic kernels evaluate e^-|x| and ln(1 + e) in double here (<see cref="ExpOfMinusAbs512"/>
    /// or <see cref="ExpOfMinusAbsWidened"/>, then <see cref="VectorLogarithm.LogOnePlusForFloat(Vector{double})"/>):
    /// float vectors with the table exponential.
    /// </summary>
    public static readonly bool WidensSoftplus = TableExponential.IsSupported && Vector<float>.Count == 2 * Vector<double>.Count;

    /// <summary>
    /// e = e^-|x| for a float vector x, in double, lanes 0 to 3 in <paramref name="low"/> and the rest in
    /// <paramref name="high"/>: the values <see cref="ExpOfMinusAbs{T}(ReadOnlySpan{T}, Span{T})"/> rounds to float.
    /// Only where <see cref="WidensSoftplus"/> and 256-bit vectors run (with 512-bit ones, <see cref="ExpOfMinusAbs512"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ExpOfMinusAbsWidened(Vector<float> x, out Vector<double> low, out Vector<double> high)
        => ExpWidenedInRange(ClampForFloat(-Vector.Abs(x)), out low, out high);
#endif

    /// <summary>
    /// ln(1 + x) element-wise in one pass, with 1 + x rounded to <typeparamref name="T"/> first: the bits of
    /// <see cref="Log{T}(ReadOnlySpan{T}, Span{T})"/> of the rounded sums; <paramref name="destination"/> may alias <paramref name="x"/>.
    /// </summary>
    public static void LogOfOnePlus<T>(ReadOnlySpan<T> x, Span<T> destination)
        where T : struct, IFloatingPointIeee754<T>
    {
#if NET9_0_OR_GREATER
        if (TryLaneWise<T, LogOfOnePlusOperation>(x, destination))
        {
            return;
        }
#endif
        TensorPrimitives.Add(x, T.One, destination);
        Log(destination, destination);
    }

#if NET9_0_OR_GREATER
    /// <summary>
    /// <typeparamref name="TOperation"/> lane-wise over the span where the machine has vectors of <typeparamref name="T"/>
    /// and T is float or double; false (nothing written) otherwise, for the caller's portable path.
    /// </summary>
    private static bool TryLaneWise<T, TOperation>(ReadOnlySpan<T> x, Span<T> destination)
        where T : struct
        where TOperation : struct, ILaneOperation
    {
        if (Lanes<T>() == 0 || (typeof(T) != typeof(float) && typeof(T) != typeof(double)))
        {
            return false;
        }

        LaneWise<T, TOperation>(x, destination);
        return true;
    }

    // Not inlined: in a caller's code the JIT's inlining budget runs out and the operation's own helpers (the logarithm's
    // lanes, the exponential's tables) become calls in the loop; on its own the whole operation is inlined.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void LaneWise<T, TOperation>(ReadOnlySpan<T> x, Span<T> destination)
        where T : struct
        where TOperation : struct, ILaneOperation
    {
        ReadOnlySpan<Vector<T>> source = MemoryMarshal.Cast<T, Vector<T>>(x);
        Span<Vector<T>> target = MemoryMarshal.Cast<T, Vector<T>>(destination);
        int i = 0;
        if (typeof(T) == typeof(double) && Wide512)
        {
            // Two vectors of four doubles as one of eight, each lane the bits of the four-lane operation.
            i = 2 * LaneWiseByEights<TOperation>(MemoryMarshal.Cast<T, double>(x), MemoryMarshal.Cast<T, double>(destination));
        }

        for (; i < source.Length; i++)
        {
            target[i] = TOperation.Apply(source[i]);
        }

        int done = source.Length * Vector<T>.Count;
        if (done < x.Length)
        {
            // Padded with 1, an ordinary lane for every operation here (0 would take the logarithm's special-lane path).
            Vector<T> padded = Vector<T>.One;
            x[done..].CopyTo(Lanes(ref padded));
            padded = TOperation.Apply(padded);
            Lanes(ref padded)[..(x.Length - done)].CopyTo(destination[done..]);
        }
    }

    /// <summary>
    /// <c>lossesᵢ -= yᵢ·ln pᵢ</c> in double, nothing where yᵢ = 0 (as <see cref="TimesOrZero{T}(Vector{T}, Vector{T})"/>),
    /// with ln evaluated lane-wise as <see cref="Log{T}(ReadOnlySpan{T}, Span{T})"/> does it (the last, partial vector
    /// padded) but, for float, not rounded to float: y and ln p are both taken in double. The logarithm is skipped
    /// for a vector whose labels are all 0, which with one-hot labels is nearly every vector: it would add nothing.
    /// </summary>
    public static void SubtractLabelledLog<T>(Span<double> losses, ReadOnlySpan<T> labels, ReadOnlySpan<T> probabilities)
        where T : struct, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float) && Vector512.IsHardwareAccelerated && TableExponential.IsSupported)
        {
            // Sixteen floats at a time where 512-bit vectors run: the same operations lane by lane (the logarithm gives
            // the same bits in either width), so the same bits.
            int wide = SubtractLabelledLog512(
                losses, MemoryMarshal.Cast<T, float>(labels), MemoryMarshal.Cast<T, float>(probabilities));
            losses = losses[wide..];
            labels = labels[wide..];
            probabilities = probabilities[wide..];
        }

        ReadOnlySpan<Vector<T>> y = MemoryMarshal.Cast<T, Vector<T>>(labels);
        ReadOnlySpan<Vector<T>> p = MemoryMarshal.Cast<T, Vector<T>>(probabilities);
        Span<Vector<double>> l = MemoryMarshal.Cast<double, Vector<double>>(losses[..(y.Length * Vector<T>.Count)]);
        for (int i = 0; i < y.Length; i++)
        {
            if (!Vector.EqualsAll(y[i], Vector<T>.Zero))
            {
                SubtractLabelledLog(ref l[i * (Vector<T>.Count / Vector<double>.Count)], y[i], p[i]);
            }
        }

        int done = y.Length * Vector<T>.Count;
        if (done < losses.Length && labels[done..].ContainsAnyExcept(T.Zero))
        {
            // The padding lanes hold p = 1 (ln 1 = 0, label 0), an ordinary lane of the logarithm; a zero there would
            // send the vector through the logarithm's special-lane path on every call.
            Vector<T> paddedLabels = Vector<T>.Zero;
            Vector<T> paddedProbabilities = Vector<T>.One;
            Span<Vector<double>> paddedLosses = stackalloc Vector<double>[Vector<T>.Count / Vector<double>.Count];
            Span<double> lanes = MemoryMarshal.Cast<Vector<double>, double>(paddedLosses);
            labels[done..].CopyTo(Lanes(ref paddedLabels));
            probabilities[done..].CopyTo(Lanes(ref paddedProbabilities));
            lanes.Clear();
            losses[done..].CopyTo(lanes);
            SubtractLabelledLog(ref paddedLosses[0], paddedLabels, paddedProbabilities);
            lanes[..(losses.Length - done)].CopyTo(losses[done..]);
        }
    }

    /// <summary>
    /// The whole 512-bit vectors of <see cref="SubtractLabelledLog{T}(Span{double}, ReadOnlySpan{T}, ReadOnlySpan{T})"/>
    /// for float, skipping those whose labels are all 0; returns how many elements they hold.
    /// </summary>
    private static int SubtractLabelledLog512(Span<double> losses, ReadOnlySpan<float> labels, ReadOnlySpan<float> probabilities)
    {
        ReadOnlySpan<Vector512<float>> y = MemoryMarshal.Cast<float, Vector512<float>>(labels);
        ReadOnlySpan<Vector512<float>> p = MemoryMarshal.Cast<float, Vector512<float>>(probabilities);
        Span<Vector512<double>> l = MemoryMarshal.Cast<double, Vector512<double>>(losses[..(y.Length * Vector512<float>.Count)]);
        for (int i = 0; i < y.Length; i++)
        {
            if (Vector512.EqualsAll(y[i], Vector512<float>.Zero))
            {
                continue;
            }

            (Vector512<double> yLow, Vector512<double> yHigh) = Vector512.Widen(y[i]);
            (Vector512<double> pLow, Vector512<double> pHigh) = Vector512.Widen(p[i]);
            l[2 * i] -= TimesOrZero(yLow, VectorLogarithm.LogForFloat(pLow));
            l[(2 * i) + 1] -= TimesOrZero(yHigh, VectorLogarithm.LogForFloat(pHigh));
        }

        return y.Length * Vector512<float>.Count;
    }

    /// <summary><see cref="TimesOrZero{T}(Vector{T}, Vector{T})"/> for a 512-bit vector.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<T> TimesOrZero<T>(Vector512<T> a, Vector512<T> b)
        where T : struct, IFloatingPointIeee754<T>
        => Vector512.ConditionalSelect(Vector512.Equals(a, Vector512<T>.Zero), Vector512<T>.Zero, a * b);

    /// <summary>One vector of <see cref="SubtractLabelledLog{T}(Span{double}, ReadOnlySpan{T}, ReadOnlySpan{T})"/>, its losses from <paramref name="losses"/> on.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SubtractLabelledLog<T>(ref Vector<double> losses, Vector<T> y, Vector<T> p)
        where T : struct
    {
        if (typeof(T) == typeof(double))
        {
            losses -= TimesOrZero(y.As<T, double>(), VectorLogarithm.Log(p.As<T, double>()));
            return;
        }

        Vector.Widen(y.As<T, float>(), out Vector<double> yLow, out Vector<double> yHigh);
        LogWidened(p.As<T, float>(), out Vector<double> logLow, out Vector<double> logHigh);
        losses -= TimesOrZero(yLow, logLow);
        Unsafe.Add(ref losses, 1) -= TimesOrZero(yHigh, logHigh);
    }

    private static Span<T> Lanes<T>(ref Vector<T> vector)
        where T : struct
        => MemoryMarshal.CreateSpan(ref Unsafe.As<Vector<T>, T>(ref vector), Vector<T>.Count);

    /// <summary>
    /// eˣ lane by lane, each lane's result independent of the other lanes. The runtime's vector exp
    /// evaluates every lane with scalar code as soon as one lane is beyond about ±709 or NaN, which moves
    /// the last bit of the ordinary lanes; here such lanes take <see cref="Math.Exp(double)"/> alone
    /// while the others keep the vector algorithm.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<double> Exp(Vector<double> x)
    {
        Vector<long> near = Vector.LessThanOrEqual(Vector.Abs(x), new Vector<double>(FarExponent));
        return Vector.EqualsAll(near, new Vector<long>(-1L)) ? NearExp(x) : ExpWithFarLanes(x, near);
    }

    /// <summary>
    /// eˣ lane-wise for lanes with |x| ≤ <see cref="FarExponent"/>: <see cref="TableExponential"/> where the
    /// machine runs it, else the runtime's vector exp (both on their vector path for such lanes).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<double> NearExp(Vector<double> x)
        => TableExponential.IsSupported ? TableExponential.Exp(x) : Vector.Exp(x);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Vector<double> ExpWithFarLanes(Vector<double> x, Vector<long> near)
    {
        Vector<double> result = NearExp(Vector.ConditionalSelect(near, x, Vector<double>.Zero));
        return WithScalarLanes(result, x, near, &Math.Exp);
    }

    /// <summary>
    /// <paramref name="result"/> with every lane that <paramref name="vectorLanes"/> leaves out (0 there) replaced by
    /// <paramref name="scalar"/> of that lane of <paramref name="x"/>: the scalar fallback of a lane-wise function,
    /// which touches no other lane.
    /// </summary>
    internal static Vector<double> WithScalarLanes(Vector<double> result, Vector<double> x, Vector<long> vectorLanes, delegate*<double, double> scalar)
    {
        Span<double> lanes = Lanes(ref result);
        for (int i = 0; i < lanes.Length; i++)
        {
            if (vectorLanes[i] == 0)
            {
                lanes[i] = scalar(x[i]);
            }
        }

        return result;
    }

    /// <summary>
    /// Arguments up to this magnitude take the vector algorithm (below the table's 708 and the runtime's 709); float
    /// arguments are clamped to it, since e^±700 ≈ 1e±304 rounds to float +∞ or 0 as eˣ beyond it does.
    /// </summary>
    private const float FarExponent = 700f;

    /// <summary>
    /// Float exp evaluated in double and rounded once: the runtime's float vector exp and log are off by a
    /// unit in the last place at times (exp(0) = 1.0000001), which would break exact limits such as a loss
    /// of 0 for a certain prediction; evaluated in double, the result is the float nearest eˣ but in about one
    /// argument in ten million (<see cref="TableExponential.ExpForFloat(Vector{double})"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> ExpInDouble(Vector<float> x)
    {
        if (Wide512)
        {
            return Avx512F.ConvertToVector256Single(ExpForFloat512(x)).AsVector();
        }

        ExpWidened(x, out Vector<double> low, out Vector<double> high);
        return Vector.Narrow(low, high);
    }

    /// <summary>
    /// eˣ of a float vector in double, its lower and upper halves, for results that are rounded to float or summed in
    /// double: where the table exponential runs, the arguments clamped to ±<see cref="FarExponent"/> and
    /// <see cref="TableExponential.ExpForFloat(Vector{double})"/>; elsewhere lane by lane as <see cref="Exp(Vector{double})"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ExpWidened(Vector<float> x, out Vector<double> low, out Vector<double> high)
    {
        if (TableExponential.IsSupported)
        {
            ExpWidenedInRange(ClampForFloat(x), out low, out high);
            return;
        }

        Vector.Widen(x, out low, out high);
        low = Exp(low);
        high = Exp(high);
    }

    /// <summary><see cref="ExpWidened"/> where the table exponential runs, for arguments already within ±<see cref="FarExponent"/> (or NaN).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ExpWidenedInRange(Vector<float> x, out Vector<double> low, out Vector<double> high)
    {
        Vector.Widen(x, out low, out high);
        low = TableExponential.ExpForFloat(low);
        high = TableExponential.ExpForFloat(high);
    }

    /// <summary>The eight lanes of <see cref="ExpWidened"/> in one 512-bit vector: the same operations lane by lane, so the same bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> ExpForFloat512(Vector<float> x)
        => ExpInRange512(ClampForFloat(x));

    /// <summary>e^-|x| in double for eight floats where <see cref="Wide512"/>: |x| clamped to <see cref="FarExponent"/>, NaN kept.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<double> ExpOfMinusAbs512(Vector<float> x)
        => ExpInRange512(ClampForFloat(-Vector.Abs(x)));

    /// <summary><see cref="ExpForFloat512"/> for arguments already within ±<see cref="FarExponent"/> (or NaN).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> ExpInRange512(Vector<float> x)
        => TableExponential.ExpForFloat(Avx512F.ConvertToVector512Double(x.AsVector256()));

    /// <summary>
    /// x clamped to ±<see cref="FarExponent"/>, NaN kept: on x86, the only place this runs (for the table exponential),
    /// the native minimum and maximum return their second operand when either is NaN, and x is the second.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> ClampForFloat(Vector<float> x)
    {
        var bound = new Vector<float>(FarExponent);
        return Vector.MinNative(bound, Vector.MaxNative(-bound, x));
    }

    /// <summary>
    /// e^s for shifted float logits s = x - m ≤ 0 (or NaN), as <see cref="ExpWidened"/>, with the lanes at the row
    /// maximum (<paramref name="atMax"/>, where x = m: whatever x - m gave there, ∞ - ∞ included) exactly 1; every
    /// lane's exponential in double is added to
    /// <paramref name="tail"/> (the first of two consecutive vectors, the lower and the upper half), but a maximum's
    /// argument is replaced by -700 first, as an argument below -700 is, so it adds e^-700 ≈ 1e-304 instead of 1 (the
    /// caller counts the maxima apart, and 1e-304 is far below anything a float result can show). Returns the
    /// exponentials rounded once.
    /// </summary>
    /// <remarks>
    /// <paramref name="constants"/> are the table exponential's (<see cref="TableExponential.FloatConstants.Create"/>),
    /// created by the caller's loop before it starts, so that they stay in registers.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> ExpAddedBelowMaxima(
        Vector<float> shifted, Vector<int> atMax, ref Vector<double> tail, in TableExponential.FloatConstants constants)
    {
        // s ≤ 0, so clamping from below is all the table exponential needs. The native maximum returns its second
        // operand when either is NaN, so a NaN s stays NaN.
        var floor = new Vector<float>(-FarExponent);
        if (Wide512)
        {
            // The two halves at once in 512-bit vectors: the same operations lane by lane, so the same bits. A maximum's
            // e^-700 is put in after the exponential (BelowMaxima512), so the comparison stays off the exponential's path.
            Vector512<double> exponentials = ExpInRange512(Vector.MaxNative(floor, shifted));
            Unsafe.As<Vector<double>, Vector512<double>>(ref tail) += BelowMaxima512(atMax.AsVector256(), exponentials);
            return Vector.ConditionalSelect(atMax, Vector<float>.One, Avx512F.ConvertToVector256Single(exponentials).AsVector());
        }

        Vector<double> low;
        Vector<double> high;
        if (TableExponential.IsSupported)
        {
            ExpBelowMaximaWidened(shifted, atMax, constants, out low, out high);
        }
        else
        {
            ExpWidened(ArgumentBelowMaxima(shifted, atMax), out low, out high);
        }

        tail += low;
        Unsafe.Add(ref tail, 1) += high;
        return Vector.ConditionalSelect(atMax, Vector<float>.One, Vector.Narrow(low, high));
    }

    /// <summary>
    /// The exponentials of <see cref="ExpAddedBelowMaxima"/> where 512-bit vectors do not run and the table exponential
    /// does: exp(max(-700, s)) in double, -700 for a lane at its maximum (<paramref name="atMax"/>), the lower four lanes'
    /// in <paramref name="low"/> and the upper four's in <paramref name="high"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void ExpBelowMaximaWidened(
        Vector<float> shifted, Vector<int> atMax, in TableExponential.FloatConstants constants, out Vector<double> low, out Vector<double> high)
    {
        Vector.Widen(ArgumentBelowMaxima(shifted, atMax), out low, out high);
        low = TableExponential.ExpForFloat(low, constants);
        high = TableExponential.ExpForFloat(high, constants);
    }

    /// <summary>
    /// The exponential's argument for shifted float logits <paramref name="shifted"/>: max(-700, s), and -700 for a lane
    /// at its maximum (<paramref name="atMax"/>). The native maximum returns its second operand when either is NaN, so a
    /// NaN s stays NaN.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> ArgumentBelowMaxima(Vector<float> shifted, Vector<int> atMax)
    {
        var floor = new Vector<float>(-FarExponent);
        return Vector.ConditionalSelect(atMax, floor, Vector.MaxNative(floor, shifted));
    }

#if NET9_0_OR_GREATER
    /// <summary>
    /// <see cref="ExpAddedBelowMaxima"/> for sixteen rows (where <see cref="Wide512"/>), from the logits
    /// <paramref name="x"/> and the row maxima <paramref name="max"/>: each lane at its maximum counted in
    /// <paramref name="maxima"/> and adding e^-700 to the tail, every other lane adding exp(x - m), the low eight rows'
    /// to <paramref name="tailLow"/> and the high eight's to <paramref name="tailHigh"/>. The same operations lane by lane
    /// as <see cref="ExpAddedBelowMaxima"/> after the fused loop's difference and comparison, so the same bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void AddBelowMaxima512(
        Vector512<float> x, Vector512<float> max, ref Vector512<int> maxima, ref Vector512<double> tailLow, ref Vector512<double> tailHigh)
    {
        Vector512<float> atMax = Vector512.Equals(x, max);
        maxima -= atMax.AsInt32();
        AddExpBelowMaxima512(x - max, atMax, ref tailLow, ref tailHigh, out _, out _);
    }

    /// <summary>
    /// The exponentials of sixteen rows from their differences x - m and the lanes <paramref name="atMax"/> where x = m,
    /// as <see cref="ExpAddedBelowMaxima"/> takes them where <see cref="Wide512"/>: e = exp(max(-700, x - m)) in double,
    /// the low eight rows' in <paramref name="low"/> and the high eight's in <paramref name="high"/>, each added to its
    /// tail but e^-700 where a lane is at its maximum. The same operations lane by lane, so the same bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void AddExpBelowMaxima512(
        Vector512<float> difference,
        Vector512<float> atMax,
        ref Vector512<double> tailLow,
        ref Vector512<double> tailHigh,
        out Vector512<double> low,
        out Vector512<double> high)
    {
        Vector512<float> argument = Vector512.MaxNative(Vector512.Create(-FarExponent), difference);
        low = TableExponential.ExpForFloat(Avx512F.ConvertToVector512Double(argument.GetLower()));
        high = TableExponential.ExpForFloat(Avx512F.ConvertToVector512Double(argument.GetUpper()));
        tailLow += BelowMaxima512(atMax.GetLower().AsInt32(), low);
        tailHigh += BelowMaxima512(atMax.GetUpper().AsInt32(), high);
    }

    /// <summary>
    /// <see cref="AddBelowFiniteMaxima512"/> where <paramref name="finiteMaxima"/> says every row's maximum is finite or
    /// NaN, else <see cref="AddBelowMaxima512"/>: the same bits either way. Inlined with a constant
    /// <paramref name="finiteMaxima"/>, each caller's loop keeps only its own step.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void AddBelowMaxima512With(
        bool finiteMaxima, Vector512<float> x, Vector512<float> max, ref Vector512<int> maxima, ref Vector512<double> tailLow, ref Vector512<double> tailHigh)
    {
        if (finiteMaxima)
        {
            AddBelowFiniteMaxima512(x, max, ref maxima, ref tailLow, ref tailHigh);
        }
        else
        {
            AddBelowMaxima512(x, max, ref maxima, ref tailLow, ref tailHigh);
        }
    }

    /// <summary>
    /// <see cref="AddBelowMaxima512"/> for rows whose maxima are finite or NaN (not ±∞; the kernels give a row of only -∞
    /// the maximum NaN): the same bits there, with a maximum found from the widened argument instead of the widened
    /// comparison. For such a maximum m, x - m is ±0 exactly where x = m (a NaN gives NaN, -∞ is clamped to -700), so
    /// the argument in double is 0 there and only there; the select reads the comparison of each double half directly,
    /// with no widening of the float one.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void AddBelowFiniteMaxima512(
        Vector512<float> x, Vector512<float> max, ref Vector512<int> maxima, ref Vector512<double> tailLow, ref Vector512<double> tailHigh)
    {
        maxima -= Vector512.Equals(x, max).AsInt32();
        Vector512<float> argument = Vector512.MaxNative(Vector512.Create(-FarExponent), x - max);
        Vector512<double> low = Avx512F.ConvertToVector512Double(argument.GetLower());
        Vector512<double> high = Avx512F.ConvertToVector512Double(argument.GetUpper());
        tailLow += Vector512.ConditionalSelect(Vector512.Equals(low, Vector512<double>.Zero), FarBelowMaximum512, TableExponential.ExpForFloat(low));
        tailHigh += Vector512.ConditionalSelect(Vector512.Equals(high, Vector512<double>.Zero), FarBelowMaximum512, TableExponential.ExpForFloat(high));
    }

    /// <summary>
    /// e^-700 where <paramref name="atMax"/> marks a maximum, the <paramref name="exponentials"/> elsewhere: what the
    /// exponential of an argument replaced by -700 gives (<see cref="ExpAddedBelowMaxima"/>), the same bits, put in after
    /// the exponential, so that the comparison is not on its path (about a tenth less time for the class-index loss at
    /// 256x10 and 256x1000, see the benchmarks' HISTORY.md).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> BelowMaxima512(Vector256<int> atMax, Vector512<double> exponentials)
        => Vector512.ConditionalSelect(Avx512F.ConvertToVector512Int64(atMax).AsDouble(), FarBelowMaximum512, exponentials);

    /// <summary>e^-700 in double as the table exponential gives it for a float argument of -700 (<see cref="BelowMaxima512"/>).</summary>
    private static readonly Vector512<double> FarBelowMaximum512 =
        TableExponential.IsSupported512 ? TableExponential.ExpForFloat(Vector512.Create((double)-FarExponent)) : default;

    /// <summary>
    /// <see cref="AddBelowMaxima512"/> for eight rows, the tail one 512-bit double vector: the fused loop's own step,
    /// <see cref="ExpAddedBelowMaxima"/> (its rounded exponentials unused).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void AddBelowMaxima256(Vector256<float> x, Vector256<float> max, ref Vector256<int> maxima, ref Vector512<double> tail)
    {
        Vector256<float> atMax = Vector256.Equals(x, max);
        maxima -= atMax.AsInt32();
        ExpAddedBelowMaxima(
            (x - max).AsVector(), atMax.AsInt32().AsVector(), ref Unsafe.As<Vector512<double>, Vector<double>>(ref tail), TableExponential.FloatConstants.Create());
    }

    /// <summary>
    /// The double fused loop's step without labels or a store, for eight rows (where <see cref="Wide512"/>), from the
    /// logits <paramref name="x"/> and the row maxima <paramref name="max"/>: e = exp(shift(x, m)) by
    /// <see cref="Exp(Vector{double})"/>, then <see cref="AddApartFromOnes"/>. Where every lane's argument is within
    /// ±<see cref="FarExponent"/>, the table exponential takes all eight lanes at once (its eight-lane form gives each lane
    /// the bits of its four-lane one); otherwise each half goes through <see cref="Exp(Vector{double})"/>. So the same bits
    /// as the four-lane step, lane by lane.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void AddExpApartFromOnes512(Vector512<double> x, Vector512<double> max, ref Vector512<double> tail, ref Vector512<double> ones)
        => ExpApartFromOnes512(Shift(x, max), ref tail, ref ones);

    /// <summary>
    /// <see cref="Exp(Vector{double})"/> for eight lanes, where <see cref="Wide512"/>: the table exponential's eight-lane
    /// form where every lane is within ±<see cref="FarExponent"/>, else each half by the four-lane form; each lane the
    /// bits of the four-lane form.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<double> Exp(Vector512<double> x)
        => Vector512.LessThanOrEqualAll(Vector512.Abs(x), Vector512.Create((double)FarExponent))
            ? TableExponential.Exp(x)
            : Vector512.Create(Exp(x.GetLower().AsVector()).AsVector256(), Exp(x.GetUpper().AsVector()).AsVector256());

    /// <summary>
    /// e = exp(s) (<see cref="Exp(Vector512{double})"/>) for eight double rows' shifted logits <paramref name="shifted"/>
    /// (where <see cref="Wide512"/>), added as <see cref="AddApartFromOnes"/> adds them, and returned: each lane the bits
    /// of the four-lane step.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<double> ExpApartFromOnes512(Vector512<double> shifted, ref Vector512<double> tail, ref Vector512<double> ones)
    {
        Vector512<double> value = Exp(shifted);
        Vector512<double> isOne = Vector512.Equals(value, Vector512<double>.One);
        tail += Vector512.ConditionalSelect(isOne, Vector512<double>.Zero, value);
        ones += Vector512.ConditionalSelect(isOne, Vector512<double>.One, Vector512<double>.Zero);
        return value;
    }
#endif

    /// <summary>Whether a float <see cref="Vector{T}"/> widens into one 512-bit double vector that the machine runs.</summary>
    /// <remarks>A static readonly field, so that a branch on it is decided as a method is compiled (see <see cref="TableExponential.IsSupported"/>).</remarks>
    internal static readonly bool Wide512 = TableExponential.IsSupported512 && Vector<float>.Count == Vector256<float>.Count;

    /// <summary>
    /// Float ln evaluated in double and rounded once, as <see cref="ExpInDouble"/>: by <see cref="VectorLogarithm.LogForFloat(Vector{double})"/>
    /// where AVX2 and FMA run (the float nearest ln x but in rare arguments), else by the double logarithm.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> LogInDouble(Vector<float> x)
    {
        if (Wide512)
        {
            // All eight lanes in one 512-bit vector: the same operations lane by lane, so the same bits.
            return Avx512F.ConvertToVector256Single(VectorLogarithm.LogForFloat(Avx512F.ConvertToVector512Double(x.AsVector256()))).AsVector();
        }

        LogWidened(x, out Vector<double> low, out Vector<double> high);
        return Vector.Narrow(low, high);
    }

    /// <summary>
    /// The double values <see cref="LogInDouble"/> rounds to float, lanes 0 to 3 in <paramref name="low"/> and the rest in
    /// <paramref name="high"/> (the 512-bit evaluation, where it runs, gives each lane the same bits).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void LogWidened(Vector<float> x, out Vector<double> low, out Vector<double> high)
    {
        Vector.Widen(x, out low, out high);
        if (TableExponential.IsSupported)
        {
            low = VectorLogarithm.LogForFloat(low);
            high = VectorLogarithm.LogForFloat(high);
            return;
        }

        low = VectorLogarithm.Log(low);
        high = VectorLogarithm.Log(high);
    }

    /// <summary>
    /// <typeparamref name="TOperation"/> over the whole vectors of eight doubles of <paramref name="x"/>, eight lanes at
    /// once (where <see cref="Wide512"/>); returns how many. Not inlined, as <see cref="LaneWise"/>: inlined into it, the
    /// operation's helpers became calls.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int LaneWiseByEights<TOperation>(ReadOnlySpan<double> x, Span<double> destination)
        where TOperation : struct, ILaneOperation
    {
        ReadOnlySpan<Vector512<double>> source = MemoryMarshal.Cast<double, Vector512<double>>(x);
        Span<Vector512<double>> target = MemoryMarshal.Cast<double, Vector512<double>>(destination);
        for (int i = 0; i < source.Length; i++)
        {
            target[i] = TOperation.ApplyToEight(source[i]);
        }

        return source.Length;
    }

    private interface ILaneOperation
    {
        static abstract Vector<T> Apply<T>(Vector<T> x)
            where T : struct;

        /// <summary>The operation on eight doubles at once (only where <see cref="Wide512"/>), each lane the bits of <see cref="Apply"/>'s.</summary>
        static abstract Vector512<double> ApplyToEight(Vector512<double> x);
    }

    private readonly struct ExpOperation : ILaneOperation
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector<T> Apply<T>(Vector<T> x)
            where T : struct
            => typeof(T) == typeof(float)
                ? ExpInDouble(x.As<T, float>()).As<float, T>()
                : Exp(x.As<T, double>()).As<double, T>();

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<double> ApplyToEight(Vector512<double> x)
            => Exp(x);
    }

    /// <summary>e^-|x|: the magnitude's sign flipped, then <see cref="ExpOperation"/>.</summary>
    private readonly struct ExpOfMinusAbsOperation : ILaneOperation
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector<T> Apply<T>(Vector<T> x)
            where T : struct
            => typeof(T) == typeof(float)
                ? ExpOperation.Apply(-Vector.Abs(x.As<T, float>())).As<float, T>()
                : ExpOperation.Apply(-Vector.Abs(x.As<T, double>())).As<double, T>();

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<double> ApplyToEight(Vector512<double> x)
            => Exp(-Vector512.Abs(x));
    }

    /// <summary>ln(1 + x) with 1 + x rounded to the element type first, then <see cref="LogOperation"/>.</summary>
    private readonly struct LogOfOnePlusOperation : ILaneOperation
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector<T> Apply<T>(Vector<T> x)
            where T : struct
            => typeof(T) == typeof(float)
                ? LogOperation.Apply(Vector<float>.One + x.As<T, float>()).As<float, T>()
                : LogOperation.Apply(Vector<double>.One + x.As<T, double>()).As<double, T>();

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<double> ApplyToEight(Vector512<double> x)
            => VectorLogarithm.Log(Vector512<double>.One + x);
    }

    private readonly struct LogOperation : ILaneOperation
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector<T> Apply<T>(Vector<T> x)
            where T : struct
            => typeof(T) == typeof(float)
                ? LogInDouble(x.As<T, float>()).As<float, T>()
                : VectorLogarithm.Log(x.As<T, double>()).As<double, T>();

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<double> ApplyToEight(Vector512<double> x)
            => VectorLogarithm.Log(x);
    }
#endif

    /// <summary>Each count converted to double (exactly).</summary>
    public static void ConvertToDouble(ReadOnlySpan<int> counts, Span<double> converted)
    {
        int done = 0;
        if (Lanes<int>() != 0 && Lanes<double>() != 0)
        {
            ReadOnlySpan<Vector<int>> c = MemoryMarshal.Cast<int, Vector<int>>(counts);
            Span<Vector<double>> d = MemoryMarshal.Cast<double, Vector<double>>(converted);
            for (int i = 0; i < c.Length && (2 * i) + 1 < d.Length; i++)
            {
                Vector.Widen(c[i], out Vector<long> low, out Vector<long> high);
                d[2 * i] = Vector.ConvertToDouble(low);
                d[(2 * i) + 1] = Vector.ConvertToDouble(high);
                done += Vector<int>.Count;
            }
        }

        for (int i = done; i < counts.Length; i++)
        {
            converted[i] = counts[i];
        }
    }

    /// <summary><c>targetᵢ = fᵢ·(targetᵢ/divisorᵢ)</c> in place, exactly 0 where fᵢ = 0, asking for <paramref name="next"/> meanwhile (<see cref="Prefetch"/>).</summary>
    public static void DivideAndScaleOrZero<T>(Span<T> target, ReadOnlySpan<T> divisor, ReadOnlySpan<T> factors, ReadOnlySpan<T> next = default)
        where T : struct, IFloatingPointIeee754<T>
    {
        Span<Vector<T>> t = Vectors(target);
        ReadOnlySpan<Vector<T>> d = Vectors(divisor);
        ReadOnlySpan<Vector<T>> f = Vectors(factors);
        ref T ahead = ref Prefetch.Ahead(target, next);
        for (int i = 0; i < t.Length; i++)
        {
            Prefetch.Line(ref Unsafe.Add(ref ahead, i * Lanes<T>()));
            t[i] = TimesOrZero(f[i], t[i] / d[i]);
        }

        for (int i = t.Length * Lanes<T>(); i < target.Length; i++)
        {
            target[i] = Elementwise.TimesOrZero(factors[i], target[i] / divisor[i]);
        }
    }

    /// <summary>
    /// <c>targetᵢ = fᵢ·(targetᵢ/divisorᵢ) - fᵢ·value</c> in place (the first product exactly 0 where fᵢ = 0), or
    /// <c>targetᵢ/divisorᵢ - value</c> where <paramref name="factors"/> is empty, asking for <paramref name="next"/>
    /// meanwhile (<see cref="Prefetch"/>).
    /// </summary>
    public static void DivideAndSubtractTimes<T>(Span<T> target, ReadOnlySpan<T> divisor, ReadOnlySpan<T> factors, T value, ReadOnlySpan<T> next = default)
        where T : struct, IFloatingPointIeee754<T>
    {
        Span<Vector<T>> t = Vectors(target);
        ReadOnlySpan<Vector<T>> d = Vectors(divisor);
        ref T ahead = ref Prefetch.Ahead(target, next);
        var v = new Vector<T>(value);
        if (factors.IsEmpty)
        {
            for (int i = 0; i < t.Length; i++)
            {
                Prefetch.Line(ref Unsafe.Add(ref ahead, i * Lanes<T>()));
                t[i] = (t[i] / d[i]) - v;
            }
        }
        else
        {
            ReadOnlySpan<Vector<T>> f = Vectors(factors);
            for (int i = 0; i < t.Length; i++)
            {
                Prefetch.Line(ref Unsafe.Add(ref ahead, i * Lanes<T>()));
                t[i] = TimesOrZero(f[i], t[i] / d[i]) - (f[i] * v);
            }
        }

        for (int i = t.Length * Lanes<T>(); i < target.Length; i++)
        {
            target[i] = factors.IsEmpty
                ? (target[i] / divisor[i]) - value
                : Elementwise.TimesOrZero(factors[i], target[i] / divisor[i]) - (factors[i] * value);
        }
    }

    /// <summary><c>targetᵢ /= divisorᵢ</c> in place, asking for <paramref name="next"/> meanwhile (<see cref="Prefetch"/>).</summary>
    public static void Divide<T>(Span<T> target, ReadOnlySpan<T> divisor, ReadOnlySpan<T> next = default)
        where T : struct, IFloatingPointIeee754<T>
    {
        Span<Vector<T>> t = Vectors(target);
        ReadOnlySpan<Vector<T>> d = Vectors(divisor);
        ref T ahead = ref Prefetch.Ahead(target, next);
        for (int i = 0; i < t.Length; i++)
        {
            Prefetch.Line(ref Unsafe.Add(ref ahead, i * Lanes<T>()));
            t[i] /= d[i];
        }

        for (int i = t.Length * Lanes<T>(); i < target.Length; i++)
        {
            target[i] /= divisor[i];
        }
    }

    /// <summary><c>targetᵢ = factorᵢ·targetᵢ</c> in place, except that a zero factor gives 0 even for an infinite or NaN target.</summary>
    public static void ScaleOrZero<T>(Span<T> target, ReadOnlySpan<T> factors)
        where T : struct, IFloatingPointIeee754<T>
    {
        Span<Vector<T>> t = Vectors(target);
        ReadOnlySpan<Vector<T>> f = Vectors(factors);
        for (int i = 0; i < t.Length; i++)
        {
            t[i] = TimesOrZero(f[i], t[i]);
        }

        for (int i = t.Length * Lanes<T>(); i < target.Length; i++)
        {
            target[i] = Elementwise.TimesOrZero(factors[i], target[i]);
        }
    }

    /// <summary>
    /// <c>targetᵢ -= fᵢ·value</c> in place (the product rounded, then the difference), or <c>targetᵢ -= value</c> where
    /// <paramref name="factors"/> is empty.
    /// </summary>
    public static void SubtractTimes<T>(Span<T> target, ReadOnlySpan<T> factors, T value)
        where T : struct, IFloatingPointIeee754<T>
    {
        Span<Vector<T>> t = Vectors(target);
        var v = new Vector<T>(value);
        if (factors.IsEmpty)
        {
            for (int i = 0; i < t.Length; i++)
            {
                t[i] -= v;
            }
        }
        else
        {
            ReadOnlySpan<Vector<T>> f = Vectors(factors);
            for (int i = 0; i < t.Length; i++)
            {
                t[i] -= f[i] * v;
            }
        }

        for (int i = t.Length * Lanes<T>(); i < target.Length; i++)
        {
            target[i] -= factors.IsEmpty ? value : factors[i] * value;
        }
    }

    /// <summary><c>targetᵢ -= subtrahendᵢ</c> in place, asking for <paramref name="next"/> meanwhile (<see cref="Prefetch"/>).</summary>
    public static void Subtract<T>(Span<T> target, ReadOnlySpan<T> subtrahend, ReadOnlySpan<T> next = default)
        where T : struct, IFloatingPointIeee754<T>
    {
        Span<Vector<T>> t = Vectors(target);
        ReadOnlySpan<Vector<T>> s = Vectors(subtrahend);
        ref T ahead = ref Prefetch.Ahead(target, next);
        for (int i = 0; i < t.Length; i++)
        {
            Prefetch.Line(ref Unsafe.Add(ref ahead, i * Lanes<T>()));
            t[i] -= s[i];
        }

        for (int i = t.Length * Lanes<T>(); i < target.Length; i++)
        {
            target[i] -= subtrahend[i];
        }
    }

    /// <summary>
    /// <c>tailᵢ += valuesᵢ</c> and <c>onesᵢ += 0</c>, except that a value of exactly 1 adds 1 to <c>onesᵢ</c>
    /// instead, both held in double: for exponentials of shifted logits the ones are the row's maxima, so
    /// Σ exp = ones + tail keeps every digit of a tail far below 1 (log S = ln(1 + tail) for one maximum).
    /// </summary>
    public static void AddInDoubleApartFromOnes<T>(Span<double> tail, Span<double> ones, ReadOnlySpan<T> values)
        where T : struct, IFloatingPointIeee754<T>
    {
        int done = 0;
        if (typeof(T) == typeof(double) && Lanes<double>() != 0)
        {
            ReadOnlySpan<Vector<double>> terms = MemoryMarshal.Cast<T, Vector<double>>(values);
            Span<Vector<double>> tails = MemoryMarshal.Cast<double, Vector<double>>(tail);
            Span<Vector<double>> counts = MemoryMarshal.Cast<double, Vector<double>>(ones);
            for (int i = 0; i < terms.Length; i++)
            {
                AddApartFromOnes(ref tails[i], ref counts[i], terms[i]);
            }

            done = terms.Length * Vector<double>.Count;
        }
        else if (typeof(T) == typeof(float) && Lanes<float>() != 0 && Lanes<double>() != 0)
        {
            ReadOnlySpan<Vector<float>> terms = MemoryMarshal.Cast<T, Vector<float>>(values);
            Span<Vector<double>> tails = MemoryMarshal.Cast<double, Vector<double>>(tail);
            Span<Vector<double>> counts = MemoryMarshal.Cast<double, Vector<double>>(ones);
            for (int i = 0; i < terms.Length; i++)
            {
                Vector.Widen(terms[i], out Vector<double> low, out Vector<double> high);
                AddApartFromOnes(ref tails[2 * i], ref counts[2 * i], low);
                AddApartFromOnes(ref tails[(2 * i) + 1], ref counts[(2 * i) + 1], high);
            }

            done = terms.Length * Vector<float>.Count;
        }

        for (int i = done; i < values.Length; i++)
        {
            double value = double.CreateTruncating(values[i]);
            if (value == 1.0)
            {
                ones[i] += 1.0;
            }
            else
            {
                tail[i] += value;
            }
        }
    }

    /// <summary><c>tail += values</c> and <c>ones += 0</c> lane-wise, except that a value of exactly 1 adds 1 to ones instead.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddApartFromOnes(ref Vector<double> tail, ref Vector<double> ones, Vector<double> values)
    {
        Vector<double> isOne = Vector.Equals<double>(values, Vector<double>.One);
        tail += Vector.ConditionalSelect(isOne, Vector<double>.Zero, values);
        ones += Vector.ConditionalSelect(isOne, Vector<double>.One, Vector<double>.Zero);
    }
}
