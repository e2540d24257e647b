using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using MathNet.Numerics.LinearAlgebra;

namespace Losses.Demo;

/// <summary>
/// Fisher's Iris data: 150 flowers, four measurements in centimetres and the species of each,
/// read from the CSV file shipped beside the demo.
/// </summary>
internal sealed class IrisData
{
    /// <summary>The measurement columns of the file, in order.</summary>
    public static readonly string[] MeasurementNames = ["sepal length", "sepal width", "petal length", "petal width"];

    private IrisData(Matrix<double> measurements, int[] species, string[] speciesNames)
    {
        Measurements = measurements;
        Species = species;
        SpeciesNames = speciesNames;
    }

    /// <summary>The file shipped in the demo's output directory.</summary>
    public static string DefaultPath => Path.Combine(AppContext.BaseDirectory, "Data", "iris.csv");

    /// <summary>One row per flower, one column per measurement (cm).</summary>
    public Matrix<double> Measurements { get; }

    /// <summary>Each flower's species as a class index into <see cref="SpeciesNames"/>.</summary>
    public int[] Species { get; }

    /// <summary>The species in the order they first appear in the file.</summary>
    public IReadOnlyList<string> SpeciesNames { get; }

    /// <summary>Reads a CSV file with a header line and rows of four measurements and a species name.</summary>
    /// <exception cref="InvalidDataException">A row does not have five fields or a measurement is not a number.</exception>
    public static IrisData Load(string path)
    {
        var lines = File.ReadAllLines(path);
        var rows = new List<double[]>();
        var species = new List<int>();
        var speciesNames = new List<string>();
        for (var index = 1; index < lines.Length; index++)
        {
            if (string.IsNullOrWhiteSpace(lines[index]))
            {
                continue;
            }

            var fields = lines[index].Split(',');
            if (fields.Length != MeasurementNames.Length + 1)
            {
                throw new InvalidDataException($"{path}, line {index + 1}: expected {MeasurementNames.Length + 1} fields, found {fields.Length}.");
            }

            var measurements = new double[MeasurementNames.Length];
            for (var column = 0; column < measurements.Length; column++)
            {
                if (!double.TryParse(fields[column], NumberStyles.Float, CultureInfo.InvariantCulture, out measurements[column]))
                {
                    throw new InvalidDataException($"{path}, line {index + 1}: {MeasurementNames[column]} '{fields[column]}' is not a number.");
                }
            }

            var name = fields[^1].Trim();
            var classIndex = speciesNames.IndexOf(name);
            if (classIndex < 0)
            {
                classIndex = speciesNames.Count;
                speciesNames.Add(name);
            }

            rows.Add(measurements);
            species.Add(classIndex);
        }

        return new IrisData(Matrix<double>.Build.DenseOfRowArrays(rows), [.. species], [.. speciesNames]);
    }
}
