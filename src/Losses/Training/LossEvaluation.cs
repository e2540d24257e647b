using System;
using System.Buffers;
using System.Globalization;
using Losses.Internal;
using MathNet.Numerics.LinearAlgebra;

namespace Losses;

/// <summary>The reduced value of a batch and the sums that merge it with others.</summary>
internal readonly record struct LossTotals<T>(T Value, double WeightedSum, double TotalWeight, long Count);

/// <summary>
/// What a batch's reduction takes from its weights alone: the total weight W (Σ sᵢ·rᵢ over the counted rows, times
/// the terms per row), the count of terms, and the divisor D they give for the reduction (1, the count, or W).
/// </summary>
internal readonly record struct ReductionWeights(double Total, long Count, double Divisor);

/// <summary>
/// The steps every loss object runs: argument checks, Strict screening, the fused per-row kernel,
/// then the reduction and the scaling of the gradient by each row's share of the value.
/// </summary>
internal static class LossEvaluation
{
    /// <summary>Evaluates a matrix-label loss into new buffers.</summary>
    public static LossResult<T> Evaluate<T>(MatrixLabelLoss<T> terms, Matrix<T> labels, Matrix<T> predictions, Vector<T>? sampleWeights)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
    {
        Guard.SameShape(labels, nameof(labels), predictions, nameof(predictions));
        var gradient = Matrix<T>.Build.Dense(predictions.RowCount, predictions.ColumnCount);
        var perExample = Vector<T>.Build.Dense(predictions.RowCount);
        LossTotals<T> totals = Evaluate(terms, labels, predictions, gradient, perExample, sampleWeights);
        return Result(totals, perExample, gradient, terms.Reduction, terms.TakesSquareRoot);
    }

    /// <summary>Evaluates a matrix-label loss into caller buffers.</summary>
    public static LossTotals<T> Evaluate<T>(
        MatrixLabelLoss<T> terms, Matrix<T> labels, Matrix<T> predictions, Matrix<T> gradient, Vector<T> perExample, Vector<T>? sampleWeights)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
    {
        Guard.SameShape(labels, nameof(labels), predictions, nameof(predictions));
        CheckBuffers(labels, predictions, gradient, perExample, sampleWeights);
        int rows = predictions.RowCount;
        int columns = predictions.ColumnCount;
        terms.CheckOptions(columns);
        using var y = ColumnMajorInput<T>.Of(labels);
        using var x = ColumnMajorInput<T>.Of(predictions);
        using var s = sampleWeights is null ? default : ColumnMajorInput<T>.Of(sampleWeights);
        CheckWeights(s.Span);
        if (terms.Strict)
        {
            StrictScreening.Finite(y.Span, rows, nameof(labels));
            StrictScreening.Finite(x.Span, rows, nameof(predictions));
            StrictScreening.Finite(s.Span, 0, nameof(sampleWeights));
            terms.Screen(y.Span, x.Span, rows, columns);
        }

        var g = ColumnMajorOutput<T>.Of(gradient);
        var l = ColumnMajorOutput<T>.Of(perExample);
        double[] pooled = ArrayPool<double>.Shared.Rent(2 * rows);
        Span<double> rowWeights = pooled.AsSpan(0, rows);
        Span<double> losses = pooled.AsSpan(rows, rows);
        int[]? pooledClasses = terms.FindsClassIndices ? ArrayPool<int>.Shared.Rent(rows) : null;
        Span<int> classIndices = pooledClasses is null ? default : pooledClasses.AsSpan(0, rows);
        if (!terms.RowWeights(y.Span, rows, columns, rowWeights, classIndices, out bool oneHot))
        {
            rowWeights = Span<double>.Empty;
        }

        ReductionWeights weights = Weigh(rows, s.Span, rowWeights, terms.TermsPerRow(columns), terms.Reduction);

        // Where the kernel can apply each row's share of the reduction as it finishes the gradient, it does, and
        // the gradient takes no pass of its own to be scaled.
        T[]? pooledFactors = null;
        ReadOnlySpan<T> gradientFactors = default;
        if (terms.AppliesGradientFactors && !terms.TakesSquareRoot)
        {
            pooledFactors = ArrayPool<T>.Shared.Rent(rows);
            Span<T> factors = pooledFactors.AsSpan(0, rows);
            if (TryGradientFactors(rows, s.Span, rowWeights, weights.Divisor, terms.GradientScale, factors))
            {
                gradientFactors = factors;
            }
        }

        terms.Compute(y.Span, x.Span, rows, columns, losses, g.Span, gradientFactors, oneHot ? classIndices : default);
        if (pooledClasses is not null)
        {
            ArrayPool<int>.Shared.Return(pooledClasses);
        }

        ElementTerms.Round(losses, l.Span);
        LossTotals<T> totals = Reduce(
            losses,
            g.Span,
            rows,
            s.Span,
            rowWeights,
            weights,
            new LossInputs<T>(terms, y.Span, x.Span),
            gradientScaled: !gradientFactors.IsEmpty);
        if (pooledFactors is not null)
        {
            ArrayPool<T>.Shared.Return(pooledFactors);
        }

        ArrayPool<double>.Shared.Return(pooled);
        g.Commit();
        l.Commit();
        return totals;
    }

