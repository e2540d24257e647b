using System;
using System.Linq;
using FluentAssertions;
using Losses;
using MathNet.Numerics.LinearAlgebra;

namespace Losses.Tests.Readme;

/// <summary>
/// The README's C# samples, each between <c>#region README</c> and <c>#endregion</c> exactly as the
/// README shows it, run with assertions on what the README says it prints.
/// </summary>
public sealed class ReadmeSamples
{
    [Fact]
    public void QuickStart_ReproducesTheChapter()
    {
        #region README quick start
        // labels = [[0, 0, 1], [0, 1, 0]]
        var labels = Matrix<float>.Build.DenseOfArray(new float[,] { { 0, 0, 1 }, { 0, 1, 0 } });
        // logits = [[2, 0.5, 6], [0.1, 0, 3]]
        var logits = Matrix<float>.Build.DenseOfArray(new float[,] { { 2, 0.5f, 6 }, { 0.1f, 0, 3 } });

        // logits_scaled = tf.nn.softmax(logits)
        var scaled = Activation.Softmax(logits);
        // logits_scaled2 = tf.nn.softmax(logits_scaled)
        var scaled2 = Activation.Softmax(scaled);
        // result1 = tf.nn.softmax_cross_entropy_with_logits(labels=labels, logits=logits)
        var rel1 = Loss.SoftmaxCrossEntropyWithLogits(labels, logits);
        // result2 = tf.nn.softmax_cross_entropy_with_logits(labels=labels, logits=logits_scaled)
        var rel2 = Loss.SoftmaxCrossEntropyWithLogits(labels, scaled); // wrong on purpose: softmax applied twice
        // result3 = -tf.reduce_sum(labels * tf.log(logits_scaled), 1)
        var rel3 = Loss.CrossEntropy(labels, scaled);

        // labels = [[0.4, 0.1, 0.5], [0.3, 0.6, 0.1]]
        var softLabels = Matrix<float>.Build.DenseOfArray(new float[,] { { 0.4f, 0.1f, 0.5f }, { 0.3f, 0.6f, 0.1f } });
        // result4 = tf.nn.softmax_cross_entropy_with_logits(labels=labels, logits=logits)
        var rel4 = Loss.SoftmaxCrossEntropyWithLogits(softLabels, logits);

        // labels = [2, 1]
        // result5 = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)
        var rel5 = Loss.SparseSoftmaxCrossEntropyWithLogits([2, 1], logits);

        // loss = tf.reduce_sum(result1)
        var loss = rel1.Sum();
        // loss2 = -tf.reduce_sum(labels * tf.log(logits_scaled))
        var loss2 = Loss.CrossEntropy(labels, scaled).Sum();

        // print("rel1=", sess.run(result1))
        Console.WriteLine($"rel1= [{string.Join(", ", rel1)}]");   // rel1= [0.022155162, 3.0996737]
        Console.WriteLine($"loss= {loss}");                        // loss= 3.1218288
        #endregion

        // The float values the exact ones round to (3.0996736355… and 3.1218287977…, a 40-digit computation),
        // within 1e-6 of the chapter's TensorFlow float32 output.
        $"{string.Join(", ", rel1)}".Should().Be("0.022155162, 3.0996737");
        $"{loss}".Should().Be("3.1218288");
        rel1[1].Should().BeApproximately(3.09967351f, 1e-6f);
        loss.Should().BeApproximately(3.1218286f, 1e-6f);
        scaled2[0, 2].Should().BeApproximately(0.56806517f, 1e-6f);
        rel2[1].Should().BeApproximately(1.47432232f, 1e-6f);
        rel3[0].Should().BeApproximately(0.02215518f, 1e-6f);
        rel4[0].Should().BeApproximately(2.17215538f, 1e-6f);
        rel5.Should().Equal(rel1);
        loss2.Should().BeApproximately(3.12183f, 1e-5f);
    }

