using System.Linq;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Losses.Benchmarks;

/// <summary>
/// The second baseline: how many times faster than the naive MathNet composition (the method named
/// Naive in the same category and parameters) a benchmark's median is. BenchmarkDotNet's own Ratio
/// column is relative to the first baseline, the TensorPrimitives.Exp floor.
/// </summary>
public sealed class SpeedupOverNaiveColumn : IColumn
{
    public string Id => nameof(SpeedupOverNaiveColumn);

    public string ColumnName => "NaiveMedian/Median";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "Speed-up over the naive MathNet composition: its median over this benchmark's median";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        BenchmarkCase? naive = summary.BenchmarksCases.FirstOrDefault(candidate =>
            candidate.Descriptor.WorkloadMethod.Name.StartsWith("Naive", System.StringComparison.Ordinal)
            && candidate.Descriptor.Type == benchmarkCase.Descriptor.Type
            && candidate.Descriptor.Categories.SequenceEqual(benchmarkCase.Descriptor.Categories)
            && candidate.Parameters.DisplayInfo == benchmarkCase.Parameters.DisplayInfo);
        double? mine = summary[benchmarkCase]?.ResultStatistics?.Median;
        double? reference = naive is null ? null : summary[naive]?.ResultStatistics?.Median;
        return mine is > 0 && reference is not null
            ? (reference.Value / mine.Value).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + "x"
            : "-";
    }

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
