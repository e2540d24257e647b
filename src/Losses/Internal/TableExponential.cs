#if NET9_0_OR_GREATER
using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Losses.Internal;

/// <summary>
/// eˣ for |x| ≤ 708 in double, by a table of 2^(j/8) and a polynomial: within one unit in the last place of
/// <see cref="Math.Exp(double)"/>, exp(0) = 1 exactly, and each lane computed on its own (no scalar fallback that
/// another lane could trigger). Cheaper than the runtime's vector exp, which matters because every softmax and
/// logistic kernel spends most of its time here.
/// </summary>
/// <remarks>
/// With k = round(x·8/ln 2), r = x - k·(ln 2)/8 (|r| ≤ (ln 2)/16, the constant split in two so that k times its high
/// part is exact), j = k mod 8 and m = ⌊k/8⌋: <c>eˣ = 2^m · 2^(j/8) · e^r</c>, with e^r - 1 by its Taylor polynomial
/// to r⁹/9! (truncation below 7e-21 relative) evaluated by Estrin's scheme. The round-to-integer and the bits of k
/// come from adding 1.5·2⁵². The table holds 2^(j/8) in two parts, the double nearest it and the rest (both rounded
/// once from 60-digit values), so that y = T + (T·p + t) carries the table's value to far below y's last place and
/// only the last addition rounds; ⌊k/8⌋ is then added to y's exponent field. Each part's eight entries are two
/// registers, read by one permute (<see cref="TableLookup.Eight"/>). Runs where AVX2 and FMA are and
/// <see cref="Vector{T}"/> is 256 bits.
/// Where the runtime accelerates 512-bit vectors (AVX-512F), <see cref="Exp(Vector512{double})"/> evaluates eight
/// lanes at once by the same operations (the table read by one 512-bit permute), so its results are the 256-bit
/// ones bit for bit. <see cref="ExpForFloat(Vector{double})"/>, for the float kernels, shares the table with a shorter
/// polynomial; <see cref="ExpForFloat(Vector512{double})"/> reads sixteen entries instead.
/// </remarks>
internal static class TableExponential
{
    /// <summary>Whether this machine runs the table exponential for <see cref="Vector{T}"/>.</summary>
    /// <remarks>
    /// This and the other machine switches the kernels branch on are static readonly fields, not properties: the
    /// optimising compiler reads such a field as a constant while it imports a method, so the branch not taken is never
    /// imported. Behind a property the branch is folded only after inlining, and the code of the other machine's branch
    /// had already used up the method's inlining budget: where 512-bit vectors do not run, the kernels' exponentials and
    /// logarithms were left as calls in their loops.
    /// </remarks>
    public static readonly bool IsSupported = Avx2.IsSupported && Fma.IsSupported && Vector<double>.Count == Vector256<double>.Count;

    private const double RoundingShift = 6755399441055744.0;            // 1.5·2⁵²
    private const double EightOverLn2 = 11.541560327111707;             // 8/ln 2
    private const double Ln2OverEight = 0.08664339756999316;             // (ln 2)/8, 2.9e-18 below it
    private const double SixteenOverLn2 = 23.083120654223414;           // 16/ln 2
    private const double Ln2OverSixteen = 0.04332169878499658;           // (ln 2)/16, 1.4e-18 below it
    private const double Ln2OverEightHigh = 0.08664339756978734;         // (ln 2)/8 with 14 trailing zero bits
    private const double Ln2OverEightLow = 2.0582436978621353e-13;       // (ln 2)/8 - the high part

    /// <summary>Whether this machine runs <see cref="Exp(Vector512{double})"/>: AVX-512F, with 512-bit vectors accelerated.</summary>
    public static readonly bool IsSupported512 = IsSupported && Vector512.IsHardwareAccelerated && Avx512F.IsSupported;

