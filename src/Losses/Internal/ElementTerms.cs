using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Losses.Internal;

/// <summary>
/// One element-wise loss term of the difference d = p - y: f(d) in double (d taken in double, so a float
/// square or sum never leaves its range before the reduction does), and the per-element factor of the
/// gradient in T (f'(d), or a fixed fraction of it that the loss makes up), vector and scalar forms rounding
/// identically.
/// </summary>
internal interface IElementTerm<T>
    where T : struct, IFloatingPointIeee754<T>
{
    /// <summary>k with f_{cδ}(c·d) = cᵏ·f_δ(d) for c &gt; 0: the power a rescaled sum is scaled back by.</summary>
    static abstract int Degree { get; }

    static abstract double Loss(double difference, double delta);

    static abstract Vector<double> Loss(Vector<double> difference, Vector<double> delta);

    static abstract T Derivative(T difference, T delta);

    static abstract Vector<T> Derivative(Vector<T> difference, Vector<T> delta);
}

/// <summary>
/// <c>f(d) = d²</c>, with d itself, half the derivative 2d, in the gradient: the loss supplies the 2 (MSE in its
/// row factor 2·sᵢ/D, RMSE as the chain 1/Value instead of ½/Value), so an error near MaxValue does not overflow.
/// </summary>
internal readonly struct SquaredTerm<T> : IElementTerm<T>
    where T : struct, IFloatingPointIeee754<T>
{
    public static int Degree => 2;

    public static double Loss(double difference, double delta) => difference * difference;

    public static Vector<double> Loss(Vector<double> difference, Vector<double> delta) => difference * difference;

    public static T Derivative(T difference, T delta) => difference;

    public static Vector<T> Derivative(Vector<T> difference, Vector<T> delta) => difference;
}

/// <summary><c>f(d) = |d|</c>, <c>f'(d) = sign(d)</c> with sign(0) = 0 and sign(NaN) = NaN.</summary>
internal readonly struct AbsoluteTerm<T> : IElementTerm<T>
    where T : struct, IFloatingPointIeee754<T>
{
    public static int Degree => 1;

    public static double Loss(double difference, double delta) => Math.Abs(difference);

    public static Vector<double> Loss(Vector<double> difference, Vector<double> delta) => Vector.Abs(difference);

    public static T Derivative(T difference, T delta)
        => difference > T.Zero ? T.One
            : difference < T.Zero ? -T.One
            : difference == T.Zero ? T.Zero
            : T.NaN;

    public static Vector<T> Derivative(Vector<T> difference, Vector<T> delta)
    {
        Vector<T> sign = Vector.ConditionalSelect(Vector.Equals(difference, Vector<T>.Zero), Vector<T>.Zero, new Vector<T>(T.NaN));
        sign = Vector.ConditionalSelect(Vector.GreaterThan(difference, Vector<T>.Zero), Vector<T>.One, sign);
        return Vector.ConditionalSelect(Vector.LessThan(difference, Vector<T>.Zero), -Vector<T>.One, sign);
    }
}

/// <summary>
/// Huber: <c>f(d) = ½d²</c> for |d| ≤ δ, else <c>δ·(|d| - ½δ)</c>; <c>f'(d) = clamp(d, -δ, δ)</c>
/// (NaN stays NaN).
/// </summary>
internal readonly struct HuberTerm<T> : IElementTerm<T>
    where T : struct, IFloatingPointIeee754<T>
{
    public static int Degree => 2;

    public static double Loss(double difference, double delta)
    {
        double magnitude = Math.Abs(difference);
        return magnitude <= delta ? 0.5 * difference * difference : delta * (magnitude - (0.5 * delta));
    }

    public static Vector<double> Loss(Vector<double> difference, Vector<double> delta)
    {
        var half = new Vector<double>(0.5);
        Vector<double> magnitude = Vector.Abs(difference);
        return Vector.ConditionalSelect(
            Vector.LessThanOrEqual(magnitude, delta), half * difference * difference, delta * (magnitude - (half * delta)));
    }

    public static T Derivative(T difference, T delta)
        => difference > delta ? delta
            : difference < -delta ? -delta
            : difference;

    public static Vector<T> Derivative(Vector<T> difference, Vector<T> delta)
        => Vector.ConditionalSelect(
            Vector.GreaterThan(difference, delta),
            delta,
            Vector.ConditionalSelect(Vector.LessThan(difference, -delta), -delta, difference));
}

