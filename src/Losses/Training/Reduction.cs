namespace Losses;

/// <summary>How a loss object reduces the weighted per-example losses of a batch to one value.</summary>
/// <remarks>
/// <para>With ℓᵢ the loss of row i, sᵢ its sample weight (1 when none is given), n the number of counted
/// terms and W their total weight (see <see cref="LossResult{T}.Count"/> and <see cref="LossResult{T}.TotalWeight"/>):
/// <c>Sum = Σᵢ sᵢℓᵢ</c>, <c>Mean = Σᵢ sᵢℓᵢ / n</c>, <c>WeightedMean = Σᵢ sᵢℓᵢ / W</c>.</para>
/// <para>A term is one row for the softmax losses (ignored rows excluded) and one element for the
/// element-wise losses (regression and sigmoid), as in PyTorch, whose <c>'mean'</c> averages over every
/// element. A batch with nothing counted (n = 0, or W = 0 for <see cref="WeightedMean"/>) reduces to 0
/// with a zero gradient, never NaN.</para>
/// </remarks>
public enum Reduction
{
    /// <summary><c>Σᵢ sᵢℓᵢ</c>: PyTorch's <c>reduction='sum'</c>, Keras's <c>'sum'</c>.</summary>
    Sum,

    /// <summary>
    /// <c>Σᵢ sᵢℓᵢ / n</c> over the n counted terms: PyTorch's <c>reduction='mean'</c> for the regression and
    /// sigmoid losses and for cross-entropy with probability targets; Keras's <c>'sum_over_batch_size'</c>.
    /// </summary>
    Mean,

    /// <summary>
    /// <c>Σᵢ sᵢℓᵢ / Σᵢ sᵢrᵢ</c>, rᵢ the row's own weight (the class weight of its label for cross-entropy,
    /// times the terms per row): PyTorch's <c>reduction='mean'</c> for cross-entropy with class indices and
    /// <c>weight</c>, which divides by <c>Σₙ w_yₙ</c> over non-ignored rows.
    /// </summary>
    WeightedMean,
}
