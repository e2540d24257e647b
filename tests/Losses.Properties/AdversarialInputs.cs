using System;
using System.Collections.Generic;
using System.Linq;
using Losses.Properties.Infrastructure;
using MathNet.Numerics.LinearAlgebra;
using static Losses.Properties.Infrastructure.NumericAssertions;

namespace Losses.Properties;

/// <summary>
/// Every function at every position of every argument, with each of the magnitudes
/// {±smallest subnormal, ±0, ±1e-30, ±1, ±1e30, ±MaxValue, ±∞, NaN} (rounded to the type), one position
/// at a time, and for the softmax family also pairs of extreme values in one row and whole rows of
/// one magnitude, and for the regression losses whole batches scaled by each magnitude. Each outcome
/// is judged against <see cref="LimitReference"/> (the API.md policy written out case by case): a
/// finite, correct number; the limit; NaN where no limit exists; never an exception. Every failing
/// case is collected, so one run lists them all.
/// </summary>
public abstract class AdversarialInputs<T>
    where T : struct, System.Numerics.IFloatingPointIeee754<T>
{
    private static readonly double Epsilon = Values.Epsilon<T>();

    private static readonly Batch Logits = Batch.FromRows([0.5, -1, 2], [1.5, 0.25, -0.75]);

    private static readonly Batch SoftLabels = Batch.FromRows([0.2, 0.3, 0.5], [0.6, 0.1, 0.3]);

    private static readonly int[] Classes = [2, 0];

    private static readonly Batch Probabilities = Batch.FromRows([0.25, 0.25, 0.5], [0.6, 0.3, 0.1]);

    private static readonly Batch RegressionLabels = Batch.FromRows([0.2, -1.5, 3], [0.75, 0, -2]);

    /// <summary>The magnitudes tried in every position, as <typeparamref name="T"/> sees them.</summary>
    private static readonly double[] Magnitudes = new[]
    {
        double.CreateTruncating(T.Epsilon), -double.CreateTruncating(T.Epsilon), 0.0, -0.0, 1e-30, -1e-30, 1, -1, 1e30, -1e30,
        Values.MaxValue<T>(), -Values.MaxValue<T>(), double.PositiveInfinity, double.NegativeInfinity, double.NaN,
    }.Select(v => double.CreateTruncating(T.CreateTruncating(v))).ToArray();

    private static readonly double[] Weights = [1.0, 3.5];

    private static readonly double[] Extremes = [Values.MaxValue<T>(), -Values.MaxValue<T>(), double.PositiveInfinity, double.NegativeInfinity, double.NaN];

    [Fact]
    public void SoftmaxAndLogSoftmax_FollowThePolicy()
    {
        var failures = new List<string>();
        foreach (var (description, logits) in Variations(Logits, rows: true, pairs: true))
        {
            Judge(failures, description, () =>
            {
                var seen = logits.RoundedTo<T>();
                var x = seen.ToMatrix<T>();
                var p = Activation.Softmax(x);
                var logP = Activation.LogSoftmax(x);
                for (int i = 0; i < seen.Rows; i++)
                {
                    double[] expected = LimitReference.Softmax(seen.Row(i));
                    double[] expectedLog = LimitReference.LogSoftmax(seen.Row(i));
                    double[] conditioning = Finite(LimitReference.SoftmaxConditioning(seen.Row(i)));
                    for (int j = 0; j < seen.Columns; j++)
                    {
                        double relative = ((4 * (seen.Columns + 4)) + conditioning[j]) * Epsilon;
                        ShouldAgree(p[i, j], expected[j], relative * expected[j], $"softmax[{i}, {j}]");
                        ShouldAgree(logP[i, j], expectedLog[j], relative * (1 + Math.Abs(expectedLog[j])), $"log softmax[{i}, {j}]");
                    }
                }
            });
        }

        Report(failures);
    }

    [Fact]
    public void Sigmoid_FollowsThePolicy()
    {
        var failures = new List<string>();
        foreach (var (description, x) in Variations(Logits, rows: false, pairs: false))
        {
            Judge(failures, description, () =>
            {
                var seen = x.RoundedTo<T>();
                var s = Activation.Sigmoid(seen.ToMatrix<T>());
                for (int k = 0; k < seen.Values.Length; k++)
                {
                    double expected = LimitReference.Sigmoid(seen.Values[k]);
                    ShouldAgree(s[k / seen.Columns, k % seen.Columns], expected, 4 * Epsilon * expected, $"sigmoid entry {k}");
                }
            });
        }

        Report(failures);
    }

    [Fact]
    public void SoftmaxCrossEntropy_FollowsThePolicy()
    {
        var failures = new List<string>();
        var cases = Variations(Logits, rows: true, pairs: true).Select(v => ($"logits {v.Description}", SoftLabels, v.Batch))
            .Concat(Variations(SoftLabels, rows: false, pairs: false).Select(v => ($"labels {v.Description}", v.Batch, Logits)));
        foreach (var (description, labels, logits) in cases)
        {
            Judge(failures, description, () => CheckSoftmaxCrossEntropy(labels.RoundedTo<T>(), logits.RoundedTo<T>()));
        }

        Report(failures);
    }

    [Fact]
    public void SparseSoftmaxCrossEntropy_FollowsThePolicy()
    {
        var failures = new List<string>();
        var oneHot = Generate.OneHot(Classes, Logits.Columns);
        foreach (var (description, logits) in Variations(Logits, rows: true, pairs: true))
        {
            Judge(failures, $"logits {description}", () =>
            {
                var seen = logits.RoundedTo<T>();
                var loss = Loss.SparseSoftmaxCrossEntropyWithLogits<T>(Classes, seen.ToMatrix<T>());
                var gradient = Loss.SparseSoftmaxCrossEntropyWithLogitsGradient<T>(Classes, seen.ToMatrix<T>());
                for (int i = 0; i < seen.Rows; i++)
                {
                    var expected = LimitReference.SoftmaxCrossEntropy(oneHot.Row(i), seen.Row(i));
                    ShouldAgree(loss[i], expected.Value, 4 * (seen.Columns + 4) * Epsilon * expected.Scale, $"loss row {i}");
                    var expectedGradient = LimitReference.SoftmaxCrossEntropyGradient(oneHot.Row(i), seen.Row(i));
                    double[] conditioning = Finite(LimitReference.SoftmaxConditioning(seen.Row(i)));
                    for (int j = 0; j < seen.Columns; j++)
                    {
                        double tolerance = ((4 * (seen.Columns + 4)) + conditioning[j]) * Epsilon * expectedGradient[j].Scale;
                        ShouldAgree(gradient[i, j], expectedGradient[j].Value, tolerance, $"gradient [{i}, {j}]");
                    }
                }
            });
        }

        Report(failures);
    }

    [Fact]
    public void LogisticCrossEntropy_FollowsThePolicy()
    {
        var failures = new List<string>();
        var labels = Probabilities;
        var cases = Variations(Logits, rows: false, pairs: false).SelectMany(v => Weights.Select(q => ($"logits {v.Description}, q = {q}", labels, v.Batch, q)))
            .Concat(Variations(labels, rows: false, pairs: false).SelectMany(v => Weights.Select(q => ($"labels {v.Description}, q = {q}", v.Batch, Logits, q))))
            .Concat(Magnitudes.SelectMany(q => new[] { labels, Generate.OneHot(Classes, 3), Batch.FromRows([0, 0, 0], [0, 0, 0]) }.Select(z => ($"q = {q}, labels {z}", z, Logits, q))));
        foreach (var (description, z, x, q) in cases)
        {
            Judge(failures, description, () => CheckLogistic(z.RoundedTo<T>(), x.RoundedTo<T>(), q));
        }

        Report(failures);
    }

    [Fact]
    public void CrossEntropyOnProbabilities_FollowsThePolicy()
    {
        var failures = new List<string>();
        var cases = Variations(Probabilities, rows: true, pairs: false).Select(v => ($"probabilities {v.Description}", SoftLabels, v.Batch))
            .Concat(Variations(SoftLabels, rows: false, pairs: false).Select(v => ($"labels {v.Description}", v.Batch, Probabilities)))
            .Append(("a zero label meets a zero probability (0·ln 0 = 0)", Batch.FromRows([0, 0.5, 0.5]), Batch.FromRows([0, 0.5, 0.5])));
        foreach (var (description, labels, probabilities) in cases)
        {
            Judge(failures, description, () =>
            {
                var y = labels.RoundedTo<T>();
                var p = probabilities.RoundedTo<T>();
                var loss = Loss.CrossEntropy(y.ToMatrix<T>(), p.ToMatrix<T>());
                var gradient = Loss.CrossEntropyGradient(y.ToMatrix<T>(), p.ToMatrix<T>());
                for (int i = 0; i < y.Rows; i++)
                {
                    var expected = LimitReference.CrossEntropy(y.Row(i), p.Row(i));
                    ShouldAgree(loss[i], expected.Value, 4 * (y.Columns + 4) * Epsilon * expected.Scale, $"loss row {i}");
                    for (int j = 0; j < y.Columns; j++)
                    {
                        var expectedGradient = LimitReference.CrossEntropyGradient(y[i, j], p[i, j]);
                        ShouldAgree(gradient[i, j], expectedGradient.Value, 4 * Epsilon * expectedGradient.Scale, $"gradient [{i}, {j}]");
                    }
                }
            });
        }

        Report(failures);
    }

    [Fact]
    public void RegressionLosses_FollowThePolicy()
    {
        var failures = new List<string>();
        var predictions = Logits;
        var cases = Variations(predictions, rows: false, pairs: false).Select(v => ($"predictions {v.Description}", RegressionLabels, v.Batch))
            .Concat(Variations(RegressionLabels, rows: false, pairs: false).Select(v => ($"labels {v.Description}", v.Batch, predictions)))
            .Concat(Magnitudes.Where(double.IsFinite).Select(m => ($"labels and predictions scaled by {m}", RegressionLabels.Select(v => v * m), predictions.Select(v => v * m))))
            .Concat(Magnitudes.Where(double.IsFinite).Select(m => ($"every error {m}", RegressionLabels, RegressionLabels.Select(v => v + m))));
        foreach (var (description, labels, outputs) in cases)
        {
            Judge(failures, description, () => CheckRegression(labels.RoundedTo<T>(), outputs.RoundedTo<T>()));
        }

        Report(failures);
    }

    internal static void CheckSoftmaxCrossEntropy(Batch labels, Batch logits)
    {
        var loss = Loss.SoftmaxCrossEntropyWithLogits(labels.ToMatrix<T>(), logits.ToMatrix<T>());
        var gradient = Loss.SoftmaxCrossEntropyWithLogitsGradient(labels.ToMatrix<T>(), logits.ToMatrix<T>());
        for (int i = 0; i < labels.Rows; i++)
        {
            bool infiniteLabel = labels.Row(i).ToArray().Any(double.IsInfinity);
            var expected = LimitReference.SoftmaxCrossEntropy(labels.Row(i), logits.Row(i));
            double tolerance = 4 * (labels.Columns + 4) * Epsilon * expected.Scale;
            var expectedGradient = LimitReference.SoftmaxCrossEntropyGradient(labels.Row(i), logits.Row(i));
            double[] conditioning = Finite(LimitReference.SoftmaxConditioning(logits.Row(i)));
            if (infiniteLabel)
            {
                // An infinite label is outside the policy's limits: the IEEE value or NaN.
                ShouldAgreeOrBeNaN(loss[i], expected.Value, tolerance, $"loss row {i}");
                continue;
            }

            ShouldAgree(loss[i], expected.Value, tolerance, $"loss row {i}");
            for (int j = 0; j < labels.Columns; j++)
            {
                double gradientTolerance = ((4 * (labels.Columns + 4)) + conditioning[j]) * Epsilon * expectedGradient[j].Scale;
                ShouldAgree(gradient[i, j], expectedGradient[j].Value, gradientTolerance, $"gradient [{i}, {j}]");
            }
        }
    }

    private static void CheckLogistic(Batch z, Batch x, double q)
    {
        T weight = T.CreateTruncating(q);
        double seenWeight = double.CreateTruncating(weight);
        var loss = Loss.WeightedCrossEntropyWithLogits(z.ToMatrix<T>(), x.ToMatrix<T>(), weight);
        var gradient = Loss.WeightedCrossEntropyWithLogitsGradient(z.ToMatrix<T>(), x.ToMatrix<T>(), weight);
        for (int k = 0; k < z.Values.Length; k++)
        {
            int i = k / z.Columns;
            int j = k % z.Columns;
            var expected = LimitReference.LogisticCrossEntropy(z.Values[k], x.Values[k], seenWeight);
            var expectedGradient = LimitReference.LogisticCrossEntropyGradient(z.Values[k], x.Values[k], seenWeight);
            double underflow = 16 * (1 + (double.IsFinite(seenWeight) ? Math.Abs(seenWeight) : 0)) * (1 + Math.Abs(x.Values[k])) * double.CreateTruncating(T.Epsilon);
            if (double.IsNaN(seenWeight) || double.IsInfinity(z.Values[k]))
            {
                // A NaN weight where the label is 0 (q does not enter) and infinite labels: the policy leaves NaN open.
                ShouldAgreeOrBeNaN(loss[i, j], expected.Value, (8 * Epsilon * expected.Scale) + underflow, $"loss [{i}, {j}]");
                ShouldAgreeOrBeNaN(gradient[i, j], expectedGradient.Value, (8 * Epsilon * expectedGradient.Scale) + underflow, $"gradient [{i}, {j}]");
                continue;
            }

            ShouldAgree(loss[i, j], expected.Value, (8 * Epsilon * expected.Scale) + underflow, $"loss [{i}, {j}]");
            ShouldAgree(gradient[i, j], expectedGradient.Value, (8 * Epsilon * expectedGradient.Scale) + underflow, $"gradient [{i}, {j}]");
        }
    }

    private static void CheckRegression(Batch labels, Batch predictions)
    {
        var y = labels.ToMatrix<T>();
        var p = predictions.ToMatrix<T>();
        var (meanSquared, root, meanAbsolute) = LimitReference.Regression(labels.Values, predictions.Values);
        ShouldAgree(Loss.MeanSquaredError(y, p), meanSquared, 4 * Epsilon * meanSquared, "MSE");
        ShouldAgree(Loss.RootMeanSquaredError(y, p), root, 4 * Epsilon * root, "RMSE");
        ShouldAgree(Loss.MeanAbsoluteError(y, p), meanAbsolute, 4 * Epsilon * meanAbsolute, "MAE");
        var (squaredGradient, rootGradient, absoluteGradient) = LimitReference.RegressionGradient(labels.Values, predictions.Values);
        var squared = Values.RowMajor(Loss.MeanSquaredErrorGradient(y, p));
        var rooted = Values.RowMajor(Loss.RootMeanSquaredErrorGradient(y, p));
        var absolute = Values.RowMajor(Loss.MeanAbsoluteErrorGradient(y, p));
        for (int k = 0; k < squared.Length; k++)
        {
            ShouldAgree(T.CreateTruncating(squared[k]), squaredGradient[k], 4 * Epsilon * Math.Abs(squaredGradient[k]), $"MSE gradient entry {k}");
            ShouldAgree(T.CreateTruncating(rooted[k]), rootGradient[k], 8 * Epsilon * Math.Abs(rootGradient[k]), $"RMSE gradient entry {k}");
            ShouldAgree(T.CreateTruncating(absolute[k]), absoluteGradient[k], 4 * Epsilon * Math.Abs(absoluteGradient[k]), $"MAE gradient entry {k}");
        }
    }

    /// <summary>The base batch, then one position at a time set to each magnitude; optionally pairs of extremes in row 0 and whole rows.</summary>
    private static IEnumerable<(string Description, Batch Batch)> Variations(Batch batch, bool rows, bool pairs)
    {
        yield return ("unchanged", batch);
        for (int i = 0; i < batch.Rows; i++)
        {
            for (int j = 0; j < batch.Columns; j++)
            {
                foreach (double m in Magnitudes)
                {
                    yield return ($"[{i}, {j}] = {Text(m)}", batch.With(i, j, m));
                }
            }
        }

        if (pairs)
        {
            for (int j = 0; j < batch.Columns; j++)
            {
                for (int k = j + 1; k < batch.Columns; k++)
                {
                    foreach (double a in Extremes)
                    {
                        foreach (double b in Extremes)
                        {
                            yield return ($"[0, {j}] = {Text(a)}, [0, {k}] = {Text(b)}", batch.With(0, j, a).With(0, k, b));
                        }
                    }
                }
            }
        }

        if (rows)
        {
            foreach (double m in Magnitudes)
            {
                var row = batch;
                for (int j = 0; j < batch.Columns; j++)
                {
                    row = row.With(0, j, m);
                }

                yield return ($"row 0 all {Text(m)}", row);
            }
        }
    }

    private static void Judge(List<string> failures, string description, Action check)
    {
        Checks.Count();
        try
        {
            check();
        }
#pragma warning disable CA1031 // Every failure, an unexpected exception included, is collected and reported with its case.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            failures.Add($"{typeof(T).Name} {description}: {exception.GetType().Name}: {exception.Message}");
        }
    }

    /// <summary>Fails with every new failing case; cases of a known violation are set aside (see <see cref="KnownViolations"/>).</summary>
    private static void Report(List<string> failures)
    {
        var unknown = failures.Where(failure => KnownViolations.Match(failure.Replace("XunitException: ", string.Empty, StringComparison.Ordinal)) is null).ToList();
        unknown.Should().BeEmpty($"each case must follow the policy, but {unknown.Count} do not:{Environment.NewLine}{string.Join(Environment.NewLine, unknown)}{Environment.NewLine}");
    }

    private static double[] Finite(double[] conditioning) => conditioning.Select(c => double.IsFinite(c) ? c : 0).ToArray();

    private static string Text(double value) => value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
}

public sealed class AdversarialInputsFloat : AdversarialInputs<float>;

public sealed class AdversarialInputsDouble : AdversarialInputs<double>;
