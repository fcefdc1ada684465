using System.Diagnostics;
using System.Globalization;
using System.Text;
using Fgs.Snapshot.Lifecycle;
using Fgs.Snapshot.Tests.Support;

namespace Fgs.Snapshot.Tests.Bench;

/// <summary>
/// Cold start against restore for the Java and .NET example functions (an initializer of one
/// second). Cold start: spawn → initializer done → first response. Restore: <c>criu restore</c> →
/// restore hook → first response, as the invoker does it: CRIU started ahead with the copy's files
/// and a lazy-pages daemon started ahead for the image (memory filled on first touch and in the
/// background). For comparison in the same run: the memory filled before the copy runs, with CRIU
/// started ahead, and with each restore starting CRIU itself. Every cold start is also checkpointed (the dump time and image
/// size are measured each time). Runs <c>FGS_SNAPSHOT_BENCH_RUNS</c> times (10 by default) and, when
/// <c>FGS_SNAPSHOT_BENCH_OUT</c> names a file, appends a Markdown table to it
/// (<c>bench/snapshot-bench.sh</c>).
/// </summary>
[Trait("Category", "Slow")]
public sealed class SnapshotBenchmark
{
    [Fact]
    public async Task Restore_is_faster_than_a_cold_start()
    {
        var driver = await TestCriu.RequireWithWorkersAsync();
        var (_, capability) = await TestCriu.DetectAsync();
        var runs = int.Parse(Environment.GetEnvironmentVariable("FGS_SNAPSHOT_BENCH_RUNS") ?? "10", CultureInfo.InvariantCulture);
        var table = new StringBuilder();
        // The tool names its prefix folder: only the part inside the repository is printed.
        var tool = capability.Tool?.Replace(RepoPaths.Root + "/", "", StringComparison.Ordinal);
        table.AppendLine(CultureInfo.InvariantCulture, $"CRIU: {tool}; {capability.Reason}");
        table.AppendLine();
        table.AppendLine("| runtime | runs | cold start p50 / p90 (ms) | restore p50 / p90 (ms) | speed-up (p50) | criu restore p50 (ms) | restore event p50 (ms) | first response after restore p50 (ms) | restore starting criu itself (memory filled first) p50 / p90 (ms) | its criu restore p50 (ms) | restore with criu started ahead, memory filled first p50 / p90 (ms) | image (MB) | checkpoint p50 / p90 (ms) |");
        table.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var function in new[] { TestFunction.Java, TestFunction.Dotnet })
        {
            var result = await MeasureAsync(driver, capability, function, runs);
            TestContext.Current.SendDiagnosticMessage(result.Row);
            table.AppendLine(result.Row);
            Assert.True(result.RestoreP50 < result.ColdP50, $"{function.Name}: restore p50 {result.RestoreP50:0} ms is not below cold start p50 {result.ColdP50:0} ms");
        }
        // Big images: the same functions keeping 80 MB more in their heap.
        table.AppendLine();
        table.AppendLine(CultureInfo.InvariantCulture, $"Big images (INIT_RETAIN_MB={BigRetainMb}: the initializer keeps {BigRetainMb} MB of filled arrays; Java with -Xmx256m, .NET with a 256 MB heap limit):");
        table.AppendLine();
        table.AppendLine("| runtime | runs | image (MB) | cold start p50 (ms) | restore, memory filled first p50 / p90 (ms) | restore, lazy pages p50 / p90 (ms) | lazy: criu restore p50 (ms) | lazy: first response p50 (ms) | speed-up of lazy over cold (p50) |");
        table.AppendLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var function in new[] { TestFunction.Java, TestFunction.Dotnet })
        {
            var row = await MeasureBigAsync(driver, capability, function, runs);
            TestContext.Current.SendDiagnosticMessage(row);
            table.AppendLine(row);
        }
        if (Environment.GetEnvironmentVariable("FGS_SNAPSHOT_BENCH_OUT") is { Length: > 0 } output)
            await File.AppendAllTextAsync(output, table.ToString(), TestContext.Current.CancellationToken);
    }

    private static async Task<(string Row, double ColdP50, double RestoreP50)> MeasureAsync(
        Fgs.Snapshot.Criu.CriuDriver driver, CheckpointCapability capability, TestFunction function, int runs)
    {
        using var scratch = new SnapshotScratch(driver, capability);
        var cold = new List<double>();
        var checkpoint = new List<double>();
        var sizes = new List<double>();
        var restoreKey = $"bench/{function.Name}:0";
        for (var i = 0; i < runs; i++)
        {
            var key = $"bench/{function.Name}:{i}";
            var status = await scratch.Service.MakeAsync(key, async ct =>
            {
                var started = Stopwatch.GetTimestamp();
                var instance = await LiveInstance.ColdStartAsync(function, scratch.Sub($"cold{i}"));
                await instance.InvokeAsync();
                cold.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                return await instance.ParkAsync();
            }, CancellationToken.None);
            Assert.True(status.State == SnapshotState.Ready, $"snapshot {status.State}: {status.Reason}");
            checkpoint.Add(status.Image!.CheckpointTime.TotalMilliseconds);
            sizes.Add(PageBytes(status.Image.Directory) / 1048576.0);
            if (key != restoreKey)
                scratch.Images.Remove(key);
        }

        var perRestore = await MeasureRestoresAsync(scratch, restoreKey, runs, prepared: false, "copy");
        var warm = await MeasureRestoresAsync(scratch, restoreKey, runs, prepared: true, "warm");
        var eager = await MeasureRestoresAsync(scratch, restoreKey, runs, prepared: true, "eager", lazyPages: false);

        var coldP50 = Percentile(cold, 50);
        var restoreP50 = Percentile(warm.Total, 50);
        var row = string.Create(CultureInfo.InvariantCulture,
            $"| {function.Name} | {runs} | {coldP50:0} / {Percentile(cold, 90):0} | {restoreP50:0} / {Percentile(warm.Total, 90):0} | {coldP50 / restoreP50:0.0}x | {Percentile(warm.Criu, 50):0} | {Percentile(warm.Hook, 50):0} | {Percentile(warm.First, 50):0} | {Percentile(perRestore.Total, 50):0} / {Percentile(perRestore.Total, 90):0} | {Percentile(perRestore.Criu, 50):0} | {Percentile(eager.Total, 50):0} / {Percentile(eager.Total, 90):0} | {Percentile(sizes, 50):0.0} | {Percentile(checkpoint, 50):0} / {Percentile(checkpoint, 90):0} |");
        return (row, coldP50, restoreP50);
    }

    private const int BigRetainMb = 80;

    private static async Task<string> MeasureBigAsync(Fgs.Snapshot.Criu.CriuDriver driver, CheckpointCapability capability, TestFunction function, int runs)
    {
        using var scratch = new SnapshotScratch(driver, capability, budgetBytes: 2L << 30);
        var environment = new Dictionary<string, string>
        {
            ["INIT_RETAIN_MB"] = $"{BigRetainMb}",
            ["FGS_JAVA_OPTS"] = "-Xmx256m",
            ["DOTNET_GCHeapHardLimit"] = "0x10000000",
        };
        var key = $"bench/{function.Name}-big:1";
        var cold = new List<double>();
        for (var i = 0; i < 3; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await using var instance = await LiveInstance.ColdStartAsync(function, scratch.Sub($"bigcold{i}"), environment: environment);
            await instance.InvokeAsync();
            cold.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        var status = await scratch.Service.MakeAsync(key, async ct =>
        {
            var original = await LiveInstance.ColdStartAsync(function, scratch.Sub("bigoriginal"), environment: environment);
            return await original.ParkAsync();
        }, CancellationToken.None);
        Assert.True(status.State == SnapshotState.Ready, $"snapshot {status.State}: {status.Reason}");
        var eager = await MeasureRestoresAsync(scratch, key, runs, prepared: true, "bigeager", lazyPages: false);
        var lazy = await MeasureRestoresAsync(scratch, key, runs, prepared: true, "biglazy", lazyPages: true);
        var coldP50 = Percentile(cold, 50);
        var lazyP50 = Percentile(lazy.Total, 50);
        return string.Create(CultureInfo.InvariantCulture,
            $"| {function.Name} | {runs} | {PageBytes(status.Image!.Directory) / 1048576.0:0.0} | {coldP50:0} | {Percentile(eager.Total, 50):0} / {Percentile(eager.Total, 90):0} | {lazyP50:0} / {Percentile(lazy.Total, 90):0} | {Percentile(lazy.Criu, 50):0} | {Percentile(lazy.First, 50):0} | {coldP50 / lazyP50:0.0}x |");
    }

    /// <summary>Restores <paramref name="runs"/> copies one after another; each is timed from the
    /// restore's start to its first response. <paramref name="prepared"/>: CRIU was started with the
    /// copy's files before the clock starts (as the invoker keeps one ready); otherwise each restore
    /// starts CRIU itself.</summary>
    private static async Task<(List<double> Total, List<double> Criu, List<double> Hook, List<double> First)> MeasureRestoresAsync(
        SnapshotScratch scratch, string key, int runs, bool prepared, string name, bool? lazyPages = null)
    {
        var total = new List<double>();
        var criu = new List<double>();
        var hook = new List<double>();
        var first = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            await using var copy = await LiveInstance.RestoreAsync(scratch.Service, key, scratch.Sub($"{name}{i}"), prepared, lazyPages);
            Assert.True(copy is not null, "restore failed: " + scratch.Service.Registry.Get(key)?.Reason);
            var answered = Stopwatch.GetTimestamp();
            var answer = await copy.InvokeAsync();
            var firstResponse = Stopwatch.GetElapsedTime(answered).TotalMilliseconds;
            total.Add(copy.ReadyAfter.TotalMilliseconds + firstResponse);
            criu.Add(copy.CriuRestoreTime.TotalMilliseconds);
            hook.Add((copy.ReadyAfter - copy.CriuRestoreTime).TotalMilliseconds);
            first.Add(firstResponse);
            Assert.Equal(1, answer.GetProperty("restores").GetInt32());
        }
        return (total, criu, hook, first);
    }

    /// <summary>The image's own files, without CRIU's log.</summary>
    private static long PageBytes(string directory) =>
        new DirectoryInfo(directory).EnumerateFiles("*.img").Sum(f => f.Length);

    /// <summary>Nearest-rank percentile.</summary>
    private static double Percentile(List<double> values, int percent)
    {
        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(percent / 100.0 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}
