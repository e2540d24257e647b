using System;
using System.Globalization;
using System.IO;
using MathNet.Numerics.LinearAlgebra;

namespace Losses.Demo;

/// <summary>
/// Trains two models on Fisher's Iris data with the loss objects and plain full-batch gradient descent:
/// a softmax-regression classifier of the species and a linear regression of the petal width.
/// </summary>
internal static class TrainingDemo
{
    /// <summary>The training accuracy the classifier must reach.</summary>
    public const double RequiredAccuracy = 0.95;

    /// <summary>The regression predicts the last measurement, petal width, from the three before it.</summary>
    private static readonly int Predictors = IrisData.MeasurementNames.Length - 1;

    /// <summary>Writes the training progress and results and returns whether the classifier reached <see cref="RequiredAccuracy"/>.</summary>
    public static bool Run(TextWriter writer, DemoOptions options)
    {
        var iris = IrisData.Load(IrisData.DefaultPath);
        var descent = new GradientDescent(options.Epochs, options.LearningRate);
        writer.WriteLine(Invariant(
            $"Training with the loss objects: {iris.Species.Length} Iris flowers, full-batch gradient descent, {options.Epochs} epochs, learning rate {options.LearningRate}"));
        writer.WriteLine();

        var (classifierCurve, accuracy) = TrainClassifier(writer, iris, options, descent);
        var (regressionCurve, leastSquaresLoss) = TrainRegression(writer, iris, descent);

        var plotted = options.PlotPath is not { } path || Plot(writer, path, classifierCurve, regressionCurve, leastSquaresLoss, options);
        var reached = accuracy >= RequiredAccuracy;
        writer.WriteLine(Invariant(
            $"Classifier training accuracy {100 * accuracy:F1}%: {(reached ? "reaches" : "is BELOW")} the required {100 * RequiredAccuracy:F0}%."));
        writer.WriteLine();
        return reached && plotted;
    }

    private static (double[] Curve, double Accuracy) TrainClassifier(TextWriter writer, IrisData iris, DemoOptions options, GradientDescent descent)
    {
        var lossName = options.Loss == ClassificationLoss.Sparse
            ? "SparseSoftmaxCrossEntropyLoss<double> on class indices, WeightedMean"
            : "SoftmaxCrossEntropyLoss<double> on one-hot rows, Mean";
        writer.WriteLine("Softmax regression: species from the 4 standardised measurements, logits = X·W + b (W 4x3)");
        writer.WriteLine(Invariant($"  loss {lossName}, label smoothing {options.LabelSmoothing}"));
        var features = Standardization.Fit(iris.Measurements).Apply(iris.Measurements);
        var classifier = new SoftmaxRegression(features.ColumnCount, iris.SpeciesNames.Count);
        var objective = SoftmaxRegression.CrossEntropy(options.Loss, iris.Species, iris.SpeciesNames.Count, options.LabelSmoothing);
        var curve = classifier.Fit(features, iris.Species, objective, descent, writer);
        var accuracy = classifier.Accuracy(features, iris.Species);
        writer.WriteLine(Invariant(
            $"  training accuracy {100 * accuracy:F1}% ({Math.Round(accuracy * iris.Species.Length)} of {iris.Species.Length} flowers)"));
        writer.WriteLine();
        return (curve, accuracy);
    }

    private static (double[] Curve, double LeastSquaresLoss) TrainRegression(TextWriter writer, IrisData iris, GradientDescent descent)
    {
        writer.WriteLine("Linear regression: petal width from the other 3 standardised measurements, MeanSquaredErrorLoss<double>");
        var measurements = iris.Measurements.SubMatrix(0, iris.Measurements.RowCount, 0, Predictors);
        var features = Standardization.Fit(measurements).Apply(measurements);
        var targets = iris.Measurements.Column(Predictors);
        var regression = new LinearRegression(Predictors);
        var curve = regression.Fit(features, targets, descent, writer);

        var fitted = regression.Coefficients;
        var exact = LinearRegression.LeastSquares(features, targets);
        var fittedPredictions = LinearRegression.Predict(features, fitted);
        var exactPredictions = LinearRegression.Predict(features, exact);

        var table = new Table(Table.Left(""), Table.Right("gradient descent"), Table.Right("least squares (QR)"), Table.Right("|Δ|"));
        void Row(string name, double descended, double solved)
            => table.AddRow(name, Fixed(descended), Fixed(solved), Invariant($"{Math.Abs(descended - solved):0.0E+00}"));

        Row("intercept (cm)", fitted[0], exact[0]);
        for (var column = 0; column < Predictors; column++)
        {
            Row($"{IrisData.MeasurementNames[column]} (cm per SD)", fitted[column + 1], exact[column + 1]);
        }

        Row("RMSE (cm)", Loss.RootMeanSquaredError(targets, fittedPredictions), Loss.RootMeanSquaredError(targets, exactPredictions));
        Row("MAD (cm)", Loss.MeanAbsoluteError(targets, fittedPredictions), Loss.MeanAbsoluteError(targets, exactPredictions));
        writer.WriteLine();
        table.Write(writer);
        if (!(curve[^1] <= curve[0]))
        {
            writer.WriteLine("  Gradient descent diverged: the learning rate is too large for this loss; lower --learning-rate.");
        }

        writer.WriteLine();
        return (curve, Loss.MeanSquaredError(targets, exactPredictions));
    }

    /// <summary>Writes the picture and returns true, or explains why it could not be written and returns false.</summary>
    private static bool Plot(TextWriter writer, string path, double[] classifierCurve, double[] regressionCurve, double leastSquaresLoss, DemoOptions options)
    {
        var classifierLoss = options.Loss == ClassificationLoss.Sparse ? "sparse softmax cross-entropy" : "softmax cross-entropy (one-hot)";
        LossCurve[] curves =
        [
            new(Invariant($"Iris species: softmax regression, ε = {options.LabelSmoothing}"), classifierLoss, classifierCurve),
            new("Iris petal width: linear regression", "mean squared error (cm²)", regressionCurve, leastSquaresLoss, "least squares (QR)"),
        ];
        try
        {
            LossCurvePlot.Save(path, curves);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            writer.WriteLine($"Could not write the loss curves to {Path.GetFullPath(path)}: {exception.Message}");
            return false;
        }

        writer.WriteLine($"Loss curves written to {Path.GetFullPath(path)}");
        if (!LossCurvePlot.CanDrawText)
        {
            writer.WriteLine("  No font found under /usr/share/fonts, so the picture has no text: install one (Debian: fonts-dejavu-core).");
        }

        return true;
    }

    /// <summary>Six decimals, or six significant digits where that would not fit.</summary>
    private static string Fixed(double value) => Math.Abs(value) < 1e6 ? Invariant($"{value:F6}") : Invariant($"{value:G6}");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
