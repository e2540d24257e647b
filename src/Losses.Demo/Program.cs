using System;
using System.Collections.Generic;
using System.IO;

namespace Losses.Demo;

/// <summary>Runs the demo's sections: all of them by default, or the ones named on the command line.</summary>
internal static class Program
{
    private const int Success = 0;
    private const int CheckFailed = 1;
    private const int InvalidArguments = 2;

    /// <summary>The sections, in the order they run by default.</summary>
    private static readonly Section[] Sections =
    [
        new("chapter", "Replay the chapter's TensorFlow experiments and check every value it prints.", ChapterReplay.Run),
    ];

    public static int Main(string[] args)
    {
        var selected = new List<Section>();
        foreach (var argument in args)
        {
            if (argument is "-h" or "--help")
            {
                WriteUsage(Console.Out);
                return Success;
            }

            var section = Array.Find(Sections, candidate => candidate.Name == argument);
            if (section is null)
            {
                Console.Error.WriteLine($"error: unknown option or section '{argument}'.");
                Console.Error.WriteLine();
                WriteUsage(Console.Error);
                return InvalidArguments;
            }

            if (!selected.Contains(section))
            {
                selected.Add(section);
            }
        }

        if (selected.Count == 0)
        {
            selected.AddRange(Sections);
        }

        var allAgree = true;
        foreach (var section in selected)
        {
            allAgree &= section.Run(Console.Out);
        }

        return allAgree ? Success : CheckFailed;
    }

    private static void WriteUsage(TextWriter writer)
    {
        writer.WriteLine("Usage: dotnet run --project src/Losses.Demo [-- <section>...]");
        writer.WriteLine();
        writer.WriteLine("Replays the chapter on loss functions with the Losses library.");
        writer.WriteLine();
        writer.WriteLine("Sections (default: all, in this order):");
        var width = 0;
        foreach (var section in Sections)
        {
            width = Math.Max(width, section.Name.Length);
        }

        foreach (var section in Sections)
        {
            writer.WriteLine($"  {section.Name.PadRight(width)}  {section.Description}");
        }

        writer.WriteLine();
        writer.WriteLine("Options:");
        writer.WriteLine("  -h, --help  Show this help and exit.");
        writer.WriteLine();
        writer.WriteLine("Exit codes: 0 every check agrees, 1 a value disagrees, 2 invalid arguments.");
    }
}
