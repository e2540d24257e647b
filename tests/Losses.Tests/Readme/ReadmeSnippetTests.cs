using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using FluentAssertions;

namespace Losses.Tests.Readme;

/// <summary>
/// The README cannot drift from the code: every C# block in README.md stands, line for line, in a
/// <c>#region README</c> of <see cref="ReadmeSamples"/>, where it is compiled and run with assertions,
/// and every such region stands in the README.
/// </summary>
public sealed partial class ReadmeSnippetTests
{
    private static readonly string Root = FindRepositoryRoot();

    [Fact]
    public void EveryCSharpBlockOfTheReadme_IsCompiledAndRunAsASample()
    {
        string samplesSource = File.ReadAllText(Path.Combine(Root, "tests", "Losses.Tests", "Readme", "ReadmeSamples.cs"));
        var regions = Regions(samplesSource).Select(Normalize).ToList();
        var usings = UsingLines(samplesSource);

        var blocks = CSharpBlocks(File.ReadAllText(Path.Combine(Root, "README.md"))).ToList();
        blocks.Should().NotBeEmpty("the README shows C# samples");
        foreach (string block in blocks)
        {
            var lines = Normalize(block);
            foreach (string line in lines.Where(IsUsing))
            {
                usings.Should().Contain(line, "the samples file must import what the README sample imports");
            }

            var code = lines.Where(line => !IsUsing(line)).ToList();
            regions.Should().Contain(
                region => region.SequenceEqual(code),
                "this README block must stand in a #region README of ReadmeSamples.cs:\n{0}",
                string.Join('\n', code));
        }
    }

    [Fact]
    public void EverySampleRegion_StandsInTheReadme()
    {
        var readmeBlocks = CSharpBlocks(File.ReadAllText(Path.Combine(Root, "README.md")))
            .Select(block => Normalize(block).Where(line => !IsUsing(line)).ToList())
            .ToList();
        string samplesSource = File.ReadAllText(Path.Combine(Root, "tests", "Losses.Tests", "Readme", "ReadmeSamples.cs"));
        foreach (var region in Regions(samplesSource).Select(Normalize))
        {
            readmeBlocks.Should().Contain(
                block => block.SequenceEqual(region),
                "a sample region must be shown in the README, or removed:\n{0}",
                string.Join('\n', region));
        }
    }

    private static IEnumerable<string> CSharpBlocks(string markdown)
        => CSharpFence().Matches(markdown).Select(match => match.Groups["code"].Value);

    private static IEnumerable<string> Regions(string source)
        => SampleRegion().Matches(source).Select(match => match.Groups["code"].Value);

    private static HashSet<string> UsingLines(string source)
        => source.Split('\n').Select(line => line.Trim()).Where(IsUsing).ToHashSet(StringComparer.Ordinal);

    private static bool IsUsing(string line) => line.StartsWith("using ", StringComparison.Ordinal) && line.EndsWith(';');

    /// <summary>Lines without their indentation, trailing blanks and empty lines.</summary>
    private static List<string> Normalize(string code)
        => code.Split('\n').Select(line => line.Trim()).Where(line => line.Length > 0).ToList();

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Losses.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Losses.sln above {AppContext.BaseDirectory}.");
    }

    [GeneratedRegex(@"^```csharp[ \t]*\r?\n(?<code>.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex CSharpFence();

    [GeneratedRegex(@"^[ \t]*#region README[^\n]*\n(?<code>.*?)^[ \t]*#endregion", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex SampleRegion();
}
