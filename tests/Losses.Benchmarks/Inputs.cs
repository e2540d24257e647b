using System;
using System.Globalization;
using System.Numerics.Tensors;
using MathNet.Numerics.LinearAlgebra;

namespace Losses.Benchmarks;

/// <summary>
/// Shared float inputs of one shape (rows x columns): logits, one-hot and 0/1 labels, class indices,
/// probabilities and preallocated results, plus the floor: TensorPrimitives.Exp over as many elements.
/// </summary>
public abstract class Inputs
{
    private float[] _floorBuffer = [];
    private int _floorLength;
    private int _floorDestinationStart;

    protected int Rows { get; private set; }

    protected int Columns { get; private set; }

    protected Matrix<float> Logits { get; private set; } = null!;

    protected Matrix<float> OneHotLabels { get; private set; } = null!;

    protected Matrix<float> BinaryLabels { get; private set; } = null!;

    protected Matrix<float> Probabilities { get; private set; } = null!;

    protected int[] ClassIndices { get; private set; } = [];

    protected Vector<float> PerRow { get; private set; } = null!;

    protected Matrix<float> PerElement { get; private set; } = null!;

    /// <summary>The environment variable that limits a process of the suite to one shape (see <see cref="Program"/>).</summary>
    internal const string ShapeVariable = "LOSSES_BENCHMARK_SHAPE";

    /// <summary>Every shape the suite measures, in the order its processes run them.</summary>
    internal static readonly string[] AllShapes = ["2x3", "256x10", "4096x1000", "1024x32000"];

    /// <summary>
    /// <paramref name="shapes"/>, or only the one <see cref="ShapeVariable"/> names when it is set (none of them if
    /// it names another).
    /// </summary>
    protected static string[] ShapesOfThisProcess(params string[] shapes)
        => Environment.GetEnvironmentVariable(ShapeVariable) is { Length: > 0 } only
            ? Array.FindAll(shapes, shape => shape == only)
            : shapes;

    /// <summary>
    /// Calls the floors' <c>TensorPrimitives.Exp</c>, over floats and over doubles (<see cref="DoubleBenchmarks"/>), on as
    /// many elements as <paramref name="shape"/> holds until the runtime has compiled its final (tier-1) code, before
    /// anything is measured. With few calls per iteration at 1024x32000 the measured iterations could otherwise still run
    /// its first, unoptimised code, and the double floor, left to warm up in its own iterations, took 12 to 18 µs at
    /// 256x10 instead of about 3.
    /// </summary>
    internal static void WarmUpFloor(string shape)
    {
        (int rows, int columns) = ParseShape(shape);
        int length = rows * columns;
        float[] source = new float[length];
        float[] destination = new float[length];
        double[] wideSource = new double[length];
        double[] wideDestination = new double[length];
        for (int round = 0; round < 4; round++)
        {
            for (int call = 0; call < 60; call++)
            {
                TensorPrimitives.Exp(source, destination);
                TensorPrimitives.Exp(wideSource, wideDestination);
            }

            // The runtime promotes a method once calls have been counted after a quiet spell.
            System.Threading.Thread.Sleep(300);
        }
    }

