using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using Losses.Properties.Infrastructure;
using MathNet.Numerics.LinearAlgebra;

namespace Losses.Properties;

/// <summary>
/// A golden suite from outside the library: References/references.json holds every function's value
/// and gradient at ordinary and extreme inputs (±1e30, ±700, ±1e-30, ties, 1000 classes, tiny and huge
/// errors), computed by References/generate.py with Python's decimal module at 60 digits from the
/// exact binary inputs of each type. Double agrees within 10⁻¹³ of |e| + s, float within
/// 8·(C + 4)·2⁻²³·(|e| + s), where e is the reference and s the size of the terms it is summed from
/// (so that a value near 0 is judged absolutely).
/// </summary>
public abstract class ReferenceValues<T>
    where T : struct, System.Numerics.IFloatingPointIeee754<T>
{
    private static readonly string Kind = typeof(T) == typeof(float) ? "float" : "double";

    private static readonly Lazy<JsonDocument> Document = new(() => JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "References", "references.json"))));

    [Fact]
    public void EveryFunction_MatchesTheFiftyDigitReferences()
    {
        var failures = new List<string>();
        int cases = 0;
        foreach (var element in Document.Value.RootElement.GetProperty("cases").EnumerateArray())
        {
            if (element.GetProperty("type").GetString() != Kind)
            {
                continue;
            }

            cases++;
            Checks.Count();
            string name = element.GetProperty("name").GetString()!;
            try
            {
                Check(element);
            }
#pragma warning disable CA1031 // Every failing case is collected and reported by name.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                failures.Add($"{name}: {exception.Message}");
            }
        }

        cases.Should().BeGreaterThan(60);
        failures.Should().BeEmpty($"every reference must hold, but {failures.Count} do not:{Environment.NewLine}{string.Join(Environment.NewLine, failures)}{Environment.NewLine}");
    }

    private static void Check(JsonElement element)
    {
        string function = element.GetProperty("function").GetString()!;
        var x = MatrixOf(element.GetProperty("inputs"));
        var y = element.TryGetProperty("labels", out var labels) && labels.ValueKind == JsonValueKind.Array ? MatrixOf(labels) : null;
        T weight = element.TryGetProperty("weight", out var q) ? T.CreateTruncating(Parse(q.GetString()!)) : T.One;
        int[] classes = element.TryGetProperty("classes", out var c) ? c.EnumerateArray().Select(v => v.GetInt32()).ToArray() : [];
        (double[] Value, double[]? Gradient) actual = function switch
        {
            "Softmax" => (Values.RowMajor(Activation.Softmax(x)), null),
            "LogSoftmax" => (Values.RowMajor(Activation.LogSoftmax(x)), null),
            "Sigmoid" => (Values.RowMajor(Activation.Sigmoid(x)), null),
            "SoftmaxCrossEntropyWithLogits" => (Values.Of(Loss.SoftmaxCrossEntropyWithLogits(y!, x)), Values.RowMajor(Loss.SoftmaxCrossEntropyWithLogitsGradient(y!, x))),
            "SparseSoftmaxCrossEntropyWithLogits" => (Values.Of(Loss.SparseSoftmaxCrossEntropyWithLogits<T>(classes, x)), Values.RowMajor(Loss.SparseSoftmaxCrossEntropyWithLogitsGradient<T>(classes, x))),
            "CrossEntropy" => (Values.Of(Loss.CrossEntropy(y!, x)), Values.RowMajor(Loss.CrossEntropyGradient(y!, x))),
            "SigmoidCrossEntropyWithLogits" => (Values.RowMajor(Loss.SigmoidCrossEntropyWithLogits(y!, x)), Values.RowMajor(Loss.SigmoidCrossEntropyWithLogitsGradient(y!, x))),
            "WeightedCrossEntropyWithLogits" => (Values.RowMajor(Loss.WeightedCrossEntropyWithLogits(y!, x, weight)), Values.RowMajor(Loss.WeightedCrossEntropyWithLogitsGradient(y!, x, weight))),
            "MeanSquaredError" => ([double.CreateTruncating(Loss.MeanSquaredError(y!, x))], Values.RowMajor(Loss.MeanSquaredErrorGradient(y!, x))),
            "RootMeanSquaredError" => ([double.CreateTruncating(Loss.RootMeanSquaredError(y!, x))], Values.RowMajor(Loss.RootMeanSquaredErrorGradient(y!, x))),
            "MeanAbsoluteError" => ([double.CreateTruncating(Loss.MeanAbsoluteError(y!, x))], Values.RowMajor(Loss.MeanAbsoluteErrorGradient(y!, x))),
            _ => throw new InvalidOperationException($"unknown function {function}"),
        };

        double relative = typeof(T) == typeof(float) ? 8 * (x.ColumnCount + 4) * Values.Epsilon<float>() : 1e-13;
        Compare(actual.Value, element.GetProperty("value"), element.GetProperty("valueScale"), relative, "value");
        if (actual.Gradient is not null)
        {
            Compare(actual.Gradient, element.GetProperty("gradient"), element.GetProperty("gradientScale"), relative, "gradient");
        }
    }

    private static void Compare(double[] actual, JsonElement expected, JsonElement scale, double relative, string what)
    {
        double[] e = expected.EnumerateArray().Select(v => Parse(v.GetString()!)).ToArray();
        double[] s = scale.EnumerateArray().Select(v => Parse(v.GetString()!)).ToArray();
        actual.Length.Should().Be(e.Length, what);
        for (int k = 0; k < e.Length; k++)
        {
            NumericAssertions.ShouldAgree(T.CreateTruncating(actual[k]), e[k], relative * (Math.Abs(e[k]) + (double.IsFinite(s[k]) ? s[k] : 0)), $"{what} entry {k}");
        }
    }

    private static Matrix<T> MatrixOf(JsonElement rows)
    {
        var values = rows.EnumerateArray().Select(row => row.EnumerateArray().Select(v => T.CreateTruncating(Parse(v.GetString()!))).ToArray()).ToArray();
        return Matrix<T>.Build.DenseOfRowArrays(values);
    }

    private static double Parse(string text) => text switch
    {
        "inf" => double.PositiveInfinity,
        "-inf" => double.NegativeInfinity,
        "nan" => double.NaN,
        _ => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
    };
}

public sealed class ReferenceValuesFloat : ReferenceValues<float>;

public sealed class ReferenceValuesDouble : ReferenceValues<double>;
