using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace Losses.Demo;

/// <summary>The demo's command line: which sections run and how the models are trained.</summary>
internal sealed record DemoOptions
{
    /// <summary>The section name that selects every section.</summary>
    public const string AllSections = "all";

    /// <summary>The picture written when neither --plot nor --no-plot is given.</summary>
    public const string DefaultPlotPath = "loss-curves.png";

    private const int MaxEpochs = 1_000_000;
    private const int DefaultEpochs = 500;
    private const double DefaultLearningRate = 0.3;

    /// <summary>Whether --help was given.</summary>
    public bool Help { get; private init; }

    /// <summary>The sections named on the command line, in order; empty for all.</summary>
    public IReadOnlyList<string> Sections { get; private init; } = [];

    /// <summary>How the classifier's labels are given to the loss (--loss).</summary>
    public ClassificationLoss Loss { get; private init; } = ClassificationLoss.Sparse;

    /// <summary>The classifier's label smoothing ε ∈ [0, 1) (--label-smoothing).</summary>
    public double LabelSmoothing { get; private init; }

    /// <summary>The number of gradient-descent steps of each model (--epochs).</summary>
    public int Epochs { get; private init; } = DefaultEpochs;

    /// <summary>The step size η of each model (--learning-rate).</summary>
    public double LearningRate { get; private init; } = DefaultLearningRate;

    /// <summary>Where the loss curves are written; null for --no-plot.</summary>
    public string? PlotPath { get; private init; } = DefaultPlotPath;

    /// <summary>The options as the help text lists them.</summary>
    public static IReadOnlyList<(string Option, string Meaning)> Usage { get; } =
    [
        ("--section NAME", "Run this section: chapter, training or all (default: all); repeatable. A bare NAME works too."),
        ("--loss sparse|dense", "Classifier loss on class indices (SparseSoftmaxCrossEntropyLoss, default)"),
        ("", "or on one-hot rows (SoftmaxCrossEntropyLoss)."),
        ("--label-smoothing ε", "Classifier label smoothing, 0 ≤ ε < 1 (default: 0)."),
        ("--epochs N", $"Gradient-descent steps of each model, 1 to {MaxEpochs} (default: {DefaultEpochs})."),
        ("--learning-rate η", FormattableString.Invariant($"Step size of each model, a positive number (default: {DefaultLearningRate}).")),
        ("--plot PATH", $"Write the loss curves as a PNG picture to PATH (default: {DefaultPlotPath})."),
        ("--no-plot", "Write no picture."),
        ("-h, --help", "Show this help and exit."),
    ];

    /// <summary>
    /// Reads the command line. An option's value is the next argument or follows '='
    /// (--epochs 200 or --epochs=200).
    /// </summary>
    /// <param name="arguments">The command-line arguments.</param>
    /// <param name="sectionNames">The names of the demo's sections.</param>
    /// <exception cref="FormatException">An option is unknown, lacks its value or has a bad one; the message names it.</exception>
    public static DemoOptions Parse(IReadOnlyList<string> arguments, IReadOnlyList<string> sectionNames)
    {
        var options = new DemoOptions();
        var sections = new List<string>();
        var plot = false;
        var noPlot = false;
        for (var index = 0; index < arguments.Count; index++)
        {
            var argument = arguments[index];
            var separator = argument.StartsWith("--", StringComparison.Ordinal) ? argument.IndexOf('=', StringComparison.Ordinal) : -1;
            var name = separator < 0 ? argument : argument[..separator];
            var inlineValue = separator < 0 ? null : argument[(separator + 1)..];

            string Value()
                => inlineValue
                ?? (index + 1 < arguments.Count && !arguments[index + 1].StartsWith("--", StringComparison.Ordinal)
                    ? arguments[++index]
                    : throw Problem(name, "needs a value"));

            void NoValue()
            {
                if (inlineValue is not null)
                {
                    throw Problem(name, $"takes no value, but was given '{inlineValue}'");
                }
            }

            switch (name)
            {
                case "-h" or "--help":
                    NoValue();
                    options = options with { Help = true };
                    break;
                case "--no-plot":
                    NoValue();
                    noPlot = true;
                    options = options with { PlotPath = null };
                    break;
                case "--plot":
                    var path = Value();
                    plot = !string.IsNullOrWhiteSpace(path) ? true : throw Problem(name, "needs a file path");
                    options = options with { PlotPath = path };
                    break;
                case "--loss":
                    var loss = Value();
                    options = options with
                    {
                        Loss = loss switch
                        {
                            "sparse" => ClassificationLoss.Sparse,
                            "dense" => ClassificationLoss.Dense,
                            _ => throw Problem(name, $"must be 'sparse' or 'dense', not '{loss}'"),
                        },
                    };
                    break;
                case "--label-smoothing":
                    options = options with { LabelSmoothing = Number(name, Value(), ε => ε >= 0 && ε < 1, "a number in [0, 1)") };
                    break;
                case "--learning-rate":
                    options = options with { LearningRate = Number(name, Value(), η => η > 0 && double.IsFinite(η), "a positive number") };
                    break;
                case "--epochs":
                    var epochs = Value();
                    options = options with
                    {
                        Epochs = int.TryParse(epochs, NumberStyles.Integer, CultureInfo.InvariantCulture, out var count) && count is >= 1 and <= MaxEpochs
                            ? count
                            : throw Problem(name, $"must be a whole number from 1 to {MaxEpochs}, not '{epochs}'"),
                    };
                    break;
                case "--section":
                    var section = Value();
                    sections.Add(section == AllSections || sectionNames.Contains(section)
                        ? section
                        : throw Problem(name, $"must be {string.Join(", ", sectionNames)} or {AllSections}, not '{section}'"));
                    break;
                default:
                    sections.Add(!argument.StartsWith('-') && sectionNames.Contains(argument)
                        ? argument
                        : throw new FormatException($"unknown option or section '{argument}'."));
                    break;
            }
        }

        if (plot && noPlot)
        {
            throw new FormatException("options '--plot' and '--no-plot' exclude each other.");
        }

        return options with { Sections = sections.Contains(AllSections) ? [] : sections.Distinct().ToArray() };
    }

    private static double Number(string name, string value, Func<double, bool> accepts, string expected)
        => double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && accepts(number)
            ? number
            : throw Problem(name, $"must be {expected}, not '{value}'");

    private static FormatException Problem(string name, string problem) => new($"option '{name}' {problem}.");
}
