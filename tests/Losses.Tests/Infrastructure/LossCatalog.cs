using System;
using System.Collections.Generic;
using System.Linq;
using MathNet.Numerics.LinearAlgebra;

namespace Losses.Tests.Infrastructure;

/// <summary>What a loss expects as labels, which decides how tests draw them.</summary>
public enum LabelKind
{
    /// <summary>Regression targets: any real numbers.</summary>
    Targets,

    /// <summary>Sigmoid labels: 0, 1 or a probability in between.</summary>
    Binary,

    /// <summary>Softmax labels: non-negative weights per class, deliberately not normalised.</summary>
    Distribution,

    /// <summary>One class per row, given to the function as an index (drawn as a one-hot matrix).</summary>
    ClassIndex,
}

/// <summary>The shape of what a loss returns.</summary>
public enum ResultKind
{
    /// <summary>One number for the whole batch.</summary>
    Scalar,

    /// <summary>A vector with one entry per row.</summary>
    PerRow,

    /// <summary>A matrix of the second argument's shape.</summary>
    Elementwise,
}

/// <summary>
/// One public function of <see cref="Loss"/> with matrix arguments, called uniformly: its allocating form, its
/// result-buffer form (none for scalar losses) and, for a gradient, the name of the value it differentiates.
/// </summary>
internal sealed record LossFunction<T>(
    string Name,
    string SecondParameter,
    LabelKind Labels,
    ResultKind Result,
    Func<Matrix<T>, Matrix<T>, object> Compute,
    Action<Matrix<T>, Matrix<T>, object>? ComputeInto,
    string? DerivativeOf = null)
    where T : struct, System.Numerics.IFloatingPointIeee754<T>
{
    /// <summary>A fresh result buffer of the right shape for <see cref="ComputeInto"/>, dense or sparse.</summary>
    public object NewResult(int rows, int columns, bool dense) => Result switch
    {
        ResultKind.PerRow => dense ? Vector<T>.Build.Dense(rows) : Vector<T>.Build.Sparse(rows),
        ResultKind.Elementwise => dense ? Matrix<T>.Build.Dense(rows, columns) : Matrix<T>.Build.Sparse(rows, columns),
        _ => throw new InvalidOperationException($"{Name} returns a scalar and has no result buffer."),
    };

    public override string ToString() => Name;
}

/// <summary>A regression function's <see cref="Vector{T}"/> form: one column of outputs.</summary>
internal sealed record VectorLossFunction<T>(
    string Name,
    Func<Vector<T>, Vector<T>, object> Compute,
    Action<Vector<T>, Vector<T>, Vector<T>>? ComputeInto)
    where T : struct, System.Numerics.IFloatingPointIeee754<T>
{
    public override string ToString() => Name;
}

/// <summary>One function of <see cref="Activation"/> in its four forms.</summary>
internal sealed record ActivationFunction<T>(
    string Name,
    string Parameter,
    Func<Matrix<T>, Matrix<T>> Compute,
    Action<Matrix<T>, Matrix<T>> ComputeInto,
    Func<Vector<T>, Vector<T>> ComputeVector,
    Action<Vector<T>, Vector<T>> ComputeVectorInto)
    where T : struct, System.Numerics.IFloatingPointIeee754<T>
{
    public override string ToString() => Name;
}

/// <summary>The names of the catalogued functions, as theory data.</summary>
public static class LossNames
{
    /// <summary>Weights q used for the weighted cross-entropy wherever every function is tested.</summary>
    public static readonly double[] PositiveWeights = [0.25, 1, 3.5];

    public static TheoryData<string> All => Data(_ => true);

    /// <summary>Functions whose labels are a matrix (every one but the sparse softmax cross-entropy).</summary>
    public static TheoryData<string> MatrixLabels => Data(f => f.Labels != LabelKind.ClassIndex);

    /// <summary>Matrix-label functions that also have a result-buffer overload.</summary>
    public static TheoryData<string> MatrixLabelsWithResult => Data(f => f.Labels != LabelKind.ClassIndex && f.ComputeInto is not null);

    public static TheoryData<string> WithResult => Data(f => f.ComputeInto is not null);

    /// <summary>Functions whose result buffer is a matrix of the second argument's shape.</summary>
    public static TheoryData<string> WithMatrixResult => Data(f => f.ComputeInto is not null && f.Result == ResultKind.Elementwise);