    /// <summary>Wraps totals and the buffers they were computed into.</summary>
    public static LossResult<T> Result<T>(LossTotals<T> totals, Vector<T> perExample, Matrix<T> gradient, Reduction reduction, bool takesSquareRoot)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
        => new(totals.Value, perExample, gradient, totals.WeightedSum, totals.TotalWeight, totals.Count, reduction, takesSquareRoot);

    /// <summary>
    /// Checks the caller's gradient and per-example buffers and the sample weights' length, and that neither buffer
    /// shares its storage (<see cref="Guard.NotSharedWithInput{T}(Matrix{T}, string, Matrix{T}, string)"/>) with an input (the labels, none
    /// for class indices, the predictions, the sample weights: each is read after the buffers are first written) or with
    /// the other buffer.
    /// </summary>
    public static void CheckBuffers<T>(Matrix<T>? labels, Matrix<T> predictions, Matrix<T> gradient, Vector<T> perExample, Vector<T>? sampleWeights)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(gradient);
        ArgumentNullException.ThrowIfNull(perExample);
        if (gradient.RowCount != predictions.RowCount || gradient.ColumnCount != predictions.ColumnCount)
        {
            throw new ArgumentException(
                $"gradient is {Guard.Shape(gradient)} but predictions is {Guard.Shape(predictions)}: gradient must have the shape of predictions.",
                nameof(gradient));
        }

        Guard.Writable(gradient, nameof(gradient));
        if (perExample.Count != predictions.RowCount)
        {
            throw new ArgumentException(
                $"perExample has length {perExample.Count} but predictions is {Guard.Shape(predictions)}: perExample needs one entry per row.",
                nameof(perExample));
        }

        if (sampleWeights is not null && sampleWeights.Count != predictions.RowCount)
        {
            throw new ArgumentException(
                $"sampleWeights has length {sampleWeights.Count} but predictions is {Guard.Shape(predictions)}: give one weight per row.",
                nameof(sampleWeights));
        }

