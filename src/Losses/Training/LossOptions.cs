using System;
using System.Collections.Generic;
using System.Globalization;

namespace Losses;

/// <summary>Validation of the options of the loss objects, run once when an option is set.</summary>
internal static class LossOptions
{
    public static Reduction Reduction(Reduction value, string name)
        => Enum.IsDefined(value)
            ? value
            : throw new ArgumentOutOfRangeException(name, value, $"{name} = {value} is not one of Sum, Mean, WeightedMean.");

    /// <summary>ε in [0, 1].</summary>
    public static T Smoothing<T>(T value, string name)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
        => value >= T.Zero && value <= T.One
            ? value
            : throw new ArgumentOutOfRangeException(
                name, value, string.Create(CultureInfo.InvariantCulture, $"{name} = {value} is not in [0, 1]: 0 is no smoothing, 0.1 is typical."));

    /// <summary>A finite value &gt; 0.</summary>
    public static T Positive<T>(T value, string name)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
        => value > T.Zero && T.IsFinite(value)
            ? value
            : throw new ArgumentOutOfRangeException(
                name, value, string.Create(CultureInfo.InvariantCulture, $"{name} = {value} must be finite and greater than 0."));

    /// <summary>A finite value ≥ 0.</summary>
    public static T NonNegative<T>(T value, string name)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
        => value >= T.Zero && T.IsFinite(value)
            ? value
            : throw new ArgumentOutOfRangeException(
                name, value, string.Create(CultureInfo.InvariantCulture, $"{name} = {value} must be finite and 0 or more."));

    /// <summary>A private copy of class weights, each finite and ≥ 0; null stays null.</summary>
    public static T[]? ClassWeights<T>(IReadOnlyList<T>? value, string name)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
    {
        if (value is null)
        {
            return null;
        }

        var copy = new T[value.Count];
        for (int index = 0; index < copy.Length; index++)
        {
            T weight = value[index];
            if (!(weight >= T.Zero) || !T.IsFinite(weight))
            {
                throw new ArgumentOutOfRangeException(
                    name, weight, string.Create(CultureInfo.InvariantCulture, $"{name}[{index}] = {weight} must be finite and 0 or more."));
            }

            copy[index] = weight;
        }

        return copy;
    }

    /// <summary>Class weights, when given, have one entry per class.</summary>
    public static void CheckClassCount<T>(T[]? classWeights, int columns, string name)
    {
        if (classWeights is not null && classWeights.Length != columns)
        {
            throw new ArgumentException(
                $"{name} has {classWeights.Length} entries but the logits have {columns} columns: give one weight per class.",
                name);
        }
    }
}
