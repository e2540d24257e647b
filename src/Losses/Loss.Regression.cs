using System;
using Losses.Internal;
using MathNet.Numerics.LinearAlgebra;

namespace Losses;

/// <summary>
/// The loss functions of the chapter, each beside its gradient, unreduced where TensorFlow leaves
/// them unreduced. Arguments follow TensorFlow's keyword order: labels first, then the model's output.
/// A batch is a matrix with one row per example; T is in practice <see cref="float"/> or
/// <see cref="double"/>, the real types MathNet builds matrices of.
/// </summary>
/// <remarks>
/// A result buffer may be the model's output it is computed from (the logits, predictions or probabilities), which is
/// then overwritten in place with exactly the values a separate buffer would receive. It must not share its storage
/// with the labels, which are read while it is written: a dense result that is the labels' matrix, or is built on their
/// array (<c>Matrix&lt;T&gt;.Build.Dense(rows, columns, array)</c>, <c>Vector&lt;T&gt;.Build.Dense(array)</c>), throws an
/// <see cref="ArgumentException"/> naming both before any work. Storage that is not dense (sparse, say) may be shared
/// with anything: it is read into a buffer of its own before anything is written, and a result of it is filled only
/// once everything has been read.
/// </remarks>
public static partial class Loss
{
    /// <summary>Mean squared error over all elements: the chapter's MSE.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="labels">True values, N×K.</param>
    /// <param name="predictions">Predicted values, N×K, in the same range as the labels.</param>
    /// <returns>The scalar <c>L = (1/n)·Σᵢ (pᵢ - yᵢ)²</c> over all n = N·K elements.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The shapes differ or the matrices are empty.</exception>
    /// <remarks>
    /// <para><c>L = (1/n)·Σᵢ (pᵢ - yᵢ)²</c>; gradient <c>∂L/∂pᵢ = 2·(pᵢ - yᵢ)/n</c>
    /// (<see cref="MeanSquaredErrorGradient{T}(Matrix{T}, Matrix{T})"/>).</para>
    /// <para>Summed in double, also for float, so no float sum overflows or stalls before the true value does:
    /// double with compensation; float in plain double sums over ranges of 65,536 elements (each within 2⁻⁴⁰ relative,
    /// since a float error and its square are exact or nearly so in double), the ranges' sums added with
    /// compensation. A double sum of squares that overflows although the mean does not is
    /// redone on the errors scaled by a power of two. Matches <c>tf.reduce_mean(tf.square(labels - predictions))</c> and
    /// PyTorch's <c>mse_loss(reduction='mean')</c>.</para>
    /// </remarks>
    public static T MeanSquaredError<T>(Matrix<T> labels, Matrix<T> predictions)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
    {
        Guard.SameShape(labels, nameof(labels), predictions, nameof(predictions));
        using var y = ColumnMajorInput<T>.Of(labels);
        using var p = ColumnMajorInput<T>.Of(predictions);
        return T.CreateTruncating(RegressionMeans.MeanSquare(y.Span, p.Span));
    }

    /// <summary>Mean squared error of two vectors.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="labels">True values, length n.</param>
    /// <param name="predictions">Predicted values, length n.</param>
    /// <returns><c>L = (1/n)·Σᵢ (pᵢ - yᵢ)²</c>.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The lengths differ or the vectors are empty.</exception>
    /// <remarks>See <see cref="MeanSquaredError{T}(Matrix{T}, Matrix{T})"/>.</remarks>
    public static T MeanSquaredError<T>(Vector<T> labels, Vector<T> predictions)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
    {
        Guard.SameLength(labels, nameof(labels), predictions, nameof(predictions));
        using var y = ColumnMajorInput<T>.Of(labels);
        using var p = ColumnMajorInput<T>.Of(predictions);
        return T.CreateTruncating(RegressionMeans.MeanSquare(y.Span, p.Span));
    }

    /// <summary>Gradient of <see cref="MeanSquaredError{T}(Matrix{T}, Matrix{T})"/> with respect to the predictions.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="labels">True values, N×K.</param>
    /// <param name="predictions">Predicted values, N×K.</param>
    /// <returns>A new N×K matrix <c>∂L/∂pᵢ = 2·(pᵢ - yᵢ)/n</c>, n = N·K.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The shapes differ or the matrices are empty.</exception>
    /// <remarks><c>∂L/∂pᵢ = 2·(pᵢ - yᵢ)/n</c>.</remarks>
    public static Matrix<T> MeanSquaredErrorGradient<T>(Matrix<T> labels, Matrix<T> predictions)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
    {
        Guard.SameShape(labels, nameof(labels), predictions, nameof(predictions));
        var result = Matrix<T>.Build.Dense(predictions.RowCount, predictions.ColumnCount);
        MeanSquaredErrorGradient(labels, predictions, result);
        return result;
    }

