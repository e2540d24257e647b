using System;
using System.Collections.Generic;
using System.Linq;
using FluentAssertions;
using MathNet.Numerics.LinearAlgebra;

namespace Losses.Tests.Training;

/// <summary>
/// Batch after batch, and merged across accumulators, the accumulated value equals the value of the whole data
/// evaluated at once (1e-12 relative), for every loss and reduction, uneven last batch included.
/// </summary>
public sealed class LossAccumulatorTests
{
    private const int Rows = 7;
    private const int Columns = 4;

    /// <summary>Batches of 3, 3 and 1 rows: the last one short.</summary>
    private static readonly (int Start, int Count)[] Batches = { (0, 3), (3, 3), (6, 1) };

    private static readonly Matrix<double> Logits = Matrix<double>.Build.Dense(Rows, Columns, (i, j) => Math.Sin((3 * i) + j + 1) * 3);
    private static readonly Matrix<double> Targets = Matrix<double>.Build.Dense(Rows, Columns, (i, j) => Math.Cos((5 * i) - j) * 2);
    private static readonly Matrix<double> Binary = Matrix<double>.Build.Dense(Rows, Columns, (i, j) => ((i + (2 * j)) % 3) / 2.0);
    private static readonly Matrix<double> Soft = Matrix<double>.Build.Dense(Rows, Columns, (i, j) => (i + j + 1) / (double)((4 * i) + 10));
    private static readonly int[] Indices = { 1, -100, 3, 0, 2, -100, 1 };
    private static readonly Vector<double> Weights = Vector<double>.Build.Dense(new[] { 1.0, 0.5, 2.0, 0.0, 1.5, 0.25, 3.0 });
    private static readonly double[] ClassWeights = { 0.5, 2, 1, 1.5 };
    private static readonly string[] LossNames = { "MSE", "MAE", "RMSE", "Huber", "Sigmoid", "Softmax", "Sparse" };

