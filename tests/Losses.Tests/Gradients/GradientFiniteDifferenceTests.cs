using System;
using FluentAssertions;
using Losses.Tests.Infrastructure;
using MathNet.Numerics.LinearAlgebra;

namespace Losses.Tests.Gradients;

/// <summary>
/// Every gradient against central finite differences, in double, on seeded random inputs of several shapes:
/// the derivative of the sum of everything the function returns with respect to its second argument.
/// </summary>
public sealed class GradientFiniteDifferenceTests
{
    /// <summary>A single element, one row, one column, small and larger batches, and a batch over two row blocks of the softmax kernels.</summary>
    private static readonly (int Rows, int Columns)[] Shapes = [(1, 1), (1, 5), (6, 1), (7, 5), (33, 17), (257, 3)];

    public static TheoryData<string, int, int> GradientsAndShapes
    {
        get
        {
            var data = new TheoryData<string, int, int>();
            foreach (string name in LossNames.GradientNames)
            {
                foreach ((int rows, int columns) in Shapes)
                {
                    data.Add(name, rows, columns);
                }
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(GradientsAndShapes))]
    public void Gradient_MatchesFiniteDifferences(string name, int rows, int columns)
    {
        LossFunction<double> gradient = LossCatalog<double>.Get(name);
        LossFunction<double> value = LossCatalog<double>.Get(gradient.DerivativeOf!);
        (double[,] y, double[,] x) = RandomInputs.Draw(value.Labels, value.SecondParameter, new Random((1000 * rows) + columns), rows, columns);
        var labels = Matrix<double>.Build.DenseOfArray(y);
        var at = Matrix<double>.Build.DenseOfArray(x);

        var analytic = (Matrix<double>)gradient.Compute(labels, at);
        Matrix<double> numeric = FiniteDifferences.Gradient(probe => Outputs(value.Compute(labels, probe)), at);

        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < columns; j++)
            {
                analytic[i, j].Should().BeApproximately(
                    numeric[i, j],
                    1e-7 + (1e-6 * Math.Abs(numeric[i, j])),
                    "∂/∂x[{0}, {1}] of {2} at {3}x{4}", i, j, value.Name, rows, columns);
            }
        }
    }

    private static double[] Outputs(object result) => result switch
    {
        Matrix<double> matrix => matrix.ToColumnMajorArray(),
        Vector<double> vector => vector.ToArray(),
        double scalar => [scalar],
        _ => throw new ArgumentException($"Unknown result type {result.GetType()}.", nameof(result)),
    };
}
