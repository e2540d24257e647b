using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using MathNet.Numerics.LinearAlgebra;

namespace Losses.Demo;

/// <summary>
/// Replays the chapter's softmax and cross-entropy experiments with Losses, in float and in double,
/// and checks each result against the value the chapter prints.
/// </summary>
internal static class ChapterReplay
{
    /// <summary>The key of the cross-entropy of scaled2, which shows what rel2 really computes.</summary>
    private const string CrossEntropyOfScaled2 = "crossEntropyOfScaled2";

    private static readonly double[,] Labels = { { 0, 0, 1 }, { 0, 1, 0 } };
    private static readonly double[,] SoftLabels = { { 0.4, 0.1, 0.5 }, { 0.3, 0.6, 0.1 } };
    private static readonly int[] ClassIndices = [2, 1];
    private static readonly double[,] Logits = { { 2, 0.5, 6 }, { 0.1, 0, 3 } };

    /// <summary>
    /// Every experiment with the values the chapter prints: the chapter's TensorFlow output (float32),
    /// copied digit for digit. loss2 is printed rounded to 3.12183, hence its wider tolerance.
    /// </summary>
    private static readonly Experiment[] Experiments =
    [
        new("scaled", "Activation.Softmax(logits)",
            [0.01791432, 0.00399722, 0.97808844, 0.04980332, 0.04506391, 0.90513283], Columns: 3),
        new("scaled2", "Activation.Softmax(scaled)",
            [0.21747023, 0.21446465, 0.56806517, 0.2300214, 0.22893383, 0.54104471], Columns: 3),
        new("rel1", "Loss.SoftmaxCrossEntropyWithLogits(labels, logits)", [0.02215516, 3.09967351]),
        new("rel2", "Loss.SoftmaxCrossEntropyWithLogits(labels, scaled)", [0.56551915, 1.47432232]),
        new("rel3", "Loss.CrossEntropy(labels, scaled)", [0.02215518, 3.09967351]),
        new("rel4", "Loss.SoftmaxCrossEntropyWithLogits(softLabels, logits)", [2.17215538, 2.76967359]),
        new("rel5", "Loss.SparseSoftmaxCrossEntropyWithLogits([2, 1], logits)", [0.02215516, 3.09967351]),
        new("loss", "Σ rel1", [3.1218286]),
        new("loss2", "Σ Loss.CrossEntropy(labels, scaled)", [3.12183], Tolerance: 1e-5),
    ];

    /// <summary>Writes the replay and returns whether every value agrees with the chapter.</summary>
    public static bool Run(TextWriter writer)
    {
        var single = Compute<float>();
        var dual = Compute<double>();

        writer.WriteLine("The chapter's softmax and cross-entropy experiments, replayed with Losses");
        writer.WriteLine();
        writer.WriteLine($"  labels     = {Format(Labels)}");
        writer.WriteLine($"  softLabels = {Format(SoftLabels)}");
        writer.WriteLine($"  logits     = {Format(Logits)}");
        writer.WriteLine();

        var calls = new Table(Table.Left("Experiment"), Table.Left("C#"));
        foreach (var experiment in Experiments)
        {
            calls.AddRow(experiment.Name, experiment.Call);
        }

        calls.Write(writer);
        writer.WriteLine();

        var results = new Table(
            Table.Left("Experiment"),
            Table.Left("Element"),
            Table.Left("Chapter (TensorFlow)"),
            Table.Left("float"),
            Table.Right("|Δ| float"),
            Table.Left("double"),
            Table.Right("|Δ| double"),
            Table.Right("Tolerance"),
            Table.Left("Agrees"));
        var disagreements = 0;
        var count = 0;
        foreach (var experiment in Experiments)
        {
            for (var index = 0; index < experiment.Chapter.Length; index++)
            {
                var chapter = experiment.Chapter[index];
                var floatDelta = Math.Abs(single[experiment.Name][index] - chapter);
                var doubleDelta = Math.Abs(dual[experiment.Name][index] - chapter);
                var agrees = floatDelta <= experiment.Tolerance && doubleDelta <= experiment.Tolerance;
                disagreements += agrees ? 0 : 1;
                count++;
                results.AddRow(
                    experiment.Name,
                    experiment.Element(index),
                    Invariant(chapter, "R"),
                    Invariant(single[experiment.Name][index], "F8"),
                    Invariant(floatDelta, "0.0E+00"),
                    Invariant(dual[experiment.Name][index], "F12"),
                    Invariant(doubleDelta, "0.0E+00"),
                    Invariant(experiment.Tolerance, "0E+00"),
                    agrees ? "yes" : "NO");
            }
        }

        results.Write(writer);
        writer.WriteLine();

        writer.WriteLine("The rel2 mistake: passing softmax output as logits applies softmax a second time.");
        var mistake = new Table(Table.Left("Result"), Table.Left("double"), Table.Left("Meaning"));
        mistake.AddRow("rel1", Format(dual["rel1"]), "logits passed as logits: correct");
        mistake.AddRow("rel2", Format(dual["rel2"]), "softmax output passed as logits: wrong");
        mistake.AddRow("Loss.CrossEntropy(labels, scaled2)", Format(dual[CrossEntropyOfScaled2]), "what rel2 really computes");
        mistake.Write(writer);
        writer.WriteLine();

        writer.WriteLine(disagreements == 0
            ? $"All {count} values agree with the chapter's TensorFlow output, in float and in double."
            : $"{disagreements} of {count} values disagree with the chapter's TensorFlow output.");
        writer.WriteLine();
        return disagreements == 0;
    }