    /// <summary>Gradient of the mean squared error, written into <paramref name="result"/>.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="labels">True values, N×K.</param>
    /// <param name="predictions">Predicted values, N×K.</param>
    /// <param name="result">The N×K destination; it may be <paramref name="predictions"/> itself, but must not share storage with <paramref name="labels"/>.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The shapes differ, the matrices are empty, or <paramref name="result"/> is not N×K, is a diagonal matrix or shares its storage with <paramref name="labels"/>.</exception>
    /// <remarks><c>∂L/∂pᵢ = 2·(pᵢ - yᵢ)/n</c>. Allocates nothing when every matrix uses dense storage.</remarks>
    public static void MeanSquaredErrorGradient<T>(Matrix<T> labels, Matrix<T> predictions, Matrix<T> result)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
    {
        Guard.SameShape(labels, nameof(labels), predictions, nameof(predictions));
        Guard.ResultShape(result, predictions, nameof(predictions));
        Guard.NotSharedWithInput(result, nameof(result), labels, nameof(labels));
        using var y = ColumnMajorInput<T>.Of(labels);
        using var p = ColumnMajorInput<T>.Of(predictions);
        var g = ColumnMajorOutput<T>.Of(result);
        Elementwise.ScaledDifference(y.Span, p.Span, 2.0 / p.Span.Length, g.Span);
        g.Commit();
    }

    /// <summary>Gradient of <see cref="MeanSquaredError{T}(Vector{T}, Vector{T})"/> with respect to the predictions.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="labels">True values, length n.</param>
    /// <param name="predictions">Predicted values, length n.</param>
    /// <returns>A new vector <c>∂L/∂pᵢ = 2·(pᵢ - yᵢ)/n</c>.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The lengths differ or the vectors are empty.</exception>
    /// <remarks><c>∂L/∂pᵢ = 2·(pᵢ - yᵢ)/n</c>.</remarks>
    public static Vector<T> MeanSquaredErrorGradient<T>(Vector<T> labels, Vector<T> predictions)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
    {
        Guard.SameLength(labels, nameof(labels), predictions, nameof(predictions));
        var result = Vector<T>.Build.Dense(predictions.Count);
        MeanSquaredErrorGradient(labels, predictions, result);
        return result;
    }

    /// <summary>Gradient of the mean squared error of two vectors, written into <paramref name="result"/>.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="labels">True values, length n.</param>
    /// <param name="predictions">Predicted values, length n.</param>
    /// <param name="result">The destination, length n; it may be <paramref name="predictions"/> itself, but must not share storage with <paramref name="labels"/>.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The lengths differ, the vectors are empty, or <paramref name="result"/> has another length or shares its storage with <paramref name="labels"/>.</exception>
    /// <remarks><c>∂L/∂pᵢ = 2·(pᵢ - yᵢ)/n</c>.</remarks>
    public static void MeanSquaredErrorGradient<T>(Vector<T> labels, Vector<T> predictions, Vector<T> result)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
    {
        Guard.SameLength(labels, nameof(labels), predictions, nameof(predictions));
        Guard.ResultLength(result, predictions, nameof(predictions));
        Guard.NotSharedWithInput(result, nameof(result), labels, nameof(labels));
        using var y = ColumnMajorInput<T>.Of(labels);
        using var p = ColumnMajorInput<T>.Of(predictions);
        var g = ColumnMajorOutput<T>.Of(result);
        Elementwise.ScaledDifference(y.Span, p.Span, 2.0 / p.Span.Length, g.Span);
        g.Commit();
    }

