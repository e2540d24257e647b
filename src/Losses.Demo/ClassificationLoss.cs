namespace Losses.Demo;

/// <summary>How the classifier's labels are given to the loss.</summary>
internal enum ClassificationLoss
{
    /// <summary>Class indices, <see cref="SparseSoftmaxCrossEntropyLoss{T}"/>.</summary>
    Sparse,

    /// <summary>One-hot rows, <see cref="SoftmaxCrossEntropyLoss{T}"/>.</summary>
    Dense,
}
