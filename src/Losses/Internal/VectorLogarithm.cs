#if NET9_0_OR_GREATER
using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Losses.Internal;

/// <summary>
/// ln x in double, lane by lane: within one unit in the last place of the exact value, ln 1 = 0 exactly, and
/// each lane computed on its own. About four times cheaper than the runtime's vector logarithm, which the
/// logistic kernels (ln(1 + e^-|x|) per element) spend most of their time in.
/// </summary>
/// <remarks>
/// The algorithm of fdlibm's <c>e_log.c</c> (as in FreeBSD's and musl's libm): x = 2ᵏ·(1 + f) with 1 + f in
/// [√2/2, √2), found from the high 32 bits of x; then with s = f/(2 + f),
/// <c>ln(1 + f) = f - f²/2 + s·(f²/2 + R(s²))</c>, R a degree-7 minimax polynomial in s² (error below 2⁻⁵⁸·⁴⁵),
/// and <c>ln x = k·ln 2 + ln(1 + f)</c> with ln 2 split in two so that k times its high part is exact. Lanes that
/// are not positive, normal and finite (0, negatives, subnormals, ∞, NaN) are given <see cref="Math.Log(double)"/>'s bits.
/// <see cref="Log(Vector512{double})"/> evaluates eight lanes at once by the same operations in the same order,
/// so each lane's result is the same bits.
/// </remarks>
internal static unsafe class VectorLogarithm
{
    private const double Ln2High = 6.93147180369123816490e-01;   // 0x3FE62E42FEE00000
    private const double Ln2Low = 1.90821492927058770002e-10;    // 0x3DEA39EF35793C76
    private const double Lg1 = 6.666666666666735130e-01;         // 0x3FE5555555555593
    private const double Lg2 = 3.999999999940941908e-01;         // 0x3FD999999997FA04
    private const double Lg3 = 2.857142874366239149e-01;         // 0x3FD2492494229359
    private const double Lg4 = 2.222219843214978396e-01;         // 0x3FCC71C51D8E78AF
    private const double Lg5 = 1.818357216161805012e-01;         // 0x3FC7466496CB03DE
    private const double Lg6 = 1.531383769920937332e-01;         // 0x3FC39A09D078C69F
    private const double Lg7 = 1.479819860511658591e-01;         // 0x3FC2F112DF3E5244

    // K(e) of LogOnePlusForFloat: the coefficients of e⁰ to e¹⁶.
    private const double K0 = -0.4999999999999864;
    private const double K1 = 0.33333333332545884;
    private const double K2 = -0.24999999923790497;
    private const double K3 = 0.1999999706075372;
    private const double K4 = -0.16666606558298344;
    private const double K5 = 0.1428496210430641;
    private const double K6 = -0.12493728702399333;
    private const double K7 = 0.11074285011135952;
    private const double K8 = -0.09841703161526731;
    private const double K9 = 0.08578508838559686;
    private const double K10 = -0.07056029302853652;
    private const double K11 = 0.05190526332974223;
    private const double K12 = -0.0320814771021965;
    private const double K13 = 0.015550947948982267;
    private const double K14 = -0.005434857364131814;
    private const double K15 = 0.0012026514289175244;
    private const double K16 = -0.00012553466571996386;

    /// <summary>2⁻¹⁰²², the smallest positive normal double.</summary>
    private const double SmallestNormal = 2.2250738585072014E-308;

    /// <summary>The bits of 0.703125, where the eight intervals of <see cref="LogForFloat(Vector{double})"/> start.</summary>
    private const long IntervalsStart = 0x3FE6800000000000;

    /// <summary>The sign and exponent bits of a double.</summary>
    private const long ExponentField = unchecked((long)0xFFF0000000000000);

    /// <summary>The high 32 bits of √2/2: mantissas from here up to √2 keep their exponent.</summary>
    private const long SqrtHalfHighWord = 0x3FE6A09E;

