using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace Losses.Demo;

/// <summary>A plain-text table: a header, a rule and rows, each column padded to its widest cell.</summary>
internal sealed class Table
{
    private readonly Column[] columns;
    private readonly List<string[]> rows = [];

    public Table(params Column[] columns) => this.columns = columns;

    /// <summary>A column whose cells start at the same place: text, and numbers of equal integer width.</summary>
    public static Column Left(string header) => new(header, AlignRight: false);

    /// <summary>A column whose cells end at the same place: numbers of varying width.</summary>
    public static Column Right(string header) => new(header, AlignRight: true);

    public void AddRow(params string[] cells)
    {
        if (cells.Length != columns.Length)
        {
            throw new ArgumentException($"a row needs {columns.Length} cells, not {cells.Length}.", nameof(cells));
        }

        rows.Add(cells);
    }

    /// <summary>Writes the table, each line starting with <paramref name="indent"/>.</summary>
    public void Write(TextWriter writer, string indent = "  ")
    {
        var widths = columns.Select((column, index) => rows.Select(row => row[index].Length).Append(column.Header.Length).Max()).ToArray();
        WriteLine(writer, indent, columns.Select(column => column.Header).ToArray(), widths);
        WriteLine(writer, indent, widths.Select(width => new string('-', width)).ToArray(), widths);
        foreach (var row in rows)
        {
            WriteLine(writer, indent, row, widths);
        }
    }

    private void WriteLine(TextWriter writer, string indent, string[] cells, int[] widths)
    {
        var padded = cells.Select((cell, index) => columns[index].AlignRight ? cell.PadLeft(widths[index]) : cell.PadRight(widths[index]));
        writer.WriteLine((indent + string.Join("  ", padded)).TrimEnd());
    }

    /// <summary>A column's header and alignment.</summary>
    internal readonly record struct Column(string Header, bool AlignRight);
}
