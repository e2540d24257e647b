using System;
using System.Collections.Generic;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Storage;

namespace Losses.Tests.Storage;

/// <summary>
/// Sparse storage that proves how it is read: it holds the stored entries of a compressed-row matrix, counts
/// the entries handed out by <see cref="EnumerateNonZeroIndexed"/> and throws on any read of an entry it does
/// not store and on any write. MathNet 5 keeps the constructors of its own sparse storage internal, so this
/// derives from the public abstract <see cref="MatrixStorage{T}"/> and wraps the real storage instead.
/// </summary>
public sealed class StoredEntriesOnlyMatrixStorage<T> : MatrixStorage<T>
    where T : struct, IEquatable<T>, IFormattable
{
    private readonly SparseCompressedRowMatrixStorage<T> _stored;

    public StoredEntriesOnlyMatrixStorage(SparseCompressedRowMatrixStorage<T> stored)
        : base(stored.RowCount, stored.ColumnCount)
    {
        _stored = stored;
    }

    /// <summary>How many stored entries were handed out by enumeration.</summary>
    public int EntriesEnumerated { get; private set; }

    /// <summary>How many entries the storage holds.</summary>
    public int StoredCount => _stored.ValueCount;

    public override bool IsDense => false;

    public override bool IsFullyMutable => false;

    public override bool IsMutableAt(int row, int column) => false;

    public override T At(int row, int column)
    {
        int start = _stored.RowPointers[row];
        if (Array.IndexOf(_stored.ColumnIndices, column, start, _stored.RowPointers[row + 1] - start) < 0)
        {
            throw new InvalidOperationException($"The unstored entry ({row}, {column}) of a sparse input was read.");
        }

        return _stored.At(row, column);
    }

    public override void At(int row, int column, T value)
        => throw new InvalidOperationException($"Entry ({row}, {column}) of an input was written.");

    public override IEnumerable<(int, int, T)> EnumerateNonZeroIndexed()
    {
        foreach ((int, int, T) entry in _stored.EnumerateNonZeroIndexed())
        {
            EntriesEnumerated++;
            yield return entry;
        }
    }

    /// <summary>A matrix over this storage (MathNet's own subclasses for double and float accept any storage).</summary>
    public Matrix<T> ToMatrix() => this switch
    {
        StoredEntriesOnlyMatrixStorage<double> storage => (Matrix<T>)(object)new DoubleMatrix(storage),
        StoredEntriesOnlyMatrixStorage<float> storage => (Matrix<T>)(object)new SingleMatrix(storage),
        _ => throw new NotSupportedException($"MathNet builds no matrices of {typeof(T)}."),
    };

    private sealed class DoubleMatrix(MatrixStorage<double> storage) : MathNet.Numerics.LinearAlgebra.Double.Matrix(storage);

    private sealed class SingleMatrix(MatrixStorage<float> storage) : MathNet.Numerics.LinearAlgebra.Single.Matrix(storage);
}

/// <summary>The vector counterpart of <see cref="StoredEntriesOnlyMatrixStorage{T}"/>, over a sparse vector's storage.</summary>
public sealed class StoredEntriesOnlyVectorStorage<T> : VectorStorage<T>
    where T : struct, IEquatable<T>, IFormattable
{
    private readonly SparseVectorStorage<T> _stored;

    public StoredEntriesOnlyVectorStorage(SparseVectorStorage<T> stored)
        : base(stored.Length)
    {
        _stored = stored;
    }

    public int EntriesEnumerated { get; private set; }

    public int StoredCount => _stored.ValueCount;

    public override bool IsDense => false;

    public override T At(int index)
    {
        if (Array.IndexOf(_stored.Indices, index, 0, _stored.ValueCount) < 0)
        {
            throw new InvalidOperationException($"The unstored entry {index} of a sparse input was read.");
        }

        return _stored.At(index);
    }

    public override void At(int index, T value)
        => throw new InvalidOperationException($"Entry {index} of an input was written.");

    public override IEnumerable<(int, T)> EnumerateNonZeroIndexed()
    {
        foreach ((int, T) entry in _stored.EnumerateNonZeroIndexed())
        {
            EntriesEnumerated++;
            yield return entry;
        }
    }

    public Vector<T> ToVector() => this switch
    {
        StoredEntriesOnlyVectorStorage<double> storage => (Vector<T>)(object)new DoubleVector(storage),
        StoredEntriesOnlyVectorStorage<float> storage => (Vector<T>)(object)new SingleVector(storage),
        _ => throw new NotSupportedException($"MathNet builds no vectors of {typeof(T)}."),
    };

    private sealed class DoubleVector(VectorStorage<double> storage) : MathNet.Numerics.LinearAlgebra.Double.Vector(storage);

    private sealed class SingleVector(VectorStorage<float> storage) : MathNet.Numerics.LinearAlgebra.Single.Vector(storage);
}
