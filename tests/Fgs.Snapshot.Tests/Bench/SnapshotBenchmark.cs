using System.Diagnostics;
using System.Globalization;
using System.Text;
using Fgs.Snapshot.Lifecycle;
using Fgs.Snapshot.Tests.Support;

namespace Fgs.Snapshot.Tests.Bench;

/// <summary>
/// Cold start against restore for the Java and .NET example functions (an initializer of one
/// second). Cold start: spawn → initializer done → first response. Restore: <c>criu restore</c> →
/// restore hook → first response. Every cold start is also checkpointed (the dump time and image
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
        var driver = await TestCriu.RequireAsync();
        var (_, capability) = await TestCriu.DetectAsync();
        var runs = int.Parse(Environment.GetEnvironmentVariable("FGS_SNAPSHOT_BENCH_RUNS") ?? "10", CultureInfo.InvariantCulture);
        var table = new StringBuilder();
        // The tool names its prefix folder: only the part inside the repository is printed.
        var tool = capability.Tool?.Replace(RepoPaths.Root + "/", "", StringComparison.Ordinal);
        table.AppendLine(CultureInfo.InvariantCulture, $"CRIU: {tool}; {capability.Reason}");
        table.AppendLine();
        table.AppendLine("| runtime | runs | cold start p50 / p90 (ms) | restore p50 / p90 (ms) | speed-up (p50) | criu restore p50 (ms) | restore event p50 (ms) | first response after restore p50 (ms) | image (MB) | checkpoint p50 / p90 (ms) |");
        table.AppendLine("|---|---|---|---|---|---|---|---|---|---|");
        foreach (var function in new[] { TestFunction.Java, TestFunction.Dotnet })
        {
            var result = await MeasureAsync(driver, capability, function, runs);
            TestContext.Current.SendDiagnosticMessage(result.Row);
            table.AppendLine(result.Row);
            Assert.True(result.RestoreP50 < result.ColdP50, $"{function.Name}: restore p50 {result.RestoreP50:0} ms is not below cold start p50 {result.ColdP50:0} ms");
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

        var restore = new List<double>();
        var criu = new List<double>();
        var hook = new List<double>();
        var first = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await using var copy = await LiveInstance.RestoreAsync(scratch.Service, restoreKey, scratch.Sub($"copy{i}"));
            Assert.True(copy is not null, "restore failed: " + scratch.Service.Registry.Get(restoreKey)?.Reason);
            var ready = Stopwatch.GetElapsedTime(started);
            var answer = await copy.InvokeAsync();
            restore.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            criu.Add(copy.CriuRestoreTime.TotalMilliseconds);
            hook.Add((ready - copy.CriuRestoreTime).TotalMilliseconds);
            first.Add((Stopwatch.GetElapsedTime(started) - ready).TotalMilliseconds);
            Assert.Equal(1, answer.GetProperty("restores").GetInt32());
        }

        var coldP50 = Percentile(cold, 50);
        var restoreP50 = Percentile(restore, 50);
        var row = string.Create(CultureInfo.InvariantCulture,
            $"| {function.Name} | {runs} | {coldP50:0} / {Percentile(cold, 90):0} | {restoreP50:0} / {Percentile(restore, 90):0} | {coldP50 / restoreP50:0.0}x | {Percentile(criu, 50):0} | {Percentile(hook, 50):0} | {Percentile(first, 50):0} | {Percentile(sizes, 50):0.0} | {Percentile(checkpoint, 50):0} / {Percentile(checkpoint, 90):0} |");
        return (row, coldP50, restoreP50);
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
