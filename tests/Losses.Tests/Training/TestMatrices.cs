using System.Linq;
using MathNet.Numerics.LinearAlgebra;

namespace Losses.Tests.Training;

/// <summary>Test inputs written as double arrays, converted to T (and back, for references fed the rounded inputs).</summary>
internal static class TestMatrices
{
    public static Matrix<T> Of<T>(double[,] values)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
        => Matrix<T>.Build.Dense(values.GetLength(0), values.GetLength(1), (i, j) => T.CreateTruncating(values[i, j]));

    public static Vector<T> Of<T>(double[] values)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
        => Vector<T>.Build.Dense(values.Select(T.CreateTruncating).ToArray());

    /// <summary>The values as T would hold them, back in double.</summary>
    public static double[,] RoundedTo<T>(double[,] values)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
    {
        var result = new double[values.GetLength(0), values.GetLength(1)];
        for (int i = 0; i < values.GetLength(0); i++)
        {
            for (int j = 0; j < values.GetLength(1); j++)
            {
                result[i, j] = double.CreateTruncating(T.CreateTruncating(values[i, j]));
            }
        }

        return result;
    }

    /// <summary>The values as T would hold them, back in double; null stays null.</summary>
    public static double[]? RoundedTo<T>(double[]? values)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
        => values?.Select(v => double.CreateTruncating(T.CreateTruncating(v))).ToArray();

    /// <summary>One-hot rows of class indices.</summary>
    public static double[,] OneHot(int[] labels, int classes)
    {
        var result = new double[labels.Length, classes];
        for (int i = 0; i < labels.Length; i++)
        {
            result[i, labels[i]] = 1;
        }

        return result;
    }
}