        Guard.NotSharedWithInput(gradient, nameof(gradient), labels, nameof(labels));
        Guard.NotSharedWithInput(gradient, nameof(gradient), predictions, nameof(predictions));
        Guard.NotSharedWithInput(gradient, nameof(gradient), sampleWeights, nameof(sampleWeights));
        Guard.NotSharedWithInput(perExample, nameof(perExample), labels, nameof(labels));
        Guard.NotSharedWithInput(perExample, nameof(perExample), predictions, nameof(predictions));
        Guard.NotSharedWithInput(perExample, nameof(perExample), sampleWeights, nameof(sampleWeights));
        Guard.NotSharedWithOutput(perExample, nameof(perExample), gradient, nameof(gradient));
    }

    /// <summary>No sample weight is negative (NaN passes unless Strict).</summary>
    public static void CheckWeights<T>(ReadOnlySpan<T> sampleWeights)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
    {
        for (int row = 0; row < sampleWeights.Length; row++)
        {
            if (sampleWeights[row] < T.Zero)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(sampleWeights),
                    sampleWeights[row],
                    string.Create(CultureInfo.InvariantCulture, $"sampleWeights[{row}] = {sampleWeights[row]} is negative: weights must be 0 or more."));
            }
        }
    }

    /// <summary>
    /// Reduces the per-row losses <c>ℓᵢ</c> (in double, not rounded to T) with sample weights sᵢ (empty: all 1)
    /// and row weights rᵢ (empty: all 1; <see cref="EffectiveLabels.IgnoredRow"/>: not counted), and turns the
    /// per-row derivatives in <paramref name="gradient"/> into ∂Value/∂x by scaling row i by sᵢ/D (D the
    /// reduction's divisor, from <paramref name="weights"/>) times the loss's <see cref="MatrixLabelLoss{T}.GradientScale"/>, and by 1/Value when the
    /// value is a square root (then ℓᵢ are the squared errors and the
    /// gradient holds the errors themselves). A row scaled by 0 becomes exactly 0. Where the reduction overflows
    /// double or loses its digits, <paramref name="inputs"/> (default: none) lets the loss redo it at a power-of-two scale.
    /// With <paramref name="gradientScaled"/> the kernel has already applied the factors of
    /// <see cref="TryGradientFactors{T}"/> and the gradient is left as it is.
    /// </summary>
    public static LossTotals<T> Reduce<T>(
        ReadOnlySpan<double> losses,
        Span<T> gradient,
        int rows,
        ReadOnlySpan<T> sampleWeights,
        ReadOnlySpan<double> rowWeights,
        ReductionWeights weights,
        LossInputs<T> inputs,
        bool gradientScaled = false)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
    {
        var weightedSum = new CompensatedSum();
        for (int row = 0; row < rows; row++)
        {
            double sampleWeight = sampleWeights.IsEmpty ? 1.0 : double.CreateTruncating(sampleWeights[row]);
            if (sampleWeight != 0.0 && (rowWeights.IsEmpty || !EffectiveLabels.IsIgnored(rowWeights[row])))
            {
                weightedSum.Add(sampleWeight * losses[row]);
            }
        }

        (double total, long count, double divisor) = weights;
        double reduced = divisor == 0.0 ? 0.0 : weightedSum.Value / divisor;

        // The plain reduction is accurate unless it overflowed or is so small that the roundings of squares in
        // double's subnormal range (half its smallest step each, weighted by sᵢ/D: K·Σsᵢ/D of them in all, 1 for
        // a mean without weights) may matter; the functions' threshold 2⁻⁹⁰⁰ is applied per unit of that. Float
        // errors never take a double sum there, except to an exact 0.
        bool plainIsAccurate = divisor == 0.0
            || RegressionMeans.ExponentFor(reduced / Math.Max(1.0, total / divisor)) == 0
            || (reduced == 0.0 && typeof(T) == typeof(float));
        bool takesSquareRoot = inputs.Loss is { TakesSquareRoot: true };
        if (gradientScaled && plainIsAccurate && !takesSquareRoot)
        {
            // The kernel has scaled the gradient, and nothing else needs the factors.
            return new LossTotals<T>(T.CreateTruncating(reduced), weightedSum.Value, total, count);
        }

        double[] pooled = ArrayPool<double>.Shared.Rent(rows);
        Span<double> factors = pooled.AsSpan(0, rows);
        Factors(rows, sampleWeights, rowWeights, divisor, factors);
        double value;
        if (!takesSquareRoot)
        {
            value = plainIsAccurate ? reduced : inputs.Loss?.RescaledReduction(inputs.Labels, inputs.Predictions, factors) ?? reduced;
            if (!gradientScaled)
            {
                ScaleRows(gradient, rows, factors, inputs.Loss?.GradientScale ?? 1.0);
            }
        }
        else if (plainIsAccurate)
        {
            value = Math.Sqrt(reduced);
            ScaleRows(gradient, rows, factors, value == 0.0 ? 0.0 : 1.0 / value);
        }
        else
        {
            // The root and the gradient are redone from the errors at a power-of-two scale.
            Span<double> shares = sampleWeights.IsEmpty && rowWeights.IsEmpty ? Span<double>.Empty : factors;
            value = RegressionMeans.WeightedRootMeanSquare(inputs.Labels, inputs.Predictions, shares, divisor, gradient);
        }

        ArrayPool<double>.Shared.Return(pooled);
        return new LossTotals<T>(T.CreateTruncating(value), weightedSum.Value, total, count);
    }

    /// <summary>
    /// The factors <see cref="Reduce{T}"/> would scale the gradient's rows by, <c>sᵢ/D·chain</c> rounded to T, found from
    /// the weights alone (D, from <see cref="Weigh{T}"/>, does not depend on the losses), so that a kernel can apply them as it finishes the gradient
    /// instead of in a pass of its own: the same factors, so the same rows. False, with <paramref name="factorsInT"/>
    /// meaningless, where a factor is neither 0 nor a normal number in T; <see cref="Reduce{T}"/> then applies it in double.
    /// </summary>
    public static bool TryGradientFactors<T>(
        int rows, ReadOnlySpan<T> sampleWeights, ReadOnlySpan<double> rowWeights, double divisor, double chain, Span<T> factorsInT)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
    {
        if (sampleWeights.IsEmpty && !EffectiveLabels.AnyIgnored(rowWeights))
        {
            // Without sample weights or ignored rows every row's factor is 1/D·chain (a row weight enters D alone), as
            // Factors and FactorsInT give it row by row: rounded and checked once.
            double share = divisor == 0.0 ? 0.0 : 1.0 / divisor;
            T shared = T.CreateTruncating(share == 0.0 || chain == 0.0 ? 0.0 : share * chain);
            factorsInT[..rows].Fill(shared);
            return !InDouble(share, chain, shared);
        }

        double[] pooled = ArrayPool<double>.Shared.Rent(rows);
        Span<double> factors = pooled.AsSpan(0, rows);
        Factors(rows, sampleWeights, rowWeights, divisor, factors);
        bool anyInDouble = FactorsInT(factors, chain, factorsInT);
        ArrayPool<double>.Shared.Return(pooled);
        return !anyInDouble;
    }

    /// <summary>
    /// The <see cref="ReductionWeights"/> of a batch with sample weights sᵢ (empty: all 1) and row weights rᵢ (empty: all 1;
    /// <see cref="EffectiveLabels.IgnoredRow"/>: not counted), taken once per call by <see cref="TryGradientFactors{T}"/>
    /// and <see cref="Reduce{T}"/> alike.
    /// </summary>
    public static ReductionWeights Weigh<T>(int rows, ReadOnlySpan<T> sampleWeights, ReadOnlySpan<double> rowWeights, int termsPerRow, Reduction reduction)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
    {
        double total = TotalWeight(rows, sampleWeights, rowWeights, out long countedRows) * termsPerRow;
        long count = countedRows * termsPerRow;
        double divisor = reduction switch
        {
            Reduction.Sum => 1.0,
            Reduction.Mean => count,
            _ => total,
        };
        return new ReductionWeights(total, count, divisor);
    }

    /// <summary>Σ sᵢ·rᵢ over the counted rows with sᵢ ≠ 0 (compensated), and how many rows are counted.</summary>
    private static double TotalWeight<T>(int rows, ReadOnlySpan<T> sampleWeights, ReadOnlySpan<double> rowWeights, out long countedRows)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
    {
        countedRows = 0;
        bool unitWeights = true;
        for (int row = 0; row < rowWeights.Length; row++)
        {
            double rowWeight = rowWeights[row];
            countedRows += EffectiveLabels.IsIgnored(rowWeight) ? 0 : 1;
            unitWeights &= rowWeight == 1.0 || EffectiveLabels.IsIgnored(rowWeight);
        }

        if (rowWeights.IsEmpty)
        {
            countedRows = rows;
        }

        if (sampleWeights.IsEmpty && unitWeights)
        {
            // A sum of ones is the count, exactly (far below 2⁵³), as the compensated sum below would give it.
            return countedRows;
        }

        var totalWeight = new CompensatedSum();
        for (int row = 0; row < rows; row++)
        {
            double rowWeight = rowWeights.IsEmpty ? 1.0 : rowWeights[row];
            double sampleWeight = sampleWeights.IsEmpty ? 1.0 : double.CreateTruncating(sampleWeights[row]);
            if (!EffectiveLabels.IsIgnored(rowWeight) && sampleWeight != 0.0)
            {
                totalWeight.Add(sampleWeight * rowWeight);
            }
        }

        return totalWeight.Value;
    }

    /// <summary>sᵢ/D per row, 0 for an ignored row, a zero weight or D = 0.</summary>
    private static void Factors<T>(int rows, ReadOnlySpan<T> sampleWeights, ReadOnlySpan<double> rowWeights, double divisor, Span<double> factors)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
    {
        // 1/D once: a weight of 1 (every row without sample weights) gives that quotient exactly.
        double share = divisor == 0.0 ? 0.0 : 1.0 / divisor;
        if (sampleWeights.IsEmpty)
        {
            for (int row = 0; row < rows; row++)
            {
                factors[row] = !rowWeights.IsEmpty && EffectiveLabels.IsIgnored(rowWeights[row]) ? 0.0 : share;
            }

            return;
        }

        for (int row = 0; row < rows; row++)
        {
            bool ignored = !rowWeights.IsEmpty && EffectiveLabels.IsIgnored(rowWeights[row]);
            double sampleWeight = double.CreateTruncating(sampleWeights[row]);
            factors[row] = ignored || divisor == 0.0 || sampleWeight == 0.0 ? 0.0
                : sampleWeight == 1.0 ? share
                : sampleWeight / divisor;
        }
    }

    /// <summary>
    /// <c>factors[i]·chain</c> rounded to T (0 where either is 0); whether any row's factor is to be applied in
    /// double (<see cref="InDouble{T}(double, double, T)"/>).
    /// </summary>
    private static bool FactorsInT<T>(ReadOnlySpan<double> factors, double chain, Span<T> factorsInT)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
    {
        bool anyInDouble = false;
        double last = double.NaN;
        T lastInT = T.Zero;
        for (int row = 0; row < factors.Length; row++)
        {
            double factor = factors[row];
            if (!factor.Equals(last))
            {
                // Rows mostly share one factor (1/D without sample weights): it is rounded and checked once.
                last = factor;
                lastInT = T.CreateTruncating(factor == 0.0 || chain == 0.0 ? 0.0 : factor * chain);
                anyInDouble |= InDouble(factor, chain, lastInT);
            }

            factorsInT[row] = lastInT;
        }

        return anyInDouble;
    }

    /// <summary>
    /// Scales row i of the column-major <paramref name="gradient"/> by <c>factors[i]·chain</c>, rounded to T
    /// once per row. A factor that is not a normal number in T (beyond its range, as 1/W for a tiny total
    /// weight W, or below its smallest normal, where it would keep few digits or none) is applied in double, by
    /// <see cref="Product"/>, and each entry rounded once; the others in T, as the functions do. A zero factor
    /// gives exactly 0.
    /// </summary>
    private static void ScaleRows<T>(Span<T> gradient, int rows, ReadOnlySpan<double> factors, double chain)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
    {
        T[] pooled = ArrayPool<T>.Shared.Rent(rows);
        Span<T> factorsInT = pooled.AsSpan(0, rows);
        bool anyInDouble = FactorsInT(factors, chain, factorsInT);
        for (int offset = 0; offset < gradient.Length; offset += rows)
        {
            Span<T> column = gradient.Slice(offset, rows);
            if (!anyInDouble)
            {
                VectorMath.ScaleOrZero(column, factorsInT);
                continue;
            }

            for (int row = 0; row < rows; row++)
            {
                column[row] = InDouble(factors[row], chain, factorsInT[row])
                    ? T.CreateTruncating(Product(factors[row], chain, double.CreateTruncating(column[row])))
                    : Elementwise.TimesOrZero(factorsInT[row], column[row]);
            }
        }

        ArrayPool<T>.Shared.Return(pooled);
    }

    /// <summary>
    /// Whether a row's factor f·c (<paramref name="factorInT"/>, f·c rounded to T) is applied in double: neither f nor c
    /// is 0, and f·c is not a normal number in double or not in T. Such a factor may have rounded to 0 or to ∞ (a tiny
    /// sample weight beside a large total, a huge one with Sum), though the entries it scales are in range.
    /// </summary>
    private static bool InDouble<T>(double factor, double chain, T factorInT)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
        => factor != 0.0 && chain != 0.0 && !(double.IsNormal(factor * chain) && T.IsNormal(factorInT));

    /// <summary>
    /// f·c·e in double without an intermediate leaving its range: the three significands (each in [1, 2)) multiplied,
    /// then scaled by 2 to the sum of the exponents, so the only roundings are the two products' and, below double's
    /// normal range, the last scaling's. A zero or non-finite operand (a NaN weight, say) takes the plain product.
    /// </summary>
    private static double Product(double factor, double chain, double entry)
    {
        if (factor == 0.0 || chain == 0.0 || !double.IsFinite(factor) || !double.IsFinite(chain) || !double.IsFinite(entry))
        {
            return factor * chain * entry;
        }

        int factorExponent = Math.ILogB(factor);
        int chainExponent = Math.ILogB(chain);
        double significands = Math.ScaleB(factor, -factorExponent) * Math.ScaleB(chain, -chainExponent);
        if (entry == 0.0)
        {
            // A zero with the product's sign.
            return significands * entry;
        }

        int entryExponent = Math.ILogB(entry);
        return Math.ScaleB(significands * Math.ScaleB(entry, -entryExponent), factorExponent + chainExponent + entryExponent);
    }
}

/// <summary>
/// A matrix-label loss with its column-major inputs, for the reductions it redoes from them at a power-of-two
/// scale (and the square root it takes); the default for none.
/// </summary>
internal readonly ref struct LossInputs<T>
    where T : struct, System.Numerics.IFloatingPointIeee754<T>
{
    public LossInputs(MatrixLabelLoss<T> loss, ReadOnlySpan<T> labels, ReadOnlySpan<T> predictions)
    {
        Loss = loss;
        Labels = labels;
        Predictions = predictions;
    }

    public MatrixLabelLoss<T>? Loss { get; }

    public ReadOnlySpan<T> Labels { get; }

    public ReadOnlySpan<T> Predictions { get; }
}