    public static TheoryData<string> VectorForms => new(LossCatalog<double>.VectorForms.Select(f => f.Name));

    public static TheoryData<string> Activations => new(LossCatalog<double>.Activations.Select(f => f.Name));

    /// <summary>The names of the gradient functions.</summary>
    public static IEnumerable<string> GradientNames => Names(f => f.DerivativeOf is not null);

    private static TheoryData<string> Data(Func<LossFunction<double>, bool> select) => new(Names(select));

    private static IEnumerable<string> Names(Func<LossFunction<double>, bool> select)
        => LossCatalog<double>.All.Where(select).Select(f => f.Name);
}

/// <summary>Every public matrix function of <see cref="Loss"/>, by name, for <typeparamref name="T"/>.</summary>
internal static class LossCatalog<T>
    where T : struct, System.Numerics.IFloatingPointIeee754<T>
{
    private const string Predictions = "predictions";
    private const string Logits = "logits";
    private const string Probabilities = "probabilities";

    public static IReadOnlyList<LossFunction<T>> All { get; } = Build();

    /// <summary>The regression functions' vector forms, named as their matrix forms.</summary>
    public static IReadOnlyList<VectorLossFunction<T>> VectorForms { get; } =
    [
        new("MeanSquaredError", (y, p) => Loss.MeanSquaredError(y, p), null),
        new("MeanSquaredErrorGradient", (y, p) => Loss.MeanSquaredErrorGradient(y, p), (y, p, r) => Loss.MeanSquaredErrorGradient(y, p, r)),
        new("RootMeanSquaredError", (y, p) => Loss.RootMeanSquaredError(y, p), null),
        new("RootMeanSquaredErrorGradient", (y, p) => Loss.RootMeanSquaredErrorGradient(y, p), (y, p, r) => Loss.RootMeanSquaredErrorGradient(y, p, r)),
        new("MeanAbsoluteError", (y, p) => Loss.MeanAbsoluteError(y, p), null),
        new("MeanAbsoluteErrorGradient", (y, p) => Loss.MeanAbsoluteErrorGradient(y, p), (y, p, r) => Loss.MeanAbsoluteErrorGradient(y, p, r)),
    ];

    public static IReadOnlyList<ActivationFunction<T>> Activations { get; } =
    [
        new("Softmax", "logits", Activation.Softmax, Activation.Softmax, Activation.Softmax, Activation.Softmax),
        new("LogSoftmax", "logits", Activation.LogSoftmax, Activation.LogSoftmax, Activation.LogSoftmax, Activation.LogSoftmax),
        new("Sigmoid", "x", Activation.Sigmoid, Activation.Sigmoid, Activation.Sigmoid, Activation.Sigmoid),
    ];

    public static LossFunction<T> Get(string name) => All.Single(f => f.Name == name);

    public static VectorLossFunction<T> GetVectorForm(string name) => VectorForms.Single(f => f.Name == name);

    public static ActivationFunction<T> GetActivation(string name) => Activations.Single(f => f.Name == name);

    /// <summary>The position of the largest entry of each row: the class of a one-hot row.</summary>
    public static int[] ClassIndices(Matrix<T> oneHot)
        => Enumerable.Range(0, oneHot.RowCount).Select(i => oneHot.Row(i).MaximumIndex()).ToArray();

    private static List<LossFunction<T>> Build()
    {
        var functions = new List<LossFunction<T>>
        {
            new("MeanSquaredError", Predictions, LabelKind.Targets, ResultKind.Scalar,
                (y, p) => Loss.MeanSquaredError(y, p), null),
            new("MeanSquaredErrorGradient", Predictions, LabelKind.Targets, ResultKind.Elementwise,
                (y, p) => Loss.MeanSquaredErrorGradient(y, p),
                (y, p, r) => Loss.MeanSquaredErrorGradient(y, p, (Matrix<T>)r), "MeanSquaredError"),
            new("RootMeanSquaredError", Predictions, LabelKind.Targets, ResultKind.Scalar,
                (y, p) => Loss.RootMeanSquaredError(y, p), null),
            new("RootMeanSquaredErrorGradient", Predictions, LabelKind.Targets, ResultKind.Elementwise,
                (y, p) => Loss.RootMeanSquaredErrorGradient(y, p),
                (y, p, r) => Loss.RootMeanSquaredErrorGradient(y, p, (Matrix<T>)r), "RootMeanSquaredError"),
            new("MeanAbsoluteError", Predictions, LabelKind.Targets, ResultKind.Scalar,
                (y, p) => Loss.MeanAbsoluteError(y, p), null),
            new("MeanAbsoluteErrorGradient", Predictions, LabelKind.Targets, ResultKind.Elementwise,
                (y, p) => Loss.MeanAbsoluteErrorGradient(y, p),
                (y, p, r) => Loss.MeanAbsoluteErrorGradient(y, p, (Matrix<T>)r), "MeanAbsoluteError"),
            new("SigmoidCrossEntropyWithLogits", Logits, LabelKind.Binary, ResultKind.Elementwise,
                (z, x) => Loss.SigmoidCrossEntropyWithLogits(z, x),
                (z, x, r) => Loss.SigmoidCrossEntropyWithLogits(z, x, (Matrix<T>)r)),
            new("SigmoidCrossEntropyWithLogitsGradient", Logits, LabelKind.Binary, ResultKind.Elementwise,
                (z, x) => Loss.SigmoidCrossEntropyWithLogitsGradient(z, x),
                (z, x, r) => Loss.SigmoidCrossEntropyWithLogitsGradient(z, x, (Matrix<T>)r), "SigmoidCrossEntropyWithLogits"),
            new("SoftmaxCrossEntropyWithLogits", Logits, LabelKind.Distribution, ResultKind.PerRow,
                (y, x) => Loss.SoftmaxCrossEntropyWithLogits(y, x),
                (y, x, r) => Loss.SoftmaxCrossEntropyWithLogits(y, x, (Vector<T>)r)),
            new("SoftmaxCrossEntropyWithLogitsGradient", Logits, LabelKind.Distribution, ResultKind.Elementwise,
                (y, x) => Loss.SoftmaxCrossEntropyWithLogitsGradient(y, x),
                (y, x, r) => Loss.SoftmaxCrossEntropyWithLogitsGradient(y, x, (Matrix<T>)r), "SoftmaxCrossEntropyWithLogits"),
            new("SparseSoftmaxCrossEntropyWithLogits", Logits, LabelKind.ClassIndex, ResultKind.PerRow,
                (y, x) => Loss.SparseSoftmaxCrossEntropyWithLogits(ClassIndices(y), x),
                (y, x, r) => Loss.SparseSoftmaxCrossEntropyWithLogits(ClassIndices(y), x, (Vector<T>)r)),
            new("SparseSoftmaxCrossEntropyWithLogitsGradient", Logits, LabelKind.ClassIndex, ResultKind.Elementwise,
                (y, x) => Loss.SparseSoftmaxCrossEntropyWithLogitsGradient(ClassIndices(y), x),
                (y, x, r) => Loss.SparseSoftmaxCrossEntropyWithLogitsGradient(ClassIndices(y), x, (Matrix<T>)r),
                "SparseSoftmaxCrossEntropyWithLogits"),
            new("CrossEntropy", Probabilities, LabelKind.Distribution, ResultKind.PerRow,
                (y, p) => Loss.CrossEntropy(y, p),
                (y, p, r) => Loss.CrossEntropy(y, p, (Vector<T>)r)),
            new("CrossEntropyGradient", Probabilities, LabelKind.Distribution, ResultKind.Elementwise,
                (y, p) => Loss.CrossEntropyGradient(y, p),
                (y, p, r) => Loss.CrossEntropyGradient(y, p, (Matrix<T>)r), "CrossEntropy"),
        };

        foreach (double weight in LossNames.PositiveWeights)
        {
            T q = T.CreateChecked(weight);
            string value = $"WeightedCrossEntropyWithLogits(q={weight})";
            functions.Add(new(value, Logits, LabelKind.Binary, ResultKind.Elementwise,
                (z, x) => Loss.WeightedCrossEntropyWithLogits(z, x, q),
                (z, x, r) => Loss.WeightedCrossEntropyWithLogits(z, x, q, (Matrix<T>)r)));
            functions.Add(new($"WeightedCrossEntropyWithLogitsGradient(q={weight})", Logits, LabelKind.Binary, ResultKind.Elementwise,
                (z, x) => Loss.WeightedCrossEntropyWithLogitsGradient(z, x, q),
                (z, x, r) => Loss.WeightedCrossEntropyWithLogitsGradient(z, x, q, (Matrix<T>)r), value));
        }

        return functions;
    }
}
