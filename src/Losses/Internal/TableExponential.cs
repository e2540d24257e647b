#if NET9_0_OR_GREATER
using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Losses.Internal;

/// <summary>
/// eˣ for |x| ≤ 708 in double, by a table of 2^(j/64) and a short polynomial: within one unit in the last
/// place of <see cref="Math.Exp(double)"/>, exp(0) = 1 exactly, and each lane computed on its own (no scalar
/// fallback that another lane could trigger). About a quarter cheaper than the runtime's vector exp, which
/// matters because every softmax and logistic kernel spends most of its time here.
/// </summary>
/// <remarks>
/// With k = round(x·64/ln 2), r = x - k·(ln 2)/64 (|r| ≤ (ln 2)/128, the constant split in two so that k times
/// its high part is exact), j = k mod 64 and m = ⌊k/64⌋: <c>eˣ = 2^m · 2^(j/64) · e^r</c>, with
/// <c>e^r - 1 ≈ r + r²/2 + r³/6 + r⁴/24 + r⁵/120</c> (truncation below 4e-17 relative). The round-to-integer and
/// the bits of k come from adding 1.5·2⁵²; the table entries are 2^(j/64) rounded once from 60-digit values.
/// Runs where AVX2 and FMA are (for the table's permutes and fused multiply-adds) and <see cref="Vector{T}"/> is 256 bits;
/// the table is read by <see cref="TableLookup"/>, from registers.
/// Where the runtime accelerates 512-bit vectors (AVX-512F), <see cref="Exp(Vector512{double})"/> evaluates eight lanes at
/// once by the same operations, the table held in eight registers and read by 512-bit two-source permutes, so its
/// results are the 256-bit ones bit for bit.
/// </remarks>
internal static class TableExponential
{
    /// <summary>Whether this machine runs the table exponential for <see cref="Vector{T}"/>.</summary>
    public static bool IsSupported
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Avx2.IsSupported && Fma.IsSupported && Vector<double>.Count == Vector256<double>.Count;
    }

    private const double RoundingShift = 6755399441055744.0;            // 1.5·2⁵²
    private const double SixtyFourOverLn2 = 92.33248261689366;           // 64/ln 2
    private const double Ln2OverSixtyFourHigh = 0.010830424493178725;    // (ln 2)/64 with 27 trailing zero bits
    private const double Ln2OverSixtyFourLow = 2.030704202170295e-10;    // (ln 2)/64 - the high part

    private const double EightOverLn2 = 11.541560327111707;             // 8/ln 2
    private const double Ln2OverEight = 0.08664339756999316;             // (ln 2)/8, 2.9e-18 below it

    /// <summary>2^(j/64), j = 0..63, the table of <see cref="Exp(Vector{double})"/>.</summary>
    private static readonly double[] PowersOfTwo = CreatePowersOfTwo();

    /// <summary>Whether this machine runs <see cref="Exp(Vector512{double})"/>: AVX-512F, with 512-bit vectors accelerated.</summary>
    public static bool IsSupported512
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => IsSupported && Vector512.IsHardwareAccelerated && Avx512F.IsSupported;
    }

    /// <summary>eˣ lane-wise for lanes with |x| ≤ 708 (others give meaningless values).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<double> Exp(Vector<double> x)
    {
        Vector256<double> value = x.AsVector256();
        Vector256<double> shifted = Vector256.FusedMultiplyAdd(value, Vector256.Create(SixtyFourOverLn2), Vector256.Create(RoundingShift));
        Vector256<double> k = shifted - Vector256.Create(RoundingShift);
        Vector256<long> bits = shifted.AsInt64();
        Vector256<double> r = Vector256.FusedMultiplyAdd(k, Vector256.Create(-Ln2OverSixtyFourHigh), value);
        r = Vector256.FusedMultiplyAdd(k, Vector256.Create(-Ln2OverSixtyFourLow), r);
        Vector256<double> p = Polynomial(r);
        Vector256<double> power = TableLookup.SixtyFour(
            ref Unsafe.As<double, long>(ref MemoryMarshal.GetArrayDataReference(PowersOfTwo)), bits).AsDouble();

        // The low bits of `bits` hold k + 2⁵¹: shifted right by 6 and into the exponent field they add ⌊k/64⌋ to 1.0's.
        Vector256<double> scale = (Vector256.Create(1.0).AsInt64() + ((bits >> 6) << 52)).AsDouble();
        return (Vector256.FusedMultiplyAdd(power, p, power) * scale).AsVector();
    }

    /// <summary>
    /// eˣ for eight lanes with |x| ≤ 708 (others give meaningless values), by the operations of
    /// <see cref="Exp(Vector{double})"/> in the same order, so each lane's result is the same bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Exp(Vector512<double> value)
    {
        Vector512<double> shifted = Vector512.FusedMultiplyAdd(value, Vector512.Create(SixtyFourOverLn2), Vector512.Create(RoundingShift));
        Vector512<double> k = shifted - Vector512.Create(RoundingShift);
        Vector512<long> bits = shifted.AsInt64();
        Vector512<double> r = Vector512.FusedMultiplyAdd(k, Vector512.Create(-Ln2OverSixtyFourHigh), value);
        r = Vector512.FusedMultiplyAdd(k, Vector512.Create(-Ln2OverSixtyFourLow), r);
        Vector512<double> p = Polynomial(r);
        Vector512<double> power = PowerOfTwo(bits & Vector512.Create(63L));
        Vector512<double> scale = (Vector512.Create(1.0).AsInt64() + ((bits >> 6) << 52)).AsDouble();
        return Vector512.FusedMultiplyAdd(power, p, power) * scale;
    }

    /// <summary>
    /// eˣ for the float kernels, which round it to float or add it in double: with k = round(x·8/ln 2),
    /// r = x - k·(ln 2)/8 (|r| ≤ (ln 2)/16) and j = k mod 8, <c>eˣ = 2^(k/8)·e^r</c>, e^r - 1 by its Taylor polynomial
    /// to r⁷/5040 (truncation below 3e-16 relative). For |x| ≤ 708.
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
    {
        Vector256<double> value = x.AsVector256();
        Vector256<double> shifted = Vector256.FusedMultiplyAdd(value, Vector256.Create(EightOverLn2), Vector256.Create(RoundingShift));
        Vector256<double> k = shifted - Vector256.Create(RoundingShift);
        Vector256<long> bits = shifted.AsInt64();
        Vector256<double> p = ExpMinusOneForFloat(Vector256.FusedMultiplyAdd(k, Vector256.Create(-Ln2OverEight), value));
        Vector256<long> entry = TableLookup.Eight(EighthPowersOfTwoLow, EighthPowersOfTwoHigh, bits);
        Vector256<double> power = (entry + (bits << 49)).AsDouble();
        return Vector256.FusedMultiplyAdd(power, p, power).AsVector();
    }

    /// <summary>
    /// <see cref="ExpForFloat(Vector{double})"/> for eight lanes, by the same operations in the same order (the
    /// table read by one 512-bit permute), so each lane's result is the same bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> ExpForFloat(Vector512<double> value)
    {
        Vector512<double> shifted = Vector512.FusedMultiplyAdd(value, Vector512.Create(EightOverLn2), Vector512.Create(RoundingShift));
        Vector512<double> k = shifted - Vector512.Create(RoundingShift);
        Vector512<long> bits = shifted.AsInt64();
        Vector512<double> p = ExpMinusOneForFloat(Vector512.FusedMultiplyAdd(k, Vector512.Create(-Ln2OverEight), value));

        // The permute reads each index's low three bits: entry k mod 8.
        Vector512<long> entry = Avx512F.PermuteVar8x64(Vector512.Create(EighthPowersOfTwoLow, EighthPowersOfTwoHigh), bits);
        Vector512<double> power = (entry + (bits << 49)).AsDouble();
        return Vector512.FusedMultiplyAdd(power, p, power);
    }

    /// <summary>
    /// Entries 0 to 3 of the table of <see cref="ExpForFloat(Vector{double})"/>: the bits of 2^(j/8) (every eighth
    /// entry of <see cref="PowersOfTwo"/>) less j·2⁴⁹. As constants, which the JIT keeps in its constant data.
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
    /// e^r - 1 ≈ r + r²·(1/2 + r/6) + r⁴·((1/24 + r/120) + r²·(1/720 + r/5040)) for |r| ≤ (ln 2)/16, in the order
    /// both widths share.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> ExpMinusOneForFloat(Vector256<double> r)
    {
        Vector256<double> r2 = r * r;
        Vector256<double> a = Vector256.FusedMultiplyAdd(r, Vector256.Create(1.0 / 6), Vector256.Create(0.5));
        Vector256<double> b = Vector256.FusedMultiplyAdd(r, Vector256.Create(1.0 / 120), Vector256.Create(1.0 / 24));
        Vector256<double> c = Vector256.FusedMultiplyAdd(r, Vector256.Create(1.0 / 5040), Vector256.Create(1.0 / 720));
        b = Vector256.FusedMultiplyAdd(r2, c, b);
        a = Vector256.FusedMultiplyAdd(r2, a, r);
        return Vector256.FusedMultiplyAdd(r2 * r2, b, a);
    }

    /// <inheritdoc cref="ExpMinusOneForFloat(Vector256{double})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> ExpMinusOneForFloat(Vector512<double> r)
    {
        Vector512<double> r2 = r * r;
        Vector512<double> a = Vector512.FusedMultiplyAdd(r, Vector512.Create(1.0 / 6), Vector512.Create(0.5));
        Vector512<double> b = Vector512.FusedMultiplyAdd(r, Vector512.Create(1.0 / 120), Vector512.Create(1.0 / 24));
        Vector512<double> c = Vector512.FusedMultiplyAdd(r, Vector512.Create(1.0 / 5040), Vector512.Create(1.0 / 720));
        b = Vector512.FusedMultiplyAdd(r2, c, b);
        a = Vector512.FusedMultiplyAdd(r2, a, r);
        return Vector512.FusedMultiplyAdd(r2 * r2, b, a);
    }

    /// <summary>e^r - 1 ≈ r + r²·(1/2 + r/6 + r²/24 + r³/120), in the order both widths share.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Polynomial(Vector256<double> r)
    {
        Vector256<double> p = Vector256.FusedMultiplyAdd(Vector256.Create(1.0 / 120), r, Vector256.Create(1.0 / 24));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.0 / 6));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(0.5));
        return Vector256.FusedMultiplyAdd(p, r * r, r);
    }

    /// <inheritdoc cref="Polynomial(Vector256{double})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> Polynomial(Vector512<double> r)
    {
        Vector512<double> p = Vector512.FusedMultiplyAdd(Vector512.Create(1.0 / 120), r, Vector512.Create(1.0 / 24));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1.0 / 6));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(0.5));
        return Vector512.FusedMultiplyAdd(p, r * r, r);
    }

    /// <summary>
    /// 2^(j/64) for j = 0..63 lane-wise: each two-source permute picks entry j mod 16 from one quarter of
    /// the table (it reads the index's low four bits), and bits 4 and 5 of j choose the quarter.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> PowerOfTwo(Vector512<long> index)
    {
        // The table's entries as constants (the values of CreatePowersOfTwo), eight to a vector: the JIT keeps
        // them in its constant data, with no static field to initialise or check in the loop.
        Vector512<double> quarter0 = Avx512F.PermuteVar8x64x2(
            Vector512.Create(1.0, 1.0108892860517005, 1.0218971486541166, 1.0330248790212284, 1.0442737824274138, 1.0556451783605572, 1.0671404006768237, 1.0787607977571199),
            index,
            Vector512.Create(1.0905077326652577, 1.102382583307841, 1.1143867425958924, 1.1265216186082418, 1.1387886347566916, 1.1511892299529827, 1.1637248587775775, 1.1763969916502812));
        Vector512<double> quarter1 = Avx512F.PermuteVar8x64x2(
            Vector512.Create(1.189207115002721, 1.202156731452703, 1.215247359980469, 1.22848053610687, 1.241857812073484, 1.255380757024691, 1.2690509571917332, 1.2828700160787783),
            index,
            Vector512.Create(1.2968395546510096, 1.3109612115247644, 1.3252366431597413, 1.339667524053303, 1.3542555469368927, 1.3690024229745905, 1.383909881963832, 1.3989796725383112));
        Vector512<double> quarter2 = Avx512F.PermuteVar8x64x2(
            Vector512.Create(1.4142135623730951, 1.42961333839197, 1.4451808069770467, 1.460917794180647, 1.4768261459394993, 1.4929077282912648, 1.5091644275934228, 1.5255981507445384),
            index,
            Vector512.Create(1.5422108254079407, 1.559004400237837, 1.5759808451078865, 1.593142151342267, 1.6104903319492543, 1.6280274218573478, 1.645755478153965, 1.6636765803267364));
        Vector512<double> quarter3 = Avx512F.PermuteVar8x64x2(
            Vector512.Create(1.681792830507429, 1.7001063537185235, 1.718619298122478, 1.7373338352737062, 1.7562521603732995, 1.7753764925265212, 1.7947090750031072, 1.8142521755003989),
            index,
            Vector512.Create(1.8340080864093424, 1.8539791250833855, 1.8741676341103, 1.8945759815869656, 1.9152065613971474, 1.9360617934922943, 1.9571441241754002, 1.978456026387951));
        Vector512<double> bit4 = Vector512.Equals(index & Vector512.Create(16L), Vector512.Create(16L)).AsDouble();
        Vector512<double> bit5 = Vector512.Equals(index & Vector512.Create(32L), Vector512.Create(32L)).AsDouble();
        return Vector512.ConditionalSelect(
            bit5, Vector512.ConditionalSelect(bit4, quarter3, quarter2), Vector512.ConditionalSelect(bit4, quarter1, quarter0));
    }

    private static double[] CreatePowersOfTwo()
    {
        double[] powers = new double[64];
        ReadOnlySpan<double> values =
        [
            1.0, 1.0108892860517005, 1.0218971486541166, 1.0330248790212284,
            1.0442737824274138, 1.0556451783605572, 1.0671404006768237, 1.0787607977571199,
            1.0905077326652577, 1.102382583307841, 1.1143867425958924, 1.1265216186082418,
            1.1387886347566916, 1.1511892299529827, 1.1637248587775775, 1.1763969916502812,
            1.189207115002721, 1.202156731452703, 1.215247359980469, 1.22848053610687,
            1.241857812073484, 1.255380757024691, 1.2690509571917332, 1.2828700160787783,
            1.2968395546510096, 1.3109612115247644, 1.3252366431597413, 1.339667524053303,
            1.3542555469368927, 1.3690024229745905, 1.383909881963832, 1.3989796725383112,
            1.4142135623730951, 1.42961333839197, 1.4451808069770467, 1.460917794180647,
            1.4768261459394993, 1.4929077282912648, 1.5091644275934228, 1.5255981507445384,
            1.5422108254079407, 1.559004400237837, 1.5759808451078865, 1.593142151342267,
            1.6104903319492543, 1.6280274218573478, 1.645755478153965, 1.6636765803267364,
            1.681792830507429, 1.7001063537185235, 1.718619298122478, 1.7373338352737062,
            1.7562521603732995, 1.7753764925265212, 1.7947090750031072, 1.8142521755003989,
            1.8340080864093424, 1.8539791250833855, 1.8741676341103, 1.8945759815869656,
            1.9152065613971474, 1.9360617934922943, 1.9571441241754002, 1.978456026387951,
        ];
        values.CopyTo(powers);
        return powers;
    }
}
#endif
