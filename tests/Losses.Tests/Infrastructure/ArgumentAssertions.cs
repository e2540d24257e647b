using System;
using FluentAssertions;

namespace Losses.Tests.Infrastructure;

/// <summary>The shared assertion of the argument rules: the exception type, the parameter it names and its message.</summary>
public static class ArgumentAssertions
{
    /// <summary>The call throws <typeparamref name="TException"/> naming <paramref name="parameter"/> with a message that matches <paramref name="messagePattern"/> (FluentAssertions wildcards).</summary>
    public static void ShouldThrowNaming<TException>(this Action act, string parameter, string messagePattern = "*")
        where TException : ArgumentException
        => act.Should().Throw<TException>().Where(e => e.ParamName == parameter).WithMessage(messagePattern);
}