/// <summary>Element-wise regression terms over column-major storage, summed per row.</summary>
internal static class ElementTerms
{
    /// <summary>
    /// <c>ℓᵢ = Σⱼ f(pᵢⱼ - yᵢⱼ)</c> into <paramref name="rowSums"/> (one per row), each term and the sum in double
    /// (also for float, where the difference too is taken after widening), and the per-element gradient factor
    /// f'(pᵢⱼ - yᵢⱼ) in T into <paramref name="gradient"/>, or, with <paramref name="rowFactors"/> (one per row, each 0
    /// or normal), that times the row's factor (exactly 0 where it is 0): the loss objects' share of the reduction,
    /// with the roundings of scaling the finished gradient afterwards, in the same pass. A row's terms are added in
    /// column order, in a vector lane or in the scalar tail alike, so the sums do not depend on where the vectors fall,
    /// nor on the blocks of rows a large batch is split into between threads (<see cref="RowSumsWork{T, TKernel}"/>).
    /// </summary>
    public static void Regression<T, TTerm>(
        ReadOnlySpan<T> labels, ReadOnlySpan<T> predictions, int rows, T delta, Span<double> rowSums, Span<T> gradient, ReadOnlySpan<T> rowFactors = default)
        where T : struct, IFloatingPointIeee754<T>
        where TTerm : IElementTerm<T>
    {
        int threads = RowSumsWork<T, RegressionRowSums<T, TTerm>>.Threads(rows, predictions.Length / rows);
        if (threads > 1)
        {
            _ = RowSumsWork<T, RegressionRowSums<T, TTerm>>.Run(labels, predictions, delta, T.Zero, rowSums, gradient, rowFactors, threads);
            return;
        }

        RegressionRows<T, TTerm>(labels, predictions, rows, 0, rows, delta, rowSums, gradient, rowFactors);
    }

    /// <summary>
    /// <see cref="Regression{T, TTerm}"/> for the <paramref name="length"/> rows from <paramref name="start"/> only: their
    /// sums in <paramref name="rowSums"/>, their entries of <paramref name="gradient"/> (both spans, and
    /// <paramref name="rowFactors"/>, cover every row), each column's segment of them in turn.
    /// </summary>
    public static void RegressionRows<T, TTerm>(
        ReadOnlySpan<T> labels,
        ReadOnlySpan<T> predictions,
        int rows,
        int start,
        int length,
        T delta,
        Span<double> rowSums,
        Span<T> gradient,
        ReadOnlySpan<T> rowFactors)
        where T : struct, IFloatingPointIeee754<T>
        where TTerm : IElementTerm<T>
    {
        Span<double> sums = rowSums.Slice(start, length);
        ReadOnlySpan<T> factors = rowFactors.IsEmpty ? rowFactors : rowFactors.Slice(start, length);
        sums.Clear();
        double deltaInDouble = double.CreateTruncating(delta);
        bool scaled = !factors.IsEmpty;
        for (int offset = start; offset < predictions.Length; offset += rows)
        {
            ReadOnlySpan<T> y = labels.Slice(offset, length);
            ReadOnlySpan<T> p = predictions.Slice(offset, length);
            Span<T> g = gradient.Slice(offset, length);
            int done = RegressionVectors<T, TTerm>(y, p, delta, deltaInDouble, sums, g, factors);
            for (int row = done; row < length; row++)
            {
                double difference = double.CreateTruncating(p[row]) - double.CreateTruncating(y[row]);
                sums[row] += TTerm.Loss(difference, deltaInDouble);
                T derivative = TTerm.Derivative(p[row] - y[row], delta);
                g[row] = scaled ? Elementwise.TimesOrZero(factors[row], derivative) : derivative;
            }
        }
    }

