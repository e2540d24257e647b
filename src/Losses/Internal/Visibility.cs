using System.Runtime.CompilerServices;

// The benchmarks time the fused kernels directly (loss and gradient in one pass), which the public
// functions expose only one output at a time.
[assembly: InternalsVisibleTo("Losses.Benchmarks")]
