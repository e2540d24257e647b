using System;
using MathNet.Numerics.LinearAlgebra;

namespace Losses.Demo;

/// <summary>
/// A fully connected layer without activation, outputs = X·W + b, and the gradient-descent step that
/// updates W and b from a loss gradient G = ∂L/∂outputs. Its gradient buffers are allocated once.
/// </summary>
internal sealed class LinearLayer
{
    private readonly Matrix<double> weightGradient;
    private readonly Vector<double> biasGradient;

    /// <summary>A layer from <paramref name="inputs"/> features to <paramref name="outputs"/> outputs, all parameters 0.</summary>
    public LinearLayer(int inputs, int outputs)
    {
        Weights = Matrix<double>.Build.Dense(inputs, outputs);
        Bias = Vector<double>.Build.Dense(outputs);
        weightGradient = Matrix<double>.Build.Dense(inputs, outputs);
        biasGradient = Vector<double>.Build.Dense(outputs);
    }

    /// <summary>W, inputs×outputs.</summary>
    public Matrix<double> Weights { get; }

    /// <summary>b, one per output.</summary>
    public Vector<double> Bias { get; }

    /// <summary>Writes X·W + b into <paramref name="outputs"/> (N×outputs), b added to every row.</summary>
    public void Forward(Matrix<double> inputs, Matrix<double> outputs)
    {
        inputs.Multiply(Weights, outputs);
        var values = outputs.AsColumnMajorArray();
        var rows = outputs.RowCount;
        for (var column = 0; column < outputs.ColumnCount; column++)
        {
            var bias = Bias[column];
            foreach (ref var value in values.AsSpan(column * rows, rows))
            {
                value += bias;
            }
        }
    }

    /// <summary>Returns X·W + b as a new matrix.</summary>
    public Matrix<double> Forward(Matrix<double> inputs)
    {
        var outputs = Matrix<double>.Build.Dense(inputs.RowCount, Weights.ColumnCount);
        Forward(inputs, outputs);
        return outputs;
    }

    /// <summary>
    /// One step of gradient descent: ∂L/∂W = Xᵀ·G and ∂L/∂b = Σᵢ Gᵢ (the column sums of G), then
    /// W ← W - η·∂L/∂W and b ← b - η·∂L/∂b.
    /// </summary>
    public void Step(Matrix<double> inputs, Matrix<double> outputGradient, double learningRate)
    {
        inputs.TransposeThisAndMultiply(outputGradient, weightGradient);
        var gradient = outputGradient.AsColumnMajorArray();
        var rows = outputGradient.RowCount;
        for (var column = 0; column < outputGradient.ColumnCount; column++)
        {
            var sum = 0.0;
            foreach (var value in gradient.AsSpan(column * rows, rows))
            {
                sum += value;
            }

            biasGradient[column] = sum;
        }

        Descend(Weights.AsColumnMajorArray(), weightGradient.AsColumnMajorArray(), learningRate);
        Descend(Bias.AsArray(), biasGradient.AsArray(), learningRate);
    }

    private static void Descend(Span<double> parameters, ReadOnlySpan<double> gradient, double learningRate)
    {
        for (var index = 0; index < parameters.Length; index++)
        {
            parameters[index] -= learningRate * gradient[index];
        }
    }
}
