using System;
using Losses.Internal;
using MathNet.Numerics.LinearAlgebra;

namespace Losses;

/// <summary>
/// The activations that turn a model's raw outputs (logits) into probabilities: softmax, its
/// logarithm and the logistic sigmoid. A batch is a matrix with one row per example; a vector is one
/// example. T is in practice <see cref="float"/> or <see cref="double"/>, the
/// real types MathNet builds matrices of.
/// </summary>
public static class Activation
{
    /// <summary>Row-wise softmax of a batch of logits.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="logits">Logits, one row per example and one column per class (N×C).</param>
    /// <returns>A new N×C matrix whose rows are probabilities summing to 1.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="logits"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="logits"/> is empty.</exception>
    /// <remarks>
    /// <para><c>softmax(x)ᵢⱼ = exp(xᵢⱼ - mᵢ) / Σₖ exp(xᵢₖ - mᵢ)</c> with <c>mᵢ = maxₖ xᵢₖ</c>.</para>
    /// <para>Subtracting the row maximum keeps every exponent ≤ 0, so logits of any magnitude give
    /// finite probabilities. A row whose maximum is +∞ shares its probability equally among its +∞
    /// entries (the limit); a row of only -∞, or with a NaN, gives NaN.</para>
    /// <para>Matches TensorFlow's <c>tf.nn.softmax</c> and PyTorch's <c>torch.softmax(x, dim=1)</c>.</para>
    /// </remarks>
    public static Matrix<T> Softmax<T>(Matrix<T> logits)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(logits);
        var result = Matrix<T>.Build.Dense(logits.RowCount, logits.ColumnCount);
        Softmax(logits, result);
        return result;
    }

    /// <summary>Row-wise softmax of a batch of logits, written into <paramref name="result"/>.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="logits">Logits, N×C.</param>
    /// <param name="result">The N×C destination; it may be <paramref name="logits"/> itself.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="logits"/> is empty or <paramref name="result"/> is not N×C or is a diagonal matrix.</exception>
    /// <remarks><c>softmax(x)ᵢⱼ = exp(xᵢⱼ - mᵢ) / Σₖ exp(xᵢₖ - mᵢ)</c>; see <see cref="Softmax{T}(Matrix{T})"/>.
    /// Allocates nothing when both matrices use dense storage.</remarks>
    public static void Softmax<T>(Matrix<T> logits, Matrix<T> result)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(logits);
        Guard.NotEmpty(logits, nameof(logits));
        Guard.ResultShape(result, logits, nameof(logits));
        using var input = ColumnMajorInput<T>.Of(logits);
        var output = ColumnMajorOutput<T>.Of(result);
        RowSoftmax.Softmax(input.Span, logits.RowCount, logits.ColumnCount, output.Span);
        output.Commit();
    }

    /// <summary>Softmax of one example's logits.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="logits">One example's logits, length C.</param>
    /// <returns>A new vector of C probabilities summing to 1.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="logits"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="logits"/> is empty.</exception>
    /// <remarks><c>softmax(x)ⱼ = exp(xⱼ - m) / Σₖ exp(xₖ - m)</c>, <c>m = maxₖ xₖ</c>; see <see cref="Softmax{T}(Matrix{T})"/>.</remarks>
    public static Vector<T> Softmax<T>(Vector<T> logits)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(logits);
        var result = Vector<T>.Build.Dense(logits.Count);
        Softmax(logits, result);
        return result;
    }

    /// <summary>Softmax of one example's logits, written into <paramref name="result"/>.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="logits">One example's logits, length C.</param>
    /// <param name="result">The destination of length C; it may be <paramref name="logits"/> itself.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="logits"/> is empty or <paramref name="result"/> has another length.</exception>
    /// <remarks><c>softmax(x)ⱼ = exp(xⱼ - m) / Σₖ exp(xₖ - m)</c>; see <see cref="Softmax{T}(Matrix{T})"/>.</remarks>
    public static void Softmax<T>(Vector<T> logits, Vector<T> result)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(logits);
        Guard.NotEmpty(logits, nameof(logits));
        Guard.ResultLength(result, logits, nameof(logits));
        using var input = ColumnMajorInput<T>.Of(logits);
        var output = ColumnMajorOutput<T>.Of(result);
        RowSoftmax.Softmax(input.Span, 1, logits.Count, output.Span);
        output.Commit();
    }

    /// <summary>Row-wise log-softmax of a batch of logits.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="logits">Logits, N×C.</param>
    /// <returns>A new N×C matrix of log-probabilities.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="logits"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="logits"/> is empty.</exception>
    /// <remarks>
    /// <para><c>log softmax(x)ᵢⱼ = (xᵢⱼ - mᵢ) - ln Σₖ exp(xᵢₖ - mᵢ)</c>, <c>mᵢ = maxₖ xᵢₖ</c>.</para>
    /// <para>Subtracted in that order, which keeps one more correct bit at the size of the largest
    /// logit than subtracting <c>mᵢ + ln Σ</c> in one step; never takes the log of a rounded-to-zero
    /// probability, so very unlikely classes get large finite values instead of -∞.</para>
    /// <para>Matches TensorFlow's <c>tf.nn.log_softmax</c> and PyTorch's <c>torch.log_softmax(x, dim=1)</c>.</para>
    /// </remarks>
    public static Matrix<T> LogSoftmax<T>(Matrix<T> logits)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(logits);
        var result = Matrix<T>.Build.Dense(logits.RowCount, logits.ColumnCount);
        LogSoftmax(logits, result);
        return result;
    }

    /// <summary>Row-wise log-softmax of a batch of logits, written into <paramref name="result"/>.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="logits">Logits, N×C.</param>
    /// <param name="result">The N×C destination; it may be <paramref name="logits"/> itself.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="logits"/> is empty or <paramref name="result"/> is not N×C or is a diagonal matrix.</exception>
    /// <remarks><c>log softmax(x)ᵢⱼ = (xᵢⱼ - mᵢ) - ln Σₖ exp(xᵢₖ - mᵢ)</c>; see <see cref="LogSoftmax{T}(Matrix{T})"/>.</remarks>
    public static void LogSoftmax<T>(Matrix<T> logits, Matrix<T> result)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(logits);
        Guard.NotEmpty(logits, nameof(logits));
        Guard.ResultShape(result, logits, nameof(logits));
        using var input = ColumnMajorInput<T>.Of(logits);
        var output = ColumnMajorOutput<T>.Of(result);
        RowSoftmax.LogSoftmax(input.Span, logits.RowCount, logits.ColumnCount, output.Span);
        output.Commit();
    }

    /// <summary>Log-softmax of one example's logits.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="logits">One example's logits, length C.</param>
    /// <returns>A new vector of C log-probabilities.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="logits"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="logits"/> is empty.</exception>
    /// <remarks><c>log softmax(x)ⱼ = (xⱼ - m) - ln Σₖ exp(xₖ - m)</c>; see <see cref="LogSoftmax{T}(Matrix{T})"/>.</remarks>
    public static Vector<T> LogSoftmax<T>(Vector<T> logits)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(logits);
        var result = Vector<T>.Build.Dense(logits.Count);
        LogSoftmax(logits, result);
        return result;
    }

    /// <summary>Log-softmax of one example's logits, written into <paramref name="result"/>.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="logits">One example's logits, length C.</param>
    /// <param name="result">The destination of length C; it may be <paramref name="logits"/> itself.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="logits"/> is empty or <paramref name="result"/> has another length.</exception>
    /// <remarks><c>log softmax(x)ⱼ = (xⱼ - m) - ln Σₖ exp(xₖ - m)</c>; see <see cref="LogSoftmax{T}(Matrix{T})"/>.</remarks>
    public static void LogSoftmax<T>(Vector<T> logits, Vector<T> result)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(logits);
        Guard.NotEmpty(logits, nameof(logits));
        Guard.ResultLength(result, logits, nameof(logits));
        using var input = ColumnMajorInput<T>.Of(logits);
        var output = ColumnMajorOutput<T>.Of(result);
        RowSoftmax.LogSoftmax(input.Span, 1, logits.Count, output.Span);
        output.Commit();
    }

    /// <summary>Element-wise logistic sigmoid.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="x">Any matrix.</param>
    /// <returns>A new matrix of the same shape with values in [0, 1].</returns>
    /// <exception cref="ArgumentNullException"><paramref name="x"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="x"/> is empty.</exception>
    /// <remarks>
    /// <para><c>σ(x) = 1 / (1 + e⁻ˣ)</c>, evaluated as <c>1/(1 + e⁻ˣ)</c> for x ≥ 0 and
    /// <c>eˣ/(1 + eˣ)</c> for x &lt; 0, so that exp never overflows and large negative x keep their
    /// relative precision. σ(+∞) = 1, σ(-∞) = 0, σ(NaN) = NaN.</para>
    /// <para>Matches TensorFlow's <c>tf.sigmoid</c> and PyTorch's <c>torch.sigmoid</c>.</para>
    /// </remarks>
    public static Matrix<T> Sigmoid<T>(Matrix<T> x)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(x);
        var result = Matrix<T>.Build.Dense(x.RowCount, x.ColumnCount);
        Sigmoid(x, result);
        return result;
    }

    /// <summary>Element-wise logistic sigmoid, written into <paramref name="result"/>.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="x">Any matrix.</param>
    /// <param name="result">The destination of <paramref name="x"/>'s shape; it may be <paramref name="x"/> itself.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="x"/> is empty or <paramref name="result"/> has another shape or is a diagonal matrix.</exception>
    /// <remarks><c>σ(x) = 1 / (1 + e⁻ˣ)</c>; see <see cref="Sigmoid{T}(Matrix{T})"/>.</remarks>
    public static void Sigmoid<T>(Matrix<T> x, Matrix<T> result)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(x);
        Guard.NotEmpty(x, nameof(x));
        Guard.ResultShape(result, x, nameof(x));
        using var input = ColumnMajorInput<T>.Of(x);
        var output = ColumnMajorOutput<T>.Of(result);
        Elementwise.Sigmoid(input.Span, output.Span);
        output.Commit();
    }

    /// <summary>Element-wise logistic sigmoid of a vector.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="x">Any vector.</param>
    /// <returns>A new vector of the same length with values in [0, 1].</returns>
    /// <exception cref="ArgumentNullException"><paramref name="x"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="x"/> is empty.</exception>
    /// <remarks><c>σ(x) = 1 / (1 + e⁻ˣ)</c>; see <see cref="Sigmoid{T}(Matrix{T})"/>.</remarks>
    public static Vector<T> Sigmoid<T>(Vector<T> x)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(x);
        var result = Vector<T>.Build.Dense(x.Count);
        Sigmoid(x, result);
        return result;
    }

    /// <summary>Element-wise logistic sigmoid of a vector, written into <paramref name="result"/>.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="x">Any vector.</param>
    /// <param name="result">The destination of <paramref name="x"/>'s length; it may be <paramref name="x"/> itself.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="x"/> is empty or <paramref name="result"/> has another length.</exception>
    /// <remarks><c>σ(x) = 1 / (1 + e⁻ˣ)</c>; see <see cref="Sigmoid{T}(Matrix{T})"/>.</remarks>
    public static void Sigmoid<T>(Vector<T> x, Vector<T> result)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(x);
        Guard.NotEmpty(x, nameof(x));
        Guard.ResultLength(result, x, nameof(x));
        using var input = ColumnMajorInput<T>.Of(x);
        var output = ColumnMajorOutput<T>.Of(result);
        Elementwise.Sigmoid(input.Span, output.Span);
        output.Commit();
    }
}
