using System;
using System.Linq;
using FluentAssertions;
using Losses.Tests.Infrastructure;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Storage;

namespace Losses.Tests.Storage;

/// <summary>
/// Storage rules of the contract: any MathNet storage is accepted and gives exactly the dense result, sparse
/// labels are read through their stored entries only, result buffers (dense or not) equal the allocating
/// forms, inputs are never modified, and vector forms equal their one-row and one-column matrix forms.
/// </summary>
public abstract class StorageTests<T> : TypedTests<T>
    where T : struct, System.Numerics.IFloatingPointIeee754<T>
{
    private const int Rows = 9;
    private const int Columns = 4;

    [Theory]
    [MemberData(nameof(LossNames.MatrixLabels), MemberType = typeof(LossNames))]
    public void SparseLabels_GiveExactlyTheDenseResult(string name)
    {
        LossFunction<T> function = LossCatalog<T>.Get(name);
        (Matrix<T> labels, Matrix<T> second) = Draw(function);
        Matrix<T> sparse = Matrix<T>.Build.SparseOfMatrix(labels);
        sparse.Storage.Should().BeOfType<SparseCompressedRowMatrixStorage<T>>();

        NumericAssertions.ShouldBeBitIdenticalResult<T>(function.Compute(sparse, second), function.Compute(labels, second), name);
    }

    [Theory]
    [MemberData(nameof(LossNames.MatrixLabels), MemberType = typeof(LossNames))]
    public void SparseLabels_AreReadThroughStoredEntriesOnly(string name)
    {
        LossFunction<T> function = LossCatalog<T>.Get(name);
        (Matrix<T> labels, Matrix<T> second) = Draw(function);
        var storage = new StoredEntriesOnlyMatrixStorage<T>(
            (SparseCompressedRowMatrixStorage<T>)Matrix<T>.Build.SparseOfMatrix(labels).Storage);

        // Any read of an unstored entry, or any write, throws inside the call.
        object result = function.Compute(storage.ToMatrix(), second);

        NumericAssertions.ShouldBeBitIdenticalResult<T>(result, function.Compute(labels, second), name);
        storage.StoredCount.Should().BeLessThan(Rows * Columns, "the labels should really be sparse");
        storage.EntriesEnumerated.Should().Be(storage.StoredCount, "each stored entry is read once, by enumeration");
    }

    [Theory]
    [MemberData(nameof(LossNames.VectorForms), MemberType = typeof(LossNames))]
    public void SparseVectorLabels_AreReadThroughStoredEntriesOnly(string name)
    {
        VectorLossFunction<T> function = LossCatalog<T>.GetVectorForm(name);
        Vector<T> labels = VectorOf(0, 1.5, 0, 0, -2, 0, 0.25);
        Vector<T> predictions = VectorOf(0.5, 1, -1, 0, -2.5, 3, 0);
        var storage = new StoredEntriesOnlyVectorStorage<T>((SparseVectorStorage<T>)Vector<T>.Build.SparseOfVector(labels).Storage);

        object result = function.Compute(storage.ToVector(), predictions);

        NumericAssertions.ShouldBeBitIdenticalResult<T>(result, function.Compute(labels, predictions), name);
        storage.EntriesEnumerated.Should().Be(3);
    }

    [Theory]
    [MemberData(nameof(LossNames.All), MemberType = typeof(LossNames))]
    public void SparseAndDiagonalSecondArgument_GiveExactlyTheDenseResult(string name)
    {
        LossFunction<T> function = LossCatalog<T>.Get(name);
        (Matrix<T> labels, Matrix<T> second) = Draw(function);
        Matrix<T> withZeros = second.Clone();
        for (int i = 0; i < Rows; i += 2)
        {
            withZeros.ClearRow(i);
        }

        NumericAssertions.ShouldBeBitIdenticalResult<T>(
            function.Compute(labels, Matrix<T>.Build.SparseOfMatrix(withZeros)), function.Compute(labels, withZeros), $"{name} with sparse storage");

        Matrix<T> squareLabels = labels.SubMatrix(0, Columns, 0, Columns);
        Matrix<T> diagonal = Matrix<T>.Build.DiagonalOfDiagonalVector(second.Diagonal());
        NumericAssertions.ShouldBeBitIdenticalResult<T>(
            function.Compute(squareLabels, diagonal), function.Compute(squareLabels, Matrix<T>.Build.DenseOfMatrix(diagonal)), $"{name} with diagonal storage");
    }

    [Theory]
    [MemberData(nameof(LossNames.WithResult), MemberType = typeof(LossNames))]
    public void ResultBufferOverload_EqualsAllocatingOverload(string name)
    {
        LossFunction<T> function = LossCatalog<T>.Get(name);
        (Matrix<T> labels, Matrix<T> second) = Draw(function);
        object result = function.NewResult(Rows, Columns, dense: true);
        Fill(result, T.NaN);

        function.ComputeInto!(labels, second, result);

        NumericAssertions.ShouldBeBitIdenticalResult<T>(result, function.Compute(labels, second), name);
    }

    [Theory]
    [MemberData(nameof(LossNames.WithResult), MemberType = typeof(LossNames))]
    public void SparseResultBuffer_ReceivesTheResult(string name)
    {
        LossFunction<T> function = LossCatalog<T>.Get(name);
        (Matrix<T> labels, Matrix<T> second) = Draw(function);
        object result = function.NewResult(Rows, Columns, dense: false);
        Fill(result, Of(42));

        function.ComputeInto!(labels, second, result);

        // Sparse storage keeps no -0, so values are compared with ==, not by their bits. It stores exactly the nonzero
        // entries: the 42s where the result is 0 are gone, not kept as explicit zeros.
        double[] expected = Flatten(function.Compute(labels, second));
        NumericAssertions.ShouldBeClose(Flatten(result), expected, 0, 0, name);
        if (result is Matrix<T> { Storage: SparseCompressedRowMatrixStorage<T> storage })
        {
            storage.ValueCount.Should().Be(expected.Count(value => value != 0), "only the nonzero entries are stored");
        }
    }

    [Theory]
    [MemberData(nameof(LossNames.WithMatrixResult), MemberType = typeof(LossNames))]
    public void DiagonalResultBuffer_IsRejectedBeforeAnyWork(string name)
    {
        LossFunction<T> function = LossCatalog<T>.Get(name);
        (Matrix<T> labels, Matrix<T> second) = Draw(function);

        ShouldRejectDiagonalResult(Rows, Columns, result => function.ComputeInto!(labels, second, result));
    }

    [Theory]
    [MemberData(nameof(LossNames.Activations), MemberType = typeof(LossNames))]
    public void Activation_DiagonalResultBuffer_IsRejectedBeforeAnyWork(string name)
    {
        ActivationFunction<T> function = LossCatalog<T>.GetActivation(name);
        Matrix<T> logits = MatrixOf(new double[,] { { 2, 0.5, 6 }, { 0.1, 0, 3 } });

        ShouldRejectDiagonalResult(2, 3, result => function.ComputeInto(logits, result));
    }

    /// <summary>
    /// Diagonal storage cannot hold the entries off its diagonal: the call must say so up front, naming result, not
    /// fail halfway through writing it.
    /// </summary>
    private static void ShouldRejectDiagonalResult(int rows, int columns, Action<Matrix<T>> call)
    {
        Matrix<T> diagonal = Matrix<T>.Build.Diagonal(rows, columns, Of(42));

        Action act = () => call(diagonal);

        act.Should().Throw<ArgumentException>().WithParameterName("result").WithMessage("result is a diagonal matrix*");
        diagonal.Diagonal().ToArray().Should().Equal(Enumerable.Repeat(Of(42), Math.Min(rows, columns)), "nothing is written before the check");
    }

    [Theory]
    [MemberData(nameof(LossNames.All), MemberType = typeof(LossNames))]
    public void Inputs_AreNeverModified(string name)
    {
        LossFunction<T> function = LossCatalog<T>.Get(name);
        (Matrix<T> labels, Matrix<T> second) = Draw(function);
        Matrix<T> sparseLabels = Matrix<T>.Build.SparseOfMatrix(labels);
        Matrix<T> sparseSecond = Matrix<T>.Build.SparseOfMatrix(second);
        Matrix<T>[] inputs = [labels, second, sparseLabels, sparseSecond];
        Matrix<T>[] copies = inputs.Select(m => m.Clone()).ToArray();

        function.Compute(labels, second);
        function.Compute(sparseLabels, sparseSecond);
        if (function.ComputeInto is not null)
        {
            function.ComputeInto(labels, second, function.NewResult(Rows, Columns, dense: true));
            function.ComputeInto(sparseLabels, sparseSecond, function.NewResult(Rows, Columns, dense: false));
        }

        for (int k = 0; k < inputs.Length; k++)
        {
            NumericAssertions.ShouldBeBitIdentical(inputs[k], copies[k], $"input {k} of {name}");
        }
    }

    [Theory]
    [MemberData(nameof(LossNames.Activations), MemberType = typeof(LossNames))]
    public void Activation_InputsAreNeverModifiedAndAnyStorageWorks(string name)
    {
        ActivationFunction<T> function = LossCatalog<T>.GetActivation(name);
        (_, double[,] x) = RandomInputs.Draw(LabelKind.Binary, "logits", new Random(5), Rows, Columns);
        Matrix<T> logits = MatrixOf(x);
        Matrix<T> copy = logits.Clone();
        Vector<T> row = logits.Row(2);
        Vector<T> rowCopy = row.Clone();

        Matrix<T> dense = function.Compute(logits);
        Matrix<T> sparseResult = Matrix<T>.Build.Sparse(Rows, Columns);
        function.ComputeInto(Matrix<T>.Build.SparseOfMatrix(logits), sparseResult);
        Vector<T> vector = function.ComputeVector(row);
        Vector<T> vectorResult = Vector<T>.Build.Sparse(Columns);
        function.ComputeVectorInto(Vector<T>.Build.SparseOfVector(row), vectorResult);

        NumericAssertions.ShouldBeBitIdentical(logits, copy, "the logits");
        NumericAssertions.ShouldBeBitIdentical(row, rowCopy, "the row");
        NumericAssertions.ShouldBeClose(RowMajor(sparseResult), RowMajor(dense), 0, 0, $"{name} through sparse storage");
        NumericAssertions.ShouldBeClose(ToDoubles(vectorResult), ToDoubles(vector), 0, 0, $"{name} of a sparse vector");
    }

    [Theory]
    [MemberData(nameof(LossNames.Activations), MemberType = typeof(LossNames))]
    public void ActivationOfVector_EqualsOneRowMatrixForm(string name)
    {
        ActivationFunction<T> function = LossCatalog<T>.GetActivation(name);
        Vector<T> logits = VectorOf(2, 0.5, 6, -1.25, 0);
        Matrix<T> oneRow = logits.ToRowMatrix();

        NumericAssertions.ShouldBeBitIdentical(function.ComputeVector(logits), function.Compute(oneRow).Row(0), name);
        Vector<T> result = Vector<T>.Build.Dense(logits.Count);
        function.ComputeVectorInto(logits, result);
        NumericAssertions.ShouldBeBitIdentical(result, function.Compute(oneRow).Row(0), $"{name} into a buffer");
    }

    [Theory]
    [MemberData(nameof(LossNames.VectorForms), MemberType = typeof(LossNames))]
    public void RegressionOfVector_EqualsOneColumnAndOneRowMatrixForms(string name)
    {
        VectorLossFunction<T> vectorForm = LossCatalog<T>.GetVectorForm(name);
        LossFunction<T> matrixForm = LossCatalog<T>.Get(name);
        (double[,] y, double[,] p) = RandomInputs.Draw(LabelKind.Targets, "predictions", new Random(11), 7, 1);
        Vector<T> labels = MatrixOf(y).Column(0);
        Vector<T> predictions = MatrixOf(p).Column(0);

        object vector = vectorForm.Compute(labels, predictions);
        object column = matrixForm.Compute(labels.ToColumnMatrix(), predictions.ToColumnMatrix());
        object row = matrixForm.Compute(labels.ToRowMatrix(), predictions.ToRowMatrix());

        NumericAssertions.ShouldBeBitIdentical(Flatten(vector), Flatten(column), $"{name}: vector against 7x1");
        NumericAssertions.ShouldBeBitIdentical(Flatten(vector), Flatten(row), $"{name}: vector against 1x7");
        if (vectorForm.ComputeInto is not null)
        {
            Vector<T> result = Vector<T>.Build.Dense(7, T.NaN);
            vectorForm.ComputeInto(labels, predictions, result);
            NumericAssertions.ShouldBeBitIdentical(Flatten(result), Flatten(vector), $"{name} into a buffer");
            Vector<T> sparseResult = Vector<T>.Build.Sparse(7);
            vectorForm.ComputeInto(labels, predictions, sparseResult);
            NumericAssertions.ShouldBeClose(Flatten(sparseResult), Flatten(vector), 0, 0, $"{name} into a sparse buffer");
        }
    }

    /// <summary>Random inputs of the suite's shape; about half of the labels are zero, so sparse storage is sparse.</summary>
    private static (Matrix<T> Labels, Matrix<T> Second) Draw(LossFunction<T> function)
    {
        var random = new Random(function.Name.Length);
        (double[,] y, double[,] x) = RandomInputs.Draw(function.Labels, function.SecondParameter, random, Rows, Columns);
        if (function.Labels is LabelKind.Targets or LabelKind.Binary)
        {
            for (int i = 0; i < Rows; i++)
            {
                for (int j = 0; j < Columns; j++)
                {
                    y[i, j] = random.Next(2) == 0 ? 0 : y[i, j];
                }
            }
        }

        return (MatrixOf(y), MatrixOf(x));
    }

    private static void Fill(object result, T value)
    {
        if (result is Matrix<T> matrix)
        {
            matrix.MapInplace(_ => value, MathNet.Numerics.LinearAlgebra.Zeros.Include);
        }
        else
        {
            ((Vector<T>)result).MapInplace(_ => value, MathNet.Numerics.LinearAlgebra.Zeros.Include);
        }
    }

    private static double[] Flatten(object result) => result switch
    {
        Matrix<T> matrix => matrix.ToColumnMajorArray().Select(ToDouble).ToArray(),
        Vector<T> vector => ToDoubles(vector),
        T scalar => [ToDouble(scalar)],
        _ => throw new ArgumentException($"Unknown result type {result.GetType()}.", nameof(result)),
    };
}

public sealed class StorageFloatTests : StorageTests<float>;

public sealed class StorageDoubleTests : StorageTests<double>;
