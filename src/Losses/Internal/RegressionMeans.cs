using System;
using System.Buffers;
using System.Numerics;
using System.Runtime.InteropServices;

namespace Losses.Internal;

/// <summary>
/// The means behind MSE, RMSE and MAE, in double, correct wherever the result itself is representable:
/// where the plain sum of squares or absolute values overflows or underflows although the mean does
/// not, the sum is redone on errors scaled by an exact power of two and the result scaled back.
/// </summary>
internal static class RegressionMeans
{
    /// <summary>
    /// 2⁻⁹⁰⁰: a sum of squares at least this large is accurate even if some squares fell into double's
    /// subnormal range, since each of those is below 2⁻¹²² of the sum.
    /// </summary>
    private static readonly double SmallestAccurateSumOfSquares = Math.ScaleB(1.0, -900);

    /// <summary>(1/n)·Σ (p - y)², finite and accurate whenever the true mean is representable.</summary>
    public static double MeanSquare<T>(ReadOnlySpan<T> labels, ReadOnlySpan<T> predictions)
        where T : struct, IFloatingPointIeee754<T>
    {
        double sum = Elementwise.SumOfSquaredDifferences(labels, predictions);
        return ExponentFor(sum) == 0
            ? sum / predictions.Length
            : Unscaled<T, SquaredTerm<T>>(ScaledMean<T, SquaredTerm<T>>(labels, predictions, ReadOnlySpan<double>.Empty, 0.0, predictions.Length, sum));
    }

    /// <summary>√((1/n)·Σ (p - y)²), finite and accurate whenever the true value is representable.</summary>
    public static double RootMeanSquare<T>(ReadOnlySpan<T> labels, ReadOnlySpan<T> predictions)
        where T : struct, IFloatingPointIeee754<T>
    {
        (double root, int exponent) = ScaledRootMeanSquare(labels, predictions);
        return exponent == 0 ? root : Math.ScaleB(root, -exponent);
    }

    /// <summary>
    /// RMSE·2^exponent, accurate: exponent is 0 normally, -600 where the plain sum of squares overflows and
    /// 600 where it is too small to be accurate (squares of errors below about 1e-154 lose digits in the
    /// subnormal range or vanish, although the RMSE itself may be well inside the range).
    /// </summary>
    private static (double Root, int Exponent) ScaledRootMeanSquare<T>(ReadOnlySpan<T> labels, ReadOnlySpan<T> predictions)
        where T : struct, IFloatingPointIeee754<T>
        => ScaledRoot(labels, predictions, ReadOnlySpan<double>.Empty, predictions.Length);

    /// <summary>
    /// The power of two (as its exponent) that brings a sum of squares (or of other terms of the errors) back
    /// into the range where it is finite and accurate: -600 where it overflowed, 600 where it is below 2⁻⁹⁰⁰
    /// (0 included), else 0.
    /// </summary>
    public static int ExponentFor(double sumOfSquares)
        => double.IsPositiveInfinity(sumOfSquares) ? -600 : sumOfSquares < SmallestAccurateSumOfSquares ? 600 : 0;

    /// <summary>
    /// The loss objects' root of a weighted mean of squared errors, <c>√(Σᵢ sᵢ·Σⱼ eᵢⱼ² / D)</c> over a column-major
    /// batch, and its gradient <c>sᵢ·eᵢⱼ/(D·Value)</c> into <paramref name="gradient"/>, both at the power-of-two
    /// scale that keeps them finite and accurate: for when the plain reduction overflowed or lost its digits.
    /// <paramref name="shares"/> holds sᵢ/D per row (0 for a row that does not count) and is overwritten with
    /// its square roots; empty when every row counts with weight 1. Returns the value, +∞ when it exceeds
    /// double's range (the gradient is then 0, the limit of the ordinary path).
    /// </summary>
    /// <remarks>
    /// With weights, each error is taken as √(sᵢ/D)·eᵢⱼ, whose squares sum to Value² directly: a weight's size
    /// then cannot push the sum out of range where the root is not. Without, the sum is divided by D as in
    /// <see cref="RootMeanSquare{T}(ReadOnlySpan{T}, ReadOnlySpan{T})"/>, with the same digits.
    /// </remarks>
    public static double WeightedRootMeanSquare<T>(
        ReadOnlySpan<T> labels, ReadOnlySpan<T> predictions, Span<double> shares, double divisor, Span<T> gradient)
        where T : struct, IFloatingPointIeee754<T>
    {
        for (int row = 0; row < shares.Length; row++)
        {
            shares[row] = Math.Sqrt(shares[row]);
        }

        double scale = shares.IsEmpty ? divisor : 1.0;
        (double scaledRoot, int exponent) = ScaledRoot(labels, predictions, shares, scale);
        if (scaledRoot == 0.0 || double.IsPositiveInfinity(scaledRoot))
        {
            gradient.Clear();
            return exponent == 0 ? scaledRoot : Math.ScaleB(scaledRoot, -exponent);
        }

        // sᵢ·eᵢⱼ/(D·Value) = fᵢ·(aᵢⱼ/R)/scale with aᵢⱼ = fᵢ·eᵢⱼ·2^e and R = Value·2^e: aᵢⱼ/R is at most √scale,
        // so nothing overflows on the way.
        int rows = shares.IsEmpty ? predictions.Length : shares.Length;
        for (int offset = 0; offset < predictions.Length; offset += rows)
        {
            for (int row = 0; row < rows; row++)
            {
                double factor = shares.IsEmpty ? 1.0 : shares[row];
                int i = offset + row;
                gradient[i] = factor == 0.0
                    ? T.Zero
                    : T.CreateTruncating(factor * (factor * DifferenceTimesPowerOfTwo(labels[i], predictions[i], exponent) / scaledRoot) / scale);
            }
        }

        return exponent == 0 ? scaledRoot : Math.ScaleB(scaledRoot, -exponent);
    }

