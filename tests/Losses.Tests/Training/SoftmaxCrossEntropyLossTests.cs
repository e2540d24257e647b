using System;
using System.Linq;
using FluentAssertions;
using MathNet.Numerics.LinearAlgebra;
using static Losses.Tests.Training.TrainingData;

namespace Losses.Tests.Training;

/// <summary>
/// The softmax loss objects against PyTorch's <c>cross_entropy</c> with class indices and probability targets
/// (expected values from <see cref="PyTorchReference"/>, the documented formulas in naive double loops, or
/// 50-digit <c>decimal</c> computations where stated).
/// </summary>
public abstract class SoftmaxCrossEntropyLossTests<T>
    where T : struct, System.Numerics.IFloatingPointIeee754<T>
{
    private static readonly int[] ChapterClassIndices = { 2, 1 };

    /// <summary>The chapter's rel1 in 40-digit arithmetic, rounded to 20 digits.</summary>
    private static readonly double[] ChapterRel1 = { 0.022155162157131991102, 3.0996736355462962462 };

    /// <summary>Relative tolerance against the double reference fed T-rounded inputs.</summary>
    protected abstract double Tolerance { get; }

    private static Matrix<T> X => TestMatrices.Of<T>(Logits);

    private static double[,] RoundedLogits => TestMatrices.RoundedTo<T>(Logits);

    [Theory]
    [MemberData(nameof(TrainingCases.SoftmaxOptions), MemberType = typeof(TrainingCases))]
    public void ClassIndices_MatchCrossEntropy(bool classWeights, double smoothing, bool sampleWeights, Reduction reduction)
    {
        var loss = new SparseSoftmaxCrossEntropyLoss<T>
        {
            Reduction = reduction,
            LabelSmoothing = T.CreateTruncating(smoothing),
            ClassWeights = classWeights ? TestMatrices.Of<T>(ClassWeights).ToArray() : null,
        };
        LossResult<T> result = loss.Evaluate(ClassIndices, X, sampleWeights ? TestMatrices.Of<T>(SampleWeights) : null);

        (double value, double[] perExample) = PyTorchReference.CrossEntropyWithIndices(
            ClassIndices, RoundedLogits, Rounded(classWeights), null, Smoothing(smoothing), RoundedSamples(sampleWeights), reduction);
        LossAssert.Close(double.CreateTruncating(result.Value), value, Tolerance, "value");
        LossAssert.Close(result.PerExample, perExample, Tolerance, "per-example");
    }

    [Theory]
    [MemberData(nameof(TrainingCases.SoftmaxOptions), MemberType = typeof(TrainingCases))]
    public void ClassIndicesWithIgnoreIndex_MatchCrossEntropy(bool classWeights, double smoothing, bool sampleWeights, Reduction reduction)
    {
        var loss = new SparseSoftmaxCrossEntropyLoss<T>
        {
            Reduction = reduction,
            LabelSmoothing = T.CreateTruncating(smoothing),
            ClassWeights = classWeights ? TestMatrices.Of<T>(ClassWeights).ToArray() : null,
            IgnoreIndex = -100,
        };
        LossResult<T> result = loss.Evaluate(ClassIndicesWithIgnored, X, sampleWeights ? TestMatrices.Of<T>(SampleWeights) : null);

        (double value, double[] perExample) = PyTorchReference.CrossEntropyWithIndices(
            ClassIndicesWithIgnored, RoundedLogits, Rounded(classWeights), -100, Smoothing(smoothing), RoundedSamples(sampleWeights), reduction);
        LossAssert.Close(double.CreateTruncating(result.Value), value, Tolerance, "value");
        LossAssert.Close(result.PerExample, perExample, Tolerance, "per-example");
        result.Count.Should().Be(3);
        result.Gradient.Row(1).Concat(result.Gradient.Row(4)).Should().AllBeEquivalentTo(T.Zero);
    }

    [Theory]
    [MemberData(nameof(TrainingCases.SoftmaxOptions), MemberType = typeof(TrainingCases))]
    public void ProbabilityTargets_MatchCrossEntropy(bool classWeights, double smoothing, bool sampleWeights, Reduction reduction)
    {
        var loss = new SoftmaxCrossEntropyLoss<T>
        {
            Reduction = reduction,
            LabelSmoothing = T.CreateTruncating(smoothing),
            ClassWeights = classWeights ? TestMatrices.Of<T>(ClassWeights).ToArray() : null,
        };
        LossResult<T> result = loss.Evaluate(TestMatrices.Of<T>(SoftLabels), X, sampleWeights ? TestMatrices.Of<T>(SampleWeights) : null);

        (double value, double[] perExample) = PyTorchReference.CrossEntropyWithProbabilities(
            TestMatrices.RoundedTo<T>(SoftLabels), RoundedLogits, Rounded(classWeights), Smoothing(smoothing), RoundedSamples(sampleWeights), reduction);
        LossAssert.Close(double.CreateTruncating(result.Value), value, Tolerance, "value");
        LossAssert.Close(result.PerExample, perExample, Tolerance, "per-example");
    }

    [Theory]
    [MemberData(nameof(TrainingCases.SoftmaxOptions), MemberType = typeof(TrainingCases))]
    public void OneHotDenseLabels_GiveExactlyTheSparseResult(bool classWeights, double smoothing, bool sampleWeights, Reduction reduction)
    {
        T[]? weights = classWeights ? TestMatrices.Of<T>(ClassWeights).ToArray() : null;
        Vector<T>? samples = sampleWeights ? TestMatrices.Of<T>(SampleWeights) : null;
        T epsilon = T.CreateTruncating(smoothing);
        LossResult<T> sparse = new SparseSoftmaxCrossEntropyLoss<T> { Reduction = reduction, LabelSmoothing = epsilon, ClassWeights = weights }
            .Evaluate(ClassIndices, X, samples);
        LossResult<T> dense = new SoftmaxCrossEntropyLoss<T> { Reduction = reduction, LabelSmoothing = epsilon, ClassWeights = weights }
            .Evaluate(TestMatrices.Of<T>(TestMatrices.OneHot(ClassIndices, 4)), X, samples);

        dense.Value.Should().Be(sparse.Value);
        dense.PerExample.ToArray().Should().Equal(sparse.PerExample.ToArray());
        LossAssert.Identical(dense.Gradient, sparse.Gradient, "gradient");
        dense.WeightedSum.Should().Be(sparse.WeightedSum);
        dense.TotalWeight.Should().Be(sparse.TotalWeight);
        dense.Count.Should().Be(sparse.Count);
    }

    [Theory]
    [InlineData(Reduction.Sum)]
    [InlineData(Reduction.Mean)]
    [InlineData(Reduction.WeightedMean)]
    public void EveryRowIgnored_GivesZeroValueAndZeroGradient(Reduction reduction)
    {
        // PyTorch's 'mean' is NaN here (0/0); the loss objects count nothing and return 0.
        var loss = new SparseSoftmaxCrossEntropyLoss<T>
        {
            Reduction = reduction,
            IgnoreIndex = -100,
            LabelSmoothing = T.CreateTruncating(0.1),
            ClassWeights = TestMatrices.Of<T>(ClassWeights).ToArray(),
        };
        LossResult<T> result = loss.Evaluate(new[] { -100, -100, -100, -100, -100 }, X);

        result.Value.Should().Be(T.Zero);
        result.Count.Should().Be(0);
        result.TotalWeight.Should().Be(0);
        result.PerExample.ToArray().Should().AllBeEquivalentTo(T.Zero);
        result.Gradient.ToColumnMajorArray().Should().AllBeEquivalentTo(T.Zero);
    }

    [Theory]
    [InlineData(Reduction.Sum)]
    [InlineData(Reduction.Mean)]
    public void DenseLabelsSummingToMinusOne_CountLikeAnyOtherRow(Reduction reduction)
    {
        // Labels outside [0, 1] are not probabilities (Strict rejects them), but without Strict a row whose labels sum to
        // exactly -1 must count as any row does, not vanish from the reduction as an ignored row would.
        var labels = TestMatrices.Of<T>(new double[,] { { -1, 0, 0 }, { 0, 0, 1 } });
        var logits = TestMatrices.Of<T>(new double[,] { { 1, 2, 3 }, { 0.5, 0.1, 2 } });
        T[] perExample = Loss.SoftmaxCrossEntropyWithLogits(labels, logits).ToArray();
        Matrix<T> gradient = Loss.SoftmaxCrossEntropyWithLogitsGradient(labels, logits);
        double share = reduction == Reduction.Mean ? 0.5 : 1.0;

        LossResult<T> result = new SoftmaxCrossEntropyLoss<T> { Reduction = reduction }.Evaluate(labels, logits);

        result.Count.Should().Be(2);
        result.PerExample.ToArray().Should().Equal(perExample);
        double expected = (double.CreateTruncating(perExample[0]) + double.CreateTruncating(perExample[1])) * share;
        double.CreateTruncating(result.Value).Should().BeApproximately(expected, 1e-6 * Math.Abs(expected));
        result.Gradient.Row(0).ToArray().Should().Equal(gradient.Row(0).Select(g => T.CreateTruncating(share) * g).ToArray());
    }

    [Fact]
    public void DecimalExample_ClassWeightsSmoothingAndIgnoreIndex()
    {
        // Logits [[2, 0.5, 6], [0.1, 0, 3], [1, 2, -1]], labels [2, ignored, 0], w = [0.5, 2, 1], ε = 0.1.
        // Python decimal at 50 digits from ℓ = (1-ε)·w_y·(-log p_y) + (ε/C)·Σ_c w_c·(-log p_c):
        // ℓ₀ = 0.455857748193084190953557..., ℓ₂ = 0.764440256168638951736605...,
        // 'mean' = (ℓ₀ + ℓ₂)/(w₂ + w₀) = 0.813532002907815428460108856..., 'sum' = 1.220298004361723142690163...
        Matrix<T> logits = TestMatrices.Of<T>(new double[,] { { 2, 0.5, 6 }, { 0.1, 0, 3 }, { 1, 2, -1 } });
        int[] labels = { 2, -100, 0 };
        T[] weights = { T.CreateTruncating(0.5), T.CreateTruncating(2.0), T.One };
        var mean = new SparseSoftmaxCrossEntropyLoss<T> { ClassWeights = weights, LabelSmoothing = T.CreateTruncating(0.1), IgnoreIndex = -100 };
        LossResult<T> result = mean.Evaluate(labels, logits);

        LossAssert.Close(double.CreateTruncating(result.Value), 0.81353200290781542846, Tolerance, "mean");
        LossAssert.Close(result.PerExample, new[] { 0.45585774819308419095, 0, 0.76444025616863895174 }, Tolerance, "per-example");
        LossAssert.Close(result.WeightedSum, 1.2202980043617231427, Tolerance, "sum");
    }

    [Theory]
    [InlineData(10, Reduction.Mean)]
    [InlineData(40, Reduction.WeightedMean)]
    [InlineData(40, Reduction.Sum)]
    public void SmoothedOneHotBatch_MatchesTheSmoothedLabelsWrittenOut_AndTheSparseResultExactly(int columns, Reduction reduction)
    {
        // Label smoothing 0.2 over a batch of several blocks of rows (narrow rows, and rows wide enough for the gradient to
        // be finished by the division), with sample weights. The smoothed labels (1 - ε)·y + ε/C written out as
        // probability targets are the reference; dense one-hot labels and class indices give the same bits.
        const int rows = 700;
        var random = new Random(columns);
        int[] classes = Enumerable.Range(0, rows).Select(_ => random.Next(columns)).ToArray();
        Matrix<T> logits = Matrix<T>.Build.Dense(rows, columns, (_, _) => T.CreateTruncating((random.NextDouble() * 12) - 6));
        Vector<T> samples = Vector<T>.Build.Dense(rows, i => T.CreateTruncating(i % 7 == 0 ? 0 : random.NextDouble() * 2));
        Matrix<T> oneHot = Matrix<T>.Build.Dense(rows, columns, (i, j) => j == classes[i] ? T.One : T.Zero);
        T epsilon = T.CreateTruncating(0.2);
        T spread = epsilon / T.CreateTruncating(columns);
        Matrix<T> smoothedLabels = oneHot.Map(y => ((T.One - epsilon) * y) + spread);

        LossResult<T> dense = new SoftmaxCrossEntropyLoss<T> { Reduction = reduction, LabelSmoothing = epsilon }.Evaluate(oneHot, logits, samples);
        LossResult<T> sparse = new SparseSoftmaxCrossEntropyLoss<T> { Reduction = reduction, LabelSmoothing = epsilon }.Evaluate(classes, logits, samples);
        LossResult<T> writtenOut = new SoftmaxCrossEntropyLoss<T> { Reduction = reduction }.Evaluate(smoothedLabels, logits, samples);

        LossAssert.Close(double.CreateTruncating(sparse.Value), double.CreateTruncating(writtenOut.Value), Tolerance, "value");
        LossAssert.Close(sparse.PerExample, writtenOut.PerExample.Select(double.CreateTruncating).ToArray(), Tolerance, "per-example");
        double largest = writtenOut.Gradient.Enumerate().Max(g => Math.Abs(double.CreateTruncating(g)));
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < columns; j++)
            {
                Math.Abs(double.CreateTruncating(sparse.Gradient[i, j] - writtenOut.Gradient[i, j]))
                    .Should().BeLessThanOrEqualTo(Tolerance * largest, $"the gradient at ({i}, {j})");
            }
        }

        dense.Value.Should().Be(sparse.Value);
        dense.PerExample.ToArray().Should().Equal(sparse.PerExample.ToArray());
        LossAssert.Identical(dense.Gradient, sparse.Gradient, "gradient");
        dense.WeightedSum.Should().Be(sparse.WeightedSum);
        dense.TotalWeight.Should().Be(sparse.TotalWeight);
    }

    [Fact]
    public void ChapterBatch_SumIsTheChaptersLoss()
    {
        // The chapter's logits [[2, 0.5, 6], [0.1, 0, 3]] with one-hot [[0, 0, 1], [0, 1, 0]] (rel1) and class
        // indices [2, 1] (rel5); 40-digit values: rel1 = [0.022155162157131991102, 3.0996736355462962462],
        // reduce_sum = 3.1218287977034282373.
        Matrix<T> logits = TestMatrices.Of<T>(new double[,] { { 2, 0.5, 6 }, { 0.1, 0, 3 } });
        Matrix<T> oneHot = TestMatrices.Of<T>(new double[,] { { 0, 0, 1 }, { 0, 1, 0 } });
        LossResult<T> dense = new SoftmaxCrossEntropyLoss<T> { Reduction = Reduction.Sum }.Evaluate(oneHot, logits);
        LossResult<T> sparse = new SparseSoftmaxCrossEntropyLoss<T> { Reduction = Reduction.Sum }.Evaluate(ChapterClassIndices, logits);

        LossAssert.Close(double.CreateTruncating(dense.Value), 3.1218287977034282373, Tolerance, "rel1 sum");
        LossAssert.Close(dense.PerExample, ChapterRel1, Tolerance, "rel1");
        LossAssert.Close(double.CreateTruncating(sparse.Value), 3.1218287977034282373, Tolerance, "rel5 sum");
    }

    [Fact]
    public void IgnoreIndexThatIsAClass_SkipsThatClass()
    {
        // PyTorch allows ignore_index to be a class (e.g. padding = 0); those rows count for nothing.
        LossResult<T> skipping = new SparseSoftmaxCrossEntropyLoss<T> { IgnoreIndex = 2 }.Evaluate(ClassIndices, X);
        LossResult<T> withoutRows = new SparseSoftmaxCrossEntropyLoss<T>().Evaluate(new[] { 0, 3, 1 }, TestMatrices.Of<T>(RowsOf(Logits, 1, 2, 3)));

        LossAssert.Close(double.CreateTruncating(skipping.Value), double.CreateTruncating(withoutRows.Value), Tolerance, "value");
        skipping.Count.Should().Be(3);
    }

    [Fact]
    public void LabelOutOfRange_ThrowsNamingRowAndValue()
    {
        Action act = () => new SparseSoftmaxCrossEntropyLoss<T> { IgnoreIndex = -100 }.Evaluate(new[] { 2, 0, 4, 1, 2 }, X);

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("labels")
            .WithMessage("labels[2] = 4 is neither a class index in [0, 4) nor IgnoreIndex = -100.*");
    }

    [Fact]
    public void LabelCountMismatch_ThrowsNamingBothSizes()
    {
        Action act = () => new SparseSoftmaxCrossEntropyLoss<T>().Evaluate(ChapterClassIndices, X);

        act.Should().Throw<ArgumentException>().WithParameterName("labels").WithMessage("labels has 2 class indices but predictions is 5x4*");
    }

    [Fact]
    public void ClassWeightsOfWrongLength_ThrowAtCall()
    {
        var loss = new SoftmaxCrossEntropyLoss<T> { ClassWeights = new[] { T.One, T.One, T.One } };
        Action act = () => loss.Evaluate(TestMatrices.Of<T>(SoftLabels), X);

        act.Should().Throw<ArgumentException>().WithParameterName("ClassWeights").WithMessage("*3 entries*4 columns*");
    }

    [Fact]
    public void InvalidOptions_Throw()
    {
        Action negativeWeight = () => _ = new SparseSoftmaxCrossEntropyLoss<T> { ClassWeights = new[] { T.One, -T.One } };
        Action smoothingAboveOne = () => _ = new SoftmaxCrossEntropyLoss<T> { LabelSmoothing = T.CreateTruncating(1.5) };
        Action negativeSmoothing = () => _ = new SparseSoftmaxCrossEntropyLoss<T> { LabelSmoothing = T.CreateTruncating(-0.1) };
        Action undefinedReduction = () => _ = new SoftmaxCrossEntropyLoss<T> { Reduction = (Reduction)7 };

        negativeWeight.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("ClassWeights");
        smoothingAboveOne.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("LabelSmoothing");
        negativeSmoothing.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("LabelSmoothing");
        undefinedReduction.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("Reduction");
    }

    [Fact]
    public void ClassWeights_AreCopiedWhenSet()
    {
        T[] weights = { T.One, T.One, T.One, T.One };
        var loss = new SoftmaxCrossEntropyLoss<T> { ClassWeights = weights };
        weights[0] = T.CreateTruncating(100);

        loss.ClassWeights![0].Should().Be(T.One);
    }

    [Fact]
    public void Defaults_ArePyTorchDefaults()
    {
        new SoftmaxCrossEntropyLoss<T>().Reduction.Should().Be(Reduction.Mean);
        new SparseSoftmaxCrossEntropyLoss<T>().Reduction.Should().Be(Reduction.WeightedMean);
        new SparseSoftmaxCrossEntropyLoss<T>().IgnoreIndex.Should().BeNull();
        new SparseSoftmaxCrossEntropyLoss<T>().Strict.Should().BeFalse();
    }

    private static double[]? Rounded(bool classWeights) => classWeights ? TestMatrices.RoundedTo<T>(ClassWeights) : null;

    private static double[]? RoundedSamples(bool sampleWeights) => sampleWeights ? TestMatrices.RoundedTo<T>(SampleWeights) : null;

    private static double Smoothing(double smoothing) => double.CreateTruncating(T.CreateTruncating(smoothing));

    private static double[,] RowsOf(double[,] matrix, params int[] rows)
    {
        var result = new double[rows.Length, matrix.GetLength(1)];
        for (int i = 0; i < rows.Length; i++)
        {
            for (int j = 0; j < matrix.GetLength(1); j++)
            {
                result[i, j] = matrix[rows[i], j];
            }
        }

        return result;
    }
}

public sealed class SoftmaxCrossEntropyLossTestsDouble : SoftmaxCrossEntropyLossTests<double>
{
    protected override double Tolerance => 1e-13;
}

public sealed class SoftmaxCrossEntropyLossTestsSingle : SoftmaxCrossEntropyLossTests<float>
{
    protected override double Tolerance => 3e-6;
}