    /// <summary>
    /// The whole vectors of one column of <see cref="Regression{T, TTerm}"/> (float widened to two double
    /// vectors); returns how many rows it did.
    /// </summary>
    private static int RegressionVectors<T, TTerm>(
        ReadOnlySpan<T> labels, ReadOnlySpan<T> predictions, T delta, double deltaInDouble, Span<double> rowSums, Span<T> gradient, ReadOnlySpan<T> rowFactors)
        where T : struct, IFloatingPointIeee754<T>
        where TTerm : IElementTerm<T>
    {
        if (VectorMath.Lanes<T>() == 0 || VectorMath.Lanes<double>() == 0)
        {
            return 0;
        }

        ReadOnlySpan<Vector<T>> y = VectorMath.Vectors(labels);
        ReadOnlySpan<Vector<T>> p = VectorMath.Vectors(predictions);
        Span<Vector<T>> g = VectorMath.Vectors(gradient);
        Span<Vector<double>> sums = VectorMath.Vectors(rowSums);
        ReadOnlySpan<Vector<T>> f = VectorMath.Vectors(rowFactors);
        bool scaled = !rowFactors.IsEmpty;
        var deltaVector = new Vector<T>(delta);
        var deltaInDoubleVector = new Vector<double>(deltaInDouble);
        if (typeof(T) == typeof(float))
        {
            for (int i = 0; i < p.Length; i++)
            {
                Vector<T> derivative = TTerm.Derivative(p[i] - y[i], deltaVector);
                g[i] = scaled ? VectorMath.TimesOrZero(f[i], derivative) : derivative;
                Vector.Widen(Vector.As<T, float>(p[i]), out Vector<double> pLow, out Vector<double> pHigh);
                Vector.Widen(Vector.As<T, float>(y[i]), out Vector<double> yLow, out Vector<double> yHigh);
                sums[2 * i] += TTerm.Loss(pLow - yLow, deltaInDoubleVector);
                sums[(2 * i) + 1] += TTerm.Loss(pHigh - yHigh, deltaInDoubleVector);
            }
        }
        else if (typeof(T) == typeof(double))
        {
            for (int i = 0; i < p.Length; i++)
            {
                Vector<T> difference = p[i] - y[i];
                Vector<T> derivative = TTerm.Derivative(difference, deltaVector);
                g[i] = scaled ? VectorMath.TimesOrZero(f[i], derivative) : derivative;
                sums[i] += TTerm.Loss(Vector.As<T, double>(difference), deltaInDoubleVector);
            }
        }
        else
        {
            return 0;
        }

        return p.Length * Vector<T>.Count;
    }

    /// <summary>
    /// Row sums of a column-major matrix into <paramref name="rowSums"/>, added in double in column order (whole
    /// vectors of a column, float widened, and the scalar tail alike).
    /// </summary>
    public static void SumRows<T>(ReadOnlySpan<T> values, int rows, Span<double> rowSums)
        where T : struct, IFloatingPointIeee754<T>
    {
        rowSums.Clear();
        for (int offset = 0; offset < values.Length; offset += rows)
        {
            AddWidened(values.Slice(offset, rows), rowSums);
        }
    }

    /// <summary><c>sumsᵢ += valuesᵢ</c> in double (each value widened exactly), whole vectors and the scalar tail alike.</summary>
    public static void AddWidened<T>(ReadOnlySpan<T> values, Span<double> sums)
        where T : struct, IFloatingPointIeee754<T>
    {
        bool vectors = VectorMath.Lanes<T>() != 0 && VectorMath.Lanes<double>() != 0 && (typeof(T) == typeof(float) || typeof(T) == typeof(double));
        ReadOnlySpan<Vector<T>> v = vectors ? VectorMath.Vectors(values) : ReadOnlySpan<Vector<T>>.Empty;
        Span<Vector<double>> s = vectors ? VectorMath.Vectors(sums) : Span<Vector<double>>.Empty;
        for (int i = 0; i < v.Length; i++)
        {
            if (typeof(T) == typeof(float))
            {
                Vector.Widen(Vector.As<T, float>(v[i]), out Vector<double> low, out Vector<double> high);
                s[2 * i] += low;
                s[(2 * i) + 1] += high;
            }
            else
            {
                s[i] += Vector.As<T, double>(v[i]);
            }
        }

        for (int i = v.Length * Vector<T>.Count; i < values.Length; i++)
        {
            sums[i] += double.CreateTruncating(values[i]);
        }
    }

