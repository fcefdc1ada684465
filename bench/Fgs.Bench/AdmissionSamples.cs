using Fgs.Core.Instances;
using Fgs.Core.Versions;

namespace Fgs.Bench;

/// <summary>The admission and alias inputs shared by <see cref="AdmissionBenchmarks"/> and the
/// allocation budget test: a quota chain with room, a weighted alias and a header-rule alias.</summary>
public sealed class AdmissionSamples
{
    /// <summary>Header lookup of a request carrying <c>x-user-tier: gold</c>.</summary>
    public static readonly Func<string, string?> Headers = static name => name == "x-user-tier" ? "gold" : null;

    /// <summary>function (400) → tenant (1000) → node (2000).</summary>
    public InstanceQuota Function { get; } = new("function", 400, new InstanceQuota("tenant", 1000, new InstanceQuota("node", 2000)));

    /// <summary>A 10 % canary by weight.</summary>
    public FunctionAlias Weighted { get; } = new() { Name = "canary", Version = "v1", AdditionalVersion = "v2", AdditionalWeight = 10 };

    /// <summary>A canary by header rules: <c>in</c> a list, or <c>=</c>.</summary>
    public FunctionAlias Ruled { get; } = new()
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

    /// <summary>A seeded random source.</summary>
    public Random Random { get; } = new(7);

    /// <summary>One instance slot taken at every level and given back.</summary>
    public bool QuotaAcquireRelease()
    {
        var refused = Function.TryAcquire();
        Function.Release();
        return refused is null;
    }

    /// <summary>Routes one request through the weighted alias.</summary>
    public string RouteWeighted() => AliasRouter.Route(Weighted, Headers, Random);

    /// <summary>Routes one request through the header-rule alias.</summary>
    public string RouteRuled() => AliasRouter.Route(Ruled, Headers, Random);
}