    /// <summary>ln x lane-wise.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<double> Log(Vector<double> x)
        => Lanes<Fdlibm>(x);

    /// <summary>ln x for lanes that are positive, normal and finite (others give meaningless values).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<double> OrdinaryLog(Vector<double> x)
    {
        // Adding 1 - √2/2 to the high word carries into the exponent exactly when the mantissa is at least √2:
        // k counts that carry, and the mantissa bits are then re-based on √2/2.
        Vector<long> bits = Vector.AsVectorInt64(x);
        Vector<long> high = Vector.ShiftRightArithmetic(bits, 32) + new Vector<long>(0x3FF00000 - SqrtHalfHighWord);
        Vector<long> k = Vector.ShiftRightArithmetic(high, 20) - new Vector<long>(0x3FF);
        high = (high & new Vector<long>(0x000FFFFF)) + new Vector<long>(SqrtHalfHighWord);
        Vector<double> mantissa = Vector.AsVectorDouble(Vector.ShiftLeft(high, 32) | (bits & new Vector<long>(0xFFFFFFFFL)));
        Vector<double> f = mantissa - Vector<double>.One;
        Vector<double> halfSquare = new Vector<double>(0.5) * f * f;
        Vector<double> s = f / (new Vector<double>(2.0) + f);
        Vector<double> z = s * s;
        Vector<double> w = z * z;
        Vector<double> even = w * (new Vector<double>(Lg2) + (w * (new Vector<double>(Lg4) + (w * new Vector<double>(Lg6)))));
        Vector<double> odd = z * (new Vector<double>(Lg1) + (w * (new Vector<double>(Lg3) + (w * (new Vector<double>(Lg5) + (w * new Vector<double>(Lg7)))))));
        Vector<double> r = odd + even;
        Vector<double> dk = Vector.ConvertToDouble(k);

        // Summed in this order, smallest terms first, as fdlibm does.
        return (s * (halfSquare + r)) + (dk * new Vector<double>(Ln2Low)) - halfSquare + f + (dk * new Vector<double>(Ln2High));
    }

    /// <summary>ln x for eight lanes, by the operations of <see cref="Log(Vector{double})"/> in the same order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Log(Vector512<double> x)
        => Lanes<Fdlibm>(x);

    /// <inheritdoc cref="OrdinaryLog(Vector{double})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> OrdinaryLog(Vector512<double> x)
    {
        Vector512<long> bits = x.AsInt64();
        Vector512<long> high = Vector512.ShiftRightArithmetic(bits, 32) + Vector512.Create(0x3FF00000 - SqrtHalfHighWord);
        Vector512<long> k = Vector512.ShiftRightArithmetic(high, 20) - Vector512.Create(0x3FFL);
        high = (high & Vector512.Create(0x000FFFFFL)) + Vector512.Create(SqrtHalfHighWord);
        Vector512<double> mantissa = (Vector512.ShiftLeft(high, 32) | (bits & Vector512.Create(0xFFFFFFFFL))).AsDouble();
        Vector512<double> f = mantissa - Vector512<double>.One;
        Vector512<double> halfSquare = Vector512.Create(0.5) * f * f;
        Vector512<double> s = f / (Vector512.Create(2.0) + f);
        Vector512<double> z = s * s;
        Vector512<double> w = z * z;
        Vector512<double> even = w * (Vector512.Create(Lg2) + (w * (Vector512.Create(Lg4) + (w * Vector512.Create(Lg6)))));
        Vector512<double> odd = z * (Vector512.Create(Lg1) + (w * (Vector512.Create(Lg3) + (w * (Vector512.Create(Lg5) + (w * Vector512.Create(Lg7)))))));
        Vector512<double> r = odd + even;
        Vector512<double> dk = Vector512.ConvertToDouble(k);
        return (s * (halfSquare + r)) + (dk * Vector512.Create(Ln2Low)) - halfSquare + f + (dk * Vector512.Create(Ln2High));
    }

