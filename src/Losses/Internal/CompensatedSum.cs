using System;

namespace Losses.Internal;

/// <summary>
/// A running double sum with Neumaier compensation: the error of each addition is kept and added
/// back at the end, so millions of terms lose no more than a couple of ulps of the total.
/// </summary>
internal struct CompensatedSum
{
    private double _sum;
    private double _compensation;

    /// <summary>A compensated sum as it stands: its running sum and the errors kept apart.</summary>
    public CompensatedSum(double sum, double compensation)
    {
        _sum = sum;
        _compensation = compensation;
    }

    /// <summary>The running sum, without the compensation.</summary>
    public readonly double Sum => _sum;

    /// <summary>The rounding errors of the additions so far, added back by <see cref="Value"/>.</summary>
    public readonly double Compensation => _compensation;

    /// <summary>The compensated total; an infinite or NaN running sum is the total as it stands.</summary>
    public readonly double Value => double.IsFinite(_sum) ? _sum + _compensation : _sum;

    /// <summary>
    /// Adds one term. The error of the addition is found by Knuth's branch-free TwoSum, exactly the error Neumaier's
    /// comparison of magnitudes finds, without a branch that random signs and sizes mispredict.
    /// </summary>
    public void Add(double value)
    {
        double total = _sum + value;
        double valuePart = total - _sum;
        _compensation += (_sum - (total - valuePart)) + (value - valuePart);
        _sum = total;
    }

    /// <summary>Adds another compensated sum.</summary>
    public void Add(CompensatedSum other)
    {
        Add(other._sum);
        Add(other._compensation);
    }
}
