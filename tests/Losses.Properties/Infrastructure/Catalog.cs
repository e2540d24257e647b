using System;
using System.Collections.Generic;
using System.Linq;
using MathNet.Numerics.LinearAlgebra;

namespace Losses.Properties.Infrastructure;

/// <summary>
/// The arguments of one call: labels (dense or sparse storage), the model's output, class indices,
/// a positive weight, and the same data as vectors for the vector overloads.
/// </summary>
internal sealed class Arguments<T>
    where T : struct, System.Numerics.IFloatingPointIeee754<T>
{
    public Arguments(Matrix<T> labels, Matrix<T> output, int[] classes, T weight)
    {
        Labels = labels;
        Output = output;
        Classes = classes;
        Weight = weight;
        LabelVector = Vector<T>.Build.DenseOfArray(labels.ToColumnMajorArray());
        OutputVector = Vector<T>.Build.DenseOfArray(output.ToColumnMajorArray());
        OutputRow = output.Row(0);
    }

    public Matrix<T> Labels { get; }

    public Matrix<T> Output { get; }

    public int[] Classes { get; }

    public T Weight { get; }

    /// <summary>All labels, column-major, for the regression vector overloads.</summary>
    public Vector<T> LabelVector { get; }

    /// <summary>All outputs, column-major, for the regression vector overloads.</summary>
    public Vector<T> OutputVector { get; }

    /// <summary>The first row of the outputs, for the activations' one-example overloads.</summary>
    public Vector<T> OutputRow { get; }

    public static Arguments<T> From(Batch labels, Batch output, int[]? classes = null, double weight = 1, bool sparseLabels = false)
        => new(
            sparseLabels ? labels.ToSparseMatrix<T>() : labels.ToMatrix<T>(),
            output.ToMatrix<T>(),
            classes ?? ArgMax(labels),
            T.CreateTruncating(weight));

    /// <summary>Raw bits of every argument, to prove that a call changed none of them.</summary>
    public string Bits()
        => string.Join(
            "|",
            Values.Bits(Labels),
            Values.Bits(Output),
            Values.Bits(Classes.AsSpan()),
            Values.Bits(LabelVector),
            Values.Bits(OutputVector),
            Values.Bits(OutputRow),
            double.CreateTruncating(Weight).ToString("R", System.Globalization.CultureInfo.InvariantCulture));

    private static int[] ArgMax(Batch labels)
        => Enumerable.Range(0, labels.Rows).Select(i =>
        {
            var row = labels.Row(i);
            int best = 0;
            for (int j = 1; j < row.Length; j++)
            {
                best = row[j] > row[best] ? j : best;
            }

            return best;
        }).ToArray();
}

/// <summary>One public entry point of the library, run on <see cref="Arguments{T}"/>, its outputs flattened to double.</summary>
internal sealed record Operation<T>(string Name, Func<Arguments<T>, double[]> Run)
    where T : struct, System.Numerics.IFloatingPointIeee754<T>
{
    public override string ToString() => Name;
}

