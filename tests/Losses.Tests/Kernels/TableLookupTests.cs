using System;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using FluentAssertions;
using Losses.Internal;

namespace Losses.Tests.Kernels;

/// <summary>
/// The table reads of the 256-bit exponentials and logarithm: lane i of the result is entry (index mod 8) of the
/// table, whatever the index's other bits, by each way of reading that this machine runs. A read returns the stored
/// word itself, so each way gives the others' bits and the exponentials and logarithm keep theirs whichever way the
/// table is read.
/// </summary>
public sealed class TableLookupTests
{
    private static readonly long[] Eight = Words(8, 0xE1E);

    /// <summary>Indices with every low value in every lane, beside bits above the ones the table reads.</summary>
    public static TheoryData<long> HighBits() => new() { 0L, 1L << 8, -1L << 6, long.MinValue, 0x0123_4567_89AB_CD00L };

    [Theory]
    [MemberData(nameof(HighBits))]
    public void EightEntries_ByAQuadwordPermute_ReadsEntryIndexModEight(long high)
    {
        if (!Avx512F.VL.IsSupported)
        {
            return;
        }

        ShouldReadEntries(8, high, index => TableLookup.EightByQuadwordPermute(Low(Eight), High(Eight), index), Eight);
    }

    [Theory]
    [MemberData(nameof(HighBits))]
    public void EightEntries_ByDoublewordPermutes_ReadsEntryIndexModEight(long high)
    {
        if (!Avx2.IsSupported)
        {
            return;
        }

        ShouldReadEntries(8, high, index => TableLookup.EightByDoublewordPermutes(Low(Eight), High(Eight), index), Eight);
    }

    [Theory]
    [MemberData(nameof(HighBits))]
    public void EightEntries_AsThisMachineReadsThem_ReadsEntryIndexModEight(long high)
    {
        if (!Avx2.IsSupported)
        {
            return;
        }

        ShouldReadEntries(8, high, index => TableLookup.Eight(Low(Eight), High(Eight), index), Eight);
    }

    /// <summary>Every entry in every lane: lane i asks for entry (e + 5·i) mod size, with <paramref name="high"/> above.</summary>
    private static void ShouldReadEntries(int size, long high, Func<Vector256<long>, Vector256<long>> read, long[] table)
    {
        for (int entry = 0; entry < size; entry++)
        {
            long[] indices = new long[4];
            for (int lane = 0; lane < 4; lane++)
            {
                indices[lane] = (high & ~(long)(size - 1)) + ((entry + (5 * lane)) % size);
            }

            Vector256<long> result = read(Vector256.Create(indices));
            for (int lane = 0; lane < 4; lane++)
            {
                result.GetElement(lane).Should().Be(
                    table[indices[lane] & (size - 1)], $"lane {lane} asked for entry {indices[lane] & (size - 1)} (index {indices[lane]:X})");
            }
        }
    }

    /// <summary>Entries 0 to 3 of an eight-word table, as the eight-entry reads take them.</summary>
    private static Vector256<long> Low(long[] table) => Vector256.Create(table[0], table[1], table[2], table[3]);

    /// <summary>Entries 4 to 7 of an eight-word table.</summary>
    private static Vector256<long> High(long[] table) => Vector256.Create(table[4], table[5], table[6], table[7]);

    /// <summary>Distinct words with both halves set, so that a half read from the wrong entry shows.</summary>
    private static long[] Words(int count, int seed)
    {
        var random = new Random(seed);
        long[] words = GC.AllocateArray<long>(count, pinned: true);
        for (int i = 0; i < count; i++)
        {
            words[i] = random.NextInt64() ^ ((long)i << 56) ^ i;
        }

        return words;
    }
}
