using System;
using System.Numerics;
using System.Runtime.InteropServices;

namespace Losses.Internal;

/// <summary>
/// The label distributions that the class weights w and the label smoothing ε turn a softmax
/// cross-entropy into: <c>aᵢⱼ = wⱼ·((1 - ε)·yᵢⱼ + ε/C)</c>. The fused kernel
/// <see cref="RowSoftmax.CrossEntropy{T}"/> then gives <c>ℓᵢ = Σⱼ aᵢⱼ·(lseᵢ - xᵢⱼ)</c>, which for a
/// class index k is PyTorch's <c>(1 - ε)·w_k·(-ln p_k) + (ε/C)·Σ_c w_c·(-ln p_c)</c>.
/// With class weights, dense labels and class indices go through the same expression, so a one-hot row and its
/// index give bit-identical results; label smoothing without class weights takes class indices (and batches of
/// one-hot rows) through the class-index kernel instead (<see cref="RowSoftmax.SparseCrossEntropy{T}"/>).
/// </summary>
internal static class EffectiveLabels
{
    /// <summary>
    /// Marks, in a row-weight span, a row that is ignored: it counts for nothing. A NaN with a payload of its own, so
    /// that no weight computed from labels is taken for it (a row of dense labels may sum to any number, and a NaN label
    /// gives the processor's default NaN or one from a float's, whose low bits are zero); anything that used it as a
    /// number would give NaN, not a plausible value. Tested by <see cref="IsIgnored"/>, never by ==.
    /// </summary>
    public static readonly double IgnoredRow = BitConverter.Int64BitsToDouble(IgnoredRowBits);

    private const long IgnoredRowBits = 0x7FF8_0000_0000_1D1E;

    /// <summary>Whether <paramref name="rowWeight"/> is <see cref="IgnoredRow"/>.</summary>
    public static bool IsIgnored(double rowWeight) => BitConverter.DoubleToInt64Bits(rowWeight) == IgnoredRowBits;

