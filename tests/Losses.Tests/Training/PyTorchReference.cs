using System;

namespace Losses.Tests.Training;

/// <summary>
/// Straightforward double-precision implementations, naive loops, of the documented formulas the loss
/// objects promise to match: PyTorch's <c>torch.nn.functional</c> docs for <c>mse_loss</c>, <c>l1_loss</c>,
/// <c>huber_loss</c>, <c>binary_cross_entropy_with_logits</c> (weight, pos_weight) and <c>cross_entropy</c>
/// (class indices or probabilities, weight, ignore_index, label_smoothing), Keras's binary label smoothing
/// <c>z(1 - ε) + ε/2</c>, and this library's documented extension to sample weights sᵢ (each row's loss
/// multiplied by sᵢ; WeightedMean divides by Σ sᵢ times the row's own weight). Written from the formulas,
/// not from the library's code: softmax as exp(x)/Σexp(x), log σ(x) as -ln(1 + e⁻ˣ).
/// </summary>
internal static class PyTorchReference
{
    /// <summary>Reduces element losses eᵢⱼ (PyTorch's reduction='none' output) with per-row weights sᵢ.</summary>
    public static double ReduceElements(double[,] elementLosses, double[]? sampleWeights, Reduction reduction)
    {
        int rows = elementLosses.GetLength(0);
        int columns = elementLosses.GetLength(1);
        double sum = 0;
        double weight = 0;
        for (int i = 0; i < rows; i++)
        {
            double s = sampleWeights?[i] ?? 1.0;
            for (int j = 0; j < columns; j++)
            {
                sum += s * elementLosses[i, j];
                weight += s;
            }
        }

        return reduction switch
        {
            Reduction.Sum => sum,
            Reduction.Mean => sum / (rows * columns),
            _ => sum / weight,
        };
    }

    /// <summary><c>mse_loss(reduction='none')</c>: (p - y)².</summary>
    public static double[,] SquaredErrors(double[,] labels, double[,] predictions)
        => Map(labels, predictions, (y, p) => (p - y) * (p - y));

    /// <summary><c>l1_loss(reduction='none')</c>: |p - y|.</summary>
    public static double[,] AbsoluteErrors(double[,] labels, double[,] predictions)
        => Map(labels, predictions, (y, p) => Math.Abs(p - y));

    /// <summary><c>huber_loss(reduction='none', delta)</c>: 0.5·d² if |d| &lt; δ, else δ·(|d| - 0.5·δ).</summary>
    public static double[,] HuberErrors(double[,] labels, double[,] predictions, double delta)
        => Map(labels, predictions, (y, p) =>
        {
            double d = Math.Abs(p - y);
            return d < delta ? 0.5 * d * d : delta * (d - (0.5 * delta));
        });

    /// <summary>
    /// <c>binary_cross_entropy_with_logits(reduction='none', pos_weight=q)</c> on Keras-smoothed labels:
    /// <c>-[q·z'·log σ(x) + (1 - z')·log(1 - σ(x))]</c>, z' = z(1 - ε) + ε/2.
    /// </summary>
    public static double[,] BinaryCrossEntropyWithLogits(double[,] labels, double[,] logits, double positiveWeight, double smoothing)
        => Map(labels, logits, (z, x) =>
        {
            double smoothed = (z * (1 - smoothing)) + (smoothing / 2);
            double logSigmoid = -Math.Log(1 + Math.Exp(-x));
            double logOneMinusSigmoid = -Math.Log(1 + Math.Exp(x));
            return -((positiveWeight * smoothed * logSigmoid) + ((1 - smoothed) * logOneMinusSigmoid));
        });

    /// <summary>log softmax(x)ᵢⱼ = xᵢⱼ - ln Σₖ exp(xᵢₖ), for the small logits of the tests.</summary>
    public static double[,] LogSoftmax(double[,] logits)
    {
        int rows = logits.GetLength(0);
        int columns = logits.GetLength(1);
        var result = new double[rows, columns];
        for (int i = 0; i < rows; i++)
        {
            double sum = 0;
            for (int j = 0; j < columns; j++)
            {
                sum += Math.Exp(logits[i, j]);
            }

            for (int j = 0; j < columns; j++)
            {
                result[i, j] = logits[i, j] - Math.Log(sum);
            }
        }

        return result;
    }

