using MathNet.Numerics.LinearAlgebra;
using static Losses.Tests.Training.TrainingData;

namespace Losses.Tests.Training;

/// <summary>
/// Every loss object's gradient, with every option, equals central finite differences of its value (double):
/// the gradient really is ∂Value/∂predictions, reduction, weights, smoothing and ignored rows included.
/// </summary>
public sealed class GradientTests
{
    private static readonly Matrix<double> Labels = TestMatrices.Of<double>(Targets);
    private static readonly Matrix<double> Outputs = TestMatrices.Of<double>(Predictions);
    private static readonly Matrix<double> X = TestMatrices.Of<double>(Logits);

    [Theory]
    [MemberData(nameof(TrainingCases.ReductionsAndWeighting), MemberType = typeof(TrainingCases))]
    public void RegressionLosses_Gradient_MatchesFiniteDifferences(Reduction reduction, bool weighted)
    {
        Vector<double>? weights = weighted ? TestMatrices.Of<double>(RegressionWeights) : null;
        ILoss<double>[] losses =
        {
            new MeanSquaredErrorLoss<double> { Reduction = reduction },
            new MeanAbsoluteErrorLoss<double> { Reduction = reduction },
            new RootMeanSquaredErrorLoss<double> { Reduction = reduction },
            new HuberLoss<double> { Reduction = reduction, Delta = 0.5 },
            new HuberLoss<double> { Reduction = reduction, Delta = 1.0 },
        };

        foreach (ILoss<double> loss in losses)
        {
            LossAssert.GradientMatchesFiniteDifferences(loss, Labels, Outputs, weights);
        }
    }

    [Theory]
    [MemberData(nameof(TrainingCases.ReductionsAndWeighting), MemberType = typeof(TrainingCases))]
    public void SigmoidCrossEntropy_Gradient_MatchesFiniteDifferences(Reduction reduction, bool weighted)
    {
        Vector<double>? weights = weighted ? TestMatrices.Of<double>(BinaryWeights) : null;
        Matrix<double> labels = TestMatrices.Of<double>(BinaryLabels);
        Matrix<double> logits = TestMatrices.Of<double>(BinaryLogits);

        LossAssert.GradientMatchesFiniteDifferences(new SigmoidCrossEntropyLoss<double> { Reduction = reduction }, labels, logits, weights);
        LossAssert.GradientMatchesFiniteDifferences(
            new SigmoidCrossEntropyLoss<double> { Reduction = reduction, PositiveWeight = 3, LabelSmoothing = 0.2 }, labels, logits, weights);
    }

    [Theory]
    [MemberData(nameof(TrainingCases.ReductionsAndWeighting), MemberType = typeof(TrainingCases))]
    public void SoftmaxCrossEntropy_Gradient_MatchesFiniteDifferences(Reduction reduction, bool weighted)
    {
        Vector<double>? weights = weighted ? TestMatrices.Of<double>(SampleWeights) : null;
        Matrix<double> labels = TestMatrices.Of<double>(SoftLabels);

        LossAssert.GradientMatchesFiniteDifferences(new SoftmaxCrossEntropyLoss<double> { Reduction = reduction }, labels, X, weights);
        LossAssert.GradientMatchesFiniteDifferences(
            new SoftmaxCrossEntropyLoss<double> { Reduction = reduction, LabelSmoothing = 0.1, ClassWeights = ClassWeights }, labels, X, weights);
    }

    [Theory]
    [MemberData(nameof(TrainingCases.ReductionsAndWeighting), MemberType = typeof(TrainingCases))]
    public void SparseSoftmaxCrossEntropy_Gradient_MatchesFiniteDifferences(Reduction reduction, bool weighted)
    {
        Vector<double>? weights = weighted ? TestMatrices.Of<double>(SampleWeights) : null;
        SparseSoftmaxCrossEntropyLoss<double>[] losses =
        {
            new() { Reduction = reduction },
            new() { Reduction = reduction, IgnoreIndex = -100 },
            new() { Reduction = reduction, IgnoreIndex = -100, LabelSmoothing = 0.1 },
            new() { Reduction = reduction, IgnoreIndex = -100, ClassWeights = ClassWeights },
            new() { Reduction = reduction, IgnoreIndex = -100, LabelSmoothing = 0.1, ClassWeights = ClassWeights },
        };

        foreach (SparseSoftmaxCrossEntropyLoss<double> loss in losses)
        {
            int[] labels = loss.IgnoreIndex is null ? ClassIndices : ClassIndicesWithIgnored;
            Matrix<double> gradient = loss.Evaluate(labels, X, weights).Gradient;
            LossAssert.GradientMatchesFiniteDifferences(x => loss.Evaluate(labels, x, weights).Value, X, gradient);
        }
    }
}