    /// <summary>Root mean squared error over all elements: the chapter's RMSE.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="labels">True values, N×K.</param>
    /// <param name="predictions">Predicted values, N×K.</param>
    /// <returns>The scalar <c>L = √((1/n)·Σᵢ (pᵢ - yᵢ)²)</c>.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The shapes differ or the matrices are empty.</exception>
    /// <remarks>
    /// <para><c>L = √MSE</c>; gradient <c>∂L/∂pᵢ = (pᵢ - yᵢ)/(n·L)</c>, taken as 0 where L = 0 (the kink).</para>
    /// <para>The root is taken in double before rounding to T, so a float RMSE stays finite wherever its
    /// true value is. Matches <c>tf.sqrt(tf.reduce_mean(tf.square(labels - predictions)))</c> and
    /// Keras's <c>RootMeanSquaredError</c>.</para>
    /// </remarks>
    public static T RootMeanSquaredError<T>(Matrix<T> labels, Matrix<T> predictions)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
    {
        Guard.SameShape(labels, nameof(labels), predictions, nameof(predictions));
        using var y = ColumnMajorInput<T>.Of(labels);
        using var p = ColumnMajorInput<T>.Of(predictions);
        return T.CreateTruncating(RegressionMeans.RootMeanSquare(y.Span, p.Span));
    }

    /// <summary>Root mean squared error of two vectors.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="labels">True values, length n.</param>
    /// <param name="predictions">Predicted values, length n.</param>
    /// <returns><c>L = √((1/n)·Σᵢ (pᵢ - yᵢ)²)</c>.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The lengths differ or the vectors are empty.</exception>
    /// <remarks>See <see cref="RootMeanSquaredError{T}(Matrix{T}, Matrix{T})"/>.</remarks>
    public static T RootMeanSquaredError<T>(Vector<T> labels, Vector<T> predictions)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
    {
        Guard.SameLength(labels, nameof(labels), predictions, nameof(predictions));
        using var y = ColumnMajorInput<T>.Of(labels);
        using var p = ColumnMajorInput<T>.Of(predictions);
        return T.CreateTruncating(RegressionMeans.RootMeanSquare(y.Span, p.Span));
    }

    /// <summary>Gradient of <see cref="RootMeanSquaredError{T}(Matrix{T}, Matrix{T})"/> with respect to the predictions.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="labels">True values, N×K.</param>
    /// <param name="predictions">Predicted values, N×K.</param>
    /// <returns>A new N×K matrix <c>∂L/∂pᵢ = (pᵢ - yᵢ)/(n·L)</c>; all zeros where L = 0.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The shapes differ or the matrices are empty.</exception>
    /// <remarks><c>∂L/∂pᵢ = (pᵢ - yᵢ)/(n·L)</c>, 0 at the kink L = 0.</remarks>
    public static Matrix<T> RootMeanSquaredErrorGradient<T>(Matrix<T> labels, Matrix<T> predictions)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
    {
        Guard.SameShape(labels, nameof(labels), predictions, nameof(predictions));
        var result = Matrix<T>.Build.Dense(predictions.RowCount, predictions.ColumnCount);
        RootMeanSquaredErrorGradient(labels, predictions, result);
        return result;
    }

    /// <summary>Gradient of the root mean squared error, written into <paramref name="result"/>.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="labels">True values, N×K.</param>
    /// <param name="predictions">Predicted values, N×K.</param>
    /// <param name="result">The N×K destination; it may be <paramref name="predictions"/> itself, but must not share storage with <paramref name="labels"/>.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The shapes differ, the matrices are empty, or <paramref name="result"/> is not N×K, is a diagonal matrix or shares its storage with <paramref name="labels"/>.</exception>
    /// <remarks><c>∂L/∂pᵢ = (pᵢ - yᵢ)/(n·L)</c>, 0 at the kink L = 0. Allocates nothing for dense storage.</remarks>
    public static void RootMeanSquaredErrorGradient<T>(Matrix<T> labels, Matrix<T> predictions, Matrix<T> result)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
    {
        Guard.SameShape(labels, nameof(labels), predictions, nameof(predictions));
        Guard.ResultShape(result, predictions, nameof(predictions));
        Guard.NotSharedWithInput(result, nameof(result), labels, nameof(labels));
        using var y = ColumnMajorInput<T>.Of(labels);
        using var p = ColumnMajorInput<T>.Of(predictions);
        var g = ColumnMajorOutput<T>.Of(result);
        RegressionMeans.RootMeanSquareGradient(y.Span, p.Span, g.Span);
        g.Commit();
    }

