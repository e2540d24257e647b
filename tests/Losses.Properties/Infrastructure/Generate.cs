using System;
using System.Linq;
using CsCheck;

namespace Losses.Properties.Infrastructure;

/// <summary>
/// CsCheck generators for batches. Shapes cover 1..300 rows and 1..1000 classes, mostly small (where
/// bugs show and shrink best), sometimes tall, wide or both, with at most 20 000 elements so a
/// property runs hundreds of inputs in well under a second.
/// </summary>
internal static class Generate
{
    public const int MaxElements = 20_000;

    public static readonly Gen<(int Rows, int Columns)> Shape = Gen.Frequency(
        (6, Gen.Select(Gen.Int[1, 16], Gen.Int[1, 32])),
        (2, Gen.Select(Gen.Int[1, 300], Gen.Int[1, 8])),
        (2, Gen.Select(Gen.Int[1, 4], Gen.Int[1, 1000])),
        (1, Gen.Int[1, 300].SelectMany(rows => Gen.Int[1, Math.Min(1000, MaxElements / rows)].Select(columns => (rows, columns)))));

    /// <summary>Small shapes for finite differences, which evaluate the loss twice per checked coordinate.</summary>
    public static readonly Gen<(int Rows, int Columns)> SmallShape = Gen.Select(Gen.Int[1, 12], Gen.Int[1, 24]);

    /// <summary>Ordinary logits: mostly in [-10, 10], some in [-100, 100], a few in [-10⁴, 10⁴].</summary>
    public static readonly Gen<double> Logit = Gen.Frequency(
        (8, Gen.Double[-10, 10]),
        (2, Gen.Double[-100, 100]),
        (1, Gen.Double[-1e4, 1e4]));

    /// <summary>Logits on the grid k/64, |k| ≤ 2048: adding an integer up to 1000 is exact in float and double.</summary>
    public static readonly Gen<double> GridLogit = Gen.Int[-2048, 2048].Select(k => k / 64.0);

    public static readonly Gen<double> ShiftConstant = Gen.Int[-1000, 1000].Select(k => (double)k);

    /// <summary>Arbitrary real labels (TensorFlow does not normalise them), including exact zeros.</summary>
    public static readonly Gen<double> Label = Gen.Frequency(
        (3, Gen.Double[0, 1]),
        (1, Gen.Const(0.0)),
        (1, Gen.Double[-2, 2]));

    public static Gen<Batch> BatchOf((int Rows, int Columns) shape, Gen<double> element)
        => element.Array[shape.Rows * shape.Columns].Select(values => new Batch(shape.Rows, shape.Columns, values));

    public static Gen<Batch> Batches(Gen<double> element) => Shape.SelectMany(shape => BatchOf(shape, element));

    /// <summary>A row-stochastic batch: each row non-negative, summing to 1 (up to double rounding).</summary>
    public static Gen<Batch> Distributions((int Rows, int Columns) shape)
        => Gen.Frequency((3, Gen.Double[0, 1]), (1, Gen.Const(0.0))).Array[shape.Rows * shape.Columns].Select(values =>
        {
            for (int i = 0; i < shape.Rows; i++)
            {
                var row = values.AsSpan(i * shape.Columns, shape.Columns);
                double sum = 0;
                foreach (double v in row)
                {
                    sum += v;
                }

                if (sum == 0)
                {
                    row[0] = 1;
                    continue;
                }

                for (int j = 0; j < row.Length; j++)
                {
                    row[j] /= sum;
                }
            }

            return new Batch(shape.Rows, shape.Columns, values);
        });

    public static Gen<int[]> ClassIndices((int Rows, int Columns) shape) => Gen.Int[0, shape.Columns - 1].Array[shape.Rows];

    /// <summary>Labels and logits of one shape.</summary>
    public static Gen<(Batch Labels, Batch Logits)> LabelsAndLogits(Gen<double> label, Gen<double> logit, Gen<(int Rows, int Columns)>? shape = null)
        => (shape ?? Shape).SelectMany(s => Gen.Select(BatchOf(s, label), BatchOf(s, logit)));

    public static Gen<(Batch Labels, Batch Logits)> DistributionsAndLogits(Gen<double> logit, Gen<(int Rows, int Columns)>? shape = null)
        => (shape ?? Shape).SelectMany(s => Gen.Select(Distributions(s), BatchOf(s, logit)));

    public static Gen<(int[] Classes, Batch Logits)> ClassesAndLogits(Gen<double> logit, Gen<(int Rows, int Columns)>? shape = null)
        => (shape ?? Shape).SelectMany(s => Gen.Select(ClassIndices(s), BatchOf(s, logit)));

    /// <summary>The one-hot rows of <paramref name="classes"/>.</summary>
    public static Batch OneHot(int[] classes, int columns)
    {
        var values = new double[classes.Length * columns];
        for (int i = 0; i < classes.Length; i++)
        {
            values[(i * columns) + classes[i]] = 1;
        }

        return new Batch(classes.Length, columns, values);
    }

    public static string Print<TFirst, TSecond>((TFirst First, TSecond Second) input)
        => $"({Describe(input.First)}, {Describe(input.Second)})";

    private static string Describe(object? value)
        => value is int[] indices ? $"[{string.Join(", ", indices.Take(20))}{(indices.Length > 20 ? " ..." : "")}]" : value?.ToString() ?? "null";
}
