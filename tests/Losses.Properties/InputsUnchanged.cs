using System;
using CsCheck;
using Losses.Properties.Infrastructure;

namespace Losses.Properties;

/// <summary>
/// API.md: inputs are never modified. Every public method, on random batches with NaN, ±∞, -0,
/// subnormals and extremes mixed in, in dense and sparse label storage, leaves every argument
/// bit-identical (raw bytes of every element, the storage type, the stored-entry count of sparse storage).
/// </summary>
public abstract class InputsUnchanged<T>
    where T : struct, System.Numerics.IFloatingPointIeee754<T>
{
    private static readonly Gen<double> Value = Gen.Frequency(
        (12, Generate.Logit),
        (3, Gen.Double[0, 1]),
        (1, Gen.OneOf(double.NaN, double.PositiveInfinity, double.NegativeInfinity, -0.0, 0.0, 1e-30, -1e30, 4.9e-324, float.Epsilon, double.MaxValue)));

    [Fact]
    public void EveryMethod_LeavesItsArgumentsBitIdentical()
    {
        var gen = Generate.LabelsAndLogits(Value, Value).Select(Gen.Bool, Gen.Double[-5, 5], (pair, sparse, weight) => (pair.Labels, pair.Logits, sparse, weight));
        Checks.ForAll(gen, input =>
        {
            var arguments = Arguments<T>.From(input.Labels, input.Logits, weight: input.weight, sparseLabels: input.sparse);
            string before = arguments.Bits();
            foreach (var operation in Catalog<T>.All)
            {
                operation.Run(arguments);
                arguments.Bits().Should().Be(before, $"{operation.Name} must not modify its arguments");
            }
        }, 60, input => $"{input.Labels}, {input.Logits}, sparse labels: {input.sparse}, q = {input.weight}");
    }
}

public sealed class InputsUnchangedFloat : InputsUnchanged<float>;

public sealed class InputsUnchangedDouble : InputsUnchanged<double>;