    /// <summary>Whether any of <paramref name="rowWeights"/> is <see cref="IgnoredRow"/>.</summary>
    public static bool AnyIgnored(ReadOnlySpan<double> rowWeights)
    {
        foreach (double rowWeight in rowWeights)
        {
            if (IsIgnored(rowWeight))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary><c>a = w·((1 - ε)·y + ε/C)</c> with keep = 1 - ε and spread = ε/C.</summary>
    private static T Of<T>(T label, T classWeight, T keep, T spread)
        where T : struct, IFloatingPointIeee754<T>
        => classWeight * ((keep * label) + spread);

    /// <summary>
    /// Effective labels of dense labels (column-major, rows×columns), vectorised down each column; empty class weights
    /// are all 1.
    /// </summary>
    public static void FromLabels<T>(
        ReadOnlySpan<T> labels, int rows, int columns, T smoothing, ReadOnlySpan<T> classWeights, Span<T> effective)
        where T : struct, IFloatingPointIeee754<T>
    {
        T keep = T.One - smoothing;
        T spread = smoothing / T.CreateTruncating(columns);
        int lanes = VectorMath.Lanes<T>();
        var keepLanes = new Vector<T>(keep);
        var spreadLanes = new Vector<T>(spread);
        for (int column = 0; column < columns; column++)
        {
            T weight = classWeights.IsEmpty ? T.One : classWeights[column];
            int offset = column * rows;
            ReadOnlySpan<T> y = labels.Slice(offset, rows);
            Span<T> a = effective.Slice(offset, rows);
            int done = 0;
            if (lanes != 0)
            {
                // The same three roundings lane by lane as Of below, so the same bits.
                ReadOnlySpan<Vector<T>> yLanes = VectorMath.Vectors(y);
                Span<Vector<T>> aLanes = VectorMath.Vectors(a);
                var weightLanes = new Vector<T>(weight);
                for (int i = 0; i < yLanes.Length; i++)
                {
                    aLanes[i] = weightLanes * ((keepLanes * yLanes[i]) + spreadLanes);
                }

                done = yLanes.Length * lanes;
            }

            for (int row = done; row < rows; row++)
            {
                a[row] = Of(y[row], weight, keep, spread);
            }
        }
    }

    /// <summary>
    /// Effective labels of class indices; a row whose label is <paramref name="ignoreIndex"/> (when
    /// <paramref name="ignoring"/>) gets all zeros, so it contributes no loss.
    /// </summary>
    public static void FromClassIndices<T>(
        ReadOnlySpan<int> labels, bool ignoring, int ignoreIndex, int columns, T smoothing, ReadOnlySpan<T> classWeights, Span<T> effective)
        where T : struct, IFloatingPointIeee754<T>
    {
        int rows = labels.Length;
        T keep = T.One - smoothing;
        T spread = smoothing / T.CreateTruncating(columns);

        // Float lanes line up with the class indices' int lanes; double takes the scalar loop.
        bool vectorised = typeof(T) == typeof(float) && VectorMath.Lanes<float>() != 0 && Vector<int>.Count == Vector<float>.Count;
        ReadOnlySpan<Vector<int>> labelLanes = vectorised ? MemoryMarshal.Cast<int, Vector<int>>(labels) : default;
        int done = labelLanes.Length * Vector<int>.Count;   // 0 when not vectorised
        var keepLanes = new Vector<T>(keep);
        var spreadLanes = new Vector<T>(spread);
        for (int column = 0; column < columns; column++)
        {
            T weight = classWeights.IsEmpty ? T.One : classWeights[column];
            int offset = column * rows;
            Span<T> a = effective.Slice(offset, rows);
            if (vectorised)
            {
                // The same three roundings lane by lane as Of below (on a label of exactly 1 or 0), so the same bits.
                Span<Vector<T>> aLanes = MemoryMarshal.Cast<T, Vector<T>>(a);
                var weightLanes = new Vector<T>(weight);
                var columnLanes = new Vector<int>(column);
                var ignoreLanes = new Vector<int>(ignoreIndex);
                for (int i = 0; i < labelLanes.Length; i++)
                {
                    Vector<T> y = Vector.ConditionalSelect(Vector.Equals(labelLanes[i], columnLanes).As<int, T>(), Vector<T>.One, Vector<T>.Zero);
                    Vector<T> value = weightLanes * ((keepLanes * y) + spreadLanes);
                    aLanes[i] = ignoring
                        ? Vector.ConditionalSelect(Vector.Equals(labelLanes[i], ignoreLanes).As<int, T>(), Vector<T>.Zero, value)
                        : value;
                }
            }

            for (int row = done; row < rows; row++)
            {
                int label = labels[row];
                a[row] = ignoring && label == ignoreIndex
                    ? T.Zero
                    : Of(label == column ? T.One : T.Zero, weight, keep, spread);
            }
        }
    }

    /// <summary>
    /// The weight each row carries into a weighted mean: <c>rᵢ = Σⱼ wⱼ·yᵢⱼ</c> (the class weight of the
    /// labelled class for a one-hot row, the label mass Σⱼ yᵢⱼ without class weights), in double.
    /// With a non-empty <paramref name="classIndices"/> (one per row) the same pass also finds whether every row is
    /// one-hot (one label of exactly 1, every other exactly +0) and returns true with each row's class in
    /// <paramref name="classIndices"/> if so; false otherwise (the indices then mean nothing).
    /// </summary>
    public static bool RowWeights<T>(
        ReadOnlySpan<T> labels, int rows, int columns, ReadOnlySpan<T> classWeights, Span<double> rowWeights, Span<int> classIndices = default)
        where T : struct, IFloatingPointIeee754<T>
    {
        bool oneHot = !classIndices.IsEmpty;
        classIndices.Fill(-1);
        rowWeights.Clear();
        Span<Vector<double>> sums = VectorMath.Vectors(rowWeights);
        int lanes = VectorMath.Lanes<T>();
        for (int column = 0; column < columns; column++)
        {
            double weight = classWeights.IsEmpty ? 1.0 : double.CreateTruncating(classWeights[column]);
            ReadOnlySpan<T> segment = labels.Slice(column * rows, rows);
            int done = 0;
            if (typeof(T) == typeof(float) && lanes != 0 && VectorMath.Lanes<double>() != 0)
            {
                // Each product and sum rounds as the scalar ones below do, row by row in column order.
                ReadOnlySpan<Vector<float>> y = MemoryMarshal.Cast<T, Vector<float>>(segment);
                Span<Vector<int>> classes = MemoryMarshal.Cast<int, Vector<int>>(classIndices);
                var w = new Vector<double>(weight);

                // A vector of +0 labels adds w·(+0) = ±0 to each sum, which leaves it as it is (a sum starts at +0, and
                // +0 + -0 is +0) unless w is infinite or NaN: with one-hot labels nearly every vector, so left out.
                bool skipsZeros = double.IsFinite(weight);
                for (int i = 0; i < y.Length; i++)
                {
                    if (skipsZeros && Vector.EqualsAll(y[i].As<float, int>(), Vector<int>.Zero))
                    {
                        continue;
                    }

                    Vector.Widen(y[i], out Vector<double> low, out Vector<double> high);
                    sums[2 * i] += w * low;
                    sums[(2 * i) + 1] += w * high;
                    if (oneHot && !Vector.EqualsAll(y[i].As<float, int>(), Vector<int>.Zero))
                    {
                        oneHot = TakeClasses(y[i], ref classes[i], column);
                    }
                }

                done = y.Length * lanes;
            }
            else if (typeof(T) == typeof(double) && lanes != 0)
            {
                ReadOnlySpan<Vector<double>> y = MemoryMarshal.Cast<T, Vector<double>>(segment);
                var w = new Vector<double>(weight);
                for (int i = 0; i < y.Length; i++)
                {
                    sums[i] += w * y[i];
                    if (oneHot && !Vector.EqualsAll(y[i].As<double, long>(), Vector<long>.Zero))
                    {
                        oneHot = TakeClasses(segment.Slice(i * lanes, lanes), i * lanes, column, classIndices);
                    }
                }

                done = y.Length * lanes;
            }

            for (int row = done; row < rows; row++)
            {
                rowWeights[row] += weight * double.CreateTruncating(segment[row]);
            }

            if (oneHot && done < rows)
            {
                oneHot = TakeClasses(segment[done..], done, column, classIndices);
            }
        }

        return oneHot && !classIndices.Contains(-1);
    }

    /// <summary>
    /// <see cref="TakeClasses{T}(ReadOnlySpan{T}, int, int, Span{int})"/> for a vector of float labels <paramref name="y"/>
    /// and its rows' classes <paramref name="classes"/>, lane by lane at once.
    /// </summary>
    private static bool TakeClasses(Vector<float> y, ref Vector<int> classes, int column)
    {
        Vector<int> ones = Vector.Equals(y, Vector<float>.One);
        Vector<int> zeros = Vector.Equals(y.As<float, int>(), Vector<int>.Zero);
        if (!Vector.EqualsAll(ones | zeros, new Vector<int>(-1))
            || !Vector.EqualsAll(ones & Vector.GreaterThanOrEqual(classes, Vector<int>.Zero), Vector<int>.Zero))
        {
            return false;
        }

        classes = Vector.ConditionalSelect(ones, new Vector<int>(column), classes);
        return true;
    }

    /// <summary>
    /// For <see cref="RowWeights{T}(ReadOnlySpan{T}, int, int, ReadOnlySpan{T}, Span{double}, Span{int})"/>: the labels of
    /// column <paramref name="column"/> for the rows from <paramref name="first"/>, each exactly +0 or exactly 1, a 1
    /// taken as its row's class; false where a label is neither or a row already has a class.
    /// </summary>
    private static bool TakeClasses<T>(ReadOnlySpan<T> labels, int first, int column, Span<int> classIndices)
        where T : struct, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < labels.Length; i++)
        {
            T label = labels[i];
            if (label == T.One)
            {
                if (classIndices[first + i] >= 0)
                {
                    return false;
                }

                classIndices[first + i] = column;
            }
            else if (!T.IsZero(label) || T.IsNegative(label))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// <c>rᵢ = w_kᵢ</c> (1 without class weights) for a class index kᵢ, and <see cref="IgnoredRow"/> for an ignored row.
    /// </summary>
    public static void RowWeights<T>(ReadOnlySpan<int> labels, bool ignoring, int ignoreIndex, ReadOnlySpan<T> classWeights, Span<double> rowWeights)
        where T : struct, IFloatingPointIeee754<T>
    {
        for (int row = 0; row < labels.Length; row++)
        {
            int label = labels[row];
            rowWeights[row] = ignoring && label == ignoreIndex ? IgnoredRow
                : classWeights.IsEmpty ? 1.0
                : double.CreateTruncating(classWeights[label]);
        }
    }
}