    /// <summary>
    /// <c>√(Σ (fᵢ·(p - y))² / divisor)·2^exponent</c>, accurate, with the exponent of <see cref="ExponentFor"/>;
    /// fᵢ as in <see cref="Sum"/>.
    /// </summary>
    private static (double Root, int Exponent) ScaledRoot<T>(
        ReadOnlySpan<T> labels, ReadOnlySpan<T> predictions, ReadOnlySpan<double> rowFactors, double divisor)
        where T : struct, IFloatingPointIeee754<T>
    {
        double? plainSum = rowFactors.IsEmpty ? Elementwise.SumOfSquaredDifferences(labels, predictions) : null;
        (double mean, int exponent) = ScaledMean<T, SquaredTerm<T>>(labels, predictions, rowFactors, 0.0, divisor, plainSum);
        return (Math.Sqrt(mean), exponent);
    }

    /// <summary>
    /// The loss objects' <c>Σᵢ wᵢ·Σⱼ f(pᵢⱼ - yᵢⱼ)</c> of an element-wise term over a column-major batch, wᵢ =
    /// <paramref name="shares"/>[i] (sᵢ/D, 0 for a row that does not count), finite and accurate wherever the true
    /// value is representable, however large or small the errors and the weights: each weight is moved inside the
    /// term as <c>wᵢ·f_δ(e) = f_{cδ}(c·e)</c> with <c>c = wᵢ^(1/k)</c> (k its degree), and the sum is redone at a
    /// power-of-two scale where it overflows or loses its digits.
    /// </summary>
    public static double WeightedSumOfTerms<T, TTerm>(ReadOnlySpan<T> labels, ReadOnlySpan<T> predictions, ReadOnlySpan<double> shares, T delta)
        where T : struct, IFloatingPointIeee754<T>
        where TTerm : IElementTerm<T>
    {
        double[] pooled = ArrayPool<double>.Shared.Rent(shares.Length);
        Span<double> factors = pooled.AsSpan(0, shares.Length);
        for (int row = 0; row < shares.Length; row++)
        {
            factors[row] = TTerm.Degree == 1 ? shares[row] : Math.Sqrt(shares[row]);
        }

        double value = Unscaled<T, TTerm>(ScaledMean<T, TTerm>(labels, predictions, factors, double.CreateTruncating(delta), 1.0, null));
        ArrayPool<double>.Shared.Return(pooled);
        return value;
    }

    /// <summary>
    /// <c>Σ f(fᵢ·(p - y); fᵢ·δ) / divisor</c> at the scale 2^exponent of the errors (and δ), exponent as
    /// <see cref="ExponentFor"/> gives it for the unscaled sum (<paramref name="plainSum"/>, when already known);
    /// fᵢ as in <see cref="Sum"/>.
    /// </summary>
    private static (double Mean, int Exponent) ScaledMean<T, TTerm>(
        ReadOnlySpan<T> labels, ReadOnlySpan<T> predictions, ReadOnlySpan<double> rowFactors, double delta, double divisor, double? plainSum)
        where T : struct, IFloatingPointIeee754<T>
        where TTerm : IElementTerm<T>
    {
        double sum = plainSum ?? Sum<T, TTerm>(labels, predictions, rowFactors, delta, 0);
        int exponent = ExponentFor(sum);
        if (exponent != 0)
        {
            sum = Sum<T, TTerm>(labels, predictions, rowFactors, Math.ScaleB(delta, exponent), exponent);
        }

        return (sum / divisor, exponent);
    }