    /// <summary>
    /// ln x for the float kernels, whose arguments are floats widened to double and whose results are rounded to
    /// float: within 1e-13 relative (1 200 000 times below float's half unit), ln 1 = 0 exactly, lane by lane, the
    /// special lanes (not positive, normal and finite) by <see cref="Math.Log(double)"/> as in <see cref="Log(Vector{double})"/>.
    /// </summary>
    /// <remarks>
    /// With t = bits(x) - bits(0.703125): k = t ≫ 52, z = x·2⁻ᵏ in [0.703125, 1.40625) and i = bits 49..51 of t, so
    /// that z lies in the i-th of eight intervals (1/16 wide below 1, 1/8 above; the fifth, [0.953125, 1.03125), holds 1).
    /// Then <c>ln x = k·ln 2 - ln cᵢ + ln(1 + r)</c> with r = z·cᵢ - 1, cᵢ the reciprocal of the interval's middle
    /// rounded to 28 bits, so that z·cᵢ (24 + 28 bits) and r are exact, |r| ≤ 0.058, and cᵢ = 1 for the interval
    /// around 1, where ln x = ln(1 + r) keeps its relative precision (|r| ≤ 0.047 there). ln(1 + r) = r - r²/2 + r³/3
    /// - … - r¹⁰/10 by Estrin's scheme (truncation below 5e-15 relative around 1 and 6e-14 elsewhere); -ln cᵢ is
    /// tabulated rounded once from 60-digit values. No division, and each table is two registers read by one permute
    /// (<see cref="TableLookup.Eight"/>): about half the work of <see cref="Log(Vector{double})"/>.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<double> LogForFloat(Vector<double> x)
        => Lanes<Tabulated>(x);

    /// <summary><see cref="LogForFloat(Vector{double})"/> for eight lanes, by the same operations in the same order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> LogForFloat(Vector512<double> x)
        => Lanes<Tabulated>(x);

    /// <summary>
    /// <see cref="LogForFloat(Vector512{double})"/> without its test for special lanes: the same bits where
    /// <see cref="Ordinary(Vector512{double})"/> holds for every lane, meaningless values (and no exception) elsewhere.
    /// For loops that test once after the loop and redo only the vectors with a special lane.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> LogForFloatOfOrdinary(Vector512<double> x)
        => Tabulated.Ordinary(x);

    /// <summary>The lanes that are positive, normal and finite (all bits set), where the algorithms apply as they are.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Ordinary(Vector512<double> x)
        => Vector512.GreaterThanOrEqual(x, Vector512.Create(SmallestNormal)) & Vector512.LessThanOrEqual(x, Vector512.Create(double.MaxValue));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<double> OrdinaryLogForFloat(Vector<double> x)
    {
        Vector256<long> bits = x.AsVector256().AsInt64();
        Vector256<long> t = bits - Vector256.Create(IntervalsStart);
        Vector256<long> index = t >> 49;
        Vector256<double> k = Vector256.ConvertToDouble(t >> 52);
        Vector256<double> z = (bits - (t & Vector256.Create(ExponentField))).AsDouble();
        Vector256<double> c = TableLookup.Eight(ReciprocalsLow.AsInt64(), ReciprocalsHigh.AsInt64(), index).AsDouble();
        Vector256<double> minusLogC = TableLookup.Eight(MinusLogReciprocalsLow.AsInt64(), MinusLogReciprocalsHigh.AsInt64(), index).AsDouble();
        Vector256<double> r = Vector256.FusedMultiplyAdd(z, c, Vector256.Create(-1.0));
        Vector256<double> logOnePlusR = Series(r);
        return (Vector256.FusedMultiplyAdd(k, Vector256.Create(Ln2High), minusLogC)
            + Vector256.FusedMultiplyAdd(k, Vector256.Create(Ln2Low), logOnePlusR)).AsVector();
    }

