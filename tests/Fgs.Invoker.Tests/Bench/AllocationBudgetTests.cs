using Fgs.Bench;
using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;
using Fgs.Core.Functions;
using Fgs.Core.Instances;
using Fgs.Core.Invocations;
using Fgs.Core.Routing;
using Fgs.Invoker.Http;

namespace Fgs.Invoker.Tests.Bench;

/// <summary>
/// Holds the hot paths to the allocation budget in <c>bench/allocation-budget.json</c> (bytes per
/// operation, as measured by the BenchmarkDotNet micro-benchmarks in <c>bench/Fgs.Bench</c>). Each
/// operation mirrors one benchmark method; it is run in-process after a warm-up and its allocations
/// are counted with <see cref="GC.GetAllocatedBytesForCurrentThread"/>.
/// </summary>
/// <remarks>
/// <para>Every operation is synchronous (the dispatch completes synchronously on a fake warm instance), so
/// the count is exact and stable: no thread hops, no timers. Each operation is measured in a few rounds
/// and the lowest bytes/op is compared, so a one-off allocation of the runtime on this thread cannot
/// fail the test while a real per-operation allocation, present in every round, does.</para>
/// <para>The budgets hold for optimized (Release) builds, as benchmarked and as <c>test.sh</c> runs them.
/// When Fgs.Core is compiled without optimizations (Debug), the file's <c>unoptimizedBuildBudgets</c>
/// override the few operations whose allocations the build changes (async state machines are classes
/// in Debug).</para>
/// </remarks>
public sealed class AllocationBudgetTests
{
    private const string BudgetFile = "bench/allocation-budget.json";
    private const int WarmupIterations = 2_000;
    private const int MeasuredIterations = 10_000;
    private const int Rounds = 3;

