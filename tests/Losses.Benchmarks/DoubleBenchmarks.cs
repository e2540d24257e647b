using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using MathNet.Numerics.LinearAlgebra;

namespace Losses.Benchmarks;

/// <summary>
/// Softmax cross-entropy with class indices and with one-hot labels, and softmax, in double (MathNet's own default
/// element type): the same logits and labels as the float benchmarks widened, each against its own floor,
/// <c>TensorPrimitives.Exp</c> over as many doubles, and the naive double composition.
/// </summary>
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class DoubleBenchmarks : Inputs
{
    private Matrix<double> _logits = null!;
    private Matrix<double> _oneHot = null!;
    private Vector<double> _perRow = null!;
    private Matrix<double> _perElement = null!;
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
        _oneHot = OneHotLabels.Map(value => (double)value);
        _perRow = Vector<double>.Build.Dense(Rows);
        _perElement = Matrix<double>.Build.Dense(Rows, Columns);

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

    [Benchmark(Baseline = true), BenchmarkCategory("SoftmaxCE.Double")]
    public double[] Floor_SoftmaxCEDouble() => Floor(_floorBuffer, _floorLength, _floorDestinationStart);

    [Benchmark, BenchmarkCategory("SoftmaxCE.Double")]
    public Vector<double> Naive_SoftmaxCEDouble()
        => -_oneHot.PointwiseMultiply(NaiveSoftmax(_logits).PointwiseLog()).RowSums();

    /// <summary>Dense one-hot labels: the fused pass with labels, its exponentials eight rows at a time where 512-bit vectors run.</summary>
    [Benchmark, BenchmarkCategory("SoftmaxCE.Double")]
    public Vector<double> SoftmaxCEDouble()
    {
        Loss.SoftmaxCrossEntropyWithLogits(_oneHot, _logits, _perRow);
        return _perRow;
    }

    [Benchmark(Baseline = true), BenchmarkCategory("Softmax.Double")]
    public double[] Floor_SoftmaxDouble() => Floor(_floorBuffer, _floorLength, _floorDestinationStart);

    [Benchmark, BenchmarkCategory("Softmax.Double")]
    public Matrix<double> Naive_SoftmaxDouble() => NaiveSoftmax(_logits);

    [Benchmark, BenchmarkCategory("Softmax.Double")]
    public Matrix<double> SoftmaxDouble()
    {
        Activation.Softmax(_logits, _perElement);
        return _perElement;
    }
}
