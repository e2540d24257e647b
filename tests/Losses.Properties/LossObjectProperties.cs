using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using CsCheck;
using Losses.Properties.Infrastructure;
using MathNet.Numerics.LinearAlgebra;
using static Losses.Properties.Infrastructure.NumericAssertions;

namespace Losses.Properties;

/// <summary>
/// The loss objects over random batches, options and sample weights: every reduction is its definition
/// over the per-example losses; the objects agree with the static functions they wrap; sparse labels
/// equal one-hot dense labels under every option; the accumulator's merge is exact; a shared object gives
/// every thread the single-threaded results. Tolerances, with ε = 2⁻²³ or 2⁻⁵² and C classes: reductions
/// run in double, so a value is its double sum rounded once (4·ε relative); quantities computed by two
/// routes (sparse and dense, object and static function) agree within 8·(C + 4)·ε of their size.
/// </summary>
public abstract class LossObjectProperties<T>
    where T : struct, System.Numerics.IFloatingPointIeee754<T>
{
    private static readonly double Epsilon = Values.Epsilon<T>();

    private static readonly Reduction[] Reductions = [Reduction.Sum, Reduction.Mean, Reduction.WeightedMean];

    /// <summary>Labels in [0, 1] with zeros, logits in [-10, 10], and sample weights that are absent or in [0, 3] with zeros.</summary>
    /// <summary>Up to 300 rows and 100 classes, at most 3000 elements: each input runs every loss object under every reduction.</summary>
    private static readonly Gen<(int Rows, int Columns)> Shape = Gen.Frequency(
        (3, Gen.Select(Gen.Int[1, 16], Gen.Int[1, 32])),
        (1, Gen.Int[1, 300].SelectMany(rows => Gen.Int[1, Math.Min(100, 3000 / rows)].Select(columns => (rows, columns)))));

    private static readonly Gen<(Batch Labels, Batch Logits, double[]? Weights)> Batches =
        Generate.LabelsAndLogits(Gen.Frequency((3, Gen.Double[0, 1]), (1, Gen.Const(0.0))), Gen.Double[-10, 10], Shape)
            .SelectMany(pair => Gen.Frequency(
                (1, Gen.Const((double[]?)null)),
                (2, Gen.Frequency((4, Gen.Double[0, 3]), (1, Gen.Const(0.0))).Array[pair.Labels.Rows].Select(w => (double[]?)w)))
            .Select(w => (pair.Labels, pair.Logits, (double[]?)w)));

    [Fact]
    public void EveryReduction_IsItsDefinitionOverThePerExampleLosses()
    {
        Checks.ForAll(Batches, input =>
        {
            var (labels, logits, weights) = input;
            var y = labels.ToMatrix<T>();
            var x = logits.ToMatrix<T>();
            var s = weights is null ? null : Vector<T>.Build.DenseOfArray(weights.Select(T.CreateTruncating).ToArray());
            double[] sample = weights?.Select(w => double.CreateTruncating(T.CreateTruncating(w))).ToArray() ?? Enumerable.Repeat(1.0, labels.Rows).ToArray();
            foreach (var (name, termsPerRow, make) in MatrixLosses(labels.Columns))
            {
                var results = Reductions.ToDictionary(r => r, r => make(r).Evaluate(y, x, s));
                var sum = results[Reduction.Sum];
                double[] perExample = Values.Of(sum.PerExample);
                double weightedSum = perExample.Select((l, i) => sample[i] * l).Sum();
                double size = perExample.Select((l, i) => Math.Abs(sample[i] * l)).Sum();
                // WeightedSum reduces the row losses in double; the per-example outputs are those rounded once to T
                // (by ε relative, or by up to T's smallest step where they fall below its normal range).
                double steps = sample.Sum() * double.CreateTruncating(T.Epsilon);
                sum.WeightedSum.Should().BeApproximately(weightedSum, (((4 * labels.Rows * Math.ScaleB(1, -52)) + Epsilon) * size) + steps + 1e-300, $"{name}: WeightedSum = Σ sᵢℓᵢ");
                sum.Count.Should().Be((long)labels.Rows * termsPerRow, $"{name}: counted terms");
                bool rooted = name.StartsWith("RootMeanSquared", StringComparison.Ordinal);
                foreach (var (reduction, result) in results)
                {
                    ShouldBeIdentical<T>(Values.Of(result.PerExample), perExample, $"{name} {reduction}: per-example losses do not depend on the reduction");
                    result.WeightedSum.Should().Be(sum.WeightedSum, $"{name} {reduction}");
                    double divisor = reduction switch
                    {
                        Reduction.Sum => 1,
                        Reduction.Mean => result.Count,
                        _ => result.TotalWeight,
                    };
                    double reduced = divisor == 0 ? 0 : result.WeightedSum / divisor;
                    double expected = rooted ? Math.Sqrt(reduced) : reduced;
                    ShouldAgree(result.Value, expected, 4 * Epsilon * Math.Abs(expected), $"{name} {reduction}: value");

                    // ∂Value/∂x = sᵢ·∂ℓᵢ/∂x / D: the gradients of the reductions differ by their divisors only.
                    // With a divisor below 1/MaxValue the unscaled per-row terms are subnormal in T and keep only a
                    // few bits (PolicyViolations.SoftmaxCrossEntropyLoss_WeightedMeanWithATinyTotalWeight_HasAFiniteGradient).
                    bool divisorFits = divisor == 0 || divisor * Values.MaxValue<T>() > 1e3;
                    if (!rooted && divisor != 0 && divisorFits)
                    {
                        double[] scaled = Values.RowMajor(result.Gradient).Select(g => g * divisor).ToArray();
                        double[] summed = Values.RowMajor(sum.Gradient);
                        double largest = summed.Select(Math.Abs).DefaultIfEmpty(0).Max();
                        for (int k = 0; k < scaled.Length; k++)
                        {
                            // A gradient entry below the smallest normal (a tiny sample weight) keeps few bits: D times a few of its
                            // steps, times the unweighted derivative (below 64 for labels in [0, 1] and logits in [-10, 10]).
                            double underflow = 64 * divisor * double.CreateTruncating(T.Epsilon);
                            ShouldAgree(T.CreateTruncating(scaled[k]), summed[k], (8 * Epsilon * (Math.Abs(scaled[k]) + largest)) + underflow, $"{name} {reduction}: gradient·D entry {k}");
                        }
                    }
                }
            }
        }, 60, input => $"{input.Labels}, {input.Logits}, weights [{string.Join(", ", input.Weights ?? [])}]");
    }

    [Fact]
    public void LossObjectsWithoutOptions_AgreeWithTheStaticFunctions()
    {
        Checks.ForAll(Generate.LabelsAndLogits(Gen.Double[0, 1], Gen.Double[-10, 10], Shape), input =>
        {
            var (labels, logits) = input;
            var y = labels.ToMatrix<T>();
            var x = logits.ToMatrix<T>();
            // Both sum in double and round once to T; the objects add each row's K terms without compensation.
            double rowRounding = (labels.Columns + 4) * Epsilon;
            ShouldAgree(new MeanSquaredErrorLoss<T>().Evaluate(y, x).Value, double.CreateTruncating(Loss.MeanSquaredError(y, x)), rowRounding * double.CreateTruncating(Loss.MeanSquaredError(y, x)), "MSE");
            ShouldAgree(new MeanAbsoluteErrorLoss<T>().Evaluate(y, x).Value, double.CreateTruncating(Loss.MeanAbsoluteError(y, x)), rowRounding * double.CreateTruncating(Loss.MeanAbsoluteError(y, x)), "MAE");
            ShouldAgree(new RootMeanSquaredErrorLoss<T>().Evaluate(y, x).Value, double.CreateTruncating(Loss.RootMeanSquaredError(y, x)), rowRounding * double.CreateTruncating(Loss.RootMeanSquaredError(y, x)), "RMSE");
            ShouldBeIdentical<T>(Values.RowMajor(new MeanSquaredErrorLoss<T>().Evaluate(y, x).Gradient), Values.RowMajor(Loss.MeanSquaredErrorGradient(y, x)), "MSE gradient");

            var softmax = new SoftmaxCrossEntropyLoss<T> { Reduction = Reduction.Sum }.Evaluate(y, x);
            ShouldBeIdentical<T>(Values.Of(softmax.PerExample), Values.Of(Loss.SoftmaxCrossEntropyWithLogits(y, x)), "softmax per-example");
            ShouldBeIdentical<T>(Values.RowMajor(softmax.Gradient), Values.RowMajor(Loss.SoftmaxCrossEntropyWithLogitsGradient(y, x)), "softmax gradient");

            var sigmoid = new SigmoidCrossEntropyLoss<T> { Reduction = Reduction.Sum }.Evaluate(y, x);
            var elementwise = Loss.SigmoidCrossEntropyWithLogits(y, x);
            for (int i = 0; i < labels.Rows; i++)
            {
                double rowSum = elementwise.Row(i).Select(v => double.CreateTruncating(v)).Sum();
                ShouldAgree(sigmoid.PerExample[i], rowSum, 4 * (labels.Columns + 4) * Epsilon * (1 + rowSum), $"sigmoid per-example row {i}");
            }

            ShouldBeIdentical<T>(Values.RowMajor(sigmoid.Gradient), Values.RowMajor(Loss.SigmoidCrossEntropyWithLogitsGradient(y, x)), "sigmoid gradient");
        }, 100, Generate.Print);
    }

    [Fact]
    public void RegressionObjects_OfABatchScaledByAPowerOfTwo_ScaleWithIt()
    {
        // Labels and predictions on the grid k/64 (|k| ≤ 2048) times c = 2^e, e over the whole range where every input
        // stays a normal T. RMSE and MAE are homogeneous of degree 1 (Value(c·x) = c·Value(x), the gradient unchanged),
        // MSE and Huber with δ scaled to c·δ of degree 2 (c²·Value, c·gradient): exactly so in floating point too, whether
        // or not the squares, row sums or weighted sums leave T's range (or double's), wherever the scaled result is
        // representable, and the correctly rounded ±∞ or 0 where not. Each row's ℓ = Σ (p - y)² is exact in double at
        // e = 0, so the per-example output of the squared losses must be ℓ·c² rounded once to T.
        int largest = typeof(T) == typeof(float) ? 120 : 1016;
        var gen = Generate.LabelsAndLogits(Generate.GridLogit, Generate.GridLogit, Shape).SelectMany(pair => Gen.Select(
            Gen.Int[-largest, largest],
            Gen.Frequency((1, Gen.Const((double[]?)null)), (2, Gen.Int[0, 12].Select(k => k / 4.0).Array[pair.Labels.Rows].Select(w => (double[]?)w))),
            (exponent, weights) => (pair.Labels, pair.Logits, exponent, weights)));
        Checks.ForAll(gen, input =>
        {
            var (labels, logits, exponent, weights) = input;
            var s = weights is null ? null : Vector<T>.Build.DenseOfArray(weights.Select(T.CreateTruncating).ToArray());
            var scaledLabels = labels.Select(v => Math.ScaleB(v, exponent));
            var scaledLogits = logits.Select(v => Math.ScaleB(v, exponent));

            // Squares below double's smallest normal are each rounded to a multiple of its smallest step: a weighted
            // sum of n of them (weights ≤ 3) may be off by 3·n/2 steps.
            double steps = ((3.0 * labels.Rows * labels.Columns) + 4) * double.Epsilon;
            foreach (var reduction in Reductions)
            {
                foreach (var (plainLoss, scaledLoss, degree) in RegressionPairs(reduction, exponent))
                {
                    string name = $"{plainLoss.GetType().Name} {reduction}, 2^{exponent}";
                    var plain = plainLoss.Evaluate(labels.ToMatrix<T>(), logits.ToMatrix<T>(), s);
                    var scaled = scaledLoss.Evaluate(scaledLabels.ToMatrix<T>(), scaledLogits.ToMatrix<T>(), s);
                    double expected = Math.ScaleB(double.CreateTruncating(plain.Value), degree * exponent);
                    ShouldAgree(scaled.Value, expected, (8 * Epsilon * Math.Abs(expected)) + steps, $"{name}: value");
                    double[] gradient = Values.RowMajor(plain.Gradient).Select(g => Math.ScaleB(g, (degree - 1) * exponent)).ToArray();
                    double largestEntry = gradient.Select(Math.Abs).DefaultIfEmpty(0).Max();
                    double[] scaledGradient = Values.RowMajor(scaled.Gradient);
                    for (int k = 0; k < gradient.Length; k++)
                    {
                        ShouldAgree(T.CreateTruncating(scaledGradient[k]), gradient[k], 8 * Epsilon * (Math.Abs(gradient[k]) + largestEntry), $"{name}: gradient entry {k}");
                    }

                    if (plainLoss is RootMeanSquaredErrorLoss<T> or MeanSquaredErrorLoss<T>)
                    {
                        for (int i = 0; i < labels.Rows; i++)
                        {
                            double rowSum = Enumerable.Range(0, labels.Columns).Sum(j => Math.Pow(logits[i, j] - labels[i, j], 2));
                            double truth = Math.ScaleB(rowSum, 2 * exponent);
                            ShouldAgree(scaled.PerExample[i], truth, (4 * Epsilon * truth) + steps, $"{name}: per-example row {i}");
                        }
                    }
                }
            }
        }, 60, input => $"{input.Labels}, {input.Logits}, 2^{input.exponent}, weights [{string.Join(", ", input.weights ?? [])}]");
    }

    /// <summary>Each homogeneous regression loss, as given and for the inputs scaled by 2^e (Huber's δ with them), and its degree.</summary>
    private static IEnumerable<(MatrixLabelLoss<T> Plain, MatrixLabelLoss<T> Scaled, int Degree)> RegressionPairs(Reduction reduction, int exponent)
    {
        yield return (new RootMeanSquaredErrorLoss<T> { Reduction = reduction }, new RootMeanSquaredErrorLoss<T> { Reduction = reduction }, 1);
        yield return (new MeanAbsoluteErrorLoss<T> { Reduction = reduction }, new MeanAbsoluteErrorLoss<T> { Reduction = reduction }, 1);
        yield return (new MeanSquaredErrorLoss<T> { Reduction = reduction }, new MeanSquaredErrorLoss<T> { Reduction = reduction }, 2);
        yield return (
            new HuberLoss<T> { Reduction = reduction, Delta = T.CreateTruncating(0.5) },
            new HuberLoss<T> { Reduction = reduction, Delta = T.CreateTruncating(Math.ScaleB(0.5, exponent)) },
            2);
    }

    [Fact]
    public void Sparse_EqualsOneHotDense_UnderEveryOption()
    {
        var gen = Generate.ClassesAndLogits(Gen.Double[-10, 10], Shape).SelectMany(pair => Gen.Select(
            Gen.OneOf(Gen.Const(0.0), Gen.Const(0.1), Gen.Double[0, 1]),
            Gen.Frequency((1, Gen.Const((double[]?)null)), (2, Gen.Double[0.1, 3].Array[pair.Logits.Columns].Select(w => (double[]?)w))),
            Gen.Frequency((1, Gen.Const((double[]?)null)), (2, Gen.Double[0, 3].Array[pair.Logits.Rows].Select(w => (double[]?)w))),
            (smoothing, classWeights, sampleWeights) => (pair.Classes, pair.Logits, smoothing, classWeights, sampleWeights)));
        Checks.ForAll(gen, input =>
        {
            var x = input.Logits.ToMatrix<T>();
            var oneHot = Generate.OneHot(input.Classes, input.Logits.Columns);
            var s = input.sampleWeights is null ? null : Vector<T>.Build.DenseOfArray(input.sampleWeights.Select(T.CreateTruncating).ToArray());
            T[]? classWeights = input.classWeights?.Select(T.CreateTruncating).ToArray();
            T smoothing = T.CreateTruncating(input.smoothing);
            double scale = 1 + 20 + Math.Log(input.Logits.Columns);
            foreach (var reduction in Reductions)
            {
                var sparse = new SparseSoftmaxCrossEntropyLoss<T> { Reduction = reduction, LabelSmoothing = smoothing, ClassWeights = classWeights }.Evaluate(input.Classes, x, s);
                foreach (var labels in new[] { oneHot.ToMatrix<T>(), oneHot.ToSparseMatrix<T>() })
                {
                    var dense = new SoftmaxCrossEntropyLoss<T> { Reduction = reduction, LabelSmoothing = smoothing, ClassWeights = classWeights }.Evaluate(labels, x, s);
                    string what = $"{reduction}, ε = {input.smoothing}";
                    ShouldBeIdentical<T>([double.CreateTruncating(sparse.Value)], [double.CreateTruncating(dense.Value)], $"{what}: value");
                    ShouldBeIdentical<T>(Values.Of(sparse.PerExample), Values.Of(dense.PerExample), $"{what}: per-example");
                    ShouldBeIdentical<T>(Values.RowMajor(sparse.Gradient), Values.RowMajor(dense.Gradient), $"{what}: gradient");
                    sparse.Count.Should().Be(dense.Count, what);
                    sparse.TotalWeight.Should().BeApproximately(dense.TotalWeight, 1e-12 * (1 + dense.TotalWeight), what);
                    sparse.WeightedSum.Should().BeApproximately(dense.WeightedSum, 8 * (input.Logits.Columns + 4) * Epsilon * (Math.Abs(dense.WeightedSum) + (scale * input.Logits.Rows)), what);
                }
            }
        }, 60, input => $"[{string.Join(", ", input.Classes)}], {input.Logits}, ε = {input.smoothing}, w = [{string.Join(", ", input.classWeights ?? [])}], s = [{string.Join(", ", input.sampleWeights ?? [])}]");
    }

    [Fact]
    public void IgnoredRows_CountForNothing()
    {
        // Rows labelled IgnoreIndex give ℓ = 0 and a zero gradient; the rest equals the batch without them.
        var gen = Generate.ClassesAndLogits(Gen.Double[-10, 10], Shape).SelectMany(pair => Gen.Bool.Array[pair.Logits.Rows].Select(ignore => (pair.Classes, pair.Logits, ignore)));
        Checks.ForAll(gen, input =>
        {
            const int Ignore = -100;
            int[] labels = input.Classes.Select((k, i) => input.ignore[i] ? Ignore : k).ToArray();
            int[] kept = Enumerable.Range(0, labels.Length).Where(i => !input.ignore[i]).ToArray();
            var x = input.Logits.ToMatrix<T>();
            foreach (var reduction in Reductions)
            {
                var loss = new SparseSoftmaxCrossEntropyLoss<T> { Reduction = reduction, IgnoreIndex = Ignore };
                var result = loss.Evaluate(labels, x);
                for (int i = 0; i < labels.Length; i++)
                {
                    if (input.ignore[i])
                    {
                        result.PerExample[i].Should().Be(T.Zero);
                        result.Gradient.Row(i).All(g => g == T.Zero).Should().BeTrue($"row {i} is ignored");
                    }
                }

                if (kept.Length == 0)
                {
                    result.Value.Should().Be(T.Zero, "a batch with nothing counted gives 0, never NaN");
                    result.Count.Should().Be(0);
                    continue;
                }

                var rest = loss.Evaluate(kept.Select(i => labels[i]).ToArray(), Matrix<T>.Build.DenseOfRowVectors(kept.Select(i => x.Row(i))));
                result.Count.Should().Be(rest.Count);
                ShouldBeIdentical<T>([double.CreateTruncating(result.Value)], [double.CreateTruncating(rest.Value)], $"{reduction}: value");
                ShouldBeIdentical<T>(kept.SelectMany(i => Values.Of(result.Gradient.Row(i))).ToArray(), Values.RowMajor(rest.Gradient), $"{reduction}: gradient");
            }
        }, 60, input => $"[{string.Join(", ", input.Classes)}], {input.Logits}, ignored [{string.Join(", ", input.ignore)}]");
    }

    [Fact]
    public void Accumulator_OverBatches_EqualsOneEvaluationOfTheWholeDataset()
    {
        var gen = Batches.SelectMany(b => Gen.Int[0, b.Labels.Rows].Select(cut => (b.Labels, b.Logits, b.Weights, cut)));
        Checks.ForAll(gen, input =>
        {
            var (labels, logits, weights, cut) = input;
            var rows = Enumerable.Range(0, labels.Rows).ToArray();
            var parts = new[] { rows.Take(cut).ToArray(), rows.Skip(cut).ToArray() }.Where(p => p.Length > 0).ToArray();
            foreach (var (name, _, make) in MatrixLosses(labels.Columns))
            {
                foreach (var reduction in Reductions)
                {
                    var loss = make(reduction);
                    var whole = loss.Evaluate(labels.ToMatrix<T>(), logits.ToMatrix<T>(), Weights(weights, rows));
                    var first = new LossAccumulator<T>();
                    var second = new LossAccumulator<T>();
                    var all = new LossAccumulator<T>();
                    for (int p = 0; p < parts.Length; p++)
                    {
                        var part = loss.Evaluate(Rows(labels, parts[p]), Rows(logits, parts[p]), Weights(weights, parts[p]));
                        all.Add(part);
                        (p == 0 ? first : second).Add(part);
                    }

                    first.Merge(second);
                    // The two routes round differently (a sum of parts against one sum): allow that at the size
                    // of each row's terms, Σᵢ sᵢ·(|ℓᵢ| + K·21) with labels ≤ 1 and |logits| ≤ 10.
                    double divisor = reduction switch { Reduction.Sum => 1, Reduction.Mean => whole.Count, _ => whole.TotalWeight };
                    double size = Values.Of(whole.PerExample).Select((l, i) => (weights?[i] ?? 1) * (Math.Abs(l) + (labels.Columns * 21))).Sum();
                    double tolerance = 8 * (labels.Columns + 4) * Epsilon * (divisor == 0 ? 0 : size / divisor);
                    foreach (var accumulator in new[] { all, first })
                    {
                        accumulator.Count.Should().Be(whole.Count, name);
                        double expected = double.CreateTruncating(whole.Value);
                        ShouldAgree(accumulator.Value, expected, tolerance + (4 * Epsilon * Math.Abs(expected)), $"{name} {reduction}: accumulated value");
                    }
                }
            }
        }, 40, input => $"{input.Labels}, {input.Logits}, cut at {input.cut}");
    }

    [Fact]
    public void LossObjects_LeaveTheirArgumentsBitIdentical()
    {
        Checks.ForAll(Batches, input =>
        {
            var arguments = Arguments<T>.From(input.Labels, input.Logits, sparseLabels: input.Labels.Rows % 2 == 0);
            var s = input.Weights is null ? null : Vector<T>.Build.DenseOfArray(input.Weights.Select(T.CreateTruncating).ToArray());
            string before = arguments.Bits() + (s is null ? string.Empty : Values.Bits(s));
            foreach (var (name, _, make) in MatrixLosses(input.Labels.Columns))
            {
                make(Reduction.WeightedMean).Evaluate(arguments.Labels, arguments.Output, s);
                (arguments.Bits() + (s is null ? string.Empty : Values.Bits(s))).Should().Be(before, $"{name} must not modify its arguments");
            }

            new SparseSoftmaxCrossEntropyLoss<T> { LabelSmoothing = T.CreateTruncating(0.1) }.Evaluate(arguments.Classes, arguments.Output, s);
            (arguments.Bits() + (s is null ? string.Empty : Values.Bits(s))).Should().Be(before, "the sparse loss must not modify its arguments");
        }, 40, input => $"{input.Labels}, {input.Logits}");
    }

    [Fact]
    public void SharedLossObjects_GiveEveryThreadTheSingleThreadedResults()
    {
        var random = new Random(7);
        var labels = new Batch(200, 30, Enumerable.Range(0, 6000).Select(_ => random.NextDouble()).ToArray());
        var logits = new Batch(200, 30, Enumerable.Range(0, 6000).Select(_ => (random.NextDouble() * 20) - 10).ToArray());
        int[] classes = Enumerable.Range(0, 200).Select(i => i % 30).ToArray();
        var y = labels.ToMatrix<T>();
        var x = logits.ToMatrix<T>();
        var weights = Vector<T>.Build.Dense(200, i => T.CreateTruncating(i % 3));
        var losses = MatrixLosses(30).Select(l => (l.Name, Loss: l.Make(Reduction.Mean))).ToArray();
        var sparse = new SparseSoftmaxCrossEntropyLoss<T> { LabelSmoothing = T.CreateTruncating(0.1), IgnoreIndex = 3 };
        var expected = losses.Select(l => l.Loss.Evaluate(y, x, weights)).Append(sparse.Evaluate(classes, x, weights)).ToArray();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        int calls = 0;
        Parallel.For(0, 600, (call, state) =>
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(5))
            {
                state.Stop();
                return;
            }

            int k = call % expected.Length;
            var result = k < losses.Length ? losses[k].Loss.Evaluate(y, x, weights) : sparse.Evaluate(classes, x, weights);
            string name = k < losses.Length ? losses[k].Name : "sparse";
            ShouldBeIdentical<T>([double.CreateTruncating(result.Value)], [double.CreateTruncating(expected[k].Value)], $"{name}: value");
            ShouldBeIdentical<T>(Values.RowMajor(result.Gradient), Values.RowMajor(expected[k].Gradient), $"{name}: gradient");
            ShouldBeIdentical<T>(Values.Of(result.PerExample), Values.Of(expected[k].PerExample), $"{name}: per-example");
            System.Threading.Interlocked.Increment(ref calls);
        });
        Checks.Count(calls);
        calls.Should().BeGreaterThan(expected.Length);
    }

    /// <summary>Every loss object with matrix labels, with and without options, and its counted terms per row.</summary>
    private static IEnumerable<(string Name, int TermsPerRow, Func<Reduction, ILoss<T>> Make)> MatrixLosses(int columns)
    {
        T[] classWeights = Enumerable.Range(0, columns).Select(j => T.CreateTruncating(0.5 + (j % 4))).ToArray();
        yield return ("MeanSquaredError", columns, r => new MeanSquaredErrorLoss<T> { Reduction = r });
        yield return ("MeanAbsoluteError", columns, r => new MeanAbsoluteErrorLoss<T> { Reduction = r });
        yield return ("RootMeanSquaredError", columns, r => new RootMeanSquaredErrorLoss<T> { Reduction = r });
        yield return ("Huber δ = 0.5", columns, r => new HuberLoss<T> { Reduction = r, Delta = T.CreateTruncating(0.5) });
        yield return ("SigmoidCrossEntropy", columns, r => new SigmoidCrossEntropyLoss<T> { Reduction = r });
        yield return ("SigmoidCrossEntropy q = 3, ε = 0.1", columns, r => new SigmoidCrossEntropyLoss<T> { Reduction = r, PositiveWeight = T.CreateTruncating(3), LabelSmoothing = T.CreateTruncating(0.1) });
        yield return ("SoftmaxCrossEntropy", 1, r => new SoftmaxCrossEntropyLoss<T> { Reduction = r });
        yield return ("SoftmaxCrossEntropy ε = 0.1, class weights", 1, r => new SoftmaxCrossEntropyLoss<T> { Reduction = r, LabelSmoothing = T.CreateTruncating(0.1), ClassWeights = classWeights });
    }

    private static Matrix<T> Rows(Batch batch, int[] rows)
    {
        var matrix = batch.ToMatrix<T>();
        return Matrix<T>.Build.DenseOfRowVectors(rows.Select(i => matrix.Row(i)));
    }

    private static Vector<T>? Weights(double[]? weights, int[] rows)
        => weights is null ? null : Vector<T>.Build.DenseOfArray(rows.Select(i => T.CreateTruncating(weights[i])).ToArray());
}

public sealed class LossObjectPropertiesFloat : LossObjectProperties<float>;

public sealed class LossObjectPropertiesDouble : LossObjectProperties<double>;