    /// <inheritdoc cref="OrdinaryLogForFloat(Vector{double})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> OrdinaryLogForFloat(Vector512<double> x)
    {
        Vector512<long> bits = x.AsInt64();
        Vector512<long> t = bits - Vector512.Create(IntervalsStart);
        Vector512<long> index = t >> 49;
        Vector512<double> k = Vector512.ConvertToDouble(t >> 52);
        Vector512<double> z = (bits - (t & Vector512.Create(ExponentField))).AsDouble();

        // Each permute reads its index's low three bits: entry i of the eight.
        Vector512<double> c = Avx512F.PermuteVar8x64(Reciprocals512, index);
        Vector512<double> minusLogC = Avx512F.PermuteVar8x64(MinusLogReciprocals512, index);
        Vector512<double> r = Vector512.FusedMultiplyAdd(z, c, Vector512.Create(-1.0));
        Vector512<double> logOnePlusR = Series(r);
        return Vector512.FusedMultiplyAdd(k, Vector512.Create(Ln2High), minusLogC)
            + Vector512.FusedMultiplyAdd(k, Vector512.Create(Ln2Low), logOnePlusR);
    }

    /// <summary>
    /// ln(1 + e) for the float logistic kernels, e = e^-|x| ∈ [0, 1] in double (or NaN, which gives NaN): within 2e-14
    /// relative, each lane on its own; ln(1 + e) = e exactly for e below about 1e-154 (0 and subnormals included),
    /// where e² vanishes.
    /// </summary>
    /// <remarks>
    /// <c>ln(1 + e) = e + e²·K(e)</c>, K the degree-16 polynomial that interpolates (ln(1 + e) - e)/e² at the 17
    /// Chebyshev nodes of [0, 1] (coefficients <see cref="K0"/> to <see cref="K16"/>, from 50-digit values): K is
    /// within 1.4e-14 of it, so ln(1 + e) within 1.1e-14 relative (largest at e = 1, where e²/ln 2 weighs K's error
    /// most). On [0, 1] the function is analytic, its nearest singularity at e = -1, which is what lets a polynomial
    /// of this degree reach so far; no table, no exponent, no division. Evaluated by Estrin's scheme (a chain of six
    /// operations), and in 512-bit vectors by the same operations in the same order.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<double> LogOnePlusForFloat(Vector<double> e)
    {
        Vector<double> e2 = e * e;
        Vector<double> p01 = Vector.FusedMultiplyAdd(e, new Vector<double>(K1), new Vector<double>(K0));
        Vector<double> p23 = Vector.FusedMultiplyAdd(e, new Vector<double>(K3), new Vector<double>(K2));
        Vector<double> p45 = Vector.FusedMultiplyAdd(e, new Vector<double>(K5), new Vector<double>(K4));
        Vector<double> p67 = Vector.FusedMultiplyAdd(e, new Vector<double>(K7), new Vector<double>(K6));
        Vector<double> p89 = Vector.FusedMultiplyAdd(e, new Vector<double>(K9), new Vector<double>(K8));
        Vector<double> p1011 = Vector.FusedMultiplyAdd(e, new Vector<double>(K11), new Vector<double>(K10));
        Vector<double> p1213 = Vector.FusedMultiplyAdd(e, new Vector<double>(K13), new Vector<double>(K12));
        Vector<double> p1415 = Vector.FusedMultiplyAdd(e, new Vector<double>(K15), new Vector<double>(K14));
        Vector<double> e4 = e2 * e2;
        Vector<double> p03 = Vector.FusedMultiplyAdd(e2, p23, p01);
        Vector<double> p47 = Vector.FusedMultiplyAdd(e2, p67, p45);
        Vector<double> p811 = Vector.FusedMultiplyAdd(e2, p1011, p89);
        Vector<double> p1215 = Vector.FusedMultiplyAdd(e2, p1415, p1213);
        Vector<double> e8 = e4 * e4;
        Vector<double> p07 = Vector.FusedMultiplyAdd(e4, p47, p03);
        Vector<double> p815 = Vector.FusedMultiplyAdd(e4, p1215, p811);
        Vector<double> p015 = Vector.FusedMultiplyAdd(e8, p815, p07);
        Vector<double> k = Vector.FusedMultiplyAdd(e8 * e8, new Vector<double>(K16), p015);
        return Vector.FusedMultiplyAdd(e2, k, e);
    }