    /// <summary>eˣ lane-wise for lanes with |x| ≤ 708 (others give meaningless values).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<double> Exp(Vector<double> x)
    {
        Vector256<double> value = x.AsVector256();
        Vector256<double> shifted = Vector256.FusedMultiplyAdd(value, Vector256.Create(EightOverLn2), Vector256.Create(RoundingShift));
        Vector256<double> k = shifted - Vector256.Create(RoundingShift);
        Vector256<long> bits = shifted.AsInt64();
        Vector256<double> r = Vector256.FusedMultiplyAdd(k, Vector256.Create(-Ln2OverEightHigh), value);
        Vector256<double> p = ExpMinusOne(Vector256.FusedMultiplyAdd(k, Vector256.Create(-Ln2OverEightLow), r));
        Vector256<double> power = TableLookup.Eight(PowersLow.AsInt64(), PowersHigh.AsInt64(), bits).AsDouble();
        Vector256<double> powerError = TableLookup.Eight(PowerErrorsLow.AsInt64(), PowerErrorsHigh.AsInt64(), bits).AsDouble();
        Vector256<double> y = power + Vector256.FusedMultiplyAdd(power, p, powerError);

        // The low bits of `bits` hold k + 2⁵¹: shifted right by 3 and into the exponent field they add ⌊k/8⌋ to y's.
        return (y.AsInt64() + ((bits >> 3) << 52)).AsDouble().AsVector();
    }

    /// <summary>
    /// eˣ for eight lanes with |x| ≤ 708 (others give meaningless values), by the operations of
    /// <see cref="Exp(Vector{double})"/> in the same order, so each lane's result is the same bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Exp(Vector512<double> value)
    {
        Vector512<double> shifted = Vector512.FusedMultiplyAdd(value, Vector512.Create(EightOverLn2), Vector512.Create(RoundingShift));
        Vector512<double> k = shifted - Vector512.Create(RoundingShift);
        Vector512<long> bits = shifted.AsInt64();
        Vector512<double> r = Vector512.FusedMultiplyAdd(k, Vector512.Create(-Ln2OverEightHigh), value);
        Vector512<double> p = ExpMinusOne(Vector512.FusedMultiplyAdd(k, Vector512.Create(-Ln2OverEightLow), r));
        Vector512<double> power = Avx512F.PermuteVar8x64(Powers512, bits);
        Vector512<double> powerError = Avx512F.PermuteVar8x64(PowerErrors512, bits);
        Vector512<double> y = power + Vector512.FusedMultiplyAdd(power, p, powerError);
        return (y.AsInt64() + ((bits >> 3) << 52)).AsDouble();
    }

    /// <summary>
    /// eˣ for the float kernels, which round it to float or add it in double: with k = round(x·8/ln 2),
    /// r = x - k·(ln 2)/8 (|r| ≤ (ln 2)/16) and j = k mod 8, <c>eˣ = 2^(k/8)·e^r</c>, e^r - 1 by its Taylor polynomial
    /// to r⁷/5040 (truncation below 3e-16 relative). For |x| ≤ 708. The float kernels take it where 512-bit vectors do
    /// not run; where they do, <see cref="ExpForFloat(Vector512{double})"/>.
    /// </summary>
    /// <remarks>
    /// 2^(k/8) comes whole from the table: entry j holds the bits of 2^(j/8) less j·2⁴⁹, and k·2⁴⁹ (the low fifteen
    /// bits of k shifted to the top of the word) is added to it, which puts ⌊k/8⌋ in the exponent field and cancels
    /// the j·2⁴⁹. Eight entries fit in two registers, read by one permute (<see cref="TableLookup.Eight"/>), and the
    /// polynomial is evaluated by Estrin's scheme (powers r², r⁴ beside the inner terms), whose longest chain is three
    /// operations where Horner's rule takes seven. (ln 2)/8 is one double: k times its error is below 5e-15 relative
    /// for |x| ≤ 150 and 3e-14 for |x| ≤ 708; with the polynomial's roundings the result is within 1e-15 of eˣ
    /// for |x| ≤ 30 and 6e-15 for |x| ≤ 150. Rounded to float it is the float nearest eˣ in all but about one
    /// argument in ten million (3 of 40 million over [-104, 88], and over [-20, 0], against <see cref="Math.Exp(double)"/>;
    /// 6 and 16 with the sixteen-entry table before), and never a unit further; exp(0) = 1 exactly.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<double> ExpForFloat(Vector<double> x)
        => ExpForFloat(x, FloatConstants.Create());

