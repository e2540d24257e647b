using System.Collections.Generic;
using System.IO;
using System.Linq;
using Losses.Properties.Infrastructure;
using Xunit.Abstractions;

[assembly: CollectionBehavior(DisableTestParallelization = true)]
[assembly: TestCollectionOrderer("Losses.Properties.SummaryLast", "Losses.Properties")]

namespace Losses.Properties;

/// <summary>
/// Runs last (test classes run one after another, each property spreading its inputs over every core)
/// and reports how many generated and adversarial inputs the run tried, in the test output and in
/// <c>inputs-tried.txt</c> beside the test assembly.
/// </summary>
public sealed class RunSummary(ITestOutputHelper output)
{
    [Fact]
    public void ReportsTheNumberOfInputsTried()
    {
        long inputs = Checks.InputsTried;
        output.WriteLine($"Inputs tried in this run: {inputs}");
        File.WriteAllText(Path.Combine(System.AppContext.BaseDirectory, "inputs-tried.txt"), $"{inputs}\n");
        inputs.Should().BeGreaterThanOrEqualTo(0);
    }
}

/// <summary>Orders test collections by name, the run summary last.</summary>
public sealed class SummaryLast : ITestCollectionOrderer
{
    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections)
        => testCollections.OrderBy(collection => collection.DisplayName.Contains(nameof(RunSummary), System.StringComparison.Ordinal)).ThenBy(collection => collection.DisplayName, System.StringComparer.Ordinal);
}
