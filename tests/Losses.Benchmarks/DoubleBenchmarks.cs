using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using MathNet.Numerics.LinearAlgebra;

namespace Losses.Benchmarks;

/// <summary>
/// Class-index softmax cross-entropy in double (MathNet's own default element type): the same logits as the float
/// benchmarks widened, against their own floor, <c>TensorPrimitives.Exp</c> over as many doubles, and the naive double
/// composition.
/// </summary>
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class DoubleBenchmarks : Inputs
{
    private Matrix<double> _logits = null!;
    private Vector<double> _perRow = null!;
    private double[] _floorBuffer = [];
    private int _floorLength;
    private int _floorDestinationStart;

    [ParamsSource(nameof(Shapes))]
    public string Shape { get; set; } = "256x10";

    public static string[] Shapes => ShapesOfThisProcess("256x10", "4096x1000");

    [GlobalSetup]
    public void Setup()
    {
        Build(Shape);
        _logits = Logits.Map(value => (double)value);
        _perRow = Vector<double>.Build.Dense(Rows);

        _floorLength = Rows * Columns;
        (_floorBuffer, _floorDestinationStart) = FloorBuffers(_logits.ToColumnMajorArray());
    }

    [Benchmark(Baseline = true), BenchmarkCategory("SparseCE.Double")]
    public double[] Floor_SparseCEDouble() => Floor(_floorBuffer, _floorLength, _floorDestinationStart);

    [Benchmark, BenchmarkCategory("SparseCE.Double")]
    public Vector<double> Naive_SparseCEDouble()
    {
        Matrix<double> exponentials = _logits.PointwiseExp();
        Vector<double> sums = exponentials.RowSums();
        return Vector<double>.Build.Dense(Rows, row => -System.Math.Log(exponentials[row, ClassIndices[row]] / sums[row]));
    }

    [Benchmark, BenchmarkCategory("SparseCE.Double")]
    public Vector<double> SparseCEDouble()
    {
        Loss.SparseSoftmaxCrossEntropyWithLogits(ClassIndices, _logits, _perRow);
        return _perRow;
    }
}
