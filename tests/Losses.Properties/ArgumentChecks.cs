using System;
using System.Collections.Generic;
using System.Linq;
using CsCheck;
using Losses.Properties.Infrastructure;
using MathNet.Numerics.LinearAlgebra;

namespace Losses.Properties;

/// <summary>
/// API.md's argument policy on random shapes: mismatched shapes, nulls, out-of-range class indices,
/// wrong class-index counts and wrong result buffers throw the documented exception type, naming the
/// parameter and both shapes (or the row and the value), before any work: a caller's result buffer
/// is left untouched.
/// </summary>
public abstract class ArgumentChecks<T>
    where T : struct, System.Numerics.IFloatingPointIeee754<T>
{
    private static readonly Gen<(int Rows, int Columns)> Shape = Gen.Select(Gen.Int[1, 20], Gen.Int[1, 20]);

    /// <summary>Every method taking (labels, second matrix), by the name of its second parameter.</summary>
    private static readonly (string Name, string Second, Action<Matrix<T>, Matrix<T>> Call)[] PairMethods =
    [
        ("MeanSquaredError", "predictions", (y, p) => Loss.MeanSquaredError(y, p)),
        ("MeanSquaredErrorGradient", "predictions", (y, p) => Loss.MeanSquaredErrorGradient(y, p)),
        ("RootMeanSquaredError", "predictions", (y, p) => Loss.RootMeanSquaredError(y, p)),
        ("RootMeanSquaredErrorGradient", "predictions", (y, p) => Loss.RootMeanSquaredErrorGradient(y, p)),
        ("MeanAbsoluteError", "predictions", (y, p) => Loss.MeanAbsoluteError(y, p)),
        ("MeanAbsoluteErrorGradient", "predictions", (y, p) => Loss.MeanAbsoluteErrorGradient(y, p)),
        ("SigmoidCrossEntropyWithLogits", "logits", (y, x) => Loss.SigmoidCrossEntropyWithLogits(y, x)),
        ("SigmoidCrossEntropyWithLogitsGradient", "logits", (y, x) => Loss.SigmoidCrossEntropyWithLogitsGradient(y, x)),
        ("WeightedCrossEntropyWithLogits", "logits", (y, x) => Loss.WeightedCrossEntropyWithLogits(y, x, T.One)),
        ("WeightedCrossEntropyWithLogitsGradient", "logits", (y, x) => Loss.WeightedCrossEntropyWithLogitsGradient(y, x, T.One)),
        ("SoftmaxCrossEntropyWithLogits", "logits", (y, x) => Loss.SoftmaxCrossEntropyWithLogits(y, x)),
        ("SoftmaxCrossEntropyWithLogitsGradient", "logits", (y, x) => Loss.SoftmaxCrossEntropyWithLogitsGradient(y, x)),
        ("CrossEntropy", "probabilities", (y, p) => Loss.CrossEntropy(y, p)),
        ("CrossEntropyGradient", "probabilities", (y, p) => Loss.CrossEntropyGradient(y, p)),
    ];

    [Fact]
    public void ShapeMismatch_ThrowsNamingBothShapes()
    {
        Checks.ForAll(Gen.Select(Shape, Shape).Where((a, b) => a != b), (first, second) =>
        {
            var labels = Matrix<T>.Build.Dense(first.Rows, first.Columns);
            var other = Matrix<T>.Build.Dense(second.Rows, second.Columns);
            foreach (var (name, secondName, call) in PairMethods)
            {
                var thrown = FluentActions.Invoking(() => call(labels, other)).Should().ThrowExactly<ArgumentException>(name).Which;
                thrown.Message.Should().Contain($"{first.Rows}x{first.Columns}").And.Contain($"{second.Rows}x{second.Columns}", name);
                thrown.ParamName.Should().BeOneOf("labels", secondName);
            }

            var vectorLabels = Vector<T>.Build.Dense(first.Rows * first.Columns);
            var vectorOther = Vector<T>.Build.Dense(second.Rows * second.Columns);
            if (vectorLabels.Count != vectorOther.Count)
            {
                FluentActions.Invoking(() => Loss.MeanSquaredError(vectorLabels, vectorOther)).Should().ThrowExactly<ArgumentException>()
                    .Which.Message.Should().Contain($"{vectorLabels.Count}").And.Contain($"{vectorOther.Count}");
            }
        }, 100);
    }

    [Fact]
    public void NullArguments_ThrowNamingTheParameter()
    {
        var matrix = Matrix<T>.Build.Dense(2, 3);
        foreach (var (name, secondName, call) in PairMethods)
        {
            Checks.Count();
            FluentActions.Invoking(() => call(null!, matrix)).Should().Throw<ArgumentNullException>(name).Which.ParamName.Should().Be("labels");
            FluentActions.Invoking(() => call(matrix, null!)).Should().Throw<ArgumentNullException>(name).Which.ParamName.Should().Be(secondName);
        }

        FluentActions.Invoking(() => Activation.Softmax((Matrix<T>)null!)).Should().Throw<ArgumentNullException>().Which.ParamName.Should().Be("logits");
        FluentActions.Invoking(() => Activation.Sigmoid((Matrix<T>)null!)).Should().Throw<ArgumentNullException>().Which.ParamName.Should().Be("x");
        FluentActions.Invoking(() => Loss.SparseSoftmaxCrossEntropyWithLogits<T>([0, 1], null!)).Should().Throw<ArgumentNullException>().Which.ParamName.Should().Be("logits");
    }

    [Fact]
    public void ClassIndexOutOfRange_ThrowsNamingTheRowAndTheValue_BeforeAnyWork()
    {
        var gen = Shape.SelectMany(shape => Gen.Select(
            Generate.ClassIndices(shape),
            Gen.Int[0, shape.Rows - 1],
            Gen.OneOf(Gen.Int[int.MinValue, -1], Gen.Int[shape.Columns, int.MaxValue]),
            (classes, row, bad) => (shape, classes, row, bad)));
        Checks.ForAll(gen, input =>
        {
            var classes = (int[])input.classes.Clone();
            classes[input.row] = input.bad;
            var logits = Matrix<T>.Build.Dense(input.shape.Rows, input.shape.Columns, T.One);
            var result = Vector<T>.Build.Dense(input.shape.Rows, T.NaN);
            var gradient = Matrix<T>.Build.Dense(input.shape.Rows, input.shape.Columns, T.NaN);
            foreach (var call in new Action[]
            {
                () => Loss.SparseSoftmaxCrossEntropyWithLogits<T>(classes, logits),
                () => Loss.SparseSoftmaxCrossEntropyWithLogits<T>(classes, logits, result),
                () => Loss.SparseSoftmaxCrossEntropyWithLogitsGradient<T>(classes, logits),
                () => Loss.SparseSoftmaxCrossEntropyWithLogitsGradient<T>(classes, logits, gradient),
            })
            {
                var thrown = FluentActions.Invoking(call).Should().ThrowExactly<ArgumentOutOfRangeException>().Which;
                thrown.ParamName.Should().Be("labels");
                thrown.Message.Should().Contain($"labels[{input.row}] = {input.bad}").And.Contain($"[0, {input.shape.Columns})");
            }

            result.All(T.IsNaN).Should().BeTrue("nothing is written before the arguments are checked");
            gradient.Enumerate().All(T.IsNaN).Should().BeTrue("nothing is written before the arguments are checked");
        }, 100, input => $"{input.shape}, labels[{input.row}] = {input.bad}");
    }

    [Fact]
    public void ClassIndexCountMismatch_ThrowsNamingBothSizes()
    {
        Checks.ForAll(Gen.Select(Shape, Gen.Int[0, 25]).Where((shape, count) => count != shape.Rows), (shape, count) =>
        {
            var logits = Matrix<T>.Build.Dense(shape.Rows, shape.Columns);
            var thrown = FluentActions.Invoking(() => Loss.SparseSoftmaxCrossEntropyWithLogits<T>(new int[count], logits)).Should().Throw<ArgumentException>().Which;
            thrown.Should().NotBeOfType<ArgumentOutOfRangeException>();
            thrown.ParamName.Should().Be("labels");
            thrown.Message.Should().Contain($"{count}").And.Contain($"{shape.Rows}x{shape.Columns}");
        }, 100);
    }

    [Fact]
    public void WrongResultShape_ThrowsNamingResult_BeforeAnyWork()
    {
        Checks.ForAll(Gen.Select(Shape, Shape).Where((a, b) => a != b), (shape, wrong) =>
        {
            var labels = Matrix<T>.Build.Dense(shape.Rows, shape.Columns, T.One);
            var x = Matrix<T>.Build.Dense(shape.Rows, shape.Columns, T.One);
            var result = Matrix<T>.Build.Dense(wrong.Rows, wrong.Columns, T.NaN);
            var perRow = Vector<T>.Build.Dense(wrong.Rows == shape.Rows ? shape.Rows + 1 : wrong.Rows, T.NaN);
            var calls = new List<(string Name, Action Call)>
            {
                ("Softmax", () => Activation.Softmax(x, result)),
                ("LogSoftmax", () => Activation.LogSoftmax(x, result)),
                ("Sigmoid", () => Activation.Sigmoid(x, result)),
                ("MeanSquaredErrorGradient", () => Loss.MeanSquaredErrorGradient(labels, x, result)),
                ("SigmoidCrossEntropyWithLogits", () => Loss.SigmoidCrossEntropyWithLogits(labels, x, result)),
                ("SoftmaxCrossEntropyWithLogitsGradient", () => Loss.SoftmaxCrossEntropyWithLogitsGradient(labels, x, result)),
                ("SoftmaxCrossEntropyWithLogits", () => Loss.SoftmaxCrossEntropyWithLogits(labels, x, perRow)),
                ("CrossEntropy", () => Loss.CrossEntropy(labels, x, perRow)),
            };
            foreach (var (name, call) in calls)
            {
                var thrown = FluentActions.Invoking(call).Should().Throw<ArgumentException>(name).Which;
                thrown.ParamName.Should().Be("result", name);
                thrown.Message.Should().Contain($"{shape.Rows}x{shape.Columns}", name);
            }

            result.Enumerate().All(T.IsNaN).Should().BeTrue("nothing is written before the arguments are checked");
            perRow.All(T.IsNaN).Should().BeTrue("nothing is written before the arguments are checked");
        }, 100);
    }
}

public sealed class ArgumentChecksFloat : ArgumentChecks<float>;

public sealed class ArgumentChecksDouble : ArgumentChecks<double>;
