using System;
using System.Numerics;
using System.Runtime.InteropServices;

namespace Losses.Internal;

/// <summary>
/// An element-wise logistic kernel's call (σ(x), or the weighted logistic loss and its gradient) split into
/// ranges for <see cref="ParallelBlocks{TWork}"/>. Each range starts at a multiple of the kernels' chunk
/// length, so every element falls in the same chunk and vector position as in a single-threaded call.
/// </summary>
internal unsafe struct ElementBlocksWork<T> : IParallelWork
    where T : struct, IFloatingPointIeee754<T>
{
    /// <summary>Elements per block: 64 chunks.</summary>
    public const int BlockLength = 64 * Elementwise.ChunkLength;

    private int _length;
    private T _positiveWeight;
    private ParallelWork.Pinned _labels;
    private ParallelWork.Pinned _logits;
    private ParallelWork.Pinned _losses;
    private ParallelWork.Pinned _gradient;
    private ParallelWork.Pinned _rowFactors;

    public readonly int Blocks => (_length + BlockLength - 1) / BlockLength;

    /// <summary>The threads for <paramref name="length"/> elements (1: this thread only).</summary>
    public static int Threads(int length) => ParallelWork.Threads(length, (length + BlockLength - 1) / BlockLength);

    /// <summary>
    /// With <paramref name="labels"/> empty, σ(<paramref name="logits"/>) into <paramref name="losses"/>; else the
    /// weighted logistic loss into <paramref name="losses"/> and its gradient into <paramref name="gradient"/>
    /// (either may be empty), on up to <paramref name="threads"/> threads.
    /// </summary>
    public static void Run(
        ReadOnlySpan<T> labels, ReadOnlySpan<T> logits, T positiveWeight, Span<T> losses, Span<T> gradient, ReadOnlySpan<T> rowFactors, int threads)
    {
        fixed (byte* y = MemoryMarshal.AsBytes(labels))
        fixed (byte* x = MemoryMarshal.AsBytes(logits))
        fixed (byte* l = MemoryMarshal.AsBytes(losses))
        fixed (byte* g = MemoryMarshal.AsBytes(gradient))
        fixed (byte* f = MemoryMarshal.AsBytes(rowFactors))
        {
            var work = new ElementBlocksWork<T>
            {
                _length = logits.Length,
                _positiveWeight = positiveWeight,
                _labels = ParallelWork.Pinned.Of(labels, y),
                _logits = ParallelWork.Pinned.Of(logits, x),
                _losses = ParallelWork.Pinned.Of<T>(losses, l),
                _gradient = ParallelWork.Pinned.Of<T>(gradient, g),
                _rowFactors = ParallelWork.Pinned.Of(rowFactors, f),
            };
            ParallelBlocks<ElementBlocksWork<T>>.Run(work, threads);
        }
    }

    public readonly void RunBlocks(ref int next)
    {
        Span<T> labels = _labels.AsSpan<T>();
        Span<T> logits = _logits.AsSpan<T>();
        Span<T> losses = _losses.AsSpan<T>();
        Span<T> gradient = _gradient.AsSpan<T>();
        while (ParallelWork.TryClaim(ref next, Blocks, out int block))
        {
            (int start, int length) = ParallelWork.Range(block, BlockLength, _length);
            if (labels.IsEmpty)
            {
                Elementwise.SigmoidRange<T>(logits.Slice(start, length), losses.Slice(start, length));
                continue;
            }

            _ = Elementwise.LogisticCrossEntropyRange<T>(
                labels.Slice(start, length),
                logits.Slice(start, length),
                _positiveWeight,
                losses.IsEmpty ? losses : losses.Slice(start, length),
                gradient.IsEmpty ? gradient : gradient.Slice(start, length),
                _rowFactors.AsSpan<T>(),
                start);
        }
    }
}
