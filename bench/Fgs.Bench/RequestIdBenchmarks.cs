using BenchmarkDotNet.Attributes;
using Fgs.Core.Invocations;

namespace Fgs.Bench;

/// <summary>
/// A new request id: <see cref="RequestIds.NewGuid"/> (CSPRNG bytes taken from a per-thread block
/// refilled every 256 ids) against <see cref="Guid.NewGuid"/> (one <c>getrandom</c> call each), in
/// the same run.
/// </summary>
[MemoryDiagnoser]
public class RequestIdBenchmarks
{
    /// <summary>The runtime's own, as the front door used before.</summary>
    [Benchmark(Baseline = true)]
    public Guid GuidNewGuid() => Guid.NewGuid();

    /// <summary>The front door's request id.</summary>
    [Benchmark]
    public Guid NewRequestId() => RequestIds.NewGuid();
}