    /// <summary>
    /// <see cref="ExpForFloat(Vector{double})"/> with its constants given: a loop that creates them once, before it
    /// starts, keeps them in registers (the JIT otherwise loads each from memory on every use, and copies some). The
    /// same operations, so the same bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<double> ExpForFloat(Vector<double> x, in FloatConstants constants)
    {
        Vector256<double> value = x.AsVector256();
        Vector256<double> shifted = Vector256.FusedMultiplyAdd(value, constants.EightOverLn2, constants.RoundingShift);
        Vector256<double> k = shifted - constants.RoundingShift;
        Vector256<long> bits = shifted.AsInt64();
        Vector256<double> r = Vector256.FusedMultiplyAdd(k, constants.MinusLn2OverEight, value);

        // e^r - 1 ≈ r + r²·(1/2 + r/6) + r⁴·((1/24 + r/120) + r²·(1/720 + r/5040)) for |r| ≤ (ln 2)/16, as the 512-bit
        // evaluation takes it.
        Vector256<double> low = LowTerms(r, constants, out Vector256<double> r4, out Vector256<double> high);
        Vector256<double> p = Vector256.FusedMultiplyAdd(r4, high, low);
        Vector256<long> entry = TableLookup.Eight(constants.TableLow, constants.TableHigh, bits);
        Vector256<double> power = (entry + (bits << 49)).AsDouble();
        return Vector256.FusedMultiplyAdd(power, p, power).AsVector();
    }

    /// <summary>
    /// eˣ for the float kernels where 512-bit vectors run (<see cref="IsSupported512"/>), eight lanes: with
    /// k = round(x·16/ln 2), r = x - k·(ln 2)/16 (|r| ≤ (ln 2)/32) and j = k mod 16, <c>eˣ = 2^(k/16)·e^r</c>, e^r - 1
    /// by a polynomial of degree 6 whose error is below 1.2e-17 relative (<see cref="FloatPolynomial"/>). For
    /// |x| ≤ 708.
    /// </summary>
    /// <remarks>
    /// 2^(k/16) comes whole from the table: entry j holds the bits of 2^(j/16) less j·2⁴⁸, and k·2⁴⁸ (the low sixteen
    /// bits of k shifted to the top of the word) is added to it, which puts ⌊k/16⌋ in the exponent field and cancels
    /// the j·2⁴⁸. The sixteen entries are two registers read by one two-source permute, which costs what the permute
    /// of one register does, so this takes thirteen operations where the eight entries and the polynomial of degree 7
    /// of <see cref="ExpForFloat(Vector{double})"/> take fifteen. (ln 2)/16 is one double: k times its error is at most
    /// 5.1e-15 relative for |x| ≤ 150 and 3e-14 for |x| ≤ 708; with the polynomial's roundings the result is within
    /// 1.3e-15 of <see cref="Math.Exp(double)"/> for |x| ≤ 30 and 3.8e-15 over [-104, 88] (largest of 40 million
    /// arguments; 1.5e-15 and 3.9e-15 for the eight entries). Rounded to float it is the float nearest eˣ in all but
    /// about one argument in ten million (3 of 40 million over [-104, 88], and over [-20, 0], as for the eight
    /// entries), and never a unit further; exp(0) = 1 exactly.
    /// The two functions agree to that accuracy but not bit for bit, and each machine's float kernels take one of
    /// them: this one where <see cref="VectorMath.Wide512"/>, the 256-bit one elsewhere. Where the vectors are 256
    /// bits, a read of sixteen entries takes two permutes and a blend, or more without AVX-512VL: with AVX-512 turned
    /// off, sixteen entries there made class-index softmax cross-entropy at 4096x1000 2.8x to 2.9x the floor against
    /// 2.3x to 2.5x. So float results may differ by a unit, in rare cases, between machines with and without 512-bit
    /// vectors; never between the paths of one machine.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> ExpForFloat(Vector512<double> value)
    {
        Vector512<double> shifted = Vector512.FusedMultiplyAdd(value, Vector512.Create(SixteenOverLn2), Vector512.Create(RoundingShift));
        Vector512<double> k = shifted - Vector512.Create(RoundingShift);
        Vector512<long> bits = shifted.AsInt64();
        Vector512<double> p = FloatPolynomial(Vector512.FusedMultiplyAdd(k, Vector512.Create(-Ln2OverSixteen), value));

        // The permute reads each index's low four bits: entry k mod 16 of the two registers.
        Vector512<long> entry = Avx512F.PermuteVar8x64x2(SixteenthPowersOfTwoLow512, bits, SixteenthPowersOfTwoHigh512);
        Vector512<double> power = (entry + (bits << 48)).AsDouble();
        return Vector512.FusedMultiplyAdd(power, p, power);
    }

