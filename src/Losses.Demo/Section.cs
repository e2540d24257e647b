using System;
using System.IO;

namespace Losses.Demo;

/// <summary>One part of the demo that can be run on its own, such as the chapter replay.</summary>
/// <param name="Name">The name given on the command line.</param>
/// <param name="Description">One line for the help text.</param>
/// <param name="Run">Writes the section to the writer; returns false when a check failed.</param>
internal sealed record Section(string Name, string Description, Func<TextWriter, bool> Run);
