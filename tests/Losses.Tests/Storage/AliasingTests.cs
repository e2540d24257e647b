using System;
using System.Collections.Generic;
using System.Linq;
using FluentAssertions;
using Losses.Internal;
using Losses.Tests.Infrastructure;
using MathNet.Numerics.LinearAlgebra;

namespace Losses.Tests.Storage;

/// <summary>
/// A result buffer that shares its storage with an argument: the labels are read while the result is written, so
/// sharing them is rejected before any work; the second argument (logits, predictions, probabilities) may be the
/// result itself, and gives bit for bit what a separate buffer receives, on one thread and on several. Storage that is
/// not dense is read into a buffer of its own first, or written through one last, so sharing it is harmless.
/// These tests change <see cref="Parallelism.MaxDegreeOfParallelism"/>, so they run alone.
/// </summary>
[Collection(AllocationMeasurement.Name)]
public abstract class AliasingTests<T> : TypedTests<T>
    where T : struct, System.Numerics.IFloatingPointIeee754<T>
{

    [Theory]
    [MemberData(nameof(AliasingCases.WithResult), MemberType = typeof(AliasingCases))]
    public void ResultSharingTheSecondArgument_GetsWhatASeparateBufferGets(string name, bool large)
    {
        LossFunction<T> function = LossCatalog<T>.Get(name);
        (int rows, int columns) = Shape(function.Result, large);
        (Matrix<T> labels, Matrix<T> second) = Draw(function.Labels, function.SecondParameter, rows, columns);
        Matrix<T> secondCopy = second.Clone();

        WithTwoThreads(large, rows, columns, () =>
        {
            object separate = function.NewResult(rows, columns, dense: true);
            function.ComputeInto!(labels, second, separate);
            NumericAssertions.ShouldBeBitIdentical(second, secondCopy, $"{name}: the {function.SecondParameter} before the call in place");

            // A per-row result can share the array of a one-column matrix only.
            object inPlace = function.Result == ResultKind.PerRow ? Vector<T>.Build.Dense(second.AsColumnMajorArray()) : second;
            function.ComputeInto(labels, second, inPlace);

            NumericAssertions.ShouldBeBitIdenticalResult<T>(inPlace, separate, $"{name} into its {function.SecondParameter} at {rows}x{columns}");
        });
    }

    [Theory]
    [MemberData(nameof(AliasingCases.VectorForms), MemberType = typeof(AliasingCases))]
    public void VectorForm_ResultSharingThePredictions_GetsWhatASeparateBufferGets(string name, bool large)
    {
        VectorLossFunction<T> function = LossCatalog<T>.GetVectorForm(name);
        (int rows, int columns) = Shape(ResultKind.Elementwise, large);
        (Matrix<T> labels, Matrix<T> predictions) = Draw(LabelKind.Targets, "predictions", rows, columns);
        Vector<T> y = Vector<T>.Build.Dense(labels.AsColumnMajorArray());
        Vector<T> p = Vector<T>.Build.Dense(predictions.AsColumnMajorArray());

        WithTwoThreads(large, rows, columns, () =>
        {
            Vector<T> separate = Vector<T>.Build.Dense(p.Count);
            function.ComputeInto!(y, p, separate);
            function.ComputeInto(y, p, p);

            NumericAssertions.ShouldBeBitIdentical(p, separate, $"{name} into its predictions, length {p.Count}");
        });
    }

    [Theory]
    [MemberData(nameof(AliasingCases.Activations), MemberType = typeof(AliasingCases))]
    public void Activation_ResultSharingTheInput_GetsWhatASeparateBufferGets(string name, bool large)
    {
        ActivationFunction<T> function = LossCatalog<T>.GetActivation(name);
        (int rows, int columns) = Shape(ResultKind.Elementwise, large);
        (_, Matrix<T> x) = Draw(LabelKind.Binary, "logits", rows, columns);
        Vector<T> row = Vector<T>.Build.Dense(x.ToColumnMajorArray());

        WithTwoThreads(large, rows, columns, () =>
        {
            var separate = Matrix<T>.Build.Dense(rows, columns);
            function.ComputeInto(x, separate);
            function.ComputeInto(x, x);
            NumericAssertions.ShouldBeBitIdentical(x, separate, $"{name} into its {function.Parameter} at {rows}x{columns}");

            var separateVector = Vector<T>.Build.Dense(row.Count);
            function.ComputeVectorInto(row, separateVector);
            function.ComputeVectorInto(row, row);
            NumericAssertions.ShouldBeBitIdentical(row, separateVector, $"{name} into its {function.Parameter}, length {row.Count}");
        });
    }

    [Theory]
    [MemberData(nameof(LossNames.MatrixLabelsWithResult), MemberType = typeof(LossNames))]
    public void ResultSharingTheLabels_IsRejectedBeforeAnyWork(string name)
    {
        LossFunction<T> function = LossCatalog<T>.Get(name);
        (int rows, int columns) = Shape(function.Result, large: false);
        (Matrix<T> labels, Matrix<T> second) = Draw(function.Labels, function.SecondParameter, rows, columns);
        Matrix<T> labelsCopy = labels.Clone();
        T[] array = labels.AsColumnMajorArray();

        // The labels themselves, and another matrix or vector over their array.
        object[] results = function.Result == ResultKind.PerRow
            ? [Vector<T>.Build.Dense(array)]
            : [labels, Matrix<T>.Build.Dense(rows, columns, array)];
        foreach (object result in results)
        {
            Action act = () => function.ComputeInto!(labels, second, result);

            act.Should().Throw<ArgumentException>().WithParameterName("result").WithMessage(LabelsMessage(function.Result == ResultKind.PerRow ? "vector" : "matrix"));
            NumericAssertions.ShouldBeBitIdentical(labels, labelsCopy, $"the labels of {name}: nothing is written before the check");
        }
    }

    [Theory]
    [MemberData(nameof(AliasingCases.VectorFormsWithResult), MemberType = typeof(AliasingCases))]
    public void VectorForm_ResultSharingTheLabels_IsRejectedBeforeAnyWork(string name)
    {
        VectorLossFunction<T> function = LossCatalog<T>.GetVectorForm(name);
        Vector<T> labels = VectorOf(0.5, -1, 2, 0, 3.25);
        Vector<T> predictions = VectorOf(1, -1.5, 2.5, 0.75, 3);
        Vector<T> labelsCopy = labels.Clone();

        foreach (Vector<T> result in new[] { labels, Vector<T>.Build.Dense(labels.AsArray()) })
        {
            Action act = () => function.ComputeInto!(labels, predictions, result);

            act.Should().Throw<ArgumentException>().WithParameterName("result").WithMessage(LabelsMessage("vector"));
            NumericAssertions.ShouldBeBitIdentical(labels, labelsCopy, $"the labels of {name}: nothing is written before the check");
        }
    }

    [Fact]
    public void TheMessage_SaysWhichBufferToReplace()
    {
        Matrix<T> labels = MatrixOf(new double[,] { { 0, 1, 0 } });
        Matrix<T> logits = MatrixOf(new double[,] { { 1, 2, 3 } });

        Action act = () => Loss.SoftmaxCrossEntropyWithLogitsGradient(labels, logits, labels);

        act.Should().Throw<ArgumentException>().WithParameterName("result")
            .WithMessage("result shares its storage with labels, which are read while result is written: pass another matrix. (Parameter 'result')");
        labels.Row(0).ToArray().Should().Equal(Of(0), Of(1), Of(0));
    }

    [Theory]
    [MemberData(nameof(LossNames.WithMatrixResult), MemberType = typeof(LossNames))]
    public void NonDenseResult_SharingAnInput_IsHarmless(string name)
    {
        // Sparse labels are read into a buffer of their own before anything is written, and a sparse result is
        // written from a buffer of its own once everything has been read: the labels may be the result.
        LossFunction<T> function = LossCatalog<T>.Get(name);
        (Matrix<T> labels, Matrix<T> second) = Draw(function.Labels, function.SecondParameter, 9, 4);
        object expected = function.Compute(labels, second);
        Matrix<T> sparseLabels = Matrix<T>.Build.SparseOfMatrix(labels);
        Matrix<T> sparseSecond = Matrix<T>.Build.SparseOfMatrix(second);

        function.ComputeInto!(sparseLabels, second, sparseLabels);
        function.ComputeInto(labels, sparseSecond, sparseSecond);

        // Sparse storage keeps no -0, so values are compared with ==, not by their bits.
        double[] flat = ((Matrix<T>)expected).ToColumnMajorArray().Select(ToDouble).ToArray();
        NumericAssertions.ShouldBeClose(ColumnMajor(sparseLabels), flat, 0, 0, $"{name} into its sparse labels");
        NumericAssertions.ShouldBeClose(ColumnMajor(sparseSecond), flat, 0, 0, $"{name} into its sparse {function.SecondParameter}");
    }

    /// <summary>The message of a result that shares its storage with the labels, ending with the parameter's name.</summary>
    private static string LabelsMessage(string kind)
        => $"result shares its storage with labels, which are read while result is written: pass another {kind}.*";

    /// <summary>The shape at which a result can share the second argument's array: one column for a per-row result.</summary>
    private static (int Rows, int Columns) Shape(ResultKind result, bool large) => (result, large) switch
    {
        (ResultKind.PerRow, false) => (9, 1),
        (ResultKind.PerRow, true) => (100_000, 1),
        (_, false) => (9, 4),
        _ => (3000, 700),
    };

    private static (Matrix<T> Labels, Matrix<T> Second) Draw(LabelKind kind, string secondParameter, int rows, int columns)
    {
        (double[,] y, double[,] x) = RandomInputs.Draw(kind, secondParameter, new Random((rows * 31) + columns), rows, columns);
        return (MatrixOf(y), MatrixOf(x));
    }

    /// <summary>Runs <paramref name="run"/> on up to two threads, checking that a large batch really is split.</summary>
    private static void WithTwoThreads(bool large, int rows, int columns, Action run)
    {
        int saved = Parallelism.MaxDegreeOfParallelism;
        Parallelism.MaxDegreeOfParallelism = 2;
        try
        {
            if (large && Environment.ProcessorCount > 1)
            {
                RowBlocksWork<T>.Threads(rows, columns).Should().Be(2, "this batch is above the threshold");
                ElementBlocksWork<T>.Threads(rows * columns).Should().Be(2, "this batch is above the threshold");
            }

            run();
        }
        finally
        {
            Parallelism.MaxDegreeOfParallelism = saved;
        }
    }

    private static double[] ColumnMajor(Matrix<T> matrix) => matrix.ToColumnMajorArray().Select(ToDouble).ToArray();
}

/// <summary>The catalogued functions with a result buffer, each at a small shape and at a multi-threaded one.</summary>
public static class AliasingCases
{
    public static TheoryData<string, bool> WithResult
        => AtBothSizes(LossCatalog<double>.All.Where(f => f.ComputeInto is not null).Select(f => f.Name));

    public static TheoryData<string, bool> VectorForms
        => AtBothSizes(LossCatalog<double>.VectorForms.Where(f => f.ComputeInto is not null).Select(f => f.Name));

    public static TheoryData<string, bool> Activations => AtBothSizes(LossCatalog<double>.Activations.Select(f => f.Name));

    public static TheoryData<string> VectorFormsWithResult
        => new(LossCatalog<double>.VectorForms.Where(f => f.ComputeInto is not null).Select(f => f.Name));

    private static TheoryData<string, bool> AtBothSizes(IEnumerable<string> names)
    {
        var data = new TheoryData<string, bool>();
        foreach (string name in names)
        {
            data.Add(name, false);
            data.Add(name, true);
        }

        return data;
    }
}

public sealed class AliasingFloatTests : AliasingTests<float>;

public sealed class AliasingDoubleTests : AliasingTests<double>;
