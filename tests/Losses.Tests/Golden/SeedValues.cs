using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace Losses.Tests.Golden;

/// <summary>
/// The chapter's inputs and printed values, read from <c>Golden/seed-values.json</c>. For each value,
/// "document" is what the chapter prints (TensorFlow in float32, rounded to 8 digits as printed) and
/// "exact" is the same mathematics evaluated in 40-digit arithmetic, rounded to 20 digits.
/// </summary>
public static class SeedValues
{
    private static readonly Lazy<JsonDocument> Document = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Golden", "seed-values.json"))));

    private static JsonElement Inputs => Document.Value.RootElement.GetProperty("inputs");

    private static JsonElement Values => Document.Value.RootElement.GetProperty("values");

    /// <summary>The chapter's labels <c>[[0, 0, 1], [0, 1, 0]]</c>.</summary>
    public static double[,] OneHotLabels => Matrix(Inputs.GetProperty("labels_one_hot"));

    /// <summary>The chapter's soft labels <c>[[0.4, 0.1, 0.5], [0.3, 0.6, 0.1]]</c> (rel4).</summary>
    public static double[,] SoftLabels => Matrix(Inputs.GetProperty("labels_soft"));

    /// <summary>The chapter's class indices <c>[2, 1]</c> (rel5).</summary>
    public static int[] SparseLabels => Inputs.GetProperty("labels_sparse").EnumerateArray().Select(e => e.GetInt32()).ToArray();

    /// <summary>The chapter's logits <c>[[2, 0.5, 6], [0.1, 0, 3]]</c>.</summary>
    public static double[,] Logits => Matrix(Inputs.GetProperty("logits"));

    /// <summary>The value as the chapter prints it, flattened row by row.</summary>
    public static double[] Printed(string name) => Flatten(Values.GetProperty(name).GetProperty("document"));

    /// <summary>The 40-digit value (rounded to 20 digits), flattened row by row.</summary>
    public static double[] Exact(string name) => Flatten(Values.GetProperty(name).GetProperty("exact"));

    private static double[,] Matrix(JsonElement rows)
    {
        double[][] values = rows.EnumerateArray().Select(row => row.EnumerateArray().Select(Number).ToArray()).ToArray();
        var matrix = new double[values.Length, values[0].Length];
        for (int i = 0; i < values.Length; i++)
        {
            for (int j = 0; j < values[i].Length; j++)
            {
                matrix[i, j] = values[i][j];
            }
        }

        return matrix;
    }

    private static double[] Flatten(JsonElement element) => element.ValueKind == JsonValueKind.Array
        ? element.EnumerateArray().SelectMany(Flatten).ToArray()
        : [Number(element)];

    private static double Number(JsonElement element) => element.ValueKind == JsonValueKind.String
        ? double.Parse(element.GetString()!, NumberStyles.Float, CultureInfo.InvariantCulture)
        : element.GetDouble();
}
