using System;
using System.IO;
using System.Linq;

namespace Losses.Demo;

/// <summary>Runs the demo's sections: all of them by default, or the ones named on the command line.</summary>
internal static class Program
{
    private const int Success = 0;
    private const int CheckFailed = 1;
    private const int InvalidArguments = 2;

    public static int Main(string[] args)
    {
        DemoOptions options;
        try
        {
            options = DemoOptions.Parse(args, Sections(new DemoOptions()).Select(section => section.Name).ToArray());
        }
        catch (FormatException exception)
        {
            Console.Error.WriteLine($"error: {exception.Message}");
            Console.Error.WriteLine();
            WriteUsage(Console.Error);
            return InvalidArguments;
        }

        if (options.Help)
        {
            WriteUsage(Console.Out);
            return Success;
        }

        var sections = Sections(options);
        var selected = options.Sections.Count == 0
            ? sections
            : options.Sections.Select(name => Array.Find(sections, section => section.Name == name)!).ToArray();
        var allAgree = true;
        foreach (var section in selected)
        {
            allAgree &= section.Run(Console.Out);
        }

        return allAgree ? Success : CheckFailed;
    }

    /// <summary>The sections, in the order they run by default.</summary>
    private static Section[] Sections(DemoOptions options) =>
    [
        new("chapter", "Replay the chapter's TensorFlow experiments and check every value it prints.", ChapterReplay.Run),
        new("training", "Train a classifier and a regression on the Iris data with the loss objects.", writer => TrainingDemo.Run(writer, options)),
    ];

    private static void WriteUsage(TextWriter writer)
    {
        writer.WriteLine("Usage: dotnet run --project src/Losses.Demo [-- <option>...]");
        writer.WriteLine();
        writer.WriteLine("Replays the chapter on loss functions with the Losses library, then trains models with its loss objects.");
        writer.WriteLine();
        writer.WriteLine("Sections (default: all, in this order):");
        var sections = Sections(new DemoOptions());
        var width = sections.Max(section => section.Name.Length);
        foreach (var section in sections)
        {
            writer.WriteLine($"  {section.Name.PadRight(width)}  {section.Description}");
        }

        writer.WriteLine();
        writer.WriteLine("Options:");
        width = DemoOptions.Usage.Max(usage => usage.Option.Length);
        foreach (var (option, meaning) in DemoOptions.Usage)
        {
            writer.WriteLine($"  {option.PadRight(width)}  {meaning}");
        }

        writer.WriteLine();
        writer.WriteLine("Exit codes: 0 every check passes; 1 a value disagrees with the chapter, the classifier's training");
        writer.WriteLine(FormattableString.Invariant($"accuracy is below {100 * TrainingDemo.RequiredAccuracy:F0}% or the picture cannot be written; 2 invalid arguments."));
    }
}
