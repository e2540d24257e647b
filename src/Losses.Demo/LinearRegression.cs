using System.Globalization;
using System.IO;
using MathNet.Numerics.LinearAlgebra;

namespace Losses.Demo;

/// <summary>
/// Linear regression of one target, prediction = X·w + b, trained by gradient descent on
/// <see cref="MeanSquaredErrorLoss{T}"/> and checked against the least-squares solution.
/// </summary>
internal sealed class LinearRegression
{
    private readonly LinearLayer layer;

    public LinearRegression(int features) => layer = new LinearLayer(features, 1);

    /// <summary>The intercept b followed by the weights w.</summary>
    public Vector<double> Coefficients
    {
        get
        {
            var coefficients = Vector<double>.Build.Dense(layer.Weights.RowCount + 1);
            coefficients[0] = layer.Bias[0];
            coefficients.SetSubVector(1, layer.Weights.RowCount, layer.Weights.Column(0));
            return coefficients;
        }
    }

    /// <summary>
    /// The least-squares intercept and weights, minimising Σ (y - b - X·w)², solved by QR decomposition
    /// of [1 X]: the point gradient descent converges to.
    /// </summary>
    public static Vector<double> LeastSquares(Matrix<double> features, Vector<double> targets)
    {
        var design = features.InsertColumn(0, Vector<double>.Build.Dense(features.RowCount, 1));
        return design.QR().Solve(targets);
    }

    /// <summary>The predictions of given coefficients (intercept first).</summary>
    public static Vector<double> Predict(Matrix<double> features, Vector<double> coefficients)
        => (features * coefficients.SubVector(1, features.ColumnCount)) + coefficients[0];

    /// <summary>Trains on standardised features and returns the loss curve (see <see cref="GradientDescent.Fit"/>).</summary>
    public double[] Fit(Matrix<double> features, Vector<double> targets, GradientDescent descent, TextWriter writer)
    {
        var labels = targets.ToColumnMatrix();
        var loss = new MeanSquaredErrorLoss<double>();
        return descent.Fit(
            layer,
            features,
            (predictions, gradient, perExample) => loss.Evaluate(labels, predictions, gradient, perExample),
            writer,
            predictions => string.Create(CultureInfo.InvariantCulture, $"RMSE {Loss.RootMeanSquaredError(labels, predictions):F4} cm"));
    }
}