    /// <summary>Runs every experiment in T, as the chapter does, and returns each result flattened row by row, in double.</summary>
    private static Dictionary<string, double[]> Compute<T>()
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
    {
        var labels = ToMatrix<T>(Labels);
        var softLabels = ToMatrix<T>(SoftLabels);
        var logits = ToMatrix<T>(Logits);

        var scaled = Activation.Softmax(logits);
        var scaled2 = Activation.Softmax(scaled);
        var rel1 = Loss.SoftmaxCrossEntropyWithLogits(labels, logits);
        var rel2 = Loss.SoftmaxCrossEntropyWithLogits(labels, scaled);
        var rel3 = Loss.CrossEntropy(labels, scaled);
        var rel4 = Loss.SoftmaxCrossEntropyWithLogits(softLabels, logits);
        var rel5 = Loss.SparseSoftmaxCrossEntropyWithLogits(ClassIndices, logits);
        var loss = rel1.Sum();
        var loss2 = Loss.CrossEntropy(labels, scaled).Sum();

        return new()
        {
            ["scaled"] = ToDoubles(scaled.ToRowMajorArray()),
            ["scaled2"] = ToDoubles(scaled2.ToRowMajorArray()),
            ["rel1"] = ToDoubles(rel1),
            ["rel2"] = ToDoubles(rel2),
            ["rel3"] = ToDoubles(rel3),
            ["rel4"] = ToDoubles(rel4),
            ["rel5"] = ToDoubles(rel5),
            ["loss"] = ToDoubles([loss]),
            ["loss2"] = ToDoubles([loss2]),
            [CrossEntropyOfScaled2] = ToDoubles(Loss.CrossEntropy(labels, scaled2)),
        };
    }

    private static Matrix<T> ToMatrix<T>(double[,] values)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
        => Matrix<T>.Build.Dense(values.GetLength(0), values.GetLength(1), (row, column) => T.CreateChecked(values[row, column]));

    private static double[] ToDoubles<T>(IEnumerable<T> values)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
        => values.Select(double.CreateChecked).ToArray();

    private static string Invariant(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    private static string Format(double[,] values)
        => "[" + string.Join(", ", Enumerable.Range(0, values.GetLength(0))
            .Select(row => Format(Enumerable.Range(0, values.GetLength(1)).Select(column => values[row, column]), "R"))) + "]";

    private static string Format(IEnumerable<double> values, string format = "F8")
        => "[" + string.Join(", ", values.Select(value => Invariant(value, format))) + "]";

    /// <summary>One experiment of the chapter: its name, the C# call, the printed values and how close they must be.</summary>
    /// <param name="Name">The chapter's name for the result.</param>
    /// <param name="Call">The Losses call that computes it.</param>
    /// <param name="Chapter">The values the chapter prints, row by row.</param>
    /// <param name="Columns">The column count of a matrix result; 0 for a vector or a scalar.</param>
    /// <param name="Tolerance">The largest accepted distance to the printed value.</param>
    private sealed record Experiment(string Name, string Call, double[] Chapter, int Columns = 0, double Tolerance = 1e-6)
    {
        /// <summary>The element's index as [row, column] for a matrix, [i] for a vector, nothing for a scalar.</summary>
        public string Element(int index) => (Columns, Chapter.Length) switch
        {
            ( > 0, _) => string.Create(CultureInfo.InvariantCulture, $"[{index / Columns}, {index % Columns}]"),
            (_, > 1) => string.Create(CultureInfo.InvariantCulture, $"[{index}]"),
            _ => "",
        };
    }
}
