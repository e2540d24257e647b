using System.Linq;
using MathNet.Numerics.LinearAlgebra;

namespace Losses.Tests.Infrastructure;

/// <summary>
/// The base of every test class written once for <c>float</c> and <c>double</c>: builds matrices and
/// vectors of <typeparamref name="T"/> from <c>double</c> literals and knows the type's precision.
/// </summary>
public abstract class TypedTests<T>
    where T : struct, System.Numerics.IFloatingPointIeee754<T>
{
    /// <summary>True when the tests run in single precision.</summary>
    protected static bool IsSingle => typeof(T) == typeof(float);

    /// <summary>The distance from 1 to the next larger value of <typeparamref name="T"/> (2⁻²³ or 2⁻⁵²).</summary>
    protected static double MachineEpsilon => double.CreateChecked(T.BitIncrement(T.One) - T.One);

    /// <summary>Relative tolerance of a golden value computed in <typeparamref name="T"/>: a few roundings in float, 1e-13 in double.</summary>
    protected static double GoldenRelativeTolerance => IsSingle ? 4 * MachineEpsilon : 1e-13;

    protected static T Of(double value) => T.CreateChecked(value);

    protected static double ToDouble(T value) => double.CreateChecked(value);

    protected static Matrix<T> MatrixOf(double[,] values)
        => Matrix<T>.Build.Dense(values.GetLength(0), values.GetLength(1), (i, j) => Of(values[i, j]));

    protected static Vector<T> VectorOf(params double[] values)
        => Vector<T>.Build.Dense(values.Length, i => Of(values[i]));

    /// <summary>The elements row by row, in double.</summary>
    protected static double[] RowMajor(Matrix<T> matrix) => matrix.ToRowMajorArray().Select(ToDouble).ToArray();

    /// <summary>The elements row by row.</summary>
    protected static double[] RowMajor(double[,] values) => values.Cast<double>().ToArray();

    protected static double[] ToDoubles(Vector<T> vector) => vector.Select(ToDouble).ToArray();

    protected static Matrix<T> Repeat(int rows, int columns, double value)
        => Matrix<T>.Build.Dense(rows, columns, Of(value));

    protected static T Sum(Vector<T> vector)
    {
        T total = T.Zero;
        foreach (T value in vector)
        {
            total += value;
        }

        return total;
    }
}