    // The coefficients of FloatPolynomial: e^r - 1 ≈ r + c₂r² + c₃r³ + c₄r⁴ + c₅r⁵ + c₆r⁶, the least maximum relative
    // error of e^r over |r| ≤ 0.021675 (just above (ln 2)/32) by the Remez exchange in 60-digit arithmetic, each
    // rounded once to double: 1.17e-17 with the rounded coefficients, against 4.5e-16 for the Taylor polynomial of
    // the same degree. The coefficient of r is 1, so that e⁰ = 1 exactly and small arguments keep their own bits.
    private const double FloatC2 = 0.499999999999996;
    private const double FloatC3 = 0.1666666666441209;
    private const double FloatC4 = 0.04166666669331943;
    private const double FloatC5 = 0.008333472101886898;
    private const double FloatC6 = 0.0013888593681257696;

    /// <summary>
    /// e^r - 1 for |r| ≤ (ln 2)/32 (<see cref="FloatC2"/> to <see cref="FloatC6"/>), nested in r²:
    /// r + r²·((c₂ + c₃r) + r²·((c₄ + c₅r) + r²·c₆)), six operations. Estrin's scheme, with r⁴, takes seven (a chain of
    /// three where this one has four); it measured no faster in the fused softmax pass and slower at 256x10.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> FloatPolynomial(Vector512<double> r)
    {
        Vector512<double> r2 = r * r;
        Vector512<double> a = Vector512.FusedMultiplyAdd(r, Vector512.Create(FloatC3), Vector512.Create(FloatC2));
        Vector512<double> b = Vector512.FusedMultiplyAdd(r, Vector512.Create(FloatC5), Vector512.Create(FloatC4));
        Vector512<double> high = Vector512.FusedMultiplyAdd(r2, Vector512.Create(FloatC6), b);
        return Vector512.FusedMultiplyAdd(r2, Vector512.FusedMultiplyAdd(r2, high, a), r);
    }

