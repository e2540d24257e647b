using System;

namespace Losses.Tests.Infrastructure;

/// <summary>Seeded random arguments that suit each kind of loss, drawn in double.</summary>
public static class RandomInputs
{
    /// <summary>
    /// Labels and a second argument of the given shape. Predictions lie at least 0.05 from their targets
    /// (away from the kink of abs and from RMSE = 0), probabilities in [0.05, 1], logits in [-6, 6].
    /// </summary>
    public static (double[,] Labels, double[,] Second) Draw(
        LabelKind labels, string secondParameter, Random random, int rows, int columns)
    {
        var y = new double[rows, columns];
        var x = new double[rows, columns];
        for (int i = 0; i < rows; i++)
        {
            int hot = random.Next(columns);
            for (int j = 0; j < columns; j++)
            {
                y[i, j] = labels switch
                {
                    LabelKind.Targets => Uniform(random, -3, 3),
                    LabelKind.Binary => random.Next(3) switch { 0 => 0, 1 => 1, _ => random.NextDouble() },
                    LabelKind.Distribution => random.Next(4) == 0 ? 0 : Uniform(random, 0, 1.5),
                    _ => j == hot ? 1 : 0,
                };
                x[i, j] = secondParameter switch
                {
                    "predictions" => y[i, j] + ((random.Next(2) == 0 ? -1 : 1) * Uniform(random, 0.05, 2)),
                    "probabilities" => Uniform(random, 0.05, 1),
                    _ => Uniform(random, -6, 6),
                };
            }
        }

        return (y, x);
    }

    public static double Uniform(Random random, double low, double high) => low + ((high - low) * random.NextDouble());
}
