using System;
using FluentAssertions;
using MathNet.Numerics.LinearAlgebra;

namespace Losses.Tests.Kernels;

/// <summary>
/// The float weighted cross-entropy redoes in double every element whose c = 1 + (q - 1)·z or q·z overflows
/// float although its loss does not. Labels that large are flagged as the kernel's chunks read them, so the
/// redo must happen wherever such a label stands: in a whole vector, in a chunk's last partial vector, in a
/// later chunk.
/// </summary>
public sealed class LogisticLabelScreeningTests
{
    [Theory]
    [InlineData(19, 0)]
    [InlineData(19, 9)]
    [InlineData(19, 18)]
    [InlineData(1500, 1200)]
    [InlineData(1500, 1499)]
    public void ALabelNearMaxValue_GivesItsFiniteLoss_WhereverItStands(int length, int position)
    {
        // z = M = float.MaxValue, x = 0.5, q = 3.5: ℓ = (1 - z)·x + (1 + 2.5·z)·ln(1 + e^-0.5), in double
        // -0.5·M + 2.5·M·0.4740769841801067 + O(1) = 2.3315889834104414e38, within float's range.
        // Every other element has z = 0.5: ℓ = 0.5·0.5 + 2.25·ln(1 + e^-0.5) = 1.3166732144052401.
        var labels = Matrix<float>.Build.Dense(1, length, 0.5f);
        labels[0, position] = float.MaxValue;
        var logits = Matrix<float>.Build.Dense(1, length, 0.5f);
        double large = (-0.5 * float.MaxValue) + (2.5 * float.MaxValue * Math.Log(1 + Math.Exp(-0.5)));
        double ordinary = 0.25 + (2.25 * Math.Log(1 + Math.Exp(-0.5)));

        var loss = Loss.WeightedCrossEntropyWithLogits(labels, logits, 3.5f);

        ((double)loss[0, position]).Should().BeApproximately(large, 1e33, $"the label of {float.MaxValue} at {position} of {length}");
        ((double)loss[0, (position + 1) % length]).Should().BeApproximately(ordinary, 1e-6, "an ordinary element");
    }
}