    /// <summary>
    /// <c>cross_entropy</c> with class indices, as documented: for a non-ignored row,
    /// <c>ℓₙ = (1 - ε)·w_yₙ·(-log p_yₙ) + (ε/C)·Σ_c w_c·(-log p_c)</c>; ignored rows give 0. 'sum' = Σ sₙℓₙ;
    /// 'mean' (our WeightedMean) = Σ sₙℓₙ / Σ sₙ·w_yₙ over non-ignored rows; our Mean divides by their number.
    /// </summary>
    public static (double Value, double[] PerExample) CrossEntropyWithIndices(
        int[] labels, double[,] logits, double[]? classWeights, int? ignoreIndex, double smoothing, double[]? sampleWeights, Reduction reduction)
    {
        int rows = logits.GetLength(0);
        int classes = logits.GetLength(1);
        double[,] logP = LogSoftmax(logits);
        var perExample = new double[rows];
        double sum = 0;
        double weight = 0;
        int counted = 0;
        for (int n = 0; n < rows; n++)
        {
            if (labels[n] == ignoreIndex)
            {
                continue;
            }

            double w(int c) => classWeights?[c] ?? 1.0;
            int y = labels[n];
            double uniform = 0;
            for (int c = 0; c < classes; c++)
            {
                uniform += w(c) * -logP[n, c];
            }

            perExample[n] = ((1 - smoothing) * w(y) * -logP[n, y]) + (smoothing / classes * uniform);
            double s = sampleWeights?[n] ?? 1.0;
            sum += s * perExample[n];
            weight += s * w(y);
            counted++;
        }

        double value = reduction switch
        {
            Reduction.Sum => sum,
            Reduction.Mean => counted == 0 ? 0 : sum / counted,
            _ => weight == 0 ? 0 : sum / weight,
        };
        return (value, perExample);
    }

    /// <summary>
    /// <c>cross_entropy</c> with probability targets, as documented: <c>ℓₙ = -Σ_c w_c·y'ₙc·log pₙc</c>,
    /// y' = (1 - ε)·y + ε/C; 'mean' (our Mean) = Σ sₙℓₙ / N; our WeightedMean divides by Σ sₙ·Σ_c w_c·yₙc.
    /// </summary>
    public static (double Value, double[] PerExample) CrossEntropyWithProbabilities(
        double[,] labels, double[,] logits, double[]? classWeights, double smoothing, double[]? sampleWeights, Reduction reduction)
    {
        int rows = logits.GetLength(0);
        int classes = logits.GetLength(1);
        double[,] logP = LogSoftmax(logits);
        var perExample = new double[rows];
        double sum = 0;
        double weight = 0;
        for (int n = 0; n < rows; n++)
        {
            double s = sampleWeights?[n] ?? 1.0;
            for (int c = 0; c < classes; c++)
            {
                double w = classWeights?[c] ?? 1.0;
                double smoothed = ((1 - smoothing) * labels[n, c]) + (smoothing / classes);
                perExample[n] += w * smoothed * -logP[n, c];
                weight += s * w * labels[n, c];
            }

            sum += s * perExample[n];
        }

        double value = reduction switch
        {
            Reduction.Sum => sum,
            Reduction.Mean => sum / rows,
            _ => sum / weight,
        };
        return (value, perExample);
    }

    /// <summary>Row sums of element losses: the per-example losses of the element-wise loss objects.</summary>
    public static double[] RowSums(double[,] elementLosses)
    {
        var sums = new double[elementLosses.GetLength(0)];
        for (int i = 0; i < sums.Length; i++)
        {
            for (int j = 0; j < elementLosses.GetLength(1); j++)
            {
                sums[i] += elementLosses[i, j];
            }
        }

        return sums;
    }

    private static double[,] Map(double[,] labels, double[,] predictions, Func<double, double, double> element)
    {
        var result = new double[labels.GetLength(0), labels.GetLength(1)];
        for (int i = 0; i < labels.GetLength(0); i++)
        {
            for (int j = 0; j < labels.GetLength(1); j++)
            {
                result[i, j] = element(labels[i, j], predictions[i, j]);
            }
        }

        return result;
    }
}
