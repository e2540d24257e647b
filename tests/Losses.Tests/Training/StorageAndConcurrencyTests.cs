using System;
using System.Linq;
using System.Threading.Tasks;
using FluentAssertions;
using MathNet.Numerics.LinearAlgebra;
using static Losses.Tests.Training.TrainingData;

namespace Losses.Tests.Training;

/// <summary>
/// Loss objects accept any MathNet storage, reject a gradient or per-example buffer that shares its dense storage with an
/// input or with the other buffer, and, being immutable, can be shared between threads.
/// </summary>
public sealed class StorageAndConcurrencyTests
{
    private static readonly Matrix<double> X = TestMatrices.Of<double>(Logits);

    [Fact]
    public void SparseStorageLabelsAndResults_GiveTheDenseResult()
    {
        Matrix<double> dense = TestMatrices.Of<double>(TestMatrices.OneHot(ClassIndices, 4));
        Matrix<double> sparse = Matrix<double>.Build.SparseOfMatrix(dense);
        var loss = new SoftmaxCrossEntropyLoss<double> { LabelSmoothing = 0.1, ClassWeights = ClassWeights };
        LossResult<double> expected = loss.Evaluate(dense, X);
        var gradient = Matrix<double>.Build.Sparse(5, 4);
        var perExample = Vector<double>.Build.Sparse(5);

        double value = loss.Evaluate(sparse, X, gradient, perExample, Vector<double>.Build.SparseOfVector(Vector<double>.Build.Dense(5, 1.0)));

        value.Should().Be(expected.Value);
        LossAssert.Identical(gradient, expected.Gradient, "gradient");
        perExample.ToArray().Should().Equal(expected.PerExample.ToArray());
    }

    [Fact]
    public void DiagonalGradientBuffer_IsRejectedBeforeAnyWork()
    {
        // Diagonal storage cannot hold a gradient's entries off its diagonal: rejected up front, with nothing written.
        Matrix<double> labels = TestMatrices.Of<double>(TestMatrices.OneHot(ClassIndices, 4));
        var gradient = Matrix<double>.Build.Diagonal(5, 4, 42);
        var perExample = Vector<double>.Build.Dense(5, 42);

        Action dense = () => new SoftmaxCrossEntropyLoss<double>().Evaluate(labels, X, gradient, perExample);
        Action sparse = () => new SparseSoftmaxCrossEntropyLoss<double>().Evaluate(ClassIndices, X, gradient, perExample);
        Action regression = () => new MeanSquaredErrorLoss<double>().Evaluate(labels, X, gradient, perExample);

        foreach (Action act in new[] { dense, sparse, regression })
        {
            act.Should().Throw<ArgumentException>().WithParameterName("gradient").WithMessage("gradient is a diagonal matrix*");
        }

        gradient.Diagonal().Should().OnlyContain(entry => entry == 42, "nothing is written before the check");
        perExample.Should().OnlyContain(entry => entry == 42, "nothing is written before the check");
    }

