using System;
using System.Globalization;
using System.IO;
using MathNet.Numerics.LinearAlgebra;

namespace Losses.Demo;

/// <summary>
/// A linear classifier, logits = X·W + b, trained by gradient descent on a softmax cross-entropy loss object.
/// </summary>
internal sealed class SoftmaxRegression
{
    private readonly LinearLayer layer;

    public SoftmaxRegression(int features, int classes) => layer = new LinearLayer(features, classes);

    /// <summary>
    /// The training objective on class indices: <see cref="SparseSoftmaxCrossEntropyLoss{T}"/> for
    /// <see cref="ClassificationLoss.Sparse"/>, <see cref="SoftmaxCrossEntropyLoss{T}"/> on the one-hot rows of the
    /// same indices for <see cref="ClassificationLoss.Dense"/>; both are the mean over the examples.
    /// </summary>
    public static Objective CrossEntropy(ClassificationLoss kind, int[] classes, int classCount, double labelSmoothing)
    {
        if (kind == ClassificationLoss.Sparse)
        {
            var sparse = new SparseSoftmaxCrossEntropyLoss<double> { Reduction = Reduction.WeightedMean, LabelSmoothing = labelSmoothing };
            return (logits, gradient, perExample) => sparse.Evaluate(classes, logits, gradient, perExample);
        }

        var oneHot = Matrix<double>.Build.Dense(classes.Length, classCount, (row, column) => classes[row] == column ? 1 : 0);
        var dense = new SoftmaxCrossEntropyLoss<double> { Reduction = Reduction.Mean, LabelSmoothing = labelSmoothing };
        return (logits, gradient, perExample) => dense.Evaluate(oneHot, logits, gradient, perExample);
    }

    /// <summary>Trains on standardised features and returns the loss curve (see <see cref="GradientDescent.Fit"/>).</summary>
    public double[] Fit(Matrix<double> features, int[] classes, Objective objective, GradientDescent descent, TextWriter writer)
        => descent.Fit(layer, features, objective, writer, logits => string.Create(CultureInfo.InvariantCulture, $"accuracy {100 * FractionCorrect(logits, classes):F1}%"));

    /// <summary>The fraction of examples whose largest logit is their class.</summary>
    public double Accuracy(Matrix<double> features, int[] classes) => FractionCorrect(layer.Forward(features), classes);

    private static double FractionCorrect(Matrix<double> logits, int[] classes)
    {
        var values = logits.AsColumnMajorArray();
        var rows = logits.RowCount;
        var correct = 0;
        for (var row = 0; row < rows; row++)
        {
            var best = 0;
            for (var column = 1; column < logits.ColumnCount; column++)
            {
                if (values[(column * rows) + row] > values[(best * rows) + row])
                {
                    best = column;
                }
            }

            correct += best == classes[row] ? 1 : 0;
        }

        return (double)correct / rows;
    }
}
