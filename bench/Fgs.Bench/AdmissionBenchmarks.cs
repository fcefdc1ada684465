using BenchmarkDotNet.Attributes;
using Fgs.Core.Instances;
using Fgs.Core.Versions;

namespace Fgs.Bench;

/// <summary>
/// Admission and alias resolution as the front door does them per invocation: taking and giving
/// back an instance slot along the function → tenant → node quota chain, and picking an alias's
/// version by weight and by header rules.
/// </summary>
[MemoryDiagnoser]
public class AdmissionBenchmarks
{
    private static readonly Func<string, string?> s_headers = static name => name == "x-user-tier" ? "gold" : null;

    private readonly InstanceQuota _function;
    private readonly FunctionAlias _weighted = new() { Name = "canary", Version = "v1", AdditionalVersion = "v2", AdditionalWeight = 10 };
    private readonly FunctionAlias _ruled = new()
    {
        Name = "gold",
        Version = "v1",
        AdditionalVersion = "v2",
        AdditionalStrategy = new VersionStrategy
        {
            CombineType = "or",
            Rules =
            [
                new VersionStrategyRule { RuleType = "Header", Param = "x-user-tier", Op = "in", Value = "silver,gold" },
                new VersionStrategyRule { RuleType = "Header", Param = "x-region", Op = "=", Value = "eu" },
            ],
        },
    };
    private readonly Random _random = new(7);

    /// <summary>A quota chain with room.</summary>
    public AdmissionBenchmarks()
    {
        var node = new InstanceQuota("node", 2000);
        var tenant = new InstanceQuota("tenant", 1000, node);
        _function = new InstanceQuota("function", 400, tenant);
    }

    /// <summary>One instance slot taken at every level and given back.</summary>
    [Benchmark]
    public bool QuotaAcquireRelease()
    {
        var refused = _function.TryAcquire();
        _function.Release();
        return refused is null;
    }

    /// <summary>An alias with a 10 % canary by weight.</summary>
    [Benchmark]
    public string RouteWeightedAlias() => AliasRouter.Route(_weighted, s_headers, _random);

    /// <summary>An alias with header rules (<c>in</c> a list, or <c>=</c>).</summary>
    [Benchmark]
    public string RouteHeaderRuleAlias() => AliasRouter.Route(_ruled, s_headers, _random);
}
