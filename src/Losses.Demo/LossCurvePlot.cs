using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using ScottPlot;
using ScottPlot.TickGenerators;
using SkiaSharp;

namespace Losses.Demo;

/// <summary>One training run's loss per epoch, drawn as one panel of the picture.</summary>
/// <param name="Title">The panel's title.</param>
/// <param name="Loss">The loss's name: the y axis label and the legend entry of the curve.</param>
/// <param name="Values">The loss before each step and after the last.</param>
/// <param name="Optimum">A value the curve should approach, drawn as a dashed line; null for none.</param>
/// <param name="OptimumLabel">The legend entry of <paramref name="Optimum"/>.</param>
internal sealed record LossCurve(string Title, string Loss, double[] Values, double? Optimum = null, string OptimumLabel = "");

/// <summary>Writes loss curves side by side as a PNG picture.</summary>
internal static class LossCurvePlot
{
    private const int PanelWidth = 600;
    private const int Height = 420;

    /// <summary>The space above and below the curve, in decades.</summary>
    private const double Margin = 0.05;

    /// <summary>
    /// Whether Skia finds a font to draw the titles, labels and legends with. The SkiaSharp native library that
    /// ScottPlot brings on Linux has no dependency on fontconfig and reads fonts from /usr/share/fonts only;
    /// without any there, its default typeface has no glyphs and the picture is drawn without text.
    /// </summary>
    public static bool CanDrawText => SKTypeface.Default.GlyphCount > 0;

    /// <summary>Draws one panel per curve, loss against epoch, into the PNG file at <paramref name="path"/>.</summary>
    public static void Save(string path, IReadOnlyList<LossCurve> curves)
    {
        var multiplot = new Multiplot();
        multiplot.RemovePlot(multiplot.GetPlot(0));
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Columns();
        foreach (var curve in curves)
        {
            multiplot.AddPlot(Panel(curve));
        }

        multiplot.SavePng(path, PanelWidth * curves.Count, Height);
    }

    private static Plot Panel(LossCurve curve)
    {
        // A logarithmic loss axis shows both the fast first steps and the slow approach to the optimum:
        // the values are drawn as log₁₀ and the ticks are labelled with the loss itself.
        var shown = curve.Values.Where(value => value > 0 && double.IsFinite(value)).ToArray();
        var epochs = Enumerable.Range(0, shown.Length).Select(epoch => (double)epoch).ToArray();
        var plot = new Plot();
        var line = plot.Add.ScatterLine(epochs, shown.Select(Math.Log10).ToArray());
        line.LineWidth = 2;
        line.LegendText = curve.Loss;
        var lowest = shown.DefaultIfEmpty(1).Min();
        var highest = shown.DefaultIfEmpty(1).Max();
        if (curve.Optimum is { } optimum && optimum > 0)
        {
            var reference = plot.Add.HorizontalLine(Math.Log10(optimum));
            reference.LinePattern = LinePattern.Dashed;
            reference.LegendText = curve.OptimumLabel;
            lowest = Math.Min(lowest, optimum);
        }

        plot.Title(curve.Title);
        plot.XLabel("epoch");
        plot.YLabel($"{curve.Loss}, log scale");
        plot.Axes.Left.TickGenerator = LogarithmicTicks(lowest, highest);
        plot.Axes.SetLimitsY(Math.Log10(lowest) - Margin, Math.Log10(highest) + Margin);
        plot.ShowLegend(Alignment.UpperRight);
        return plot;
    }

    /// <summary>
    /// Ticks at 1, 2 and 5 times each power of ten from <paramref name="lowest"/> to <paramref name="highest"/>,
    /// or at every digit when they lie within less than a decade, placed at their log₁₀.
    /// </summary>
    private static NumericManual LogarithmicTicks(double lowest, double highest)
    {
        ReadOnlySpan<double> mantissas = Math.Log10(highest / lowest) < 0.75 ? [1, 2, 3, 4, 5, 6, 7, 8, 9] : [1, 2, 5];
        var ticks = new NumericManual();
        for (var exponent = (int)Math.Floor(Math.Log10(lowest)); exponent <= (int)Math.Ceiling(Math.Log10(highest)); exponent++)
        {
            foreach (var mantissa in mantissas)
            {
                var value = mantissa * Math.Pow(10, exponent);
                ticks.AddMajor(Math.Log10(value), value.ToString("G3", CultureInfo.InvariantCulture));
            }
        }

        return ticks;
    }
}