    /// <summary>Gradient of <see cref="RootMeanSquaredError{T}(Vector{T}, Vector{T})"/> with respect to the predictions.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="labels">True values, length n.</param>
    /// <param name="predictions">Predicted values, length n.</param>
    /// <returns>A new vector <c>∂L/∂pᵢ = (pᵢ - yᵢ)/(n·L)</c>; all zeros where L = 0.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The lengths differ or the vectors are empty.</exception>
    /// <remarks><c>∂L/∂pᵢ = (pᵢ - yᵢ)/(n·L)</c>, 0 at the kink L = 0.</remarks>
    public static Vector<T> RootMeanSquaredErrorGradient<T>(Vector<T> labels, Vector<T> predictions)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
    {
        Guard.SameLength(labels, nameof(labels), predictions, nameof(predictions));
        var result = Vector<T>.Build.Dense(predictions.Count);
        RootMeanSquaredErrorGradient(labels, predictions, result);
        return result;
    }

    /// <summary>Gradient of the root mean squared error of two vectors, written into <paramref name="result"/>.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="labels">True values, length n.</param>
    /// <param name="predictions">Predicted values, length n.</param>
    /// <param name="result">The destination, length n; it may be <paramref name="predictions"/> itself, but must not share storage with <paramref name="labels"/>.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The lengths differ, the vectors are empty, or <paramref name="result"/> has another length or shares its storage with <paramref name="labels"/>.</exception>
    /// <remarks><c>∂L/∂pᵢ = (pᵢ - yᵢ)/(n·L)</c>, 0 at the kink L = 0.</remarks>
    public static void RootMeanSquaredErrorGradient<T>(Vector<T> labels, Vector<T> predictions, Vector<T> result)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
    {
        Guard.SameLength(labels, nameof(labels), predictions, nameof(predictions));
        Guard.ResultLength(result, predictions, nameof(predictions));
        Guard.NotSharedWithInput(result, nameof(result), labels, nameof(labels));
        using var y = ColumnMajorInput<T>.Of(labels);
        using var p = ColumnMajorInput<T>.Of(predictions);
        var g = ColumnMajorOutput<T>.Of(result);
        RegressionMeans.RootMeanSquareGradient(y.Span, p.Span, g.Span);
        g.Commit();
    }

    /// <summary>Mean absolute error over all elements: the chapter's MAD.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="labels">True values, N×K.</param>
    /// <param name="predictions">Predicted values, N×K.</param>
    /// <returns>The scalar <c>L = (1/n)·Σᵢ |pᵢ - yᵢ|</c>.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The shapes differ or the matrices are empty.</exception>
    /// <remarks>
    /// <para><c>L = (1/n)·Σᵢ |pᵢ - yᵢ|</c>; gradient <c>∂L/∂pᵢ = sign(pᵢ - yᵢ)/n</c>, 0 at the kink pᵢ = yᵢ.</para>
    /// <para>Summed in double as <see cref="MeanSquaredError{T}(Matrix{T}, Matrix{T})"/> is. Matches <c>tf.reduce_mean(tf.abs(labels - predictions))</c>
    /// and PyTorch's <c>l1_loss(reduction='mean')</c>.</para>
    /// </remarks>
    public static T MeanAbsoluteError<T>(Matrix<T> labels, Matrix<T> predictions)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
    {
        Guard.SameShape(labels, nameof(labels), predictions, nameof(predictions));
        using var y = ColumnMajorInput<T>.Of(labels);
        using var p = ColumnMajorInput<T>.Of(predictions);
        return T.CreateTruncating(RegressionMeans.MeanAbsolute(y.Span, p.Span));
    }

    /// <summary>Mean absolute error of two vectors.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="labels">True values, length n.</param>
    /// <param name="predictions">Predicted values, length n.</param>
    /// <returns><c>L = (1/n)·Σᵢ |pᵢ - yᵢ|</c>.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The lengths differ or the vectors are empty.</exception>
    /// <remarks>See <see cref="MeanAbsoluteError{T}(Matrix{T}, Matrix{T})"/>.</remarks>
    public static T MeanAbsoluteError<T>(Vector<T> labels, Vector<T> predictions)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
    {
        Guard.SameLength(labels, nameof(labels), predictions, nameof(predictions));
        using var y = ColumnMajorInput<T>.Of(labels);
        using var p = ColumnMajorInput<T>.Of(predictions);
        return T.CreateTruncating(RegressionMeans.MeanAbsolute(y.Span, p.Span));
    }

