using System;
using MathNet.Numerics.LinearAlgebra;

namespace Losses.Tests.Gradients;

/// <summary>Central finite differences of the sum of a function's outputs, in double.</summary>
public static class FiniteDifferences
{
    /// <summary>
    /// ∂(Σₖ fₖ(x))/∂xᵢⱼ ≈ Σₖ (fₖ(x + h·eᵢⱼ) - fₖ(x - h·eᵢⱼ)) / 2h with h = step·max(1, |xᵢⱼ|). The outputs are
    /// subtracted pairwise before they are summed, so outputs that do not depend on xᵢⱼ cancel exactly and add
    /// no rounding error however many there are.
    /// </summary>
    public static Matrix<double> Gradient(Func<Matrix<double>, double[]> outputs, Matrix<double> at, double step = 1e-5)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(at);
        var gradient = Matrix<double>.Build.Dense(at.RowCount, at.ColumnCount);
        Matrix<double> probe = at.Clone();
        for (int i = 0; i < at.RowCount; i++)
        {
            for (int j = 0; j < at.ColumnCount; j++)
            {
                double x = at[i, j];
                double h = step * Math.Max(1, Math.Abs(x));
                probe[i, j] = x + h;
                double[] above = outputs(probe);
                probe[i, j] = x - h;
                double[] below = outputs(probe);
                probe[i, j] = x;

                double difference = 0;
                for (int k = 0; k < above.Length; k++)
                {
                    difference += above[k] - below[k];
                }

                gradient[i, j] = difference / (2 * h);
            }
        }

        return gradient;
    }
}