    /// <summary>A mean of <see cref="ScaledMean"/> back at the errors' own scale: f is homogeneous of degree <c>TTerm.Degree</c>.</summary>
    private static double Unscaled<T, TTerm>((double Mean, int Exponent) scaled)
        where T : struct, IFloatingPointIeee754<T>
        where TTerm : IElementTerm<T>
        => scaled.Exponent == 0 ? scaled.Mean : Math.ScaleB(scaled.Mean, -scaled.Exponent * TTerm.Degree);

    /// <summary>
    /// <c>Σ f(fᵢ·d; fᵢ·δ)</c> with d = (p - y)·2^exponent, in column-major order, compensated; fᵢ =
    /// <paramref name="rowFactors"/>[i] for the elements of row i of a batch of that many rows (rows with fᵢ = 0
    /// add nothing), or 1 for every element when it is empty (a factor of 1 leaves d and δ exact).
    /// </summary>
    private static double Sum<T, TTerm>(ReadOnlySpan<T> labels, ReadOnlySpan<T> predictions, ReadOnlySpan<double> rowFactors, double delta, int exponent)
        where T : struct, IFloatingPointIeee754<T>
        where TTerm : IElementTerm<T>
    {
        var sum = new CompensatedSum();
        int rows = rowFactors.IsEmpty ? predictions.Length : rowFactors.Length;
        for (int offset = 0; offset < predictions.Length; offset += rows)
        {
            for (int row = 0; row < rows; row++)
            {
                double factor = rowFactors.IsEmpty ? 1.0 : rowFactors[row];
                if (factor != 0.0)
                {
                    double difference = DifferenceTimesPowerOfTwo(labels[offset + row], predictions[offset + row], exponent);
                    sum.Add(TTerm.Loss(factor * difference, factor * delta));
                }
            }
        }

        return sum.Value;
    }

    /// <summary>(1/n)·Σ |p - y|, finite whenever the true mean is representable.</summary>
    public static double MeanAbsolute<T>(ReadOnlySpan<T> labels, ReadOnlySpan<T> predictions)
        where T : struct, IFloatingPointIeee754<T>
    {
        // The sum of finite errors may overflow while their mean does not (or an error may be infinite); a small
        // sum of absolute values keeps its digits.
        double sum = Elementwise.SumOfAbsoluteDifferences(labels, predictions);
        return double.IsPositiveInfinity(sum)
            ? Unscaled<T, AbsoluteTerm<T>>(ScaledMean<T, AbsoluteTerm<T>>(labels, predictions, ReadOnlySpan<double>.Empty, 0.0, predictions.Length, sum))
            : sum / predictions.Length;
    }

    /// <summary>
    /// <c>∂RMSE/∂pᵢ = (pᵢ - yᵢ)/(n·RMSE)</c>, each element divided in double and rounded once (no reciprocal
    /// that could overflow or lose digits). 0 everywhere where RMSE = 0 (the kink). Where RMSE is +∞ because
    /// k errors are infinite, the limit: ±1/√(n·k) on those errors and 0 elsewhere.
    /// </summary>
    public static void RootMeanSquareGradient<T>(ReadOnlySpan<T> labels, ReadOnlySpan<T> predictions, Span<T> gradient)
        where T : struct, IFloatingPointIeee754<T>
    {
        (double scaledRoot, int exponent) = ScaledRootMeanSquare(labels, predictions);
        int n = predictions.Length;
        if (scaledRoot == 0.0)
        {
            gradient.Clear();
            return;
        }

        if (exponent > 0)
        {
            // A tiny RMSE would keep few digits unscaled (a subnormal one, none to spare): divide the errors
            // scaled by the same exact power of two, (pᵢ - yᵢ)·2^e/(n·RMSE·2^e).
            double scaledDivisor = scaledRoot * n;
            for (int i = 0; i < n; i++)
            {
                gradient[i] = T.CreateTruncating(DifferenceTimesPowerOfTwo(labels[i], predictions[i], exponent) / scaledDivisor);
            }

            return;
        }

        double root = exponent == 0 ? scaledRoot : Math.ScaleB(scaledRoot, -exponent);

        if (double.IsPositiveInfinity(root) && InfiniteErrorShare(labels, predictions, gradient))
        {
            return;
        }

        // Below 1e150, n·RMSE is exact enough and finite, and no difference pᵢ - yᵢ can overflow (that takes
        // RMSE ≥ MaxValue/√n): one division (pᵢ - yᵢ)/(n·RMSE) in double, rounded once to T.
        bool ordinary = root < 1e150;
        double divisor = root * n;
        int done = ordinary ? DividedDifferences(labels, predictions, divisor, gradient) : 0;
        for (int i = done; i < n; i++)
        {
            double p = double.CreateTruncating(predictions[i]);
            double y = double.CreateTruncating(labels[i]);
            double difference = p - y;
            if (ordinary)
            {
                gradient[i] = T.CreateTruncating(difference / divisor);
                continue;
            }

            // |pᵢ - yᵢ|/RMSE ≤ √n, so only the difference itself can overflow: then divide first.
            double ratio = double.IsFinite(difference) || !double.IsFinite(p) || !double.IsFinite(y)
                ? difference / root
                : (p / root) - (y / root);
            gradient[i] = T.CreateTruncating(ratio / n);
        }
    }