    /// <summary>Gradient of <see cref="MeanAbsoluteError{T}(Matrix{T}, Matrix{T})"/> with respect to the predictions.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="labels">True values, N×K.</param>
    /// <param name="predictions">Predicted values, N×K.</param>
    /// <returns>A new N×K matrix <c>∂L/∂pᵢ = sign(pᵢ - yᵢ)/n</c>, with sign(0) = 0.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The shapes differ or the matrices are empty.</exception>
    /// <remarks><c>∂L/∂pᵢ = sign(pᵢ - yᵢ)/n</c>; 0 at the kink, NaN where the difference is NaN.</remarks>
    public static Matrix<T> MeanAbsoluteErrorGradient<T>(Matrix<T> labels, Matrix<T> predictions)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
    {
        Guard.SameShape(labels, nameof(labels), predictions, nameof(predictions));
        var result = Matrix<T>.Build.Dense(predictions.RowCount, predictions.ColumnCount);
        MeanAbsoluteErrorGradient(labels, predictions, result);
        return result;
    }

    /// <summary>Gradient of the mean absolute error, written into <paramref name="result"/>.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="labels">True values, N×K.</param>
    /// <param name="predictions">Predicted values, N×K.</param>
    /// <param name="result">The N×K destination; it may be <paramref name="predictions"/> itself, but must not share storage with <paramref name="labels"/>.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The shapes differ, the matrices are empty, or <paramref name="result"/> is not N×K, is a diagonal matrix or shares its storage with <paramref name="labels"/>.</exception>
    /// <remarks><c>∂L/∂pᵢ = sign(pᵢ - yᵢ)/n</c>, 0 at the kink. Allocates nothing for dense storage.</remarks>
    public static void MeanAbsoluteErrorGradient<T>(Matrix<T> labels, Matrix<T> predictions, Matrix<T> result)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
    {
        Guard.SameShape(labels, nameof(labels), predictions, nameof(predictions));
        Guard.ResultShape(result, predictions, nameof(predictions));
        Guard.NotSharedWithInput(result, nameof(result), labels, nameof(labels));
        using var y = ColumnMajorInput<T>.Of(labels);
        using var p = ColumnMajorInput<T>.Of(predictions);
        var g = ColumnMajorOutput<T>.Of(result);
        Elementwise.ScaledSignOfDifference(y.Span, p.Span, T.CreateTruncating(1.0 / p.Span.Length), g.Span);
        g.Commit();
    }

    /// <summary>Gradient of <see cref="MeanAbsoluteError{T}(Vector{T}, Vector{T})"/> with respect to the predictions.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="labels">True values, length n.</param>
    /// <param name="predictions">Predicted values, length n.</param>
    /// <returns>A new vector <c>∂L/∂pᵢ = sign(pᵢ - yᵢ)/n</c>, with sign(0) = 0.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The lengths differ or the vectors are empty.</exception>
    /// <remarks><c>∂L/∂pᵢ = sign(pᵢ - yᵢ)/n</c>, 0 at the kink.</remarks>
    public static Vector<T> MeanAbsoluteErrorGradient<T>(Vector<T> labels, Vector<T> predictions)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
    {
        Guard.SameLength(labels, nameof(labels), predictions, nameof(predictions));
        var result = Vector<T>.Build.Dense(predictions.Count);
        MeanAbsoluteErrorGradient(labels, predictions, result);
        return result;
    }

    /// <summary>Gradient of the mean absolute error of two vectors, written into <paramref name="result"/>.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="labels">True values, length n.</param>
    /// <param name="predictions">Predicted values, length n.</param>
    /// <param name="result">The destination, length n; it may be <paramref name="predictions"/> itself, but must not share storage with <paramref name="labels"/>.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The lengths differ, the vectors are empty, or <paramref name="result"/> has another length or shares its storage with <paramref name="labels"/>.</exception>
    /// <remarks><c>∂L/∂pᵢ = sign(pᵢ - yᵢ)/n</c>, 0 at the kink.</remarks>
    public static void MeanAbsoluteErrorGradient<T>(Vector<T> labels, Vector<T> predictions, Vector<T> result)
        where T : struct, System.Numerics.IFloatingPointIeee754<T>
    {
        Guard.SameLength(labels, nameof(labels), predictions, nameof(predictions));
        Guard.ResultLength(result, predictions, nameof(predictions));
        Guard.NotSharedWithInput(result, nameof(result), labels, nameof(labels));
        using var y = ColumnMajorInput<T>.Of(labels);
        using var p = ColumnMajorInput<T>.Of(predictions);
        var g = ColumnMajorOutput<T>.Of(result);
        Elementwise.ScaledSignOfDifference(y.Span, p.Span, T.CreateTruncating(1.0 / p.Span.Length), g.Span);
        g.Commit();
    }
}
