using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using FluentAssertions;
using Losses.Internal;
using MathNet.Numerics.LinearAlgebra;

namespace Losses.Tests.Kernels;

/// <summary>
/// The vectorised kernels against themselves and against a plain reference: dense storage (read in
/// place) and sparse storage (the pooled column-major copy) must give bit-identical results, two calls
/// must give bit-identical results, and both must match the formulas of NUMERICS.md evaluated
/// element by element in double (<see cref="Reference"/>). Shapes cover vector tails (1 to 70 rows and
/// columns, one row, one column) and the edges of the row blocks.
/// </summary>
public abstract class KernelAgreementTests<T>
    where T : struct, System.Numerics.IFloatingPointIeee754<T>
{
    /// <summary>Relative tolerance against the double reference: a few ulps of T, times the row length for sums.</summary>
    protected abstract double Tolerance { get; }

    [Fact]
    public void RowsPerBlock_CoversTheBlockEdgesOfTheShapes()
    {
        // The shapes put rows on each side of these block lengths.
        RowSoftmax.RowsPerBlock<T>(3).Should().Be(RowSoftmax.BlockRows);
        RowSoftmax.RowsPerBlock<T>(RowSoftmax.BlockBytes / (256 * Unsafe.SizeOf<T>())).Should().Be(256);
        RowSoftmax.RowsPerBlock<T>(RowSoftmax.BlockBytes / (512 * Unsafe.SizeOf<T>())).Should().Be(512);
    }

    [Theory]
    [MemberData(nameof(KernelShapes.All), MemberType = typeof(KernelShapes))]
    public void DenseAndSparseStorage_GiveBitIdenticalResults(int rows, int columns)
    {
        var inputs = new Inputs(rows, columns, seed: rows * 1000 + columns, specials: false);
        foreach ((string name, Func<Inputs, T[]> run) in Functions())
        {
            T[] dense = run(inputs);
            T[] sparse = run(inputs.AsSparse());
            KernelComparison.BitIdentical(sparse, dense, $"{name} at {rows}x{columns}, sparse against dense storage");
        }
    }

    [Theory]
    [MemberData(nameof(KernelShapes.All), MemberType = typeof(KernelShapes))]
    public void RepeatedCalls_GiveBitIdenticalResults(int rows, int columns)
    {
        var inputs = new Inputs(rows, columns, seed: rows * 1000 + columns + 1, specials: true);
        foreach ((string name, Func<Inputs, T[]> run) in Functions())
        {
            KernelComparison.BitIdentical(run(inputs), run(inputs), $"{name} at {rows}x{columns}, second call against first");
        }
    }

    [Theory]
    [MemberData(nameof(KernelShapes.All), MemberType = typeof(KernelShapes))]
    public void Kernels_MatchTheElementByElementReference(int rows, int columns)
    {
        var inputs = new Inputs(rows, columns, seed: rows * 1000 + columns + 2, specials: false);
        Check(inputs, $"{rows}x{columns}");
    }

    [Theory]
    [MemberData(nameof(KernelShapes.BlockEdges), MemberType = typeof(KernelShapes))]
    public void RowKernelsAcrossBlockEdges_MatchTheReferenceAndRepeatBitForBit(int rows, int columns)
    {
        var inputs = new Inputs(rows, columns, seed: rows * 1000 + columns + 4, specials: false);
        var reference = new Reference(inputs);
        foreach ((string name, Func<Inputs, T[]> run) in Functions().Where(function => function.Name.Contains("Softmax", StringComparison.Ordinal)))
        {
            T[] first = run(inputs);
            KernelComparison.BitIdentical(run(inputs), first, $"{name} at {rows}x{columns}, second call against first");
            KernelComparison.Close(first, reference.Of(name), Tolerance * (columns + 8), $"{name} at {rows}x{columns}");
        }
    }

    [Theory]
    [MemberData(nameof(KernelShapes.BlockEdges), MemberType = typeof(KernelShapes))]
    public void RowKernelsAcrossBlockEdges_WithInfiniteAndNaNInputs_MatchTheReferenceLimits(int rows, int columns)
    {
        // Rows in several blocks: the row of only -∞ (the last, alone in its block at BlockRows + 1 rows), the ±∞
        // entries and the NaN come out as the limits, whichever block they fall in.
        var inputs = new Inputs(rows, columns, seed: rows * 1000 + columns + 6, specials: true);
        var reference = new Reference(inputs);
        foreach ((string name, Func<Inputs, T[]> run) in Functions().Where(function => function.Name.Contains("Softmax", StringComparison.Ordinal)))
        {
            KernelComparison.Close(run(inputs), reference.Of(name), Tolerance * (columns + 8), $"{name} at {rows}x{columns} with ±∞ and NaN");
        }
    }

    [Theory]
    [InlineData(9, 3)]
    [InlineData(17, 8)]
    [InlineData(70, 17)]
    public void ARowsResults_DoNotDependOnTheOtherRowsOfItsVector(int rows, int columns)
    {
        // Odd rows turn extreme (logits of -1e300, -800, ±∞ and NaN, which push a vectorised exp off its
        // vector path); the even rows share vectors with them and must keep every bit.
        var ordinary = new Inputs(rows, columns, seed: rows * 1000 + columns + 5, specials: false);
        var mixed = new Inputs(rows, columns, seed: rows * 1000 + columns + 5, specials: false);
        T[] extremes = [T.CreateTruncating(-1e300), T.CreateTruncating(-800), T.NegativeInfinity, T.PositiveInfinity, T.NaN, T.CreateTruncating(1e300)];
        for (int row = 1; row < rows; row += 2)
        {
            for (int column = 0; column < columns; column++)
            {
                mixed.Logits[row, column] = extremes[(row + column) % extremes.Length];
            }
        }

        foreach ((string name, Func<Inputs, T[]> run) in Functions().Where(function => !function.Name.Contains("Mean", StringComparison.Ordinal)))
        {
            T[] expected = run(ordinary);
            T[] actual = run(mixed);
            for (int index = 0; index < expected.Length; index++)
            {
                // Results are column-major (or one per row), so index % rows is the row.
                if (index % rows % 2 == 0)
                {
                    NumericBits(actual[index]).Should().Be(
                        NumericBits(expected[index]), $"{name} at {rows}x{columns}, element {index} of an ordinary row beside extreme rows");
                }
            }
        }
    }

    private static long NumericBits(T value) => BitConverter.DoubleToInt64Bits(double.CreateTruncating(value));

    [Theory]
    [InlineData(1, 1)]
    [InlineData(9, 3)]
    [InlineData(17, 8)]
    [InlineData(70, 17)]
    public void InfiniteAndNaNInputs_MatchTheReferenceLimits(int rows, int columns)
    {
        var inputs = new Inputs(rows, columns, seed: rows * 1000 + columns + 3, specials: true);
        Check(inputs, $"{rows}x{columns} with ±∞ and NaN");
    }

    private void Check(Inputs inputs, string shape)
    {
        var reference = new Reference(inputs);
        foreach ((string name, Func<Inputs, T[]> run) in Functions())
        {
            double tolerance = name.Contains("Softmax", StringComparison.Ordinal) || name.Contains("CrossEntropy", StringComparison.Ordinal)
                ? Tolerance * (inputs.Columns + 8)
                : Tolerance * 8;
            if (name == "RootMeanSquaredErrorGradient" && !reference.HasFiniteRootMeanSquaredError)
            {
                // (p - y)/(n·RMSE) is ∞/∞ once RMSE overflows; this reference has no value to offer there.
                continue;
            }

            KernelComparison.Close(run(inputs), reference.Of(name), tolerance, $"{name} at {shape}");
        }
    }

    /// <summary>Every kernel through its public result-buffer overload, flattened column-major.</summary>
    private static IEnumerable<(string Name, Func<Inputs, T[]> Run)> Functions()
    {
        T weight = T.CreateTruncating(2.5);
        yield return ("Softmax", input => Into(input, result => Activation.Softmax(input.Logits, result)));
        yield return ("LogSoftmax", input => Into(input, result => Activation.LogSoftmax(input.Logits, result)));
        yield return ("Sigmoid", input => Into(input, result => Activation.Sigmoid(input.Logits, result)));
        yield return ("SoftmaxCrossEntropy", input => PerRow(input, result => Loss.SoftmaxCrossEntropyWithLogits(input.Labels, input.Logits, result)));
        yield return ("SoftmaxCrossEntropyGradient", input => Into(input, result => Loss.SoftmaxCrossEntropyWithLogitsGradient(input.Labels, input.Logits, result)));
        yield return ("SparseSoftmaxCrossEntropy", input => PerRow(input, result => Loss.SparseSoftmaxCrossEntropyWithLogits(input.ClassIndices, input.Logits, result)));
        yield return ("SparseSoftmaxCrossEntropyGradient", input => Into(input, result => Loss.SparseSoftmaxCrossEntropyWithLogitsGradient(input.ClassIndices, input.Logits, result)));
        yield return ("SigmoidCrossEntropy", input => Into(input, result => Loss.SigmoidCrossEntropyWithLogits(input.Labels, input.Logits, result)));
        yield return ("SigmoidCrossEntropyGradient", input => Into(input, result => Loss.SigmoidCrossEntropyWithLogitsGradient(input.Labels, input.Logits, result)));
        yield return ("WeightedCrossEntropy", input => Into(input, result => Loss.WeightedCrossEntropyWithLogits(input.Labels, input.Logits, weight, result)));
        yield return ("WeightedCrossEntropyGradient", input => Into(input, result => Loss.WeightedCrossEntropyWithLogitsGradient(input.Labels, input.Logits, weight, result)));
        yield return ("CrossEntropy", input => PerRow(input, result => Loss.CrossEntropy(input.Labels, input.Probabilities, result)));
        yield return ("CrossEntropyGradient", input => Into(input, result => Loss.CrossEntropyGradient(input.Labels, input.Probabilities, result)));
        yield return ("MeanSquaredError", input => [Loss.MeanSquaredError(input.Labels, input.Logits)]);
        yield return ("MeanSquaredErrorGradient", input => Into(input, result => Loss.MeanSquaredErrorGradient(input.Labels, input.Logits, result)));
        yield return ("RootMeanSquaredError", input => [Loss.RootMeanSquaredError(input.Labels, input.Logits)]);
        yield return ("RootMeanSquaredErrorGradient", input => Into(input, result => Loss.RootMeanSquaredErrorGradient(input.Labels, input.Logits, result)));
        yield return ("MeanAbsoluteError", input => [Loss.MeanAbsoluteError(input.Labels, input.Logits)]);
        yield return ("MeanAbsoluteErrorGradient", input => Into(input, result => Loss.MeanAbsoluteErrorGradient(input.Labels, input.Logits, result)));
    }

    private static T[] Into(Inputs input, Action<Matrix<T>> run)
    {
        Matrix<T> result = input.ResultMatrix();
        run(result);
        return result.ToColumnMajorArray();
    }

    private static T[] PerRow(Inputs input, Action<Vector<T>> run)
    {
        Vector<T> result = input.ResultVector();
        run(result);
        return result.ToArray();
    }

    /// <summary>
    /// Random inputs of one shape: logits in [-8, 8], labels in [0, 1] with about half exactly 0,
    /// class indices, and probabilities in (0, 1] (0 where the label is 0, for 0·ln 0). With specials,
    /// some logits are ±∞ (including a whole row of -∞ and an +∞ on a zero label) and one is NaN.
    /// </summary>
    internal sealed class Inputs
    {
        private readonly bool _sparse;

        public Inputs(int rows, int columns, int seed, bool specials)
        {
            var random = new Random(seed);
            T Uniform(double low, double high) => T.CreateTruncating(low + ((high - low) * random.NextDouble()));
            Rows = rows;
            Columns = columns;
            Logits = Matrix<T>.Build.Dense(rows, columns, (_, _) => Uniform(-8, 8));
            Labels = Matrix<T>.Build.Dense(rows, columns, (_, _) => random.Next(2) == 0 ? T.Zero : Uniform(0, 1));
            Probabilities = Matrix<T>.Build.Dense(rows, columns, (row, column) => Labels[row, column] == T.Zero && random.Next(4) == 0 ? T.Zero : Uniform(0.01, 1));
            ClassIndices = Enumerable.Range(0, rows).Select(_ => random.Next(columns)).ToArray();
            if (specials)
            {
                for (int k = 0; k < Math.Max(1, rows * columns / 10); k++)
                {
                    Logits[random.Next(rows), random.Next(columns)] = random.Next(2) == 0 ? T.PositiveInfinity : T.NegativeInfinity;
                }

                Logits.SetRow(rows - 1, Enumerable.Repeat(T.NegativeInfinity, columns).ToArray());
                if (rows > 2)
                {
                    Logits[1, random.Next(columns)] = T.NaN;
                }
            }
        }

        private Inputs(Inputs dense)
        {
            _sparse = true;
            Rows = dense.Rows;
            Columns = dense.Columns;
            Logits = Matrix<T>.Build.SparseOfMatrix(dense.Logits);
            Labels = Matrix<T>.Build.SparseOfMatrix(dense.Labels);
            Probabilities = Matrix<T>.Build.SparseOfMatrix(dense.Probabilities);
            ClassIndices = dense.ClassIndices;
        }

        public int Rows { get; }

        public int Columns { get; }

        public Matrix<T> Logits { get; }

        public Matrix<T> Labels { get; }

        public Matrix<T> Probabilities { get; }

        public int[] ClassIndices { get; }

        public Inputs AsSparse() => new(this);

        /// <summary>
        /// A result buffer in the inputs' storage, so that sparse inputs also exercise the pooled output;
        /// dense beyond 4096 elements, where filling sparse storage entry by entry would take minutes.
        /// </summary>
        public Matrix<T> ResultMatrix()
            => SparseResult ? Matrix<T>.Build.Sparse(Rows, Columns) : Matrix<T>.Build.Dense(Rows, Columns);

        public Vector<T> ResultVector()
            => SparseResult ? Vector<T>.Build.Sparse(Rows) : Vector<T>.Build.Dense(Rows);

        private bool SparseResult => _sparse && Rows * Columns <= 4096;
    }

    /// <summary>
    /// The formulas of NUMERICS.md and API.md evaluated one element at a time in double, without any
    /// of the kernels' blocking or vectorisation: the expected values of the agreement tests.
    /// </summary>
    private sealed class Reference
    {
        private readonly Inputs _inputs;
        private readonly int _rows;
        private readonly int _columns;
        private readonly double[] _x;
        private readonly double[] _y;
        private readonly double[] _p;
        private readonly double[] _max;
        private readonly double[] _sum;
        private readonly double[] _labelSum;

        public Reference(Inputs inputs)
        {
            _inputs = inputs;
            _rows = inputs.Rows;
            _columns = inputs.Columns;
            _x = ToDouble(inputs.Logits);
            _y = ToDouble(inputs.Labels);
            _p = ToDouble(inputs.Probabilities);
            _max = Enumerable.Range(0, _rows).Select(RowMax).ToArray();
            _labelSum = Enumerable.Range(0, _rows).Select(row => Enumerable.Range(0, _columns).Sum(column => Y(row, column))).ToArray();
            _sum = Enumerable.Range(0, _rows).Select(row => Enumerable.Range(0, _columns).Sum(column => Math.Exp(Shifted(row, column)))).ToArray();
        }

        public double[] Of(string name) => name switch
        {
            "Softmax" => Elementwise((row, column) => Math.Exp(Shifted(row, column)) / Sum(row)),
            "LogSoftmax" => Elementwise((row, column) => Shifted(row, column) - Math.Log(Sum(row))),
            "Sigmoid" => Elementwise((row, column) => Sigmoid(X(row, column))),
            "SoftmaxCrossEntropy" => PerRow(row => LabelledSum(row, column => Math.Log(Sum(row)) - Shifted(row, column))),
            "SoftmaxCrossEntropyGradient" => Elementwise((row, column) =>
                (Math.Exp(Shifted(row, column)) / Sum(row) * _labelSum[row]) - Y(row, column)),
            "SparseSoftmaxCrossEntropy" => PerRow(row => Math.Log(Sum(row)) - Shifted(row, _inputs.ClassIndices[row])),
            "SparseSoftmaxCrossEntropyGradient" => Elementwise((row, column) =>
                (Math.Exp(Shifted(row, column)) / Sum(row)) - (column == _inputs.ClassIndices[row] ? 1 : 0)),
            "SigmoidCrossEntropy" => Elementwise((row, column) => Logistic(Y(row, column), X(row, column), 1)),
            "SigmoidCrossEntropyGradient" => Elementwise((row, column) => Sigmoid(X(row, column)) - Y(row, column)),
            "WeightedCrossEntropy" => Elementwise((row, column) => Logistic(Y(row, column), X(row, column), 2.5)),
            "WeightedCrossEntropyGradient" => Elementwise((row, column) =>
                ((1 + (1.5 * Y(row, column))) * Sigmoid(X(row, column))) - (2.5 * Y(row, column))),
            "CrossEntropy" => PerRow(row => -LabelledSum(row, column => Math.Log(_p[(column * _rows) + row]))),
            "CrossEntropyGradient" => Elementwise((row, column) => Y(row, column) == 0 ? 0 : -Y(row, column) / _p[(column * _rows) + row]),
            "MeanSquaredError" => [Differences().Sum(d => d * d) / _x.Length],
            "MeanSquaredErrorGradient" => Differences().Select(d => 2 * d / _x.Length).ToArray(),
            "RootMeanSquaredError" => [Math.Sqrt(Differences().Sum(d => d * d) / _x.Length)],
            "RootMeanSquaredErrorGradient" => RootMeanSquaredErrorGradient(),
            "MeanAbsoluteError" => [Differences().Sum(Math.Abs) / _x.Length],
            "MeanAbsoluteErrorGradient" => Differences().Select(d => double.IsNaN(d) ? double.NaN : Math.Sign(d) / (double)_x.Length).ToArray(),
            _ => throw new ArgumentException(name, nameof(name)),
        };

        public bool HasFiniteRootMeanSquaredError => double.IsFinite(Differences().Sum(d => d * d));

        private static double[] ToDouble(Matrix<T> matrix) => matrix.ToColumnMajorArray().Select(double.CreateTruncating).ToArray();

        private double X(int row, int column) => _x[(column * _rows) + row];

        private double Y(int row, int column) => _y[(column * _rows) + row];

        /// <summary>m = max of the row; NaN for a row with a NaN or a row of only -∞.</summary>
        private double RowMax(int row)
        {
            double max = double.NegativeInfinity;
            for (int column = 0; column < _columns; column++)
            {
                double x = X(row, column);
                if (double.IsNaN(x))
                {
                    return double.NaN;
                }

                max = Math.Max(max, x);
            }

            return double.IsNegativeInfinity(max) ? double.NaN : max;
        }

        /// <summary>s = x - m, and 0 where x = m (the +∞ limit).</summary>
        private double Shifted(int row, int column)
        {
            double x = X(row, column);
            double max = _max[row];
            return x == max ? 0 : x - max;
        }

        private double Sum(int row) => _sum[row];

        /// <summary>Σ over the row's non-zero labels of y·term: a zero label contributes exactly 0.</summary>
        private double LabelledSum(int row, Func<int, double> term)
            => Enumerable.Range(0, _columns).Where(column => Y(row, column) != 0).Sum(column => Y(row, column) * term(column));

        private static double Sigmoid(double x) => x >= 0 ? 1 / (1 + Math.Exp(-x)) : Math.Exp(x) / (1 + Math.Exp(x));

        /// <summary>(1 - z)·x + (1 + (q - 1)·z)·(log1p(e^-|x|) + max(-x, 0)), each zero factor giving 0 against ±∞.</summary>
        private static double Logistic(double z, double x, double q)
        {
            double e = Math.Exp(-Math.Abs(x));
            double logOnePlus = e < 1e-5 ? e - (e * e / 2) + (e * e * e / 3) : Math.Log(1 + e);
            double c = 1 + ((q - 1) * z);
            double linear = x >= 0 ? Times(1 - z, x) : Times(q * z, -x);
            return linear + Times(c, logOnePlus);
        }

        private static double Times(double a, double b) => a == 0 ? 0 : a * b;

        private double[] Differences() => _x.Zip(_y, (x, y) => x - y).ToArray();

        private double[] RootMeanSquaredErrorGradient()
        {
            double root = Math.Sqrt(Differences().Sum(d => d * d) / _x.Length);
            return Differences().Select(d => root == 0 ? 0 : d / (_x.Length * root)).ToArray();
        }

        private double[] Elementwise(Func<int, int, double> value)
        {
            var result = new double[_rows * _columns];
            for (int column = 0; column < _columns; column++)
            {
                for (int row = 0; row < _rows; row++)
                {
                    result[(column * _rows) + row] = value(row, column);
                }
            }

            return result;
        }

        private double[] PerRow(Func<int, double> value) => Enumerable.Range(0, _rows).Select(value).ToArray();
    }
}