    /// <summary>The loss objects with caller buffers, by name, and each way one buffer can share another's storage.</summary>
    public static TheoryData<string, string> SharedBuffers
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (string loss in new[] { "MeanSquaredError", "MeanAbsoluteError", "RootMeanSquaredError", "Huber", "SigmoidCrossEntropy", "SoftmaxCrossEntropy", "SparseSoftmaxCrossEntropy" })
            {
                foreach (string sharing in new[]
                {
                    "gradient is predictions", "gradient on predictions' array", "gradient is labels", "gradient on sampleWeights' array",
                    "perExample is sampleWeights", "perExample on labels' array", "perExample on predictions' array", "perExample on gradient's array",
                })
                {
                    // The sparse loss takes class indices, which share nothing.
                    if (!(loss == "SparseSoftmaxCrossEntropy" && sharing.Contains("labels", StringComparison.Ordinal)))
                    {
                        data.Add(loss, sharing);
                    }
                }
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(SharedBuffers))]
    public void ABufferSharingAnotherArgumentsStorage_IsRejectedBeforeAnyWork(string loss, string sharing)
    {
        // A vector and a matrix can share an array only where the matrix has one column.
        bool oneColumn = sharing is "gradient on sampleWeights' array" or "perExample on labels' array"
            or "perExample on predictions' array" or "perExample on gradient's array";
        Matrix<double> labels = oneColumn ? TestMatrices.Of<double>(new double[,] { { 0 }, { 1 }, { 0.25 }, { 1 }, { 0.5 } }) : TestMatrices.Of<double>(SoftLabels);
        Matrix<double> predictions = oneColumn ? TestMatrices.Of<double>(new double[,] { { 0.3 }, { -1.2 }, { 2 }, { 0.7 }, { -0.4 } }) : X;
        Vector<double> sampleWeights = TestMatrices.Of<double>(SampleWeights);
        var gradient = Matrix<double>.Build.Dense(5, predictions.ColumnCount, 42);
        var perExample = Vector<double>.Build.Dense(5, 42);
        (string output, string input) = sharing switch
        {
            "gradient is predictions" => ("gradient", "predictions"),
            "gradient on predictions' array" => ("gradient", "predictions"),
            "gradient is labels" => ("gradient", "labels"),
            "gradient on sampleWeights' array" => ("gradient", "sampleWeights"),
            "perExample is sampleWeights" => ("perExample", "sampleWeights"),
            "perExample on labels' array" => ("perExample", "labels"),
            "perExample on predictions' array" => ("perExample", "predictions"),
            _ => ("perExample", "gradient"),
        };
        gradient = sharing switch
        {
            "gradient is predictions" => predictions,
            "gradient on predictions' array" => Matrix<double>.Build.Dense(5, predictions.ColumnCount, predictions.AsColumnMajorArray()),
            "gradient is labels" => labels,
            "gradient on sampleWeights' array" => Matrix<double>.Build.Dense(5, 1, sampleWeights.AsArray()),
            _ => gradient,
        };
        perExample = sharing switch
        {
            "perExample is sampleWeights" => sampleWeights,
            "perExample on labels' array" => Vector<double>.Build.Dense(labels.AsColumnMajorArray()),
            "perExample on predictions' array" => Vector<double>.Build.Dense(predictions.AsColumnMajorArray()),
            "perExample on gradient's array" => Vector<double>.Build.Dense(gradient.AsColumnMajorArray()),
            _ => perExample,
        };
        double[][] before = [labels.ToColumnMajorArray(), predictions.ToColumnMajorArray(), sampleWeights.ToArray(), gradient.ToColumnMajorArray(), perExample.ToArray()];
        string message = output == "gradient"
            ? $"gradient shares its storage with {input}, which are read while gradient is written: pass another matrix.*"
            : input == "gradient"
                ? "perExample shares its storage with gradient, which is written too: pass another vector.*"
                : $"perExample shares its storage with {input}, which are read while perExample is written: pass another vector.*";
        var accumulator = new LossAccumulator<double>();

        foreach (Func<double> evaluate in Evaluations(loss, labels, predictions, gradient, perExample, sampleWeights, accumulator))
        {
            Action act = () => evaluate();

            act.Should().Throw<ArgumentException>().WithParameterName(output).WithMessage(message);
            double[][] after = [labels.ToColumnMajorArray(), predictions.ToColumnMajorArray(), sampleWeights.ToArray(), gradient.ToColumnMajorArray(), perExample.ToArray()];
            after.Should().BeEquivalentTo(before, options => options.WithStrictOrdering(), "nothing is written before the check");
            accumulator.Batches.Should().Be(0);
        }
    }

    [Fact]
    public void AGradientThatIsThePredictions_IsRejected_WhereItUsedToGiveAWrongValue()
    {
        // 2000x64 floats: the value was redone from the predictions after the gradient had overwritten them (1.33, not 4.33).
        var random = new Random(3);
        Matrix<float> labels = Matrix<float>.Build.Dense(2000, 64, (_, _) => (float)random.NextDouble());
        Matrix<float> predictions = Matrix<float>.Build.Dense(2000, 64, (_, _) => (float)(random.NextDouble() * 6) - 1);
        var perExample = Vector<float>.Build.Dense(2000);

        Action act = () => new MeanSquaredErrorLoss<float>().Evaluate(labels, predictions, predictions, perExample);

        act.Should().Throw<ArgumentException>().WithParameterName("gradient")
            .WithMessage("gradient shares its storage with predictions, which are read while gradient is written: pass another matrix.*");
    }

    [Fact]
    public void NonDenseBuffersSharingAnInput_AreHarmless()
    {
        // Sparse labels are read into a buffer of their own before anything is written, and a sparse gradient is filled
        // only once everything has been read: the labels may receive the gradient.
        Matrix<double> dense = TestMatrices.Of<double>(SoftLabels);
        var loss = new SoftmaxCrossEntropyLoss<double> { LabelSmoothing = 0.1, ClassWeights = ClassWeights };
        LossResult<double> expected = loss.Evaluate(dense, X);
        Matrix<double> sparse = Matrix<double>.Build.SparseOfMatrix(dense);
        var perExample = Vector<double>.Build.Dense(5);

        double value = loss.Evaluate(sparse, X, sparse, perExample);

        value.Should().Be(expected.Value);
        sparse.ToColumnMajorArray().Should().Equal(expected.Gradient.ToColumnMajorArray());
        perExample.ToArray().Should().Equal(expected.PerExample.ToArray());
    }

    [Fact]
    public void OneLossObject_OnManyThreads_GivesTheSameResultEverywhere()
    {
        var loss = new SparseSoftmaxCrossEntropyLoss<double> { LabelSmoothing = 0.1, ClassWeights = ClassWeights, IgnoreIndex = -100 };
        LossResult<double> expected = loss.Evaluate(ClassIndicesWithIgnored, X);

        LossResult<double>[] results = new LossResult<double>[64];
        Parallel.For(0, results.Length, i => results[i] = loss.Evaluate(ClassIndicesWithIgnored, X));

        results.Should().OnlyContain(
            r => r.Value == expected.Value && r.Gradient.Equals(expected.Gradient) && r.PerExample.Equals(expected.PerExample));
    }

    /// <summary>Both buffer overloads of the named loss object, Mean reduction for the sparse one too.</summary>
    private static Func<double>[] Evaluations(
        string loss,
        Matrix<double> labels,
        Matrix<double> predictions,
        Matrix<double> gradient,
        Vector<double> perExample,
        Vector<double> sampleWeights,
        LossAccumulator<double> accumulator)
    {
        if (loss == "SparseSoftmaxCrossEntropy")
        {
            var sparse = new SparseSoftmaxCrossEntropyLoss<double>();
            int[] classes = Enumerable.Range(0, labels.RowCount).Select(i => labels.Row(i).MaximumIndex()).ToArray();
            return
            [
                () => sparse.Evaluate(classes, predictions, gradient, perExample, sampleWeights),
                () => sparse.Evaluate(classes, predictions, gradient, perExample, accumulator, sampleWeights),
            ];
        }

        MatrixLabelLoss<double> matrixLabel = loss switch
        {
            "MeanSquaredError" => new MeanSquaredErrorLoss<double>(),
            "MeanAbsoluteError" => new MeanAbsoluteErrorLoss<double>(),
            "RootMeanSquaredError" => new RootMeanSquaredErrorLoss<double>(),
            "Huber" => new HuberLoss<double>(),
            "SigmoidCrossEntropy" => new SigmoidCrossEntropyLoss<double>(),
            _ => new SoftmaxCrossEntropyLoss<double>(),
        };
        return
        [
            () => matrixLabel.Evaluate(labels, predictions, gradient, perExample, sampleWeights),
            () => matrixLabel.Evaluate(labels, predictions, gradient, perExample, accumulator, sampleWeights),
        ];
    }
}
