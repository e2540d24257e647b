using System;
using System.Globalization;
using System.IO;
using MathNet.Numerics.LinearAlgebra;

namespace Losses.Demo;

/// <summary>
/// A loss evaluated at a model's outputs: writes ∂Value/∂outputs into <paramref name="gradient"/> and the
/// per-example losses into <paramref name="perExample"/>, and returns the value.
/// </summary>
internal delegate double Objective(Matrix<double> outputs, Matrix<double> gradient, Vector<double> perExample);

/// <summary>Full-batch gradient descent of a <see cref="LinearLayer"/>, with a progress line every few epochs.</summary>
/// <param name="Epochs">The number of steps, each over the whole data set.</param>
/// <param name="LearningRate">The step size η.</param>
/// <param name="Reports">About how many progress lines to write.</param>
internal sealed record GradientDescent(int Epochs, double LearningRate, int Reports = 10)
{
    /// <summary>
    /// Trains <paramref name="layer"/> on <paramref name="inputs"/> and returns the loss before each step and
    /// after the last (Epochs + 1 values). The outputs, gradient and per-example buffers are allocated once.
    /// </summary>
    /// <param name="describe">Adds a few words about the current outputs to each progress line, such as the accuracy.</param>
    public double[] Fit(LinearLayer layer, Matrix<double> inputs, Objective objective, TextWriter writer, Func<Matrix<double>, string> describe)
    {
        var outputs = Matrix<double>.Build.Dense(inputs.RowCount, layer.Weights.ColumnCount);
        var gradient = Matrix<double>.Build.Dense(outputs.RowCount, outputs.ColumnCount);
        var perExample = Vector<double>.Build.Dense(outputs.RowCount);
        var history = new double[Epochs + 1];
        var interval = Math.Max(1, Epochs / Reports);
        var width = Epochs.ToString(CultureInfo.InvariantCulture).Length;
        for (var epoch = 0; epoch <= Epochs; epoch++)
        {
            layer.Forward(inputs, outputs);
            history[epoch] = objective(outputs, gradient, perExample);
            if (epoch % interval == 0 || epoch == Epochs)
            {
                var counter = epoch.ToString(CultureInfo.InvariantCulture).PadLeft(width);
                writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  epoch {counter}/{Epochs}  loss {history[epoch]:F6}  {describe(outputs)}"));
            }

            if (epoch < Epochs)
            {
                layer.Step(inputs, gradient, LearningRate);
            }
        }

        return history;
    }
}
