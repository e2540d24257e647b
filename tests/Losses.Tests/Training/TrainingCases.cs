using System.Collections.Generic;
using System.Linq;

namespace Losses.Tests.Training;

/// <summary>Theory data shared by the training-loss tests.</summary>
public static class TrainingCases
{
    private static readonly bool[] Both = { false, true };
    private static readonly double[] Smoothings = { 0.0, 0.1, 1.0 };

    /// <summary>Every combination of class weights, smoothing ε, sample weights and reduction.</summary>
    public static IEnumerable<object[]> SoftmaxOptions()
        => from classWeights in Both
           from smoothing in Smoothings
           from sampleWeights in Both
           from reduction in TrainingData.Reductions
           select new object[] { classWeights, smoothing, sampleWeights, reduction };

    /// <summary>Every reduction, without and with sample weights.</summary>
    public static IEnumerable<object[]> ReductionsAndWeighting()
        => from reduction in TrainingData.Reductions
           from weighted in Both
           select new object[] { reduction, weighted };
}
