using System;
using System.Numerics;
using FluentAssertions;
using MathNet.Numerics.LinearAlgebra;

namespace Losses.Tests.Kernels;

/// <summary>
/// The gradient of sigmoid and weighted cross-entropy, c·σ(x) - q·z with c = 1 + (q - 1)·z, keeps its relative precision
/// where σ(x) is near 1 or 0: for a confident prediction it is a small number, not the rounding error of 1 - 1
/// (TensorFlow and PyTorch compute σ(x) - z as written, and give 0 for z = 1 from x ≈ 17 in float, 37 in double).
/// Within a few roundings of its exact value, relative to the size of its two terms, (1 - z)·a and q·z·b over 1 + e
/// with (a, b) = (1, e) for x ≥ 0 and (e, 1) below, e = e^-|x|: relative to the gradient itself for labels 0 and 1.
/// </summary>
public abstract class LogisticGradientAccuracyTests<T>
    where T : struct, IFloatingPointIeee754<T>
{
    /// <summary>The bound in units of T's rounding (2⁻²⁴ or 2⁻⁵³) of the two terms' size.</summary>
    protected abstract double Roundings { get; }

    /// <summary>The largest |x| drawn: where e^-|x| is still far from T's underflow.</summary>
    protected abstract double Reach { get; }

    [Theory]
    [InlineData(1.0)]
    [InlineData(2.5)]
    [InlineData(0.3)]
    public void AtEveryConfidence_TheGradientIsWithinAFewRoundingsOfItsExactValue(double positiveWeight)
    {
        const int Rows = 300;
        const int Columns = 301;
        var random = new Random(20261131);
        Matrix<T> logits = Matrix<T>.Build.Dense(Rows, Columns, (_, _) => T.CreateTruncating((random.NextDouble() * 2 - 1) * Reach));
        Matrix<T> labels = Matrix<T>.Build.Dense(Rows, Columns, (_, j) => T.CreateTruncating(j % 3 == 2 ? random.NextDouble() : random.Next(2)));
        T q = T.CreateTruncating(positiveWeight);
        Matrix<T> gradient = positiveWeight == 1.0
            ? Loss.SigmoidCrossEntropyWithLogitsGradient(labels, logits)
            : Loss.WeightedCrossEntropyWithLogitsGradient(labels, logits, q);

        double unit = Math.ScaleB(1.0, -(T.CreateTruncating(1.0) is float ? 24 : 53));
        double qd = double.CreateTruncating(q);
        for (int j = 0; j < Columns; j++)
        {
            for (int i = 0; i < Rows; i++)
            {
                double x = double.CreateTruncating(logits[i, j]);
                double z = double.CreateTruncating(labels[i, j]);
                double e = Math.Exp(-Math.Abs(x));
                double a = x >= 0 ? 1 : e;
                double b = x >= 0 ? e : 1;
                double positive = (1 - z) * a / (1 + e);
                double negative = qd * z * b / (1 + e);
                double expected = positive - negative;
                double actual = double.CreateTruncating(gradient[i, j]);
                Math.Abs(actual - expected).Should().BeLessThanOrEqualTo(
                    Roundings * unit * (positive + negative),
                    $"x = {x:R}, z = {z:R}, q = {qd:R}: ∂ℓ/∂x = {expected:R}");
            }
        }
    }

    [Theory]
    [InlineData(17.0)]
    [InlineData(40.0)]
    [InlineData(80.0)]
    public void ForAConfidentCorrectPrediction_TheGradientIsMinusEToTheMinusX_NotZero(double x)
    {
        // z = 1, x > 0: c·σ(x) - z = -e^-x/(1 + e^-x) (q = 1). Expected from Math.Exp; zero only where e^-x underflows T.
        Matrix<T> gradient = Loss.SigmoidCrossEntropyWithLogitsGradient(
            Matrix<T>.Build.Dense(1, 3, T.One), Matrix<T>.Build.Dense(1, 3, T.CreateTruncating(x)));
        double e = Math.Exp(-double.CreateTruncating(T.CreateTruncating(x)));
        double expected = -e / (1 + e);
        T rounded = T.CreateTruncating(expected);
        foreach (T entry in gradient.Enumerate())
        {
            double.CreateTruncating(entry).Should().BeApproximately(double.CreateTruncating(rounded), Math.Abs(expected) * Roundings * Math.ScaleB(1.0, -(T.One is float ? 24 : 53)));
        }
    }
}

public sealed class FloatLogisticGradientAccuracyTests : LogisticGradientAccuracyTests<float>
{
    protected override double Roundings => 6;

    protected override double Reach => 60;
}

public sealed class DoubleLogisticGradientAccuracyTests : LogisticGradientAccuracyTests<double>
{
    protected override double Roundings => 16;

    protected override double Reach => 120;
}
