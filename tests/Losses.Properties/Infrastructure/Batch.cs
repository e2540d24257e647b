using System;
using System.Linq;
using System.Runtime.InteropServices;
using MathNet.Numerics.LinearAlgebra;

namespace Losses.Properties.Infrastructure;

/// <summary>
/// A batch of generated numbers held in double, row-major (element (i, j) at <c>i·Columns + j</c>),
/// turned into MathNet matrices of any element type on demand. Every property generates its inputs
/// as a <see cref="Batch"/> so that the float and double runs see the same numbers, and the
/// reference computations read them exactly as the library was given them.
/// </summary>
internal sealed record Batch(int Rows, int Columns, double[] Values)
{
    public double this[int row, int column] => Values[(row * Columns) + column];

    public ReadOnlySpan<double> Row(int row) => Values.AsSpan(row * Columns, Columns);

    /// <summary>The batch rounded to <typeparamref name="T"/>, in dense storage.</summary>
    public Matrix<T> ToMatrix<T>()
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
    {
        var values = Values;
        int columns = Columns;
        return Matrix<T>.Build.Dense(Rows, Columns, (i, j) => T.CreateTruncating(values[(i * columns) + j]));
    }

    /// <summary>The batch rounded to <typeparamref name="T"/>, in sparse storage (zeros not stored).</summary>
    public Matrix<T> ToSparseMatrix<T>()
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
    {
        var matrix = Matrix<T>.Build.Sparse(Rows, Columns);
        for (int i = 0; i < Rows; i++)
        {
            for (int j = 0; j < Columns; j++)
            {
                T value = T.CreateTruncating(this[i, j]);
                if (value != T.Zero)
                {
                    matrix[i, j] = value;
                }
            }
        }

        return matrix;
    }

    /// <summary>The batch as it reads after rounding to <typeparamref name="T"/>: what the library sees.</summary>
    public Batch RoundedTo<T>()
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
        => this with { Values = Values.Select(v => double.CreateTruncating(T.CreateTruncating(v))).ToArray() };

    public Batch With(int row, int column, double value)
    {
        var copy = (double[])Values.Clone();
        copy[(row * Columns) + column] = value;
        return this with { Values = copy };
    }

    public Batch Select(Func<double, double> map) => this with { Values = Values.Select(map).ToArray() };

    public override string ToString()
        => $"{Rows}x{Columns} [{string.Join("; ", Enumerable.Range(0, Math.Min(Rows, 6)).Select(i => string.Join(", ", Values.Skip(i * Columns).Take(Math.Min(Columns, 8)).Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture)))))}{(Rows > 6 || Columns > 8 ? " ..." : "")}]";

    public static Batch FromRows(params double[][] rows)
        => new(rows.Length, rows[0].Length, rows.SelectMany(r => r).ToArray());
}

/// <summary>Conversions between MathNet objects, doubles and raw bits.</summary>
internal static class Values
{
    /// <summary>Every element of <paramref name="matrix"/>, row-major, as double.</summary>
    public static double[] RowMajor<T>(Matrix<T> matrix)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
    {
        var result = new double[matrix.RowCount * matrix.ColumnCount];
        for (int i = 0; i < matrix.RowCount; i++)
        {
            for (int j = 0; j < matrix.ColumnCount; j++)
            {
                result[(i * matrix.ColumnCount) + j] = double.CreateTruncating(matrix.At(i, j));
            }
        }

        return result;
    }

    public static double[] Of<T>(Vector<T> vector)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
        => vector.Select(v => double.CreateTruncating(v)).ToArray();

    /// <summary>
    /// The raw bytes of every element (column-major, dense or not) plus the storage type and, for
    /// sparse storage, the stored entry count, so that a changed sign of zero, a changed NaN payload
    /// or a filled-in sparse entry all show.
    /// </summary>
    public static string Bits<T>(Matrix<T> matrix)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
    {
        var elements = matrix.Storage.ToColumnMajorArray();
        string stored = matrix.Storage is MathNet.Numerics.LinearAlgebra.Storage.SparseCompressedRowMatrixStorage<T> sparse
            ? $"/{sparse.ValueCount}"
            : string.Empty;
        return $"{matrix.Storage.GetType().Name}{stored}:{Convert.ToHexString(MemoryMarshal.AsBytes(elements.AsSpan()))}";
    }

    public static string Bits<T>(Vector<T> vector)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
        => $"{vector.Storage.GetType().Name}:{Convert.ToHexString(MemoryMarshal.AsBytes(vector.Storage.ToArray().AsSpan()))}";

    public static string Bits(ReadOnlySpan<int> labels) => Convert.ToHexString(MemoryMarshal.AsBytes(labels));

    /// <summary>The distance from 1 to the next larger <typeparamref name="T"/>: 2⁻²³ for float, 2⁻⁵² for double.</summary>
    public static double Epsilon<T>()
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
        => double.CreateTruncating(T.BitIncrement(T.One) - T.One);

    /// <summary>The largest finite <typeparamref name="T"/>, as double.</summary>
    public static double MaxValue<T>()
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
        => typeof(T) == typeof(float) ? float.MaxValue : double.MaxValue;

    /// <summary>The smallest positive normal <typeparamref name="T"/>, as double.</summary>
    public static double SmallestNormal<T>()
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
        => typeof(T) == typeof(float) ? Math.ScaleB(1, -126) : Math.ScaleB(1, -1022);
}
