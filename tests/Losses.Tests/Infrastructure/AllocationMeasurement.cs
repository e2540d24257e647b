namespace Losses.Tests.Infrastructure;

/// <summary>
/// Allocation measurements run alone: tests on other threads renting from the shared array pool at the same
/// moment can take the arrays a warm call would reuse, which says nothing about a training loop.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AllocationMeasurement
{
    public const string Name = "Allocation measurement";
}
