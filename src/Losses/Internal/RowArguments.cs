using System;
using System.Numerics;

namespace Losses.Internal;

/// <summary>The row-wise softmax kernels.</summary>
internal enum RowKernel
{
    /// <summary>softmax(x) into the outputs.</summary>
    Softmax,

    /// <summary>log softmax(x) into the outputs.</summary>
    LogSoftmax,

    /// <summary>Softmax cross-entropy with dense labels: losses and gradient (either may be empty).</summary>
    CrossEntropy,

    /// <summary>Softmax cross-entropy with class indices: losses and gradient (either may be empty).</summary>
    SparseCrossEntropy,
}

/// <summary>One call of a row kernel: its column-major inputs and outputs.</summary>
internal readonly ref struct RowArguments<T>
    where T : struct, IFloatingPointIeee754<T>
{
    public RowArguments(
        RowKernel kernel,
        ReadOnlySpan<T> logits,
        int rows,
        int columns,
        ReadOnlySpan<T> labels,
        ReadOnlySpan<int> classIndices,
        Span<T> outputs,
        Span<T> losses,
        ReadOnlySpan<T> gradientFactors = default,
        T smoothing = default)
    {
        Kernel = kernel;
        Logits = logits;
        Rows = rows;
        Columns = columns;
        Labels = labels;
        ClassIndices = classIndices;
        Outputs = outputs;
        Losses = losses;
        GradientFactors = gradientFactors;
        Smoothing = smoothing;
    }

    public RowKernel Kernel { get; }

    /// <summary>x, rows × columns.</summary>
    public ReadOnlySpan<T> Logits { get; }

    public int Rows { get; }

    public int Columns { get; }

    /// <summary>Dense labels y (cross-entropy), else empty.</summary>
    public ReadOnlySpan<T> Labels { get; }

    /// <summary>One class index per row (sparse cross-entropy), else empty.</summary>
    public ReadOnlySpan<int> ClassIndices { get; }

    /// <summary>The rows × columns output (probabilities, log-probabilities or gradient), or empty.</summary>
    public Span<T> Outputs { get; }

    /// <summary>One loss per row, or empty.</summary>
    public Span<T> Losses { get; }

    /// <summary>
    /// Per row, a factor the gradient's row is multiplied by as it is finished (the loss objects' share of the
    /// reduction, wᵢ/D), or empty for none. Each is 0 or a normal number; a 0 gives a row of exact zeros.
    /// </summary>
    public ReadOnlySpan<T> GradientFactors { get; }

    /// <summary>
    /// Label smoothing ε of the class-index kernel (0 for none): each row's labels are
    /// <c>(1 - ε)·[j = k] + ε/C</c> (<see cref="RowSoftmax.SparseCrossEntropy{T}"/>).
    /// </summary>
    public T Smoothing { get; }
}
