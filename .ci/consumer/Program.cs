// Uses Losses the way a user meets it: through the package. Exits 1 if any value is wrong.
using System.Reflection;
using System.Runtime.InteropServices;
using Losses;
using MathNet.Numerics.LinearAlgebra;

int failures = 0;
void Check(string name, double actual, double expected, double tolerance)
{
    bool ok = Math.Abs(actual - expected) <= tolerance;
    Console.WriteLine($"{(ok ? "ok  " : "FAIL")} {name,-28} {actual,22:R}   expected {expected:R} ± {tolerance:G2}");
    if (!ok)
    {
        failures++;
    }
}

string packageVersion = typeof(Loss).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "?";
Console.WriteLine($"Losses {packageVersion} on {RuntimeInformation.FrameworkDescription}");

// The chapter's example: rel1 and loss = Σ rel1 (TensorFlow prints [0.02215516 3.09967351] and 3.1218286;
// the 20-digit values are the same math in 40-digit arithmetic).
var labels = Matrix<double>.Build.DenseOfArray(new double[,] { { 0, 0, 1 }, { 0, 1, 0 } });
var logits = Matrix<double>.Build.DenseOfArray(new double[,] { { 2, 0.5, 6 }, { 0.1, 0, 3 } });
var rel1 = Loss.SoftmaxCrossEntropyWithLogits(labels, logits);
Check("rel1[0] (double)", rel1[0], 0.022155162157131991102, 1e-15);
Check("rel1[1] (double)", rel1[1], 3.0996736355462962462, 1e-14);
Check("loss (double)", rel1.Sum(), 3.1218287977034282373, 1e-14);

var rel1Float = Loss.SoftmaxCrossEntropyWithLogits(labels.Map(v => (float)v), logits.Map(v => (float)v));
Check("rel1[0] (float)", rel1Float[0], 0.02215516, 1e-6);
Check("rel1[1] (float)", rel1Float[1], 3.09967351, 1e-6);
Check("loss (float)", rel1Float.Sum(), 3.1218286, 1e-6);

var rel5 = Loss.SparseSoftmaxCrossEntropyWithLogits(new[] { 2, 1 }, logits);
Check("rel5 = rel1 (double)", rel5[1], rel1[1], 0);

// A training step with a loss object: the value is the mean of rel1 (PyTorch's cross_entropy 'mean'),
// and one gradient step on the logits, through the allocation-free overload, lowers it.
var lossObject = new SparseSoftmaxCrossEntropyLoss<double> { Reduction = Reduction.Mean };
int[] classes = [2, 1];
var result = lossObject.Evaluate(classes, logits);
Check("loss object value", result.Value, 3.1218287977034282373 / 2, 1e-14);
var gradient = Matrix<double>.Build.Dense(2, 3);
var perExample = Vector<double>.Build.Dense(2);
var trained = logits.Clone();
double before = lossObject.Evaluate(classes, trained, gradient, perExample);
trained.Subtract(gradient.Multiply(0.5), trained);
double after = lossObject.Evaluate(classes, trained, gradient, perExample);
Check("value before the step", before, result.Value, 0);
Check("the step lowers the loss", after < before ? 1 : 0, 1, 0);

// A batch large enough to be split between threads (Parallelism): every row of the 4096x40 batch has the
// chapter's second row [0.1, 0, 3, 0, ..., 0] with label 1, so every loss is the same known value, and the
// bits do not depend on the thread count. On .NET 8 this also runs the kernels' net8.0 path at scale.
const int BatchRows = 4096, BatchColumns = 40;
var batch = Matrix<float>.Build.Dense(BatchRows, BatchColumns, (_, column) => column == 0 ? 0.1f : column == 2 ? 3f : 0f);
int[] batchClasses = Enumerable.Repeat(1, BatchRows).ToArray();
int threads = Parallelism.MaxDegreeOfParallelism;
var onAllThreads = Loss.SparseSoftmaxCrossEntropyWithLogits(batchClasses, batch);
var sigmoidOnAllThreads = Loss.SigmoidCrossEntropyWithLogits(batch, batch);
Parallelism.MaxDegreeOfParallelism = 1;
var onOneThread = Loss.SparseSoftmaxCrossEntropyWithLogits(batchClasses, batch);
var sigmoidOnOneThread = Loss.SigmoidCrossEntropyWithLogits(batch, batch);
Parallelism.MaxDegreeOfParallelism = threads;

// ln(e^0.1 + e^3 + 38·e^0) - x₁ with x₁ = 0, in 50-digit arithmetic.
Check("large batch loss (float)", onAllThreads[BatchRows - 1], 4.0807645674292916135, 1e-6);
bool sameBits = onAllThreads.ToArray().SequenceEqual(onOneThread.ToArray())
    && sigmoidOnAllThreads.ToColumnMajorArray().SequenceEqual(sigmoidOnOneThread.ToColumnMajorArray());
Check("same bits on 1 and all threads", sameBits ? 1 : 0, 1, 0);

Console.WriteLine(failures == 0 ? "consumer: all values correct" : $"consumer: {failures} wrong values");
return failures == 0 ? 0 : 1;
