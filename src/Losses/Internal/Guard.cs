using System;
using System.Globalization;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Storage;

namespace Losses.Internal;

/// <summary>
/// The argument checks every public entry point runs before any work. Each failure names the
/// parameter and, where shapes are involved, both shapes, e.g. <c>labels is 2x4 but logits is 2x3</c>.
/// </summary>
internal static class Guard
{
    public static string Shape<T>(Matrix<T> matrix)
        where T : struct, IEquatable<T>, IFormattable
        => string.Create(CultureInfo.InvariantCulture, $"{matrix.RowCount}x{matrix.ColumnCount}");

    public static void NotEmpty<T>(Matrix<T> matrix, string name)
        where T : struct, IEquatable<T>, IFormattable
    {
        if (matrix.RowCount == 0 || matrix.ColumnCount == 0)
        {
            throw new ArgumentException(
                $"{name} is {Shape(matrix)}: a batch needs at least one row and one column.", name);
        }
    }

    public static void NotEmpty<T>(Vector<T> vector, string name)
        where T : struct, IEquatable<T>, IFormattable
    {
        if (vector.Count == 0)
        {
            throw new ArgumentException($"{name} is empty: it needs at least one element.", name);
        }
    }

    /// <summary>Both matrices non-null, non-empty and of one shape.</summary>
    public static void SameShape<T>(Matrix<T> first, string firstName, Matrix<T> second, string secondName)
        where T : struct, IEquatable<T>, IFormattable
    {
        ArgumentNullException.ThrowIfNull(first, firstName);
        ArgumentNullException.ThrowIfNull(second, secondName);
        if (first.RowCount != second.RowCount || first.ColumnCount != second.ColumnCount)
        {
            throw new ArgumentException(
                $"{firstName} is {Shape(first)} but {secondName} is {Shape(second)}: they must have the same shape.",
                firstName);
        }

        NotEmpty(second, secondName);
    }

    /// <summary>Both vectors non-null, non-empty and of one length.</summary>
    public static void SameLength<T>(Vector<T> first, string firstName, Vector<T> second, string secondName)
        where T : struct, IEquatable<T>, IFormattable
    {
        ArgumentNullException.ThrowIfNull(first, firstName);
        ArgumentNullException.ThrowIfNull(second, secondName);
        if (first.Count != second.Count)
        {
            throw new ArgumentException(
                $"{firstName} has length {first.Count} but {secondName} has length {second.Count}: they must have the same length.",
                firstName);
        }

        NotEmpty(second, secondName);
    }

