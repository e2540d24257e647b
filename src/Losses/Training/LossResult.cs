using MathNet.Numerics.LinearAlgebra;

namespace Losses;

/// <summary>
/// The outcome of one evaluation of a loss object on a batch: the reduced value, the per-example losses,
/// the gradient, and the sums that merge batches exactly (<see cref="LossAccumulator{T}"/>).
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>
/// <para><c>Value = WeightedSum</c> (Sum), <c>WeightedSum / Count</c> (Mean) or
/// <c>WeightedSum / TotalWeight</c> (WeightedMean); 0 when the divisor is 0. For
/// <see cref="RootMeanSquaredErrorLoss{T}"/> the value is the square root of that
/// (<see cref="TakesSquareRoot"/>). The sums are kept in double, also for float.</para>
/// <para>The sums are exact merge sums wherever they are representable in double, which for float inputs is
/// always. Where <c>Σᵢ sᵢℓᵢ</c> itself overflows double (the RMSE or MSE of double errors beyond about 1e154,
/// absolute or Huber errors near double's MaxValue) <see cref="WeightedSum"/> is +∞, and where the squares
/// underflow (double errors below about 1e-154) it is 0 or short of digits: merging such a result gives +∞ or 0
/// although the batch's own <see cref="Value"/> is finite and accurate (the regression losses compute it at a
/// power-of-two scale, which a single double cannot carry).</para>
/// </remarks>
public sealed class LossResult<T>
    where T : struct, System.Numerics.IFloatingPointIeee754<T>
{
    internal LossResult(
        T value,
        Vector<T> perExample,
        Matrix<T> gradient,
        double weightedSum,
        double totalWeight,
        long count,
        Reduction reduction,
        bool takesSquareRoot)
    {
        Value = value;
        PerExample = perExample;
        Gradient = gradient;
        WeightedSum = weightedSum;
        TotalWeight = totalWeight;
        Count = count;
        Reduction = reduction;
        TakesSquareRoot = takesSquareRoot;
    }

    /// <summary>The reduced loss of the batch, the number to minimise.</summary>
    public T Value { get; }

    /// <summary>
    /// One loss ℓᵢ per row, N entries, before sample weighting: the row sum of the element-wise losses
    /// (PyTorch's <c>reduction='none'</c> output summed over the row) for the regression and sigmoid
    /// losses, summed in double and rounded once to T (so +∞ or 0 where the sum lies beyond T's range,
    /// though the reduction, which takes the double sums, may not); the row's cross-entropy, class weights
    /// and smoothing included, for the softmax losses (PyTorch's <c>reduction='none'</c>); 0 for an ignored row.
    /// </summary>
    public Vector<T> PerExample { get; }

    /// <summary>∂Value/∂predictions, N×C like the predictions (or logits); zero rows for ignored or zero-weight rows.</summary>
    public Matrix<T> Gradient { get; }

    /// <summary><c>Σᵢ sᵢℓᵢ</c> over the counted rows, in double: the numerator of every reduction.</summary>
    public double WeightedSum { get; }

    /// <summary>
    /// <c>Σᵢ sᵢrᵢ</c> over the counted rows, in double: the divisor of <see cref="Reduction.WeightedMean"/>.
    /// rᵢ is the number of columns for the element-wise losses, <c>Σⱼ wⱼyᵢⱼ</c> (the label's class weight,
    /// or 1) for the softmax losses.
    /// </summary>
    public double TotalWeight { get; }

    /// <summary>
    /// The number n of counted terms, the divisor of <see cref="Reduction.Mean"/>: rows × columns for the
    /// element-wise losses, non-ignored rows for the softmax losses.
    /// </summary>
    public long Count { get; }

    /// <summary>The reduction that produced <see cref="Value"/>.</summary>
    public Reduction Reduction { get; }

    /// <summary>True when <see cref="Value"/> is the square root of the reduction (<see cref="RootMeanSquaredErrorLoss{T}"/>).</summary>
    public bool TakesSquareRoot { get; }
}
