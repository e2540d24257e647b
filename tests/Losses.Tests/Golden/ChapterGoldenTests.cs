using FluentAssertions;
using Losses.Tests.Infrastructure;
using MathNet.Numerics.LinearAlgebra;

namespace Losses.Tests.Golden;

/// <summary>
/// Every value the chapter prints, computed the way the chapter computes it. The expected values come from
/// Golden/seed-values.json: in float each result is within 1e-6 of the chapter's TensorFlow float32 print
/// ("document"; loss2 within 1e-5 because the chapter prints it to 6 digits); in double each is within 1e-13
/// relative of the 40-digit computation ("exact").
/// </summary>
public abstract class ChapterGoldenTests<T> : TypedTests<T>
    where T : struct, System.Numerics.IFloatingPointIeee754<T>
{
    private static Matrix<T> Labels => MatrixOf(SeedValues.OneHotLabels);

    private static Matrix<T> Logits => MatrixOf(SeedValues.Logits);

    private static Matrix<T> Scaled => Activation.Softmax(Logits);

    [Fact]
    public void Softmax_MatchesChapterScaled()
        => ShouldMatchChapter("scaled", Activation.Softmax(Logits));

    [Fact]
    public void SoftmaxOfSoftmax_MatchesChapterScaled2()
        => ShouldMatchChapter("scaled2", Activation.Softmax(Scaled));

    [Fact]
    public void SoftmaxCrossEntropyWithLogits_MatchesChapterRel1()
        => ShouldMatchChapter("rel1", Loss.SoftmaxCrossEntropyWithLogits(Labels, Logits));

    [Fact]
    public void SoftmaxCrossEntropyWithLogits_OfProbabilities_MatchesChapterRel2()
        => ShouldMatchChapter("rel2", Loss.SoftmaxCrossEntropyWithLogits(Labels, Scaled));

    [Fact]
    public void CrossEntropy_OfSoftmax_MatchesChapterRel3()
        => ShouldMatchChapter("rel3", Loss.CrossEntropy(Labels, Scaled));

    [Fact]
    public void SoftmaxCrossEntropyWithLogits_WithSoftLabels_MatchesChapterRel4()
        => ShouldMatchChapter("rel4", Loss.SoftmaxCrossEntropyWithLogits(MatrixOf(SeedValues.SoftLabels), Logits));

    [Fact]
    public void SparseSoftmaxCrossEntropyWithLogits_MatchesChapterRel5()
        => ShouldMatchChapter("rel5", Loss.SparseSoftmaxCrossEntropyWithLogits(SeedValues.SparseLabels, Logits));

    [Fact]
    public void LogSoftmax_AtTheLabelledClasses_IsMinusChapterRel1()
    {
        // ln softmax(x)ₖ = -(loss of class k), so the labelled entries (0, 2) and (1, 1) are -rel1.
        Matrix<T> logSoftmax = Activation.LogSoftmax(Logits);
        ShouldMatchChapter("rel1", [-ToDouble(logSoftmax[0, 2]), -ToDouble(logSoftmax[1, 1])]);
    }

    [Fact]
    public void SparseSoftmaxCrossEntropyWithLogits_EqualsRel1BitForBit()
    {
        // The chapter: "rel5 is exactly the same as rel1".
        NumericAssertions.ShouldBeBitIdentical(
            Loss.SparseSoftmaxCrossEntropyWithLogits(SeedValues.SparseLabels, Logits),
            Loss.SoftmaxCrossEntropyWithLogits(Labels, Logits),
            "rel5 against rel1");
    }

    [Fact]
    public void SumOfSoftmaxCrossEntropy_MatchesChapterLoss()
        => ShouldMatchChapter("loss", [ToDouble(Sum(Loss.SoftmaxCrossEntropyWithLogits(Labels, Logits)))]);

    [Fact]
    public void SumOfCrossEntropyOfSoftmax_MatchesChapterLoss2()
        => ShouldMatchChapter("loss2", [ToDouble(Sum(Loss.CrossEntropy(Labels, Scaled)))]);

    private static void ShouldMatchChapter(string name, Matrix<T> actual)
        => ShouldMatchChapter(name, RowMajor(actual));

    private static void ShouldMatchChapter(string name, Vector<T> actual) => ShouldMatchChapter(name, ToDoubles(actual));

    private static void ShouldMatchChapter(string name, double[] actual)
    {
        double[] expected = IsSingle ? SeedValues.Printed(name) : SeedValues.Exact(name);
        actual.Should().HaveSameCount(expected);
        for (int i = 0; i < expected.Length; i++)
        {
            if (IsSingle)
            {
                NumericAssertions.ShouldBeWithin(actual[i], expected[i], name == "loss2" ? 1e-5 : 1e-6, $"{name}[{i}]");
            }
            else
            {
                NumericAssertions.ShouldBeRelativelyClose(actual[i], expected[i], 1e-13, $"{name}[{i}]");
            }
        }
    }
}

public sealed class ChapterGoldenFloatTests : ChapterGoldenTests<float>;

public sealed class ChapterGoldenDoubleTests : ChapterGoldenTests<double>;