    /// <summary>Each value widened to double (exactly).</summary>
    public static void Widen<T>(ReadOnlySpan<T> values, Span<double> widened)
        where T : struct, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(double))
        {
            MemoryMarshal.Cast<T, double>(values).CopyTo(widened);
            return;
        }

        int done = 0;
        if (typeof(T) == typeof(float) && VectorMath.Lanes<float>() != 0 && VectorMath.Lanes<double>() != 0)
        {
            // Every float is a double exactly, so the vector widening gives the scalar conversion's bits.
            ReadOnlySpan<Vector<float>> source = MemoryMarshal.Cast<T, Vector<float>>(values);
            Span<Vector<double>> target = MemoryMarshal.Cast<double, Vector<double>>(widened[..values.Length]);
            for (int i = 0; i < source.Length; i++)
            {
                Vector.Widen(source[i], out target[2 * i], out target[(2 * i) + 1]);
            }

            done = source.Length * Vector<float>.Count;
        }

        for (int i = done; i < values.Length; i++)
        {
            widened[i] = double.CreateTruncating(values[i]);
        }
    }

    /// <summary>Each double value rounded once to T (±∞ or 0 where it lies beyond T's range).</summary>
    public static void Round<T>(ReadOnlySpan<double> values, Span<T> rounded)
        where T : struct, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(double))
        {
            values.CopyTo(MemoryMarshal.Cast<T, double>(rounded));
            return;
        }

        int done = 0;
        if (typeof(T) == typeof(float) && VectorMath.Lanes<float>() != 0 && VectorMath.Lanes<double>() != 0)
        {
            // The vector narrowing rounds each lane as the scalar conversion does (to nearest, subnormals and ±∞ alike).
            ReadOnlySpan<Vector<double>> source = MemoryMarshal.Cast<double, Vector<double>>(values);
            Span<Vector<float>> target = MemoryMarshal.Cast<T, Vector<float>>(rounded[..values.Length]);
            for (int i = 0; i < target.Length; i++)
            {
                target[i] = Vector.Narrow(source[2 * i], source[(2 * i) + 1]);
            }

            done = target.Length * Vector<float>.Count;
        }

        for (int i = done; i < values.Length; i++)
        {
            rounded[i] = T.CreateTruncating(values[i]);
        }
    }

    /// <summary>
    /// Keras's binary label smoothing <c>z' = (1 - ε)·z + ε/2</c>, element-wise: whole vectors first, then the rest, the
    /// same two roundings lane by lane as element by element. Meanwhile the labels of <paramref name="next"/> are asked
    /// for (<see cref="Prefetch"/>): a chunk's labels are smoothed in a short loop between long ones that compute, where
    /// the hardware's prefetchers would not run far enough ahead.
    /// </summary>
    public static void SmoothBinaryLabels<T>(ReadOnlySpan<T> labels, T smoothing, Span<T> smoothed, ReadOnlySpan<T> next = default)
        where T : struct, IFloatingPointIeee754<T>
    {
        T keep = T.One - smoothing;
        T half = smoothing / T.CreateTruncating(2);
        ReadOnlySpan<Vector<T>> z = VectorMath.Vectors(labels);
        Span<Vector<T>> target = VectorMath.Vectors(smoothed[..labels.Length]);
        var keepLanes = new Vector<T>(keep);
        var halfLanes = new Vector<T>(half);
        ref T ahead = ref Prefetch.Ahead(labels, next);
        for (int i = 0; i < z.Length; i++)
        {
            Prefetch.Line(ref Unsafe.Add(ref ahead, i * VectorMath.Lanes<T>()));
            target[i] = (keepLanes * z[i]) + halfLanes;
        }

        for (int i = z.Length * VectorMath.Lanes<T>(); i < labels.Length; i++)
        {
            smoothed[i] = (keep * labels[i]) + half;
        }
    }
}
