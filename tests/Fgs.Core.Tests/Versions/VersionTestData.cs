using Fgs.Core.Functions;
using Fgs.Core.Versions;

namespace Fgs.Core.Tests.Versions;

/// <summary>Definitions, versions and aliases for the version tests.</summary>
internal static class VersionTestData
{
    public static readonly DateTimeOffset Now = new(2024, 5, 6, 7, 8, 9, 250, TimeSpan.Zero);

    public static FunctionDefinition Latest(string digest = "abc123", long revision = 3) => new()
    {
        ProjectId = "proj1",
        Package = "default",
        Name = "hello",
        Runtime = "Custom",
        Handler = "bootstrap",
        Digest = digest,
        Revision = revision,
    };

    public static FunctionVersion Version(string name, string digest = "abc123", int minute = 0) => new()
    {
        Definition = Latest(digest) with { Version = name },
        Published = Now.AddMinutes(minute),
    };

    public static FunctionVersionSet Set(params string[] versions) =>
        FunctionVersionSet.Create(versions.Select((v, i) => Version(v, "digest-" + v, i)), []);

    public static FunctionAlias Weighted(string name, string version, string canary, int weight) => new()
    {
        Name = name,
        Version = version,
        AdditionalVersion = canary,
        AdditionalWeight = weight,
    };

    public static FunctionAlias Ruled(string name, string version, string canary, string combine, params VersionStrategyRule[] rules) => new()
    {
        Name = name,
        Version = version,
        AdditionalVersion = canary,
        AdditionalStrategy = new VersionStrategy { CombineType = combine, Rules = [.. rules] },
    };

    public static VersionStrategyRule Header(string param, string op, string value) =>
        new() { RuleType = "header", Param = param, Op = op, Value = value };

    public static Func<string, string?> Headers(params (string Name, string Value)[] headers) =>
        name => headers.FirstOrDefault(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase)).Value;
}
