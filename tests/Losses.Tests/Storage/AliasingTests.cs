using System;
using System.Collections.Generic;
using System.Linq;
using FluentAssertions;
using Losses.Internal;
using Losses.Tests.Infrastructure;
using MathNet.Numerics.LinearAlgebra;

namespace Losses.Tests.Storage;

/// <summary>
/// A result buffer that shares its storage with an argument: the second argument (logits, predictions, probabilities)
/// may be the result itself, and gives bit for bit what a separate buffer receives, on one thread and on several.
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