    /// <summary>
    /// The constants of <see cref="ExpForFloat(Vector{double}, in FloatConstants)"/>, each in every lane, and its table: for a
    /// loop to create once, before it starts.
    /// </summary>
    public readonly struct FloatConstants
    {
        public readonly Vector256<double> EightOverLn2;
        public readonly Vector256<double> RoundingShift;
        public readonly Vector256<double> MinusLn2OverEight;
        public readonly Vector256<double> OneHalf;
        public readonly Vector256<double> OneSixth;
        public readonly Vector256<double> OneOver24;
        public readonly Vector256<double> OneOver120;
        public readonly Vector256<double> OneOver720;
        public readonly Vector256<double> OneOver5040;
        public readonly Vector256<long> TableLow;
        public readonly Vector256<long> TableHigh;

        /// <summary>Every constant in its lanes (<c>default</c> would leave them zero: use <see cref="Create"/>).</summary>
        public FloatConstants()
        {
            EightOverLn2 = Vector256.Create(TableExponential.EightOverLn2);
            RoundingShift = Vector256.Create(TableExponential.RoundingShift);
            MinusLn2OverEight = Vector256.Create(-Ln2OverEight);
            OneHalf = Vector256.Create(0.5);
            OneSixth = Vector256.Create(1.0 / 6);
            OneOver24 = Vector256.Create(1.0 / 24);
            OneOver120 = Vector256.Create(1.0 / 120);
            OneOver720 = Vector256.Create(1.0 / 720);
            OneOver5040 = Vector256.Create(1.0 / 5040);
            TableLow = EighthPowersOfTwoLow;
            TableHigh = EighthPowersOfTwoHigh;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static FloatConstants Create() => new();
    }

    /// <summary>
    /// The two halves of each table in one 512-bit vector, for the eight-lane exponentials' permutes. Static readonly, so
    /// that the optimised code takes each as one constant (built from its halves in the loop, the two inserts it took
    /// every iteration were as many shuffles as the permute itself).
    /// </summary>
    private static readonly Vector512<double> Powers512 = Vector512.Create(PowersLow, PowersHigh);

    /// <summary>The second part of <see cref="Powers512"/>'s entries.</summary>
    private static readonly Vector512<double> PowerErrors512 = Vector512.Create(PowerErrorsLow, PowerErrorsHigh);

    /// <summary>
    /// Entries 0 to 7 of the table of <see cref="ExpForFloat(Vector512{double})"/>: the bits of 2^(j/16), rounded once
    /// from 70-digit values, less j·2⁴⁸.
    /// </summary>
    private static readonly Vector512<long> SixteenthPowersOfTwoLow512 = Vector512.Create(
        4607182418800017408L, 4607100335213349135L, 4607027079437701499L, 4606963042313658936L,
        4606908631985796885L, 4606864274668794914L, 4606830415447468583L, 4606807519112221737L);

    /// <summary>Entries 8 to 15 of the table of <see cref="ExpForFloat(Vector512{double})"/>.</summary>
    private static readonly Vector512<long> SixteenthPowersOfTwoHigh512 = Vector512.Create(
        4606796071031487437L, 4606796578062795143L, 4606809569504174299L, 4606835598087680144L,
        4606875241016906669L, 4606929101050434204L, 4606997807633245319L, 4607082018078232794L);

    /// <summary>2^(j/8) rounded once from 60-digit values, j = 0 to 3, the table of <see cref="Exp(Vector{double})"/>.</summary>
    private static Vector256<double> PowersLow
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Vector256.Create(1.0, 1.0905077326652577, 1.189207115002721, 1.2968395546510096);
    }