    /// <summary>
    /// <c>gᵢ = (pᵢ - yᵢ)/divisor</c> in double vectors (float widened), the same arithmetic as the scalar
    /// loop, for the whole vectors of the spans; returns how many elements it wrote.
    /// </summary>
    private static int DividedDifferences<T>(ReadOnlySpan<T> labels, ReadOnlySpan<T> predictions, double divisor, Span<T> gradient)
        where T : struct, IFloatingPointIeee754<T>
    {
        if (VectorMath.Lanes<double>() == 0)
        {
            return 0;
        }

        var by = new Vector<double>(divisor);
        if (typeof(T) == typeof(double))
        {
            ReadOnlySpan<Vector<double>> p = MemoryMarshal.Cast<T, Vector<double>>(predictions);
            ReadOnlySpan<Vector<double>> y = MemoryMarshal.Cast<T, Vector<double>>(labels);
            Span<Vector<double>> g = MemoryMarshal.Cast<T, Vector<double>>(gradient);
            for (int i = 0; i < p.Length; i++)
            {
                g[i] = (p[i] - y[i]) / by;
            }

            return p.Length * Vector<double>.Count;
        }

        if (typeof(T) == typeof(float) && VectorMath.Lanes<float>() != 0)
        {
            ReadOnlySpan<Vector<float>> p = MemoryMarshal.Cast<T, Vector<float>>(predictions);
            ReadOnlySpan<Vector<float>> y = MemoryMarshal.Cast<T, Vector<float>>(labels);
            Span<Vector<float>> g = MemoryMarshal.Cast<T, Vector<float>>(gradient);
            for (int i = 0; i < p.Length; i++)
            {
                Vector.Widen(p[i], out Vector<double> pLow, out Vector<double> pHigh);
                Vector.Widen(y[i], out Vector<double> yLow, out Vector<double> yHigh);
                g[i] = Vector.Narrow((pLow - yLow) / by, (pHigh - yHigh) / by);
            }

            return p.Length * Vector<float>.Count;
        }

        return 0;
    }

    /// <summary>Writes the limit gradient ±1/√(n·k) when k &gt; 0 errors are infinite; false when none is.</summary>
    private static bool InfiniteErrorShare<T>(ReadOnlySpan<T> labels, ReadOnlySpan<T> predictions, Span<T> gradient)
        where T : struct, IFloatingPointIeee754<T>
    {
        int infinite = 0;
        for (int i = 0; i < predictions.Length; i++)
        {
            if (IsInfiniteError(labels[i], predictions[i]))
            {
                infinite++;
            }
        }

        if (infinite == 0)
        {
            return false;
        }

        T share = T.CreateTruncating(1.0 / Math.Sqrt((double)predictions.Length * infinite));
        for (int i = 0; i < predictions.Length; i++)
        {
            T difference = predictions[i] - labels[i];
            gradient[i] = T.IsNaN(difference) ? difference
                : IsInfiniteError(labels[i], predictions[i]) ? T.CopySign(share, difference)
                : T.Zero;
        }

        return true;
    }

    /// <summary>An error that is infinite in itself (an infinite label or prediction), not by overflow.</summary>
    private static bool IsInfiniteError<T>(T label, T prediction)
        where T : struct, IFloatingPointIeee754<T>
        => T.IsInfinity(prediction - label) && (T.IsInfinity(prediction) || T.IsInfinity(label));

    /// <summary>(p - y)·2^exponent, scaled down before subtracting (so p - y cannot overflow) or up after (so p and y cannot).</summary>
    private static double DifferenceTimesPowerOfTwo<T>(T label, T prediction, int exponent)
        where T : struct, IFloatingPointIeee754<T>
    {
        double p = double.CreateTruncating(prediction);
        double y = double.CreateTruncating(label);
        return exponent < 0 ? Math.ScaleB(p, exponent) - Math.ScaleB(y, exponent) : Math.ScaleB(p - y, exponent);
    }
}