    /// <summary>The budgeted operations, by benchmark name (<c>Class.Method</c>).</summary>
    public static TheoryData<string> OperationNames => [.. Operations.All.Keys.Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(OperationNames))]
    public void Operation_allocates_no_more_than_its_budget(string name)
    {
        var budgets = ReadBudgets("budgets");
        Assert.True(budgets.TryGetValue(name, out var budget), $"{BudgetFile} has no budget for {name}");
        if (!CoreIsOptimized && ReadBudgets("unoptimizedBuildBudgets").TryGetValue(name, out var unoptimized))
        {
            budget = unoptimized;
        }

        var measured = MeasureBytesPerOperation(Operations.All[name]);

        var measuredText = measured.ToString("0.##", CultureInfo.InvariantCulture);
        Assert.True(measured <= budget,
            $"{name} allocates {measuredText} bytes per operation; its budget in {BudgetFile} is {budget}. "
            + "Remove the allocation from the hot path, or (if it is intended) re-run the benchmark and raise the budget.");
    }

    [Fact]
    public void Budget_file_and_operations_name_the_same_benchmarks()
    {
        var budgeted = ReadBudgets("budgets").Keys.Order(StringComparer.Ordinal).ToArray();
        var mirrored = Operations.All.Keys.Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(budgeted, mirrored);
        Assert.All(ReadBudgets("unoptimizedBuildBudgets").Keys, name => Assert.Contains(name, mirrored));
    }

    [Fact]
    public void Operations_do_what_the_benchmarks_measure()
    {
        // A mirror that silently failed (an Invalid parse, a missed lookup) would measure nothing.
        foreach (var (name, op) in Operations.All)
        {
            Assert.True(op() > 0, $"{name} did not succeed");
        }
    }

    private static double MeasureBytesPerOperation(Func<long> operation)
    {
        long sink = 0;
        for (var i = 0; i < WarmupIterations; i++)
        {
            sink += operation();
        }

        var best = double.MaxValue;
        for (var round = 0; round < Rounds; round++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < MeasuredIterations; i++)
            {
                sink += operation();
            }

            var after = GC.GetAllocatedBytesForCurrentThread();
            best = Math.Min(best, (after - before) / (double)MeasuredIterations);
        }

        GC.KeepAlive(sink);
        return best;
    }

    /// <summary>True unless Fgs.Core was compiled with optimizations disabled (a Debug build).</summary>
    private static bool CoreIsOptimized =>
        typeof(InstancePool).Assembly.GetCustomAttribute<DebuggableAttribute>() is not { IsJITOptimizerDisabled: true };

    private static Dictionary<string, long> ReadBudgets(string section)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(RepoRoot(), BudgetFile)));
        var budgets = new Dictionary<string, long>(StringComparer.Ordinal);
        if (!doc.RootElement.TryGetProperty(section, out var entries))
        {
            return budgets;
        }

        foreach (var entry in entries.EnumerateObject())
        {
            budgets.Add(entry.Name, entry.Value.GetInt64());
        }

        return budgets;
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Core.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"Core.sln not found above {AppContext.BaseDirectory}");
    }

    /// <summary>
    /// The benchmarked operations, mirroring <c>bench/Fgs.Bench/*Benchmarks.cs</c> (same inputs, same
    /// calls). Each returns a positive number on success. Keep the two in step.
    /// </summary>
    private static class Operations
    {
        private const string Urn = "urn:fss:cn-north-4:" + SampleRequests.ProjectId + ":function:default:echo:latest";

        private static readonly byte[] Event = "{\"hello\":\"world\"}"u8.ToArray();
        private static readonly byte[] Line = [.. Encoding.ASCII.GetBytes(new string('x', 99)), (byte)'\n'];
        private static readonly byte[] RequestIdUtf8 = Encoding.UTF8.GetBytes(SampleRequests.InvocationId);

        private static readonly HttpRequestHead Head = new();
        private static readonly ArrayBufferWriter<byte> Body = new(256);
        private static readonly ArrayBufferWriter<byte> Output = new(512);
        private static readonly FunctionCatalog Catalog = NewCatalog();
        private static readonly LogTail Tail = new();
        private static readonly (InstancePool Pool, Invocation Invocation) Warm = NewWarmPool();
        private static readonly AdmissionSamples Admission = new();

        private static readonly ReadOnlySequence<byte> CurlGetNextBytes = Ascii(SampleRequests.CurlGetNext);
        private static readonly ReadOnlySequence<byte> GoGetNextBytes = Ascii(SampleRequests.GoGetNext);
        private static readonly ReadOnlySequence<byte> CurlPostResponseBytes = Ascii(SampleRequests.CurlPostResponse);
        private static readonly ReadOnlySequence<byte> GoPostResponseBytes = Ascii(SampleRequests.GoPostResponse);
        private static readonly ReadOnlySequence<byte> FrontDoorInvokeBytes = Ascii(SampleRequests.FrontDoorInvoke);
        private static readonly ReadOnlySequence<byte> ChunkedBodyBytes = Ascii(SampleRequests.ChunkedBody);

        /// <summary>Operation by benchmark name.</summary>
        public static readonly IReadOnlyDictionary<string, Func<long>> All = new Dictionary<string, Func<long>>(StringComparer.Ordinal)
        {
            ["HttpParserBenchmarks.ParseCurlGetNext"] = () => Parse(CurlGetNextBytes),
            ["HttpParserBenchmarks.ParseGoGetNext"] = () => Parse(GoGetNextBytes),
            ["HttpParserBenchmarks.ParseCurlPostResponse"] = () => Parse(CurlPostResponseBytes),
            ["HttpParserBenchmarks.ParseGoPostResponse"] = () => Parse(GoPostResponseBytes),
            ["HttpParserBenchmarks.ParseFrontDoorInvoke"] = () => Parse(FrontDoorInvokeBytes),
            ["HttpParserBenchmarks.DecodeChunkedBody"] = DecodeChunkedBody,
            ["ResponseWriterBenchmarks.WriteRuntimeGetResponseHead"] = WriteRuntimeGetResponseHead,
            ["UrnBenchmarks.ParseUrnSpan"] = () => FunctionUrn.TryParse(Urn.AsSpan(), out FunctionUrnRanges _) ? 1 : 0,
            ["UrnBenchmarks.ParseUrnString"] = () => FunctionUrn.TryParse(Urn, out FunctionUrn _, out _) ? 1 : 0,
            ["UrnBenchmarks.CatalogTryGet"] = () => Catalog.TryGet(SampleRequests.ProjectId, "default", "echo", out _) ? 1 : 0,
            ["DispatchBenchmarks.DispatchWarm"] = DispatchWarm,
            ["DispatchBenchmarks.InvocationLifecycle"] = InvocationLifecycle,
            ["LogTailBenchmarks.Append100ByteLine"] = Append100ByteLine,
            ["RequestIdBenchmarks.GuidNewGuid"] = () => Guid.NewGuid() != Guid.Empty ? 1 : 0,
            ["RequestIdBenchmarks.NewRequestId"] = () => RequestIds.NewGuid() != Guid.Empty ? 1 : 0,
            ["AdmissionBenchmarks.QuotaAcquireRelease"] = () => Admission.QuotaAcquireRelease() ? 1 : 0,
            ["AdmissionBenchmarks.RouteWeightedAlias"] = () => Admission.RouteWeighted().Length,
            ["AdmissionBenchmarks.RouteHeaderRuleAlias"] = () => Admission.RouteRuled() == "v2" ? 1 : 0,
        };

        private static long Parse(in ReadOnlySequence<byte> request) =>
            HttpRequestParser.TryParseHead(request, Head, HttpParserLimits.Default, out _, out _, out _) == ParseStatus.Complete ? 1 : 0;

        private static long DecodeChunkedBody()
        {
            Body.ResetWrittenCount();
            var decoder = default(ChunkedBodyDecoder);
            var buffer = ChunkedBodyBytes;
            return decoder.Decode(ref buffer, Body, 1 << 20, out _) == ParseStatus.Complete ? decoder.DecodedBytes : 0;
        }

        private static long WriteRuntimeGetResponseHead()
        {
            var w = Output;
            w.ResetWrittenCount();
            HttpResponseHeadWriter.WriteStatusLine(w, 200);
            HttpResponseHeadWriter.WriteHeader(w, "Content-Length"u8, Event.Length);
            HttpResponseHeadWriter.WriteHeader(w, "Content-Type"u8, "application/json"u8);
            HttpResponseHeadWriter.WriteHeader(w, "X-Cff-Request-Id"u8, RequestIdUtf8);
            HttpResponseHeadWriter.WriteHeader(w, "X-CFF-Invoke-Type"u8, InvokeTypeNames.Utf8(InvokeType.Sync));
            HttpResponseHeadWriter.WriteEndOfHead(w);
            return w.WrittenCount;
        }

        private static long DispatchWarm() =>
            Warm.Pool.DispatchAsync(Warm.Invocation, CancellationToken.None).GetAwaiter().GetResult() == DispatchOutcome.DeliveredWarm ? 1 : 0;

        private static long InvocationLifecycle()
        {
            var inv = NewInvocation();
            inv.TryComplete(InvocationStatus.Success, Event, 1);
            return inv.WaitAsync().GetAwaiter().GetResult() == InvocationStatus.Success ? 1 : 0;
        }

        private static long Append100ByteLine()
        {
            Tail.Append(Line);
            return Tail.Capacity;
        }

        private static Invocation NewInvocation() => new(SampleRequests.InvocationId, InvokeType.Sync, Event, TimeSpan.FromSeconds(30));

        private static ReadOnlySequence<byte> Ascii(string text) => new(Encoding.ASCII.GetBytes(text));

        private static FunctionCatalog NewCatalog()
        {
            var catalog = new FunctionCatalog();
            for (var i = 0; i < 16; i++)
            {
                catalog.Set(Definition("fn-" + i.ToString(CultureInfo.InvariantCulture)));
            }

            catalog.Set(Definition("echo"));
            return catalog;
        }

        private static FunctionDefinition Definition(string name) => new()
        {
            ProjectId = SampleRequests.ProjectId,
            Package = "default",
            Name = name,
            Runtime = "Custom",
            Handler = "bootstrap",
        };

        private static (InstancePool, Invocation) NewWarmPool()
        {
            var pool = new InstancePool("urn:bench", new InstancePoolSettings(1, 1, TimeSpan.FromMinutes(10)),
                (events, _) => ValueTask.FromResult(LaunchResult.Ready(new FakeWarmInstance(events))), TimeProvider.System);
            var invocation = NewInvocation();
            var outcome = pool.DispatchAsync(invocation, CancellationToken.None).GetAwaiter().GetResult();
            return outcome == DispatchOutcome.DeliveredCold
                ? (pool, invocation)
                : throw new InvalidOperationException($"the first dispatch should start the instance, got {outcome}");
        }
    }

    /// <summary>Mirrors <c>Fgs.Bench.FakeWarmInstance</c>: completes each invocation and frees its slot
    /// on the delivering thread.</summary>
    private sealed class FakeWarmInstance(IInstanceEvents events) : IFunctionInstance
    {
        private readonly IInstanceEvents _events = events;

        public string Id => "bench-warm";

        public void Deliver(Invocation invocation)
        {
            invocation.TryComplete(InvocationStatus.Success, default, 0);
            _events.InvocationFinished(this);
        }

        public void SweepDeadlines(long nowTimestamp)
        {
        }

        public ValueTask StopAsync(string reason) => ValueTask.CompletedTask;
    }
}
