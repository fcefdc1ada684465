using Fgs.Invoker.Hosting;

namespace Fgs.Invoker.Tests.Hosting;

/// <summary><c>serve</c> options at the edges of their ranges.</summary>
public sealed class CommandLineTests
{
    private static InvokerOptions? Parse(out string? error, params string[] args) =>
        CommandLine.ParseServe(args, _ => null, out error);

    [Theory]
    [InlineData("0", 0)]
    [InlineData("64", 64)]
    public void Prestart_launchers_takes_0_to_64(string value, int expected)
    {
        var options = Parse(out var error, "--prestart-launchers", value);
        Assert.Null(error);
        Assert.Equal(expected, options!.PrestartLaunchers);
    }

    [Fact]
    public void Prestart_launchers_defaults_to_2()
    {
        Assert.Equal(2, Parse(out _)!.PrestartLaunchers);
    }

    [Theory]
    [InlineData("65")]
    [InlineData("-1")]
    [InlineData("two")]
    public void Prestart_launchers_outside_0_to_64_is_refused_with_the_reason(string value)
    {
        Assert.Null(Parse(out var error, "--prestart-launchers", value));
        Assert.Equal("--prestart-launchers needs a whole number from 0 to 64", error);
    }

    [Fact]
    public void Prestart_launchers_without_a_value_is_refused()
    {
        Assert.Null(Parse(out var error, "--prestart-launchers"));
        Assert.Equal("--prestart-launchers needs a value", error);
    }
}