    /// <summary><see cref="LogOnePlusForFloat(Vector{double})"/> for eight lanes, by the same operations in the same order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> LogOnePlusForFloat(Vector512<double> e)
    {
        Vector512<double> e2 = e * e;
        Vector512<double> p01 = Vector512.FusedMultiplyAdd(e, Vector512.Create(K1), Vector512.Create(K0));
        Vector512<double> p23 = Vector512.FusedMultiplyAdd(e, Vector512.Create(K3), Vector512.Create(K2));
        Vector512<double> p45 = Vector512.FusedMultiplyAdd(e, Vector512.Create(K5), Vector512.Create(K4));
        Vector512<double> p67 = Vector512.FusedMultiplyAdd(e, Vector512.Create(K7), Vector512.Create(K6));
        Vector512<double> p89 = Vector512.FusedMultiplyAdd(e, Vector512.Create(K9), Vector512.Create(K8));
        Vector512<double> p1011 = Vector512.FusedMultiplyAdd(e, Vector512.Create(K11), Vector512.Create(K10));
        Vector512<double> p1213 = Vector512.FusedMultiplyAdd(e, Vector512.Create(K13), Vector512.Create(K12));
        Vector512<double> p1415 = Vector512.FusedMultiplyAdd(e, Vector512.Create(K15), Vector512.Create(K14));
        Vector512<double> e4 = e2 * e2;
        Vector512<double> p03 = Vector512.FusedMultiplyAdd(e2, p23, p01);
        Vector512<double> p47 = Vector512.FusedMultiplyAdd(e2, p67, p45);
        Vector512<double> p811 = Vector512.FusedMultiplyAdd(e2, p1011, p89);
        Vector512<double> p1215 = Vector512.FusedMultiplyAdd(e2, p1415, p1213);
        Vector512<double> e8 = e4 * e4;
        Vector512<double> p07 = Vector512.FusedMultiplyAdd(e4, p47, p03);
        Vector512<double> p815 = Vector512.FusedMultiplyAdd(e4, p1215, p811);
        Vector512<double> p015 = Vector512.FusedMultiplyAdd(e8, p815, p07);
        Vector512<double> k = Vector512.FusedMultiplyAdd(e8 * e8, Vector512.Create(K16), p015);
        return Vector512.FusedMultiplyAdd(e2, k, e);
    }

    /// <summary>
    /// cᵢ for the eight intervals in one 512-bit vector, for the eight-lane permute. Static readonly, so that the optimised
    /// code takes it as one constant instead of building it from its halves on every use.
    /// </summary>
    private static readonly Vector512<double> Reciprocals512 = Vector512.Create(ReciprocalsLow, ReciprocalsHigh);

    /// <summary>-ln cᵢ for the eight intervals in one 512-bit vector.</summary>
    private static readonly Vector512<double> MinusLogReciprocals512 = Vector512.Create(MinusLogReciprocalsLow, MinusLogReciprocalsHigh);

