using System;
using System.Buffers;
using System.Globalization;
using Losses.Internal;
using MathNet.Numerics.LinearAlgebra;

namespace Losses;

/// <summary>The reduced value of a batch and the sums that merge it with others.</summary>
internal readonly record struct LossTotals<T>(T Value, double WeightedSum, double TotalWeight, long Count);

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
        CheckBuffers(predictions, gradient, perExample, sampleWeights);
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
        double[] pooled = ArrayPool<double>.Shared.Rent(rows);
        Span<double> rowWeights = pooled.AsSpan(0, rows);
        bool weighted = terms.Compute(y.Span, x.Span, rows, columns, l.Span, g.Span, rowWeights);
        LossTotals<T> totals = Reduce(
            l.Span, g.Span, rows, s.Span, weighted ? rowWeights : Span<double>.Empty, terms.TermsPerRow(columns), terms.Reduction, terms.TakesSquareRoot);
        ArrayPool<double>.Shared.Return(pooled);
        g.Commit();
        l.Commit();
        return totals;
    }

    /// <summary>Wraps totals and the buffers they were computed into.</summary>
    public static LossResult<T> Result<T>(LossTotals<T> totals, Vector<T> perExample, Matrix<T> gradient, Reduction reduction, bool takesSquareRoot)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
        => new(totals.Value, perExample, gradient, totals.WeightedSum, totals.TotalWeight, totals.Count, reduction, takesSquareRoot);

    /// <summary>Checks the caller's gradient and per-example buffers and the sample weights' length.</summary>
    public static void CheckBuffers<T>(Matrix<T> predictions, Matrix<T> gradient, Vector<T> perExample, Vector<T>? sampleWeights)
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
    /// Reduces <c>ℓᵢ</c> with sample weights sᵢ (empty: all 1) and row weights rᵢ (empty: all 1;
    /// <see cref="EffectiveLabels.IgnoredRow"/>: not counted), and turns the per-row derivatives in
    /// <paramref name="gradient"/> into ∂Value/∂x by scaling row i by sᵢ/D (D the reduction's divisor),
    /// and by 1/(2·Value) when the value is a square root. A row scaled by 0 becomes exactly 0.
    /// </summary>
    public static LossTotals<T> Reduce<T>(
        ReadOnlySpan<T> losses,
        Span<T> gradient,
        int rows,
        ReadOnlySpan<T> sampleWeights,
        ReadOnlySpan<double> rowWeights,
        int termsPerRow,
        Reduction reduction,
        bool takesSquareRoot)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
    {
        var weightedSum = new CompensatedSum();
        var totalWeight = new CompensatedSum();
        long countedRows = 0;
        for (int row = 0; row < rows; row++)
        {
            double rowWeight = rowWeights.IsEmpty ? 1.0 : rowWeights[row];
            if (rowWeight == EffectiveLabels.IgnoredRow)
            {
                continue;
            }

            countedRows++;
            double sampleWeight = sampleWeights.IsEmpty ? 1.0 : double.CreateTruncating(sampleWeights[row]);
            if (sampleWeight != 0.0)
            {
                weightedSum.Add(sampleWeight * double.CreateTruncating(losses[row]));
                totalWeight.Add(sampleWeight * rowWeight);
            }
        }

        long count = countedRows * termsPerRow;
        double total = totalWeight.Value * termsPerRow;
        double divisor = reduction switch
        {
            Reduction.Sum => 1.0,
            Reduction.Mean => count,
            _ => total,
        };
        double reduced = divisor == 0.0 ? 0.0 : weightedSum.Value / divisor;
        double value = takesSquareRoot ? Math.Sqrt(reduced) : reduced;
        double chain = !takesSquareRoot ? 1.0 : value == 0.0 ? 0.0 : 0.5 / value;

        // A factor such as 1/W for a tiny total weight W may lie beyond T's range although every scaled entry
        // does not: such rows are scaled in double and rounded once; the others in T, as the functions do.
        double[] pooled = ArrayPool<double>.Shared.Rent(rows);
        T[] pooledInT = ArrayPool<T>.Shared.Rent(rows);
        Span<double> factors = pooled.AsSpan(0, rows);
        Span<T> factorsInT = pooledInT.AsSpan(0, rows);
        bool anyBeyondT = false;
        for (int row = 0; row < rows; row++)
        {
            bool ignored = !rowWeights.IsEmpty && rowWeights[row] == EffectiveLabels.IgnoredRow;
            double sampleWeight = sampleWeights.IsEmpty ? 1.0 : double.CreateTruncating(sampleWeights[row]);
            factors[row] = ignored || divisor == 0.0 || sampleWeight == 0.0 || chain == 0.0
                ? 0.0
                : sampleWeight / divisor * chain;
            factorsInT[row] = T.CreateTruncating(factors[row]);
            anyBeyondT |= !T.IsFinite(factorsInT[row]) && double.IsFinite(factors[row]);
        }

        for (int offset = 0; offset < gradient.Length; offset += rows)
        {
            Span<T> column = gradient.Slice(offset, rows);
            for (int row = 0; row < rows; row++)
            {
                column[row] = anyBeyondT && !T.IsFinite(factorsInT[row])
                    ? T.CreateTruncating(factors[row] * double.CreateTruncating(column[row]))
                    : Elementwise.TimesOrZero(factorsInT[row], column[row]);
            }
        }

        ArrayPool<T>.Shared.Return(pooledInT);
        ArrayPool<double>.Shared.Return(pooled);
        return new LossTotals<T>(T.CreateTruncating(value), weightedSum.Value, total, count);
    }
}
