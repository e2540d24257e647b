using System;
using MathNet.Numerics.LinearAlgebra;

namespace Losses.Demo;

/// <summary>
/// Rescales each column to mean 0 and standard deviation 1, so that one learning rate suits every
/// feature and gradient descent converges in few steps.
/// </summary>
internal sealed class Standardization
{
    private readonly double[] means;
    private readonly double[] deviations;

    private Standardization(double[] means, double[] deviations)
    {
        this.means = means;
        this.deviations = deviations;
    }

    /// <summary>Takes each column's mean and (population) standard deviation.</summary>
    public static Standardization Fit(Matrix<double> features)
    {
        var means = new double[features.ColumnCount];
        var deviations = new double[features.ColumnCount];
        for (var column = 0; column < features.ColumnCount; column++)
        {
            var values = features.Column(column);
            means[column] = values.Sum() / values.Count;
            deviations[column] = Math.Sqrt((values - means[column]).PointwisePower(2).Sum() / values.Count);
        }

        return new Standardization(means, deviations);
    }

    /// <summary>Returns (x - mean) / deviation, column by column; a constant column becomes 0.</summary>
    public Matrix<double> Apply(Matrix<double> features)
    {
        var result = features.Clone();
        var values = result.AsColumnMajorArray();
        var rows = result.RowCount;
        for (var column = 0; column < result.ColumnCount; column++)
        {
            var scale = deviations[column] > 0 ? 1 / deviations[column] : 0;
            foreach (ref var value in values.AsSpan(column * rows, rows))
            {
                value = (value - means[column]) * scale;
            }
        }

        return result;
    }
}
