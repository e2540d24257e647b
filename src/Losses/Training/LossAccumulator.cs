using System;
using Losses.Internal;

namespace Losses;

/// <summary>
/// Adds up <see cref="LossResult{T}"/>s batch after batch (and merges with other accumulators) to give the
/// dataset-level loss exactly as if the whole data had been one batch.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>
/// <para>Keeps <c>Σ WeightedSum</c>, <c>Σ TotalWeight</c> and <c>Σ Count</c> over the batches and reduces at the
/// end: <c>Sum = ΣΣ sᵢℓᵢ</c>, <c>Mean = ΣΣ sᵢℓᵢ / Σn</c>, <c>WeightedMean = ΣΣ sᵢℓᵢ / ΣW</c> (the square root
/// of it for <see cref="RootMeanSquaredErrorLoss{T}"/>). A mean of batch means would weight a short last batch
/// wrongly; this does not. The sums are double with Neumaier compensation, so millions of batches lose no
/// more than a few ulps. Like Keras's <c>metrics.Mean</c> and torchmetrics' <c>MeanMetric</c>, but exact for
/// every reduction.</para>
/// <para>The sums are as exact as double allows: for float results always. A double result whose
/// <see cref="LossResult{T}.WeightedSum"/> overflowed (+∞: the RMSE of errors beyond about 1e154) makes the merged
/// value +∞, and one whose squares underflowed (errors below about 1e-154) adds 0, although each batch's own value
/// is finite and accurate; the merge cannot carry the power-of-two scale those values are computed at.</para>
/// <para>Not thread-safe: give each thread its own accumulator and <see cref="Merge"/> them.</para>
/// </remarks>
public sealed class LossAccumulator<T>
    where T : struct, System.Numerics.IFloatingPointIeee754<T>
{
    private CompensatedSum _weightedSum;
    private CompensatedSum _totalWeight;
    private Reduction? _reduction;
    private bool _takesSquareRoot;

    /// <summary>The number of batches added, merged ones included.</summary>
    public long Batches { get; private set; }

    /// <summary>The number of counted terms over all batches, the divisor of <see cref="Reduction.Mean"/>.</summary>
    public long Count { get; private set; }

    /// <summary><c>Σ sᵢℓᵢ</c> over all batches, compensated.</summary>
    public double WeightedSum => _weightedSum.Value;

    /// <summary><c>Σ sᵢrᵢ</c> over all batches, compensated: the divisor of <see cref="Reduction.WeightedMean"/>.</summary>
    public double TotalWeight => _totalWeight.Value;

    /// <summary>The reduction of the results added so far; null while empty.</summary>
    public Reduction? Reduction => _reduction;

    /// <summary>The dataset-level value under the reduction of the added results; 0 while empty.</summary>
    public T Value => _reduction is { } reduction ? ValueOf(reduction) : T.Zero;

    /// <summary>Adds one batch's result.</summary>
    /// <param name="result">A result of any loss object; all results added must share a reduction and loss kind.</param>
    /// <exception cref="ArgumentNullException"><paramref name="result"/> is null.</exception>
    /// <exception cref="ArgumentException">The result's reduction or square root differs from the results added before.</exception>
    /// <remarks><c>WeightedSum += result.WeightedSum</c>, <c>TotalWeight += result.TotalWeight</c>, <c>Count += result.Count</c>.</remarks>
    public void Add(LossResult<T> result)
    {
        ArgumentNullException.ThrowIfNull(result);
        Add(result.WeightedSum, result.TotalWeight, result.Count, result.Reduction, result.TakesSquareRoot, nameof(result));
    }

    /// <summary>Adds one batch's sums, as the loss objects' accumulating buffer overloads do.</summary>
    internal void Add(double weightedSum, double totalWeight, long count, Reduction reduction, bool takesSquareRoot, string name)
    {
        Adopt(reduction, takesSquareRoot, name);
        _weightedSum.Add(weightedSum);
        _totalWeight.Add(totalWeight);
        Count += count;
        Batches++;
    }

    /// <summary>Adds everything another accumulator holds, e.g. one filled on another thread.</summary>
    /// <param name="other">The accumulator to merge; it is not changed.</param>
    /// <exception cref="ArgumentNullException"><paramref name="other"/> is null.</exception>
    /// <exception cref="ArgumentException">The two hold results of different reductions or loss kinds.</exception>
    /// <remarks>Merging is exact: the compensated sums are added with their compensations.</remarks>
    public void Merge(LossAccumulator<T> other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other._reduction is { } reduction)
        {
            Adopt(reduction, other._takesSquareRoot, nameof(other));
        }

        _weightedSum.Add(other._weightedSum);
        _totalWeight.Add(other._totalWeight);
        Count += other.Count;
        Batches += other.Batches;
    }

    /// <summary>The dataset-level value under a given reduction.</summary>
    /// <param name="reduction">The reduction to apply to the accumulated sums.</param>
    /// <returns><c>WeightedSum</c>, <c>WeightedSum / Count</c> or <c>WeightedSum / TotalWeight</c> (0 when the divisor
    /// is 0), and its square root for <see cref="RootMeanSquaredErrorLoss{T}"/> results.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="reduction"/> is not a defined value.</exception>
    /// <remarks>Rounded to T once, from double.</remarks>
    public T ValueOf(Reduction reduction)
    {
        double divisor = LossOptions.Reduction(reduction, nameof(reduction)) switch
        {
            Losses.Reduction.Sum => 1.0,
            Losses.Reduction.Mean => Count,
            _ => TotalWeight,
        };
        double reduced = divisor == 0.0 ? 0.0 : WeightedSum / divisor;
        return T.CreateTruncating(_takesSquareRoot ? Math.Sqrt(reduced) : reduced);
    }

    /// <summary>Empties the accumulator, e.g. at the start of an epoch.</summary>
    public void Reset()
    {
        _weightedSum = default;
        _totalWeight = default;
        _reduction = null;
        _takesSquareRoot = false;
        Count = 0;
        Batches = 0;
    }

    /// <summary>
    /// Throws if this accumulator holds results of another reduction (or of a square root where the results are
    /// none, or the other way round), naming <paramref name="name"/>; the buffer overloads ask before any work.
    /// </summary>
    internal void CheckAccepts(Reduction reduction, bool takesSquareRoot, string name)
    {
        if (_reduction is { } held && (held != reduction || _takesSquareRoot != takesSquareRoot))
        {
            throw new ArgumentException(
                $"{name} comes from a loss with reduction {reduction}{(takesSquareRoot ? " (square root)" : string.Empty)}, "
                + $"but this accumulator holds {held}{(_takesSquareRoot ? " (square root)" : string.Empty)} results: "
                + "use one accumulator per loss.",
                name);
        }
    }

    private void Adopt(Reduction reduction, bool takesSquareRoot, string name)
    {
        CheckAccepts(reduction, takesSquareRoot, name);
        if (_reduction is null)
        {
            _reduction = reduction;
            _takesSquareRoot = takesSquareRoot;
        }
    }
}