    /// <summary>A caller's result buffer of the input's shape.</summary>
    public static void ResultShape<T>(Matrix<T> result, Matrix<T> input, string inputName)
        where T : struct, IEquatable<T>, IFormattable
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.RowCount != input.RowCount || result.ColumnCount != input.ColumnCount)
        {
            throw new ArgumentException(
                $"result is {Shape(result)} but {inputName} is {Shape(input)}: result must have the shape of {inputName}.",
                nameof(result));
        }

        Writable(result, nameof(result));
    }

    /// <summary>
    /// A caller's result matrix that can hold a value at every entry: not diagonal storage (nor any other that is not
    /// fully mutable), which would fail halfway through the writing.
    /// </summary>
    public static void Writable<T>(Matrix<T> result, string name)
        where T : struct, IEquatable<T>, IFormattable
    {
        if (!result.Storage.IsFullyMutable)
        {
            string kind = result.Storage is DiagonalMatrixStorage<T> ? "diagonal" : "partly read-only";
            throw new ArgumentException(
                $"{name} is a {kind} matrix, which cannot hold a value at every entry: pass a dense (or sparse) {Shape(result)} matrix.",
                name);
        }
    }

    /// <summary>A caller's result vector of the input vector's length.</summary>
    public static void ResultLength<T>(Vector<T> result, Vector<T> input, string inputName)
        where T : struct, IEquatable<T>, IFormattable
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.Count != input.Count)
        {
            throw new ArgumentException(
                $"result has length {result.Count} but {inputName} has length {input.Count}: result must have the length of {inputName}.",
                nameof(result));
        }
    }

    /// <summary>A caller's per-row result: one entry per row of the input.</summary>
    public static void ResultPerRow<T>(Vector<T> result, Matrix<T> input, string inputName)
        where T : struct, IEquatable<T>, IFormattable
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.Count != input.RowCount)
        {
            throw new ArgumentException(
                $"result has length {result.Count} but {inputName} is {Shape(input)}: result needs one entry per row of {inputName}.",
                nameof(result));
        }
    }

    /// <summary>
    /// An output that does not share its storage with an input that is read while the output is written;
    /// <paramref name="input"/> may be null (an optional argument). Sharing means both use dense storage over one
    /// array: the same matrix or storage object, or two matrices (or a vector and a one-column or one-row matrix)
    /// built on one array.
    /// </summary>
    /// <remarks>
    /// Storage of any other kind (sparse, diagonal, a caller's own) never counts, even where it is the same object,
    /// because sharing it is harmless: an input that is not dense is copied into a buffer of its own before anything is
    /// written (<see cref="ColumnMajorInput{T}"/>), and an output that is not dense is written through a buffer of its
    /// own and filled only at the very end, once every input has been read (<see cref="ColumnMajorOutput{T}.Commit"/>).
    /// A type test and a reference comparison per argument: nothing is allocated.
    /// </remarks>
    public static void NotSharedWithInput<T>(Matrix<T> output, string outputName, Matrix<T>? input, string inputName)
        where T : struct, IEquatable<T>, IFormattable
        => NotShared(DenseArray(output), outputName, "matrix", DenseArray(input), inputName, written: false);

    /// <summary><see cref="NotSharedWithInput{T}(Matrix{T}, string, Matrix{T}, string)"/> for a vector output.</summary>
    public static void NotSharedWithInput<T>(Vector<T> output, string outputName, Matrix<T>? input, string inputName)
        where T : struct, IEquatable<T>, IFormattable
        => NotShared(DenseArray(output), outputName, "vector", DenseArray(input), inputName, written: false);

    /// <summary><see cref="NotSharedWithInput{T}(Matrix{T}, string, Matrix{T}, string)"/> for a vector input.</summary>
    public static void NotSharedWithInput<T>(Matrix<T> output, string outputName, Vector<T>? input, string inputName)
        where T : struct, IEquatable<T>, IFormattable
        => NotShared(DenseArray(output), outputName, "matrix", DenseArray(input), inputName, written: false);

    /// <summary><see cref="NotSharedWithInput{T}(Matrix{T}, string, Matrix{T}, string)"/> for two vectors.</summary>
    public static void NotSharedWithInput<T>(Vector<T> output, string outputName, Vector<T>? input, string inputName)
        where T : struct, IEquatable<T>, IFormattable
        => NotShared(DenseArray(output), outputName, "vector", DenseArray(input), inputName, written: false);

    /// <summary>
    /// Two outputs of one call that do not share their storage (as <see cref="NotSharedWithInput{T}(Matrix{T}, string, Matrix{T}, string)"/>
    /// means it), where each would overwrite the other; the exception names <paramref name="output"/>.
    /// </summary>
    public static void NotSharedWithOutput<T>(Vector<T> output, string outputName, Matrix<T> other, string otherName)
        where T : struct, IEquatable<T>, IFormattable
        => NotShared(DenseArray(output), outputName, "vector", DenseArray(other), otherName, written: true);

    /// <summary>The array dense storage keeps its entries in; null for any other storage (or no matrix).</summary>
    private static T[]? DenseArray<T>(Matrix<T>? matrix)
        where T : struct, IEquatable<T>, IFormattable
        => matrix?.Storage is DenseColumnMajorMatrixStorage<T> dense ? dense.Data : null;

    /// <summary>The array dense storage keeps its entries in; null for any other storage (or no vector).</summary>
    private static T[]? DenseArray<T>(Vector<T>? vector)
        where T : struct, IEquatable<T>, IFormattable
        => vector?.Storage is DenseVectorStorage<T> dense ? dense.Data : null;

    private static void NotShared<T>(T[]? output, string outputName, string kind, T[]? other, string otherName, bool written)
    {
        if (output is not null && ReferenceEquals(output, other))
        {
            throw new ArgumentException(
                written
                    ? $"{outputName} shares its storage with {otherName}, which is written too: pass another {kind}."
                    : $"{outputName} shares its storage with {otherName}, which are read while {outputName} is written: pass another {kind}.",
                outputName);
        }
    }

    /// <summary>One class index per row, each in [0, classes).</summary>
    public static void ClassIndices<T>(ReadOnlySpan<int> labels, Matrix<T> logits, string labelsName, string logitsName)
        where T : struct, IEquatable<T>, IFormattable
    {
        ArgumentNullException.ThrowIfNull(logits, logitsName);
        NotEmpty(logits, logitsName);
        if (labels.Length != logits.RowCount)
        {
            throw new ArgumentException(
                $"{labelsName} has {labels.Length} class indices but {logitsName} is {Shape(logits)}: give one class index per row.",
                labelsName);
        }

        // The first row whose label is outside [0, classes), found by the runtime's vectorised search.
        int classes = logits.ColumnCount;
        int row = labels.IndexOfAnyExceptInRange(0, classes - 1);
        if (row >= 0)
        {
            int label = labels[row];
            throw new ArgumentOutOfRangeException(
                labelsName,
                label,
                $"{labelsName}[{row}] = {label} is not a class index in [0, {classes}).");
        }
    }
}