    /// <summary>2^(j/8), j = 4 to 7.</summary>
    private static Vector256<double> PowersHigh
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Vector256.Create(1.4142135623730951, 1.5422108254079407, 1.681792830507429, 1.8340080864093424);
    }

    /// <summary>2^(j/8) less its rounded value, j = 0 to 3, rounded once: the table's second part.</summary>
    private static Vector256<double> PowerErrorsLow
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Vector256.Create(0.0, -3.046782079812471e-17, 3.982015231465646e-17, 2.5382502794888315e-17);
    }

    /// <summary>2^(j/8) less its rounded value, j = 4 to 7.</summary>
    private static Vector256<double> PowerErrorsHigh
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Vector256.Create(-9.667293313452913e-17, 7.949834809697621e-17, 8.199010020581497e-17, 3.283107224245627e-17);
    }

    /// <summary>
    /// Entries 0 to 3 of the table of <see cref="ExpForFloat(Vector{double})"/>: the bits of <see cref="PowersLow"/>
    /// less j·2⁴⁹. As constants, which the JIT keeps in its constant data.
    /// </summary>
    private static Vector256<long> EighthPowersOfTwoLow
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Vector256.Create(4607182418800017408L, 4607027079437701499L, 4606908631985796885L, 4606830415447468583L);
    }

    /// <summary>Entries 4 to 7 of the table of <see cref="ExpForFloat(Vector{double})"/>.</summary>
    private static Vector256<long> EighthPowersOfTwoHigh
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Vector256.Create(4606796071031487437L, 4606809569504174299L, 4606875241016906669L, 4606997807633245319L);
    }

    /// <summary>
    /// e^r - 1 ≈ r + r²·(1/2 + r/6) + r⁴·((1/24 + r/120) + r²·(1/720 + r/5040)) + r⁸·(1/8! + r/9!) for
    /// |r| ≤ (ln 2)/16, in the order both widths share (the float exponential's polynomial is its first terms).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> ExpMinusOne(Vector256<double> r)
    {
        Vector256<double> low = LowTerms(r, out Vector256<double> r4, out Vector256<double> high);
        Vector256<double> highest = Vector256.FusedMultiplyAdd(r, Vector256.Create(1.0 / 362880), Vector256.Create(1.0 / 40320));
        return Vector256.FusedMultiplyAdd(r4, Vector256.FusedMultiplyAdd(r4, highest, high), low);
    }

    /// <inheritdoc cref="ExpMinusOne(Vector256{double})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> ExpMinusOne(Vector512<double> r)
    {
        Vector512<double> low = LowTerms(r, out Vector512<double> r4, out Vector512<double> high);
        Vector512<double> highest = Vector512.FusedMultiplyAdd(r, Vector512.Create(1.0 / 362880), Vector512.Create(1.0 / 40320));
        return Vector512.FusedMultiplyAdd(r4, Vector512.FusedMultiplyAdd(r4, highest, high), low);
    }

    /// <summary>
    /// The terms both polynomials share, by Estrin's scheme: returns r + r²·(1/2 + r/6), with r⁴ and
    /// (1/24 + r/120) + r²·(1/720 + r/5040), the factor of r⁴.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> LowTerms(Vector256<double> r, out Vector256<double> r4, out Vector256<double> high)
        => LowTerms(r, FloatConstants.Create(), out r4, out high);

    /// <inheritdoc cref="LowTerms(Vector256{double}, out Vector256{double}, out Vector256{double})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> LowTerms(Vector256<double> r, in FloatConstants constants, out Vector256<double> r4, out Vector256<double> high)
    {
        Vector256<double> r2 = r * r;
        Vector256<double> a = Vector256.FusedMultiplyAdd(r, constants.OneSixth, constants.OneHalf);
        Vector256<double> b = Vector256.FusedMultiplyAdd(r, constants.OneOver120, constants.OneOver24);
        Vector256<double> c = Vector256.FusedMultiplyAdd(r, constants.OneOver5040, constants.OneOver720);
        r4 = r2 * r2;
        high = Vector256.FusedMultiplyAdd(r2, c, b);
        return Vector256.FusedMultiplyAdd(r2, a, r);
    }

    /// <inheritdoc cref="LowTerms(Vector256{double}, out Vector256{double}, out Vector256{double})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> LowTerms(Vector512<double> r, out Vector512<double> r4, out Vector512<double> high)
    {
        Vector512<double> r2 = r * r;
        Vector512<double> a = Vector512.FusedMultiplyAdd(r, Vector512.Create(1.0 / 6), Vector512.Create(0.5));
        Vector512<double> b = Vector512.FusedMultiplyAdd(r, Vector512.Create(1.0 / 120), Vector512.Create(1.0 / 24));
        Vector512<double> c = Vector512.FusedMultiplyAdd(r, Vector512.Create(1.0 / 5040), Vector512.Create(1.0 / 720));
        r4 = r2 * r2;
        high = Vector512.FusedMultiplyAdd(r2, c, b);
        return Vector512.FusedMultiplyAdd(r2, a, r);
    }
}
#endif
