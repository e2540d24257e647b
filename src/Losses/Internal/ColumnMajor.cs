using System;
using System.Buffers;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Storage;

namespace Losses.Internal;

/// <summary>
/// A read-only, column-major view of a matrix or vector: element (i, j) of an r-row matrix is
/// <c>Span[j·r + i]</c>. Dense storage is viewed in place; any other storage (sparse, diagonal)
/// is laid out in a pooled buffer from its stored entries only, so implicit zeros are never read
/// one by one. Dispose returns the buffer.
/// </summary>
internal readonly ref struct ColumnMajorInput<T>
    where T : struct, IEquatable<T>, IFormattable
{
    private readonly T[]? _pooled;

    private ColumnMajorInput(ReadOnlySpan<T> span, T[]? pooled)
    {
        Span = span;
        _pooled = pooled;
    }

    public ReadOnlySpan<T> Span { get; }

    public static ColumnMajorInput<T> Of(Matrix<T> matrix)
    {
        int length = matrix.RowCount * matrix.ColumnCount;
        if (matrix.Storage is DenseColumnMajorMatrixStorage<T> dense)
        {
            return new ColumnMajorInput<T>(dense.Data.AsSpan(0, length), null);
        }

        T[] pooled = ArrayPool<T>.Shared.Rent(length);
        Span<T> span = pooled.AsSpan(0, length);
        span.Clear();
        int rows = matrix.RowCount;
        foreach ((int row, int column, T value) in matrix.EnumerateIndexed(Zeros.AllowSkip))
        {
            span[(column * rows) + row] = value;
        }

        return new ColumnMajorInput<T>(span, pooled);
    }

    public static ColumnMajorInput<T> Of(Vector<T> vector)
    {
        int length = vector.Count;
        if (vector.Storage is DenseVectorStorage<T> dense)
        {
            return new ColumnMajorInput<T>(dense.Data.AsSpan(0, length), null);
        }

        T[] pooled = ArrayPool<T>.Shared.Rent(length);
        Span<T> span = pooled.AsSpan(0, length);
        span.Clear();
        foreach ((int index, T value) in vector.EnumerateIndexed(Zeros.AllowSkip))
        {
            span[index] = value;
        }

        return new ColumnMajorInput<T>(span, pooled);
    }

    public void Dispose()
    {
        if (_pooled is not null)
        {
            ArrayPool<T>.Shared.Return(_pooled);
        }
    }
}

/// <summary>
/// A writable, column-major view of a caller's result. Dense storage is written in place; any other
/// storage is written through a pooled buffer that <see cref="Commit"/> copies into it.
/// </summary>
internal readonly ref struct ColumnMajorOutput<T>
    where T : struct, IEquatable<T>, IFormattable
{
    private readonly T[]? _pooled;
    private readonly Matrix<T>? _matrix;
    private readonly Vector<T>? _vector;

    private ColumnMajorOutput(Span<T> span, T[]? pooled, Matrix<T>? matrix, Vector<T>? vector)
    {
        Span = span;
        _pooled = pooled;
        _matrix = matrix;
        _vector = vector;
    }

    public Span<T> Span { get; }

    public static ColumnMajorOutput<T> Of(Matrix<T> matrix)
    {
        int length = matrix.RowCount * matrix.ColumnCount;
        if (matrix.Storage is DenseColumnMajorMatrixStorage<T> dense)
        {
            return new ColumnMajorOutput<T>(dense.Data.AsSpan(0, length), null, null, null);
        }

        T[] pooled = ArrayPool<T>.Shared.Rent(length);
        return new ColumnMajorOutput<T>(pooled.AsSpan(0, length), pooled, matrix, null);
    }

    public static ColumnMajorOutput<T> Of(Vector<T> vector)
    {
        int length = vector.Count;
        if (vector.Storage is DenseVectorStorage<T> dense)
        {
            return new ColumnMajorOutput<T>(dense.Data.AsSpan(0, length), null, null, null);
        }

        T[] pooled = ArrayPool<T>.Shared.Rent(length);
        return new ColumnMajorOutput<T>(pooled.AsSpan(0, length), pooled, null, vector);
    }

    /// <summary>Copies a pooled buffer into non-dense result storage and returns the buffer.</summary>
    public void Commit()
    {
        if (_pooled is null)
        {
            return;
        }

        if (_matrix is not null)
        {
            int rows = _matrix.RowCount;
            if (_matrix.Storage is SparseCompressedRowMatrixStorage<T> sparse)
            {
                FillSparse(sparse, Span, rows, _matrix.ColumnCount);
            }
            else
            {
                for (int column = 0; column < _matrix.ColumnCount; column++)
                {
                    for (int row = 0; row < rows; row++)
                    {
                        _matrix.At(row, column, Span[(column * rows) + row]);
                    }
                }
            }
        }
        else if (_vector is not null)
        {
            for (int index = 0; index < _vector.Count; index++)
            {
                _vector.At(index, Span[index]);
            }
        }

        ArrayPool<T>.Shared.Return(_pooled);
    }

    /// <summary>
    /// Stores the nonzero entries of the column-major <paramref name="values"/> as <paramref name="storage"/>'s rows, in
    /// one pass, reusing its arrays where they are long enough. Set one by one through the matrix, each entry would
    /// shift every stored entry after it (quadratic in the entries: seconds for a few hundred thousand).
    /// Zeros (±0) are not stored, as the storage's own setter leaves them out.
    /// </summary>
    private static void FillSparse(SparseCompressedRowMatrixStorage<T> storage, ReadOnlySpan<T> values, int rows, int columns)
    {
        T zero = default;
        int count = 0;
        foreach (T value in values)
        {
            count += value.Equals(zero) ? 0 : 1;
        }

        if (storage.Values.Length < count)
        {
            storage.Values = new T[count];
            storage.ColumnIndices = new int[count];
        }

        int stored = 0;
        for (int row = 0; row < rows; row++)
        {
            storage.RowPointers[row] = stored;
            for (int column = 0; column < columns; column++)
            {
                T value = values[(column * rows) + row];
                if (!value.Equals(zero))
                {
                    storage.ColumnIndices[stored] = column;
                    storage.Values[stored] = value;
                    stored++;
                }
            }
        }

        storage.RowPointers[rows] = stored;
    }
}