    /// <summary>cᵢ of <see cref="LogForFloat(Vector{double})"/> for intervals 0 to 3, as constants the JIT keeps in its constant data.</summary>
    private static Vector256<double> ReciprocalsLow
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Vector256.Create(1.3617021292448044, 1.254901960492134, 1.163636364042759, 1.0847457647323608);
    }

    /// <summary>cᵢ for intervals 4 to 7.</summary>
    private static Vector256<double> ReciprocalsHigh
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Vector256.Create(1.0, 0.9142857156693935, 0.8205128200352192, 0.7441860474646091);
    }

    /// <summary>-ln cᵢ for intervals 0 to 3.</summary>
    private static Vector256<double> MinusLogReciprocalsLow
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Vector256.Create(-0.3087354828137665, -0.22705745040251543, -0.1515498984764469, -0.08134564131659755);
    }

    /// <summary>-ln cᵢ for intervals 4 to 7.</summary>
    private static Vector256<double> MinusLogReciprocalsHigh
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Vector256.Create(0.0, 0.08961215717628795, 0.19782574391199648, 0.29546421161326736);
    }

    /// <summary>
    /// ln(1 + r) ≈ r + r²·Q(r), Q(r) = -1/2 + r/3 - r²/4 + … - r⁸/10, by Estrin's scheme: pairs of terms, then pairs
    /// of pairs by r² and r⁴ (a chain of five operations where Horner's rule takes ten), in the order both widths share.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Series(Vector256<double> r)
    {
        Vector256<double> r2 = r * r;
        Vector256<double> p01 = Vector256.FusedMultiplyAdd(r, Vector256.Create(1.0 / 3), Vector256.Create(-0.5));
        Vector256<double> p23 = Vector256.FusedMultiplyAdd(r, Vector256.Create(1.0 / 5), Vector256.Create(-1.0 / 4));
        Vector256<double> p45 = Vector256.FusedMultiplyAdd(r, Vector256.Create(1.0 / 7), Vector256.Create(-1.0 / 6));
        Vector256<double> p67 = Vector256.FusedMultiplyAdd(r, Vector256.Create(1.0 / 9), Vector256.Create(-1.0 / 8));
        Vector256<double> r4 = r2 * r2;
        Vector256<double> p03 = Vector256.FusedMultiplyAdd(r2, p23, p01);
        Vector256<double> p47 = Vector256.FusedMultiplyAdd(r2, p67, p45);
        Vector256<double> p48 = Vector256.FusedMultiplyAdd(r4, Vector256.Create(-1.0 / 10), p47);
        Vector256<double> q = Vector256.FusedMultiplyAdd(r4, p48, p03);
        return Vector256.FusedMultiplyAdd(r2, q, r);
    }

    /// <inheritdoc cref="Series(Vector256{double})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> Series(Vector512<double> r)
    {
        Vector512<double> r2 = r * r;
        Vector512<double> p01 = Vector512.FusedMultiplyAdd(r, Vector512.Create(1.0 / 3), Vector512.Create(-0.5));
        Vector512<double> p23 = Vector512.FusedMultiplyAdd(r, Vector512.Create(1.0 / 5), Vector512.Create(-1.0 / 4));
        Vector512<double> p45 = Vector512.FusedMultiplyAdd(r, Vector512.Create(1.0 / 7), Vector512.Create(-1.0 / 6));
        Vector512<double> p67 = Vector512.FusedMultiplyAdd(r, Vector512.Create(1.0 / 9), Vector512.Create(-1.0 / 8));
        Vector512<double> r4 = r2 * r2;
        Vector512<double> p03 = Vector512.FusedMultiplyAdd(r2, p23, p01);
        Vector512<double> p47 = Vector512.FusedMultiplyAdd(r2, p67, p45);
        Vector512<double> p48 = Vector512.FusedMultiplyAdd(r4, Vector512.Create(-1.0 / 10), p47);
        Vector512<double> q = Vector512.FusedMultiplyAdd(r4, p48, p03);
        return Vector512.FusedMultiplyAdd(r2, q, r);
    }

    /// <summary>
    /// ln x lane-wise by <typeparamref name="TLogarithm"/>: its algorithm where every lane is positive, normal and
    /// finite, else <see cref="WithSpecialLanes{TLogarithm}"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<double> Lanes<TLogarithm>(Vector<double> x)
        where TLogarithm : struct, ILogarithm
    {
        Vector<long> ordinary = Vector.GreaterThanOrEqual(x, new Vector<double>(SmallestNormal))
            & Vector.LessThanOrEqual(x, new Vector<double>(double.MaxValue));
        return Vector.EqualsAll(ordinary, new Vector<long>(-1L)) ? TLogarithm.Ordinary(x) : WithSpecialLanes<TLogarithm>(x, ordinary);
    }

    /// <summary><see cref="Lanes{TLogarithm}(Vector{double})"/> for eight lanes, each half on its own where a lane is special.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> Lanes<TLogarithm>(Vector512<double> x)
        where TLogarithm : struct, ILogarithm
    {
        if (Vector512.EqualsAll(Ordinary(x).AsInt64(), Vector512<long>.AllBitsSet))
        {
            return TLogarithm.Ordinary(x);
        }

        return Vector512.Create(
            Lanes<TLogarithm>(x.GetLower().AsVector()).AsVector256(),
            Lanes<TLogarithm>(x.GetUpper().AsVector()).AsVector256());
    }

    /// <summary>
    /// The ordinary lanes by the algorithm (the others given 1); the lanes whose logarithm IEEE 754 fixes (ln ±0 = -∞,
    /// ln +∞ = +∞, a NaN quieted, <see cref="LogOfNegative"/> for x &lt; 0) set in the vector, with
    /// <see cref="Math.Log(double)"/>'s bits; positive subnormals alone by <see cref="Math.Log(double)"/>. A call into the
    /// C library from 512-bit code cost about 250 ns a lane for 0 or a negative on an Intel Xeon (Emerald Rapids), which
    /// made cross-entropy of probabilities with a tenth of them 0 beside nonzero labels seven times slower than without.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Vector<double> WithSpecialLanes<TLogarithm>(Vector<double> x, Vector<long> ordinary)
        where TLogarithm : struct, ILogarithm
    {
        Vector<double> result = TLogarithm.Ordinary(Vector.ConditionalSelect(ordinary, x, Vector<double>.One));
        Vector<long> zero = Vector.Equals(x, Vector<double>.Zero);
        Vector<long> infinite = Vector.Equals(x, new Vector<double>(double.PositiveInfinity));
        Vector<long> negative = Vector.LessThan(x, Vector<double>.Zero);
        Vector<long> notANumber = ~Vector.Equals(x, x);
        result = Vector.ConditionalSelect(zero, new Vector<double>(double.NegativeInfinity), result);
        result = Vector.ConditionalSelect(infinite, x, result);
        result = Vector.ConditionalSelect(negative, new Vector<double>(LogOfNegative), result);
        result = Vector.ConditionalSelect(notANumber, x + x, result);
        Vector<long> set = ordinary | zero | infinite | negative | notANumber;
        return Vector.EqualsAll(set, new Vector<long>(-1L)) ? result : VectorMath.WithScalarLanes(result, x, set, &Math.Log);
    }

    /// <summary><see cref="Math.Log(double)"/> of a negative number: a NaN, whose bits depend on the C library.</summary>
    private static readonly double LogOfNegative = Math.Log(-1.0);

    /// <summary>A logarithm's algorithm for lanes that are positive, normal and finite, in both widths.</summary>
    private interface ILogarithm
    {
        static abstract Vector<double> Ordinary(Vector<double> x);

        static abstract Vector512<double> Ordinary(Vector512<double> x);
    }

    /// <summary>fdlibm's, within 1 ulp: <see cref="Log(Vector{double})"/>.</summary>
    private readonly struct Fdlibm : ILogarithm
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector<double> Ordinary(Vector<double> x) => OrdinaryLog(x);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<double> Ordinary(Vector512<double> x) => OrdinaryLog(x);
    }

    /// <summary>The eight-interval table's, within 1e-13: <see cref="LogForFloat(Vector{double})"/>.</summary>
    private readonly struct Tabulated : ILogarithm
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector<double> Ordinary(Vector<double> x) => OrdinaryLogForFloat(x);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<double> Ordinary(Vector512<double> x) => OrdinaryLogForFloat(x);
    }
}
#endif