    public static IEnumerable<object[]> Cases()
        => from name in LossNames
           from reduction in TrainingData.Reductions
           select new object[] { name, reduction };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Batches_GiveTheValueOfTheWholeData(string loss, Reduction reduction)
    {
        Func<int, int, LossResult<double>> evaluate = Evaluator(loss, reduction);
        double whole = evaluate(0, Rows).Value;
        var accumulator = new LossAccumulator<double>();
        foreach ((int start, int count) in Batches)
        {
            accumulator.Add(evaluate(start, count));
        }

        LossAssert.Close(accumulator.Value, whole, 1e-12, $"{loss} {reduction}");
        LossAssert.Close(accumulator.ValueOf(reduction), whole, 1e-12, $"{loss} {reduction}");
        accumulator.Batches.Should().Be(3);
        accumulator.Count.Should().Be(evaluate(0, Rows).Count);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MergedAccumulators_GiveTheValueOfTheWholeData(string loss, Reduction reduction)
    {
        Func<int, int, LossResult<double>> evaluate = Evaluator(loss, reduction);
        var first = new LossAccumulator<double>();
        var second = new LossAccumulator<double>();
        first.Add(evaluate(0, 3));
        second.Add(evaluate(3, 3));
        second.Add(evaluate(6, 1));

        first.Merge(second);

        LossAssert.Close(first.Value, evaluate(0, Rows).Value, 1e-12, $"{loss} {reduction}");
        first.Batches.Should().Be(3);
    }

    [Fact]
    public void MillionBatches_LoseNoPrecision()
    {
        // Each batch has WeightedSum = 0.1 (the double nearest 0.1) and Count = 1. The exact sum of 10⁶ copies,
        // 0.1000000000000000055511151231257827...·10⁶ = 100000.0000000000055511..., rounds to 100000 (Python
        // fractions); a plain double running sum ends at 100000.00000133288.
        LossResult<double> batch = new MeanAbsoluteErrorLoss<double> { Reduction = Reduction.Sum }.Evaluate(
            Matrix<double>.Build.Dense(1, 1, 0.0), Matrix<double>.Build.Dense(1, 1, 0.1));
        var accumulator = new LossAccumulator<double>();
        double naive = 0;
        for (int i = 0; i < 1_000_000; i++)
        {
            accumulator.Add(batch);
            naive += batch.WeightedSum;
        }

        accumulator.WeightedSum.Should().Be(100000.0);
        accumulator.ValueOf(Reduction.Mean).Should().Be(0.1);
        naive.Should().NotBe(100000.0, "the uncompensated sum drifts, which is what the accumulator avoids");
    }

    [Fact]
    public void MillionFloatBatches_AreSummedInDouble()
    {
        // 0.1f = 0.100000001490116119384765625 exactly; 10⁶ copies = 100000.001490116119384765625, which
        // rounds to 100000.00149011612 in double and to 100000 in float (a float running sum would stall far off).
        LossResult<float> batch = new MeanAbsoluteErrorLoss<float> { Reduction = Reduction.Sum }.Evaluate(
            Matrix<float>.Build.Dense(1, 1, 0f), Matrix<float>.Build.Dense(1, 1, 0.1f));
        var accumulator = new LossAccumulator<float>();
        for (int i = 0; i < 1_000_000; i++)
        {
            accumulator.Add(batch);
        }

        accumulator.WeightedSum.Should().Be(100000.00149011612);
        accumulator.Value.Should().Be(100000f);
    }

    [Fact]
    public void RootMeanSquaredError_IsTheRootOfTheMergedMean()
    {
        // Two batches with squared errors 1 (one element) and 9, 9, 9 (three): the RMSE of all four is
        // √(28/4) = √7, not the mean of the batch RMSEs (1 + 3)/2 = 2.
        var loss = new RootMeanSquaredErrorLoss<double>();
        var accumulator = new LossAccumulator<double>();
        accumulator.Add(loss.Evaluate(Matrix<double>.Build.Dense(1, 1, 0.0), Matrix<double>.Build.Dense(1, 1, 1.0)));
        accumulator.Add(loss.Evaluate(Matrix<double>.Build.Dense(3, 1, 0.0), Matrix<double>.Build.Dense(3, 1, 3.0)));

        accumulator.Value.Should().Be(Math.Sqrt(7));
    }

    [Fact]
    public void RootMeanSquaredErrorOfFloatErrorsWhoseSquaresLeaveFloat_MergesToTheFiniteValue()
    {
        // Float errors [1e20, 0, 0] in one accumulator and [0, -2e20, 0] in another: the merged sums are Σ e² = 5e40
        // (in double; 1e40 and 4e40 lie beyond float) and n = 6, so the RMSE of the whole data is √(5e40/6) =
        // 1e20·√(5/6) = 9.1287093e19 (with e = 1e20f), which is also what one evaluation of both rows gives.
        var loss = new RootMeanSquaredErrorLoss<float>();
        var first = new LossAccumulator<float>();
        var second = new LossAccumulator<float>();
        LossResult<float> one = loss.Evaluate(Matrix<float>.Build.Dense(1, 3), Matrix<float>.Build.DenseOfRowArrays([1e20f, 0f, 0f]));
        LossResult<float> two = loss.Evaluate(Matrix<float>.Build.Dense(1, 3), Matrix<float>.Build.DenseOfRowArrays([0f, -2e20f, 0f]));
        first.Add(one);
        second.Add(two);

        first.Merge(second);

        float whole = loss.Evaluate(Matrix<float>.Build.Dense(2, 3), Matrix<float>.Build.DenseOfRowArrays([1e20f, 0f, 0f], [0f, -2e20f, 0f])).Value;
        LossAssert.Close(first.Value, (double)1e20f * Math.Sqrt(5.0 / 6), 1e-7, "merged RMSE");
        first.Value.Should().Be(whole);
        LossAssert.Close(one.Value, (double)1e20f / Math.Sqrt(3), 1e-7, "RMSE of the first batch");
    }

    [Fact]
    public void RootMeanSquaredErrorOfDoubleErrorsWhoseSquaresLeaveDouble_AccumulatesToInfinity()
    {
        // The documented limit of the merge sums: a batch of double errors [1e200, 0, 0] has the finite RMSE
        // 1e200/√3 = 5.7735026918962581e199, but its merge sum Σ e² = 1e400 lies beyond double's range, so an
        // accumulator holding it gives +∞ (Loss.RootMeanSquaredError or one evaluation of all the data give the root).
        var loss = new RootMeanSquaredErrorLoss<double>();
        var accumulator = new LossAccumulator<double>();
        LossResult<double> batch = loss.Evaluate(Matrix<double>.Build.Dense(1, 3), Matrix<double>.Build.DenseOfRowArrays([1e200, 0, 0]));

        accumulator.Add(batch);

        LossAssert.Close(batch.Value, 1e200 / Math.Sqrt(3), 1e-15, "batch RMSE");
        batch.WeightedSum.Should().Be(double.PositiveInfinity);
        accumulator.Value.Should().Be(double.PositiveInfinity);
    }

    [Fact]
    public void EmptyAccumulator_IsZero()
    {
        var accumulator = new LossAccumulator<double>();

        accumulator.Value.Should().Be(0);
        accumulator.ValueOf(Reduction.WeightedMean).Should().Be(0);
        accumulator.Reduction.Should().BeNull();
    }

    [Fact]
    public void ResultsOfDifferentReductions_AreRejected()
    {
        var accumulator = new LossAccumulator<double>();
        accumulator.Add(Evaluator("MSE", Reduction.Mean)(0, 3));

        Action other = () => accumulator.Add(Evaluator("MSE", Reduction.Sum)(0, 3));
        Action root = () => accumulator.Add(Evaluator("RMSE", Reduction.Mean)(0, 3));

        other.Should().Throw<ArgumentException>().WithParameterName("result").WithMessage("*use one accumulator per loss*");
        root.Should().Throw<ArgumentException>().WithParameterName("result");
    }

    [Fact]
    public void Reset_EmptiesTheAccumulator()
    {
        var accumulator = new LossAccumulator<double>();
        accumulator.Add(Evaluator("Huber", Reduction.Sum)(0, 3));

        accumulator.Reset();

        accumulator.Value.Should().Be(0);
        accumulator.Count.Should().Be(0);
        accumulator.Batches.Should().Be(0);
        accumulator.Add(Evaluator("Huber", Reduction.Mean)(0, 3));
        accumulator.Reduction.Should().Be(Reduction.Mean);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void BufferOverloadWithAccumulator_AddsWhatTheResultWould(string loss, Reduction reduction)
    {
        (ILoss<double>? matrixLoss, Matrix<double> labels, SparseSoftmaxCrossEntropyLoss<double> sparse) = Configured(loss, reduction);
        var viaResults = new LossAccumulator<double>();
        var viaBuffers = new LossAccumulator<double>();
        foreach ((int start, int count) in Batches)
        {
            Matrix<double> logits = Logits.SubMatrix(start, count, 0, Columns);
            Vector<double> weights = Weights.SubVector(start, count);
            var gradient = Matrix<double>.Build.Dense(count, Columns);
            var perExample = Vector<double>.Build.Dense(count);
            LossResult<double> result;
            double value;
            if (matrixLoss is null)
            {
                result = sparse.Evaluate(Indices.AsSpan(start, count), logits, weights);
                value = sparse.Evaluate(Indices.AsSpan(start, count), logits, gradient, perExample, viaBuffers, weights);
            }
            else
            {
                Matrix<double> batchLabels = labels.SubMatrix(start, count, 0, Columns);
                result = matrixLoss.Evaluate(batchLabels, logits, weights);
                value = matrixLoss.Evaluate(batchLabels, logits, gradient, perExample, viaBuffers, weights);
            }

            viaResults.Add(result);
            value.Should().Be(result.Value);
            gradient.Should().Be(result.Gradient, "the gradient");
            perExample.ToArray().Should().Equal(result.PerExample.ToArray());
        }

        viaBuffers.WeightedSum.Should().Be(viaResults.WeightedSum);
        viaBuffers.TotalWeight.Should().Be(viaResults.TotalWeight);
        viaBuffers.Count.Should().Be(viaResults.Count);
        viaBuffers.Batches.Should().Be(viaResults.Batches);
        viaBuffers.Value.Should().Be(viaResults.Value);
    }

    [Fact]
    public void BufferOverloadWithAccumulator_RejectsAnAccumulatorOfAnotherReduction_BeforeWritingTheBuffers()
    {
        // The check comes first: the caller's buffers keep what they held (7 everywhere).
        var accumulator = new LossAccumulator<double>();
        accumulator.Add(new MeanSquaredErrorLoss<double> { Reduction = Reduction.Sum }.Evaluate(Targets, Logits));
        var gradient = Matrix<double>.Build.Dense(Rows, Columns, 7);
        var perExample = Vector<double>.Build.Dense(Rows, 7);
        int[] classes = new int[Rows];

        Action mixed = () => new MeanSquaredErrorLoss<double>().Evaluate(Targets, Logits, gradient, perExample, accumulator);
        Action sparse = () => new SparseSoftmaxCrossEntropyLoss<double>().Evaluate(classes, Logits, gradient, perExample, accumulator);

        mixed.Should().Throw<ArgumentException>().WithParameterName("accumulator").WithMessage("*use one accumulator per loss*");
        sparse.Should().Throw<ArgumentException>().WithParameterName("accumulator").WithMessage("*use one accumulator per loss*");
        gradient.Enumerate().Should().OnlyContain(entry => entry == 7, "the gradient buffer is left as it was");
        perExample.Enumerate().Should().OnlyContain(entry => entry == 7, "the per-example buffer is left as it was");
        accumulator.Batches.Should().Be(1);
    }

    private static (ILoss<double>? MatrixLoss, Matrix<double> Labels, SparseSoftmaxCrossEntropyLoss<double> Sparse) Configured(
        string loss, Reduction reduction)
    {
        ILoss<double>? matrixLoss = loss switch
        {
            "MSE" => new MeanSquaredErrorLoss<double> { Reduction = reduction },
            "MAE" => new MeanAbsoluteErrorLoss<double> { Reduction = reduction },
            "RMSE" => new RootMeanSquaredErrorLoss<double> { Reduction = reduction },
            "Huber" => new HuberLoss<double> { Reduction = reduction, Delta = 0.7 },
            "Sigmoid" => new SigmoidCrossEntropyLoss<double> { Reduction = reduction, PositiveWeight = 2, LabelSmoothing = 0.1 },
            "Softmax" => new SoftmaxCrossEntropyLoss<double> { Reduction = reduction, LabelSmoothing = 0.1, ClassWeights = ClassWeights },
            _ => null,
        };
        Matrix<double> labels = loss switch
        {
            "Sigmoid" => Binary,
            "Softmax" => Soft,
            _ => Targets,
        };
        var sparse = new SparseSoftmaxCrossEntropyLoss<double>
        {
            Reduction = reduction,
            LabelSmoothing = 0.1,
            ClassWeights = ClassWeights,
            IgnoreIndex = -100,
        };
        return (matrixLoss, labels, sparse);
    }

    private static Func<int, int, LossResult<double>> Evaluator(string loss, Reduction reduction)
    {
        (ILoss<double>? matrixLoss, Matrix<double> labels, SparseSoftmaxCrossEntropyLoss<double> sparse) = Configured(loss, reduction);
        return (start, count) => matrixLoss is null
            ? sparse.Evaluate(Indices.AsSpan(start, count), Logits.SubMatrix(start, count, 0, Columns), Weights.SubVector(start, count))
            : matrixLoss.Evaluate(
                labels.SubMatrix(start, count, 0, Columns), Logits.SubMatrix(start, count, 0, Columns), Weights.SubVector(start, count));
    }
}
