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
        Console.WriteLine($"rel1= [{string.Join(", ", rel1)}]");   // rel1= [0.022155158, 3.0996735]
        Console.WriteLine($"loss= {loss}");                        // loss= 3.1218286
        #endregion

        // The chapter's TensorFlow output, float32.
        $"{string.Join(", ", rel1)}".Should().Be("0.022155158, 3.0996735");
        $"{loss}".Should().Be("3.1218286");
        scaled2[0, 2].Should().BeApproximately(0.56806517f, 1e-6f);
        rel2[1].Should().BeApproximately(1.47432232f, 1e-6f);
        rel3[0].Should().BeApproximately(0.02215518f, 1e-6f);
        rel4[0].Should().BeApproximately(2.17215538f, 1e-6f);
        rel5.Should().Equal(rel1);
        loss2.Should().BeApproximately(3.12183f, 1e-5f);
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