/// <summary>Every public method of <see cref="Activation"/> and <see cref="Loss"/>, each overload once.</summary>
internal static class Catalog<T>
    where T : struct, System.Numerics.IFloatingPointIeee754<T>
{
    public static IReadOnlyList<Operation<T>> All { get; } = Build().ToArray();

    private static IEnumerable<Operation<T>> Build()
    {
        yield return new("Softmax(matrix)", a => M(Activation.Softmax(a.Output)));
        yield return new("Softmax(matrix, result)", a => M(Into(a.Output, r => Activation.Softmax(a.Output, r))));
        yield return new("Softmax(vector)", a => Values.Of(Activation.Softmax(a.OutputRow)));
        yield return new("Softmax(vector, result)", a => Values.Of(Into(a.OutputRow, r => Activation.Softmax(a.OutputRow, r))));
        yield return new("LogSoftmax(matrix)", a => M(Activation.LogSoftmax(a.Output)));
        yield return new("LogSoftmax(matrix, result)", a => M(Into(a.Output, r => Activation.LogSoftmax(a.Output, r))));
        yield return new("LogSoftmax(vector)", a => Values.Of(Activation.LogSoftmax(a.OutputRow)));
        yield return new("LogSoftmax(vector, result)", a => Values.Of(Into(a.OutputRow, r => Activation.LogSoftmax(a.OutputRow, r))));
        yield return new("Sigmoid(matrix)", a => M(Activation.Sigmoid(a.Output)));
        yield return new("Sigmoid(matrix, result)", a => M(Into(a.Output, r => Activation.Sigmoid(a.Output, r))));
        yield return new("Sigmoid(vector)", a => Values.Of(Activation.Sigmoid(a.OutputRow)));
        yield return new("Sigmoid(vector, result)", a => Values.Of(Into(a.OutputRow, r => Activation.Sigmoid(a.OutputRow, r))));

        yield return new("MeanSquaredError(matrix)", a => S(Loss.MeanSquaredError(a.Labels, a.Output)));
        yield return new("MeanSquaredError(vector)", a => S(Loss.MeanSquaredError(a.LabelVector, a.OutputVector)));
        yield return new("MeanSquaredErrorGradient(matrix)", a => M(Loss.MeanSquaredErrorGradient(a.Labels, a.Output)));
        yield return new("MeanSquaredErrorGradient(matrix, result)", a => M(Into(a.Output, r => Loss.MeanSquaredErrorGradient(a.Labels, a.Output, r))));
        yield return new("MeanSquaredErrorGradient(vector)", a => Values.Of(Loss.MeanSquaredErrorGradient(a.LabelVector, a.OutputVector)));
        yield return new("MeanSquaredErrorGradient(vector, result)", a => Values.Of(Into(a.OutputVector, r => Loss.MeanSquaredErrorGradient(a.LabelVector, a.OutputVector, r))));
        yield return new("RootMeanSquaredError(matrix)", a => S(Loss.RootMeanSquaredError(a.Labels, a.Output)));
        yield return new("RootMeanSquaredError(vector)", a => S(Loss.RootMeanSquaredError(a.LabelVector, a.OutputVector)));
        yield return new("RootMeanSquaredErrorGradient(matrix)", a => M(Loss.RootMeanSquaredErrorGradient(a.Labels, a.Output)));
        yield return new("RootMeanSquaredErrorGradient(matrix, result)", a => M(Into(a.Output, r => Loss.RootMeanSquaredErrorGradient(a.Labels, a.Output, r))));
        yield return new("RootMeanSquaredErrorGradient(vector)", a => Values.Of(Loss.RootMeanSquaredErrorGradient(a.LabelVector, a.OutputVector)));
        yield return new("RootMeanSquaredErrorGradient(vector, result)", a => Values.Of(Into(a.OutputVector, r => Loss.RootMeanSquaredErrorGradient(a.LabelVector, a.OutputVector, r))));
        yield return new("MeanAbsoluteError(matrix)", a => S(Loss.MeanAbsoluteError(a.Labels, a.Output)));
        yield return new("MeanAbsoluteError(vector)", a => S(Loss.MeanAbsoluteError(a.LabelVector, a.OutputVector)));
        yield return new("MeanAbsoluteErrorGradient(matrix)", a => M(Loss.MeanAbsoluteErrorGradient(a.Labels, a.Output)));
        yield return new("MeanAbsoluteErrorGradient(matrix, result)", a => M(Into(a.Output, r => Loss.MeanAbsoluteErrorGradient(a.Labels, a.Output, r))));
        yield return new("MeanAbsoluteErrorGradient(vector)", a => Values.Of(Loss.MeanAbsoluteErrorGradient(a.LabelVector, a.OutputVector)));
        yield return new("MeanAbsoluteErrorGradient(vector, result)", a => Values.Of(Into(a.OutputVector, r => Loss.MeanAbsoluteErrorGradient(a.LabelVector, a.OutputVector, r))));

        yield return new("SigmoidCrossEntropyWithLogits", a => M(Loss.SigmoidCrossEntropyWithLogits(a.Labels, a.Output)));
        yield return new("SigmoidCrossEntropyWithLogits(result)", a => M(Into(a.Output, r => Loss.SigmoidCrossEntropyWithLogits(a.Labels, a.Output, r))));
        yield return new("SigmoidCrossEntropyWithLogitsGradient", a => M(Loss.SigmoidCrossEntropyWithLogitsGradient(a.Labels, a.Output)));
        yield return new("SigmoidCrossEntropyWithLogitsGradient(result)", a => M(Into(a.Output, r => Loss.SigmoidCrossEntropyWithLogitsGradient(a.Labels, a.Output, r))));
        yield return new("WeightedCrossEntropyWithLogits", a => M(Loss.WeightedCrossEntropyWithLogits(a.Labels, a.Output, a.Weight)));
        yield return new("WeightedCrossEntropyWithLogits(result)", a => M(Into(a.Output, r => Loss.WeightedCrossEntropyWithLogits(a.Labels, a.Output, a.Weight, r))));
        yield return new("WeightedCrossEntropyWithLogitsGradient", a => M(Loss.WeightedCrossEntropyWithLogitsGradient(a.Labels, a.Output, a.Weight)));
        yield return new("WeightedCrossEntropyWithLogitsGradient(result)", a => M(Into(a.Output, r => Loss.WeightedCrossEntropyWithLogitsGradient(a.Labels, a.Output, a.Weight, r))));

        yield return new("SoftmaxCrossEntropyWithLogits", a => Values.Of(Loss.SoftmaxCrossEntropyWithLogits(a.Labels, a.Output)));
        yield return new("SoftmaxCrossEntropyWithLogits(result)", a => Values.Of(PerRow(a.Output, r => Loss.SoftmaxCrossEntropyWithLogits(a.Labels, a.Output, r))));
        yield return new("SoftmaxCrossEntropyWithLogitsGradient", a => M(Loss.SoftmaxCrossEntropyWithLogitsGradient(a.Labels, a.Output)));
        yield return new("SoftmaxCrossEntropyWithLogitsGradient(result)", a => M(Into(a.Output, r => Loss.SoftmaxCrossEntropyWithLogitsGradient(a.Labels, a.Output, r))));
        yield return new("SparseSoftmaxCrossEntropyWithLogits", a => Values.Of(Loss.SparseSoftmaxCrossEntropyWithLogits<T>(a.Classes, a.Output)));
        yield return new("SparseSoftmaxCrossEntropyWithLogits(result)", a => Values.Of(PerRow(a.Output, r => Loss.SparseSoftmaxCrossEntropyWithLogits<T>(a.Classes, a.Output, r))));
        yield return new("SparseSoftmaxCrossEntropyWithLogitsGradient", a => M(Loss.SparseSoftmaxCrossEntropyWithLogitsGradient<T>(a.Classes, a.Output)));
        yield return new("SparseSoftmaxCrossEntropyWithLogitsGradient(result)", a => M(Into(a.Output, r => Loss.SparseSoftmaxCrossEntropyWithLogitsGradient<T>(a.Classes, a.Output, r))));
        yield return new("CrossEntropy", a => Values.Of(Loss.CrossEntropy(a.Labels, a.Output)));
        yield return new("CrossEntropy(result)", a => Values.Of(PerRow(a.Output, r => Loss.CrossEntropy(a.Labels, a.Output, r))));
        yield return new("CrossEntropyGradient", a => M(Loss.CrossEntropyGradient(a.Labels, a.Output)));
        yield return new("CrossEntropyGradient(result)", a => M(Into(a.Output, r => Loss.CrossEntropyGradient(a.Labels, a.Output, r))));
    }

    private static double[] M(Matrix<T> matrix) => Values.RowMajor(matrix);

    private static double[] S(T value) => [double.CreateTruncating(value)];

    /// <summary>Runs a result overload on a result buffer pre-filled with NaN, so that an unwritten entry shows.</summary>
    private static Matrix<T> Into(Matrix<T> shape, Action<Matrix<T>> write)
    {
        var result = Matrix<T>.Build.Dense(shape.RowCount, shape.ColumnCount, T.NaN);
        write(result);
        return result;
    }

    private static Vector<T> Into(Vector<T> shape, Action<Vector<T>> write)
    {
        var result = Vector<T>.Build.Dense(shape.Count, T.NaN);
        write(result);
        return result;
    }

    private static Vector<T> PerRow(Matrix<T> shape, Action<Vector<T>> write)
    {
        var result = Vector<T>.Build.Dense(shape.RowCount, T.NaN);
        write(result);
        return result;
    }
}
