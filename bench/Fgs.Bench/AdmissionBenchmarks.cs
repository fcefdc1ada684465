using BenchmarkDotNet.Attributes;

namespace Fgs.Bench;

/// <summary>
/// Admission and alias resolution as the front door does them per invocation: taking and giving
/// back an instance slot along the function → tenant → node quota chain, and picking an alias's
/// version by weight and by header rules (inputs in <see cref="AdmissionSamples"/>).
/// </summary>
[MemoryDiagnoser]
public class AdmissionBenchmarks
{
    private readonly AdmissionSamples _samples = new();

    /// <summary>One instance slot taken at every level and given back.</summary>
    [Benchmark]
    public bool QuotaAcquireRelease() => _samples.QuotaAcquireRelease();

    /// <summary>An alias with a 10 % canary by weight.</summary>
    [Benchmark]
    public string RouteWeightedAlias() => _samples.RouteWeighted();

    /// <summary>An alias with header rules (<c>in</c> a list, or <c>=</c>).</summary>
    [Benchmark]
    public string RouteHeaderRuleAlias() => _samples.RouteRuled();
}
