using System;
using FluentAssertions;
using Losses.Tests.Infrastructure;
using MathNet.Numerics.LinearAlgebra;

namespace Losses.Tests.EdgeCases;

/// <summary>
/// The argument rules of the edge-case policy: mismatched shapes, empty matrices, null arguments, result
/// buffers of the wrong shape and bad class indices throw an <see cref="ArgumentException"/> (or subclass)
/// that names the parameter and the shapes, before any work is done.
/// </summary>
public abstract class ArgumentValidationTests<T> : TypedTests<T>
    where T : struct, System.Numerics.IFloatingPointIeee754<T>
{
    private static Matrix<T> Constant(int rows, int columns) => Repeat(rows, columns, 0.5);

    [Theory]
    [MemberData(nameof(LossNames.MatrixLabels), MemberType = typeof(LossNames))]
    public void ShapeMismatch_ThrowsNamingBothShapes(string name)
    {
        LossFunction<T> function = LossCatalog<T>.Get(name);
        string second = function.SecondParameter;

        Action columns = () => function.Compute(Constant(2, 4), Constant(2, 3));
        columns.ShouldThrowNaming<ArgumentException>("labels", $"*labels is 2x4 but {second} is 2x3*");

        Action rows = () => function.Compute(Constant(3, 3), Constant(2, 3));
        rows.ShouldThrowNaming<ArgumentException>("labels", $"*labels is 3x3 but {second} is 2x3*");
    }

    [Theory]
    [MemberData(nameof(LossNames.MatrixLabelsWithResult), MemberType = typeof(LossNames))]
    public void ShapeMismatch_WithResultBuffer_ThrowsNamingBothShapes(string name)
    {
        LossFunction<T> function = LossCatalog<T>.Get(name);
        object result = function.NewResult(2, 3, dense: true);

        Action act = () => function.ComputeInto!(Constant(2, 4), Constant(2, 3), result);

        act.ShouldThrowNaming<ArgumentException>("labels", $"*labels is 2x4 but {function.SecondParameter} is 2x3*");
    }

    [Theory]
    [MemberData(nameof(LossNames.MatrixLabels), MemberType = typeof(LossNames))]
    public void EmptyMatrix_ThrowsNamingTheShape(string name)
    {
        LossFunction<T> function = LossCatalog<T>.Get(name);
        string second = function.SecondParameter;

        Action noRows = () => function.Compute(Constant(0, 3), Constant(0, 3));
        noRows.ShouldThrowNaming<ArgumentException>(second, $"*{second} is 0x3*");

        Action noColumns = () => function.Compute(Constant(2, 0), Constant(2, 0));
        noColumns.ShouldThrowNaming<ArgumentException>(second, $"*{second} is 2x0*");
    }

    [Theory]
    [MemberData(nameof(LossNames.MatrixLabels), MemberType = typeof(LossNames))]
    public void NullArgument_ThrowsArgumentNullExceptionNamingIt(string name)
    {
        LossFunction<T> function = LossCatalog<T>.Get(name);

        Action nullLabels = () => function.Compute(null!, Constant(2, 3));
        nullLabels.ShouldThrowNaming<ArgumentNullException>("labels");

        Action nullSecond = () => function.Compute(Constant(2, 3), null!);
        nullSecond.ShouldThrowNaming<ArgumentNullException>(function.SecondParameter);

        if (function.ComputeInto is not null)
        {
            Action nullResult = () => function.ComputeInto(Constant(2, 3), Constant(2, 3), null!);
            nullResult.ShouldThrowNaming<ArgumentNullException>("result");
        }
    }

    [Theory]
    [MemberData(nameof(LossNames.WithResult), MemberType = typeof(LossNames))]
    public void WrongResultShape_ThrowsNamingBothShapes(string name)
    {
        LossFunction<T> function = LossCatalog<T>.Get(name);
        string second = function.SecondParameter;
        Matrix<T> labels = OneHot(2, 3);
        (object wrong, string message) = function.Result == ResultKind.PerRow
            ? ((object)Vector<T>.Build.Dense(3), $"*result has length 3 but {second} is 2x3*")
            : (Matrix<T>.Build.Dense(3, 3), $"*result is 3x3 but {second} is 2x3*");

        Action act = () => function.ComputeInto!(labels, Constant(2, 3), wrong);

        act.ShouldThrowNaming<ArgumentException>("result", message);
    }

    [Theory]
    [MemberData(nameof(LossNames.VectorForms), MemberType = typeof(LossNames))]
    public void VectorLengthMismatch_ThrowsNamingBothLengths(string name)
    {
        VectorLossFunction<T> function = LossCatalog<T>.GetVectorForm(name);

        Action mismatch = () => function.Compute(VectorOf(1, 2, 3), VectorOf(1, 2, 3, 4));
        mismatch.ShouldThrowNaming<ArgumentException>("labels", "*labels has length 3 but predictions has length 4*");

        Action empty = () => function.Compute(VectorOf(), VectorOf());
        empty.ShouldThrowNaming<ArgumentException>("predictions", "*predictions is empty*");

        Action nullLabels = () => function.Compute(null!, VectorOf(1));
        nullLabels.ShouldThrowNaming<ArgumentNullException>("labels");

        Action nullPredictions = () => function.Compute(VectorOf(1), null!);
        nullPredictions.ShouldThrowNaming<ArgumentNullException>("predictions");

        if (function.ComputeInto is not null)
        {
            Action wrongResult = () => function.ComputeInto(VectorOf(1, 2), VectorOf(1, 2), VectorOf(0, 0, 0));
            wrongResult.ShouldThrowNaming<ArgumentException>("result", "*result has length 3 but predictions has length 2*");

            Action nullResult = () => function.ComputeInto(VectorOf(1, 2), VectorOf(1, 2), null!);
            nullResult.ShouldThrowNaming<ArgumentNullException>("result");
        }
    }

    [Theory]
    [MemberData(nameof(LossNames.Activations), MemberType = typeof(LossNames))]
    public void Activation_BadArguments_ThrowNamingThem(string name)
    {
        ActivationFunction<T> function = LossCatalog<T>.GetActivation(name);
        string parameter = function.Parameter;

        Action empty = () => function.Compute(Constant(0, 3));
        empty.ShouldThrowNaming<ArgumentException>(parameter, $"*{parameter} is 0x3*");

        Action emptyVector = () => function.ComputeVector(VectorOf());
        emptyVector.ShouldThrowNaming<ArgumentException>(parameter, $"*{parameter} is empty*");

        Action nullMatrix = () => function.Compute(null!);
        nullMatrix.ShouldThrowNaming<ArgumentNullException>(parameter);

        Action nullVector = () => function.ComputeVector(null!);
        nullVector.ShouldThrowNaming<ArgumentNullException>(parameter);

        Action wrongResult = () => function.ComputeInto(Constant(2, 3), Matrix<T>.Build.Dense(2, 2));
        wrongResult.ShouldThrowNaming<ArgumentException>("result", $"*result is 2x2 but {parameter} is 2x3*");

        Action wrongVectorResult = () => function.ComputeVectorInto(VectorOf(1, 2, 3), VectorOf(0, 0));
        wrongVectorResult.ShouldThrowNaming<ArgumentException>("result", $"*result has length 2 but {parameter} has length 3*");

        Action nullResult = () => function.ComputeInto(Constant(2, 3), null!);
        nullResult.ShouldThrowNaming<ArgumentNullException>("result");
    }

    [Fact]
    public void SparseLabelCountNotRowCount_ThrowsNamingBoth()
    {
        foreach (Action act in SparseCalls([2, 1, 0], Constant(2, 3)))
        {
            act.ShouldThrowNaming<ArgumentException>("labels", "*labels has 3 class indices but logits is 2x3*");
        }
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(int.MinValue)]
    public void ClassIndexOutOfRange_ThrowsNamingRowAndValue(int label)
    {
        foreach (Action act in SparseCalls([2, label], Constant(2, 3)))
        {
            act.Should().Throw<ArgumentOutOfRangeException>()
                .Where(e => e.ParamName == "labels" && Equals(e.ActualValue, label))
                .WithMessage($"*labels[1] = {label} is not a class index in [0, 3)*");
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(17)]
    [InlineData(38)]
    public void ClassIndexOutOfRange_InALongBatch_NamesTheFirstBadRow(int firstBad)
    {
        // 39 rows: the search runs over whole vectors of indices and the rows after them; a later bad row is not named.
        int[] labels = new int[39];
        for (int row = 0; row < labels.Length; row++)
        {
            labels[row] = row % 3;
        }

        labels[firstBad] = 3;
        if (firstBad + 5 < labels.Length)
        {
            labels[firstBad + 5] = -1;
        }

        foreach (Action act in SparseCalls(labels, Constant(39, 3)))
        {
            act.Should().Throw<ArgumentOutOfRangeException>()
                .Where(e => e.ParamName == "labels" && Equals(e.ActualValue, 3))
                .WithMessage($"*labels[{firstBad}] = 3 is not a class index in [0, 3)*");
        }
    }

    [Fact]
    public void SparseNullOrEmptyLogits_Throw()
    {
        Action nullLogits = () => Loss.SparseSoftmaxCrossEntropyWithLogits<T>([0], null!);
        nullLogits.ShouldThrowNaming<ArgumentNullException>("logits");

        Action nullGradientLogits = () => Loss.SparseSoftmaxCrossEntropyWithLogitsGradient<T>([0], null!);
        nullGradientLogits.ShouldThrowNaming<ArgumentNullException>("logits");

        Action empty = () => Loss.SparseSoftmaxCrossEntropyWithLogits<T>([], Constant(0, 3));
        empty.ShouldThrowNaming<ArgumentException>("logits", "*logits is 0x3*");
    }

    [Fact]
    public void InvalidArguments_LeaveTheResultBufferUntouched()
    {
        // "thrown before any work": a failed call writes nothing.
        var perRow = VectorOf(42, 42);
        var elementwise = Repeat(2, 3, 42);
        Action sparse = () => Loss.SparseSoftmaxCrossEntropyWithLogits([0, 3], Constant(2, 3), perRow);
        Action sparseGradient = () => Loss.SparseSoftmaxCrossEntropyWithLogitsGradient([0, 3], Constant(2, 3), elementwise);
        Action dense = () => Loss.SoftmaxCrossEntropyWithLogits(Constant(2, 4), Constant(2, 3), perRow);
        Action sigmoid = () => Loss.SigmoidCrossEntropyWithLogitsGradient(Constant(2, 4), Constant(2, 3), elementwise);

        foreach (Action act in new[] { sparse, sparseGradient, dense, sigmoid })
        {
            act.Should().Throw<ArgumentException>();
        }

        NumericAssertions.ShouldBeBitIdentical(perRow, VectorOf(42, 42), "the per-row result");
        NumericAssertions.ShouldBeBitIdentical(elementwise, Repeat(2, 3, 42), "the element-wise result");
    }

    private static Matrix<T> OneHot(int rows, int columns)
        => Matrix<T>.Build.Dense(rows, columns, (i, j) => j == i % columns ? T.One : T.Zero);

    /// <summary>Every sparse entry point with the same arguments: allocating and buffer forms of the value and the gradient.</summary>
    private static Action[] SparseCalls(int[] labels, Matrix<T> logits) =>
    [
        () => Loss.SparseSoftmaxCrossEntropyWithLogits(labels, logits),
        () => Loss.SparseSoftmaxCrossEntropyWithLogits(labels, logits, Vector<T>.Build.Dense(logits.RowCount)),
        () => Loss.SparseSoftmaxCrossEntropyWithLogitsGradient(labels, logits),
        () => Loss.SparseSoftmaxCrossEntropyWithLogitsGradient(labels, logits, Matrix<T>.Build.Dense(logits.RowCount, logits.ColumnCount)),
    ];
}

public sealed class ArgumentValidationFloatTests : ArgumentValidationTests<float>;

public sealed class ArgumentValidationDoubleTests : ArgumentValidationTests<double>;