/// <summary>
/// Shapes that leave vector tails (1 to 70 rows and columns, one row, one column), and rows on each
/// side of the row-block edges: BlockRows rows for narrow matrices, 256 and 512 rows for wider ones
/// (the column counts of 256- and 512-row blocks differ for float and double, so both are listed).
/// </summary>
public static class KernelShapes
{
    public static TheoryData<int, int> All()
    {
        var shapes = new TheoryData<int, int>();
        int[] sizes = [1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 33, 63, 64, 65, 70];
        foreach (int rows in sizes)
        {
            foreach (int columns in new[] { 1, 3, 8, 17, 70 })
            {
                shapes.Add(rows, columns);
            }
        }

        return shapes;
    }

    public static TheoryData<int, int> BlockEdges()
    {
        var shapes = new TheoryData<int, int>();
        foreach (int rows in new[] { RowSoftmax.BlockRows - 1, RowSoftmax.BlockRows + 1, (2 * RowSoftmax.BlockRows) + 3 })
        {
            shapes.Add(rows, 3);
        }

        foreach (int blockRows in new[] { 256, 512 })
        {
            foreach (int elementSize in new[] { sizeof(float), sizeof(double) })
            {
                shapes.Add(blockRows - 1, RowSoftmax.BlockBytes / (blockRows * elementSize));
                shapes.Add(blockRows + 1, RowSoftmax.BlockBytes / (blockRows * elementSize));
            }
        }

        return shapes;
    }
}

public sealed class KernelAgreementTestsFloat : KernelAgreementTests<float>
{
    protected override double Tolerance => 4e-7;
}

public sealed class KernelAgreementTestsDouble : KernelAgreementTests<double>
{
    protected override double Tolerance => 1e-15;
}
