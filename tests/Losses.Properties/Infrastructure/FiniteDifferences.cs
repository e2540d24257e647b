using System;
using MathNet.Numerics.LinearAlgebra;

namespace Losses.Properties.Infrastructure;

/// <summary>
/// A gradient against central finite differences of its function, in double, at every coordinate.
/// Step h = 10⁻⁶·max(1, |x|); the truncation error h²·f‴/6 is below 10⁻¹¹ and the rounding error of the
/// difference quotient about ε·F/h for a function of size F, so the tolerance is 10⁻⁶·(1 + |g|) + 64·ε·F/h.
/// </summary>
internal static class FiniteDifferences
{
    public static void ShouldMatch(Matrix<double> x, Matrix<double> gradient, Func<Matrix<double>, double> value, string what)
    {
        double size = Math.Abs(value(x));
        for (int i = 0; i < x.RowCount; i++)
        {
            for (int j = 0; j < x.ColumnCount; j++)
            {
                double h = 1e-6 * Math.Max(1, Math.Abs(x[i, j]));
                var forward = x.Clone();
                forward[i, j] = x[i, j] + h;
                var backward = x.Clone();
                backward[i, j] = x[i, j] - h;
                double difference = (value(forward) - value(backward)) / (forward[i, j] - backward[i, j]);
                double tolerance = (1e-6 * (1 + Math.Abs(difference))) + (64 * Values.Epsilon<double>() * size / h);
                NumericAssertions.ShouldAgree(gradient[i, j], difference, tolerance, $"{what}: gradient [{i}, {j}] against finite differences");
            }
        }
    }
}