    [Fact]
    public void TrainingLoop_FitsASoftmaxRegression()
    {
        // Three well-separated clusters of 4 standardised features, 40 points each (seeded).
        var random = new Random(20261126);
        const int perClass = 40;
        var features = Matrix<double>.Build.Dense(3 * perClass, 4, (row, column) =>
            (row / perClass == column % 3 ? 2.0 : -1.0) + (0.5 * ((random.NextDouble() * 2) - 1)));
        int[] species = Enumerable.Range(0, 3 * perClass).Select(row => row / perClass).ToArray();

        #region README training
        // features: N×4 standardised Iris measurements; species: N class indices in [0, 3).
        var loss = new SparseSoftmaxCrossEntropyLoss<double> { LabelSmoothing = 0.1 }; // Reduction.WeightedMean
        var weights = Matrix<double>.Build.Dense(4, 3);
        var bias = Vector<double>.Build.Dense(3);
        const double learningRate = 0.3;

        // Buffers, allocated once.
        var logits = Matrix<double>.Build.Dense(features.RowCount, 3);
        var gradient = Matrix<double>.Build.Dense(features.RowCount, 3);
        var perExample = Vector<double>.Build.Dense(features.RowCount);
        var weightGradient = Matrix<double>.Build.Dense(4, 3);

        for (var epoch = 0; epoch <= 500; epoch++)
        {
            features.Multiply(weights, logits);                                   // logits = X·W + b
            logits.MapIndexedInplace((_, column, logit) => logit + bias[column], Zeros.Include);
            var value = loss.Evaluate(species, logits, gradient, perExample);    // G = ∂value/∂logits
            if (epoch % 50 == 0)
            {
                Console.WriteLine($"epoch {epoch}: loss {value:F6}");
            }

            features.TransposeThisAndMultiply(gradient, weightGradient);          // ∂value/∂W = Xᵀ·G
            weightGradient.Multiply(learningRate, weightGradient);
            weights.Subtract(weightGradient, weights);                            // W ← W − η·Xᵀ·G
            bias.Subtract(learningRate * gradient.ColumnSums(), bias);            // b ← b − η·Σᵢ Gᵢ
        }
        #endregion

        // The loop really trains: ln 3 at the start (all logits 0), far lower at the end, and every
        // point classified right.
        double firstValue = new SparseSoftmaxCrossEntropyLoss<double>().Evaluate(species, Matrix<double>.Build.Dense(features.RowCount, 3)).Value;
        double lastValue = loss.Evaluate(species, logits).Value;
        firstValue.Should().BeApproximately(Math.Log(3), 1e-15);
        lastValue.Should().BeLessThan(0.5 * firstValue);
        var predicted = Enumerable.Range(0, features.RowCount).Select(row => logits.Row(row).MaximumIndex());
        predicted.Should().Equal(species);
    }

    [Fact]
    public void RegressionLosses_AreOneCallEach()
    {
        var labels = Matrix<double>.Build.DenseOfArray(new double[,] { { 1, 2 }, { 3, 4 } });
        var predictions = Matrix<double>.Build.DenseOfArray(new double[,] { { 1.5, 2 }, { 2, 6 } });

        #region README regression
        // MSE = tf.reduce_mean(tf.square(logits - outputs))
        var mse = Loss.MeanSquaredError(labels, predictions);
        // Rmse = tf.sqrt(tf.reduce_mean(tf.pow(tf.sub(logits, outputs), 2.0)))
        var rmse = Loss.RootMeanSquaredError(labels, predictions);
        // mad = tf.reduce_mean(tf.complex_abs(tf.sub(logits, outputs)))
        var mad = Loss.MeanAbsoluteError(labels, predictions);
        #endregion

        // Worked by hand: errors 0.5, 0, -1, 2; squares sum to 5.25, absolute values to 3.5.
        mse.Should().Be(5.25 / 4);
        rmse.Should().Be(Math.Sqrt(5.25 / 4));
        mad.Should().Be(3.5 / 4);
    }
}

/// <summary>
/// The README's threading sample: it changes the process-wide setting, so it runs alone, and shows that
/// the setting changes no result.
/// </summary>
[Collection(Infrastructure.AllocationMeasurement.Name)]
public sealed class ReadmeParallelismSample
{
    [Fact]
    public void OneThread_GivesTheSameBitsAsSeveral()
    {
        var random = new Random(11);
        var logits = Matrix<float>.Build.Dense(2048, 40, (_, _) => (float)((random.NextDouble() * 10) - 5));
        int[] classes = Enumerable.Range(0, 2048).Select(row => row % 40).ToArray();
        int saved = Parallelism.MaxDegreeOfParallelism;
        try
        {
            Parallelism.MaxDegreeOfParallelism = Environment.ProcessorCount;
            float[] several = Loss.SparseSoftmaxCrossEntropyWithLogits(classes, logits).ToArray();

            #region README parallelism
            Parallelism.MaxDegreeOfParallelism = 1;   // e.g. when the training loop already runs one model per core
            #endregion

            float[] one = Loss.SparseSoftmaxCrossEntropyWithLogits(classes, logits).ToArray();
            Parallelism.MaxDegreeOfParallelism.Should().Be(1);
            one.Select(BitConverter.SingleToInt32Bits).Should().Equal(several.Select(BitConverter.SingleToInt32Bits));
        }
        finally
        {
            Parallelism.MaxDegreeOfParallelism = saved;
        }
    }
}