    /// <summary>The rows and columns of a shape written "rowsxcolumns", e.g. "4096x1000".</summary>
    private static (int Rows, int Columns) ParseShape(string shape)
    {
        string[] parts = shape.Split('x');
        return (int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture));
    }

    protected void Build(string shape)
    {
        // One thread unless a benchmark says otherwise (the _AllThreads ones), as in the reference figures.
        Parallelism.MaxDegreeOfParallelism = 1;
        (Rows, Columns) = ParseShape(shape);
        var random = new Random(20261126);
        Logits = Matrix<float>.Build.Dense(Rows, Columns, (_, _) => (float)((random.NextDouble() * 8) - 4));
        ClassIndices = new int[Rows];
        for (int row = 0; row < Rows; row++)
        {
            ClassIndices[row] = random.Next(Columns);
        }

        OneHotLabels = Matrix<float>.Build.Dense(Rows, Columns, (row, column) => column == ClassIndices[row] ? 1f : 0f);
        BinaryLabels = Matrix<float>.Build.Dense(Rows, Columns, (_, _) => random.Next(2));
        Probabilities = Activation.Softmax(Logits);
        PerRow = Vector<float>.Build.Dense(Rows);
        PerElement = Matrix<float>.Build.Dense(Rows, Columns);
        BuildFloorBuffers();
    }

    /// <summary>
    /// The floor's source and destination, in one array so that their distance is fixed: the destination
    /// starts half a 4 KiB page past a page multiple from the source. Two arrays allocated one after the
    /// other lie a whole number of pages apart plus a header whenever the length is a multiple of 1024
    /// floats (4096x1000 is), and then every store aliases a load 4 KiB ahead in the CPU's memory
    /// disambiguation (4K aliasing): TensorPrimitives.Exp took 1.6 ns per element that way against 0.6 ns
    /// here, which would flatter every ratio.
    /// </summary>
    private void BuildFloorBuffers()
    {
        _floorLength = Rows * Columns;
        (_floorBuffer, _floorDestinationStart) = FloorBuffers(Logits.ToColumnMajorArray());
    }

    /// <summary>
    /// A floor's buffer for <paramref name="source"/> (see <see cref="BuildFloorBuffers"/>): the source at 0, and where
    /// the destination starts, half a 4 KiB page past a page multiple from it.
    /// </summary>
    protected static (T[] Buffer, int DestinationStart) FloorBuffers<T>(T[] source)
        where T : unmanaged
    {
        int pageElements = 4096 / System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        int padding = ((pageElements / 2) - (source.Length % pageElements) + pageElements) % pageElements;
        int destinationStart = source.Length + padding;
        var buffer = new T[destinationStart + source.Length];
        source.CopyTo(buffer, 0);
        return (buffer, destinationStart);
    }

    /// <summary><c>TensorPrimitives.Exp</c> over a floor's buffer of <paramref name="length"/> floats (<see cref="FloorBuffers"/>).</summary>
    protected static float[] Floor(float[] buffer, int length, int destinationStart)
    {
        TensorPrimitives.Exp(buffer.AsSpan(0, length), buffer.AsSpan(destinationStart, length));
        return buffer;
    }

    /// <summary><c>TensorPrimitives.Exp</c> over a floor's buffer of <paramref name="length"/> doubles (<see cref="FloorBuffers"/>).</summary>
    protected static double[] Floor(double[] buffer, int length, int destinationStart)
    {
        TensorPrimitives.Exp(buffer.AsSpan(0, length), buffer.AsSpan(destinationStart, length));
        return buffer;
    }

    /// <summary>
    /// Runs a benchmark body with <see cref="Parallelism.MaxDegreeOfParallelism"/> at the processor count (the suite
    /// otherwise runs on one thread); a static lambda over the benchmark object allocates nothing.
    /// </summary>
    protected static TResult OnAllThreads<TBenchmarks, TResult>(TBenchmarks benchmarks, Func<TBenchmarks, TResult> run)
    {
        Parallelism.MaxDegreeOfParallelism = Environment.ProcessorCount;
        try
        {
            return run(benchmarks);
        }
        finally
        {
            Parallelism.MaxDegreeOfParallelism = 1;
        }
    }

    /// <summary>The floor: one vectorised exp over every element, reading and writing once.</summary>
    protected float[] Floor() => Floor(_floorBuffer, _floorLength, _floorDestinationStart);

    /// <summary>The naive row softmax: exp, row sums, divide (no max shift, as users often write it).</summary>
    protected static Matrix<T> NaiveSoftmax<T>(Matrix<T> logits)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
    {
        Matrix<T> exponentials = logits.PointwiseExp();
        Vector<T> sums = exponentials.RowSums();
        return exponentials.MapIndexed((row, _, value) => value / sums[row]);
    }

    protected static Matrix<float> NaiveSigmoid(Matrix<float> logits) => logits.Map(value => 1f / (1f + MathF.Exp(-value)));

    /// <summary>ln(1 + e^-|x|) composed from MathNet operations.</summary>
    protected Matrix<float> NaiveSoftplusOfMinusAbs() => Logits.PointwiseAbs().Negate().PointwiseExp().Add(1f).PointwiseLog();

    /// <summary>TensorFlow's stable form composed from MathNet operations: max(x, 0) - x·z + ln(1 + e^-|x|).</summary>
    protected Matrix<float> NaiveSigmoidCrossEntropy()
        => Logits.PointwiseMaximum(0f) - Logits.PointwiseMultiply(BinaryLabels) + NaiveSoftplusOfMinusAbs();
}
