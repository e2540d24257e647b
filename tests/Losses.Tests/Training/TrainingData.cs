namespace Losses.Tests.Training;

/// <summary>The small batches the training-loss tests share; values chosen by hand to exercise every branch.</summary>
internal static class TrainingData
{
    /// <summary>5 examples × 4 classes; row 4 is all zeros.</summary>
    public static readonly double[,] Logits =
    {
        { 2, 0.5, 6, -1 },
        { 0.1, 0, 3, 1.5 },
        { -2, 1, 0.3, 0.7 },
        { 1.2, -0.4, -1.1, 2.2 },
        { 0, 0, 0, 0 },
    };

    public static readonly int[] ClassIndices = { 2, 0, 3, 1, 2 };

    /// <summary>The class indices with rows 1 and 4 marked by PyTorch's default ignore_index, -100.</summary>
    public static readonly int[] ClassIndicesWithIgnored = { 2, -100, 3, 1, -100 };

    /// <summary>Soft label rows, each summing to 1.</summary>
    public static readonly double[,] SoftLabels =
    {
        { 0.1, 0.2, 0.6, 0.1 },
        { 0.25, 0.25, 0.25, 0.25 },
        { 0, 0, 0, 1 },
        { 0.7, 0.1, 0.1, 0.1 },
        { 0.4, 0.3, 0.2, 0.1 },
    };

    public static readonly double[] ClassWeights = { 0.5, 2, 1, 1.5 };

    /// <summary>Per-row sample weights, one of them 0.</summary>
    public static readonly double[] SampleWeights = { 1, 0.5, 2, 0, 1.5 };

    /// <summary>Regression targets, 4 × 3.</summary>
    public static readonly double[,] Targets =
    {
        { 1.5, -0.5, 2 },
        { 0, 3, -1 },
        { 0.25, 0.75, 4 },
        { -2, 1, 0.5 },
    };

    /// <summary>Regression predictions, 4 × 3: differences on both sides of δ = 0.5 and 1, none at a kink.</summary>
    public static readonly double[,] Predictions =
    {
        { 1.2, 0.4, 3.7 },
        { -0.3, 2.9, 1.6 },
        { 0.05, -0.45, 4.3 },
        { -1.1, 1.35, -0.2 },
    };

    public static readonly double[] RegressionWeights = { 2, 0, 0.5, 1 };

    /// <summary>Binary labels, 3 × 3, hard and soft.</summary>
    public static readonly double[,] BinaryLabels =
    {
        { 1, 0, 1 },
        { 0, 0.3, 1 },
        { 0.5, 1, 0 },
    };

    public static readonly double[,] BinaryLogits =
    {
        { 2, -1, 0.3 },
        { -0.7, 0.2, -4 },
        { 1.5, 3, -2.5 },
    };

    public static readonly double[] BinaryWeights = { 1, 2, 0.25 };

    public static readonly Reduction[] Reductions = { Reduction.Sum, Reduction.Mean, Reduction.WeightedMean };
}
