using System.Linq;
using System.Text.RegularExpressions;

namespace Losses.Properties.Infrastructure;

/// <summary>
/// Adversarial cases that the library is known to get wrong today, each proved by a skipped test in
/// <c>PolicyViolations</c> with its counterexample. The adversarial sweep sets them aside (and says
/// how many) so that it stays green and catches anything new; delete an entry once its fix has landed
/// and its test is un-skipped.
/// </summary>
internal static class KnownViolations
{
    private static readonly (string Test, Regex Case)[] Entries =
    [
    ];

    /// <summary>The skipped test that proves the known violation this failure belongs to, or null for a new failure.</summary>
    public static string? Match(string failure) => Entries.FirstOrDefault(entry => entry.Case.IsMatch(failure)).Test;
}
