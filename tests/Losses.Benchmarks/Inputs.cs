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
    private float[] _floorSource = [];
    private float[] _floorDestination = [];

    protected int Rows { get; private set; }

    protected int Columns { get; private set; }

    protected Matrix<float> Logits { get; private set; } = null!;

    protected Matrix<float> OneHotLabels { get; private set; } = null!;

    protected Matrix<float> BinaryLabels { get; private set; } = null!;

    protected Matrix<float> Probabilities { get; private set; } = null!;

    protected int[] ClassIndices { get; private set; } = [];

    protected Vector<float> PerRow { get; private set; } = null!;

    protected Matrix<float> PerElement { get; private set; } = null!;

    protected void Build(string shape)
    {
        // One thread unless a benchmark says otherwise (the _AllThreads ones), as in the reference figures.
        Parallelism.MaxDegreeOfParallelism = 1;
        string[] parts = shape.Split('x');
        Rows = int.Parse(parts[0], CultureInfo.InvariantCulture);
        Columns = int.Parse(parts[1], CultureInfo.InvariantCulture);
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
        _floorSource = Logits.ToColumnMajorArray();
        _floorDestination = new float[_floorSource.Length];
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
    protected float[] Floor()
    {
        TensorPrimitives.Exp(_floorSource, _floorDestination);
        return _floorDestination;
    }

    /// <summary>The naive row softmax: exp, row sums, divide (no max shift, as users often write it).</summary>
    protected static Matrix<float> NaiveSoftmax(Matrix<float> logits)
    {
        Matrix<float> exponentials = logits.PointwiseExp();
        Vector<float> sums = exponentials.RowSums();
        return exponentials.MapIndexed((row, _, value) => value / sums[row]);
    }

    protected static Matrix<float> NaiveSigmoid(Matrix<float> logits) => logits.Map(value => 1f / (1f + MathF.Exp(-value)));
}
