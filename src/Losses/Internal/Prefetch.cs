using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace Losses.Internal;

/// <summary>
/// Software prefetch for the column-major kernels. A block's column segment is a few KiB, and the next one lies a whole
/// column further on, in another page, where the hardware's stream prefetchers must start over; asking for the next
/// segment's cache lines, one request per line, while the current one is worked through keeps the loads from waiting
/// on memory (a request for the whole segment at once measured slower). A hint only: it reads nothing, never faults and
/// changes no result.
/// </summary>
internal static class Prefetch
{
    /// <summary>
    /// The first element of <paramref name="next"/>, the segment to ask for while <paramref name="current"/> is worked
    /// through, or of <paramref name="current"/> itself (already in cache, so a request costs nothing) when
    /// <paramref name="next"/> is shorter: the loops then read ahead without a second copy of their code.
    /// </summary>
    public static ref T Ahead<T>(ReadOnlySpan<T> current, ReadOnlySpan<T> next)
        => ref MemoryMarshal.GetReference(next.Length >= current.Length ? next : current);

    /// <summary>
    /// Asks for the cache lines <paramref name="at"/> elements on in four column segments from <paramref name="x0"/>,
    /// <paramref name="rows"/> apart: the four columns a loop takes at once.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void FourLines<T>(ref T x0, nint rows, nint at)
    {
        ref T x = ref Unsafe.Add(ref x0, at);
        Line(ref x);
        Line(ref Unsafe.Add(ref x, rows));
        Line(ref Unsafe.Add(ref x, 2 * rows));
        Line(ref Unsafe.Add(ref x, 3 * rows));
    }

    /// <summary>
    /// Asks for the cache line holding <paramref name="element"/> (where SSE runs; elsewhere nothing). Should the
    /// collector move the array meanwhile, the request is only wasted.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Line<T>(ref T element)
    {
        if (Sse.IsSupported)
        {
            Sse.Prefetch0(Unsafe.AsPointer(ref element));
        }
    }
}
