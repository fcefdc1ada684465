using Fgs.Snapshot.Lifecycle;
using Fgs.Snapshot.Tests.Support;

namespace Fgs.Snapshot.Tests.Restore;

/// <summary>Real CRIU checkpoints and restores of the Java and .NET runtimes (skipped with the
/// reason where CRIU cannot run).</summary>
public sealed class CheckpointRestoreTests
{
    [Fact]
    public async Task Criu_check_reports_a_capability_with_a_reason()
    {
        var (driver, capability) = await TestCriu.DetectAsync();
        TestContext.Current.SendDiagnosticMessage($"checkpoint capability: available={capability.Available} tool={capability.Tool} reason={capability.Reason}");
        Assert.False(string.IsNullOrWhiteSpace(capability.Reason));
        Assert.Equal(driver is not null, capability.Available);
    }

    [Theory]
    [InlineData("java")]
    [InlineData("dotnet")]
    public async Task Restored_copies_run_the_restore_hook_and_serve_at_once(string runtime)
    {
        var driver = await TestCriu.RequireWithWorkersAsync();
        var (_, capability) = await TestCriu.DetectAsync();
        using var scratch = new SnapshotScratch(driver, capability);
        var function = TestFunction.Named(runtime);
        const string key = "test/default/slow:1";

        var status = await scratch.Service.MakeAsync(key, async ct =>
        {
            var original = await LiveInstance.ColdStartAsync(function, scratch.Sub("original"));
            return await original.ParkAsync();
        }, CancellationToken.None);
        Assert.True(status.State == SnapshotState.Ready, $"snapshot {status.State}: {status.Reason}");
        Assert.True(status.Image!.SizeBytes > 0);

        // One copy through a restore worker started ahead (CRIU's RPC), one by starting CRIU for it.
        await using var first = await LiveInstance.RestoreAsync(scratch.Service, key, scratch.Sub("copy1"), prepared: true);
        await using var second = await LiveInstance.RestoreAsync(scratch.Service, key, scratch.Sub("copy2"), prepared: false);
        Assert.True(first is not null && second is not null, "restore failed: " + scratch.Service.Registry.Get(key)?.Reason);
        Assert.NotEqual(first.RootPid, second.RootPid);

        // Both copies serve at once, each through its own runtime API.
        var answers = await Task.WhenAll(first.InvokeAsync("""{"to":1}"""), second.InvokeAsync("""{"to":2}"""));
        foreach (var answer in answers)
        {
            Assert.Equal(runtime, answer.GetProperty("runtime").GetString());
            Assert.True(answer.GetProperty("initialized").GetBoolean(), "the initializer's state is in the image");
            Assert.Equal(1, answer.GetProperty("restores").GetInt32());
            Assert.StartsWith("restored-", answer.GetProperty("copyId").GetString(), StringComparison.Ordinal);
            // Each copy is the init of its own PID namespace, with the pid it had at the checkpoint.
            Assert.Equal(1, answer.GetProperty("pid").GetInt32());
        }
        Assert.NotEqual(answers[0].GetProperty("copyId").GetString(), answers[1].GetProperty("copyId").GetString());
        Assert.Equal(1, answers[0].GetProperty("event").GetProperty("to").GetInt32());
        Assert.Equal(2, answers[1].GetProperty("event").GetProperty("to").GetInt32());
        TestContext.Current.SendDiagnosticMessage($"{runtime}: image {status.Image.SizeBytes / 1048576.0:0.0} MB, checkpoint {status.Image.CheckpointTime.TotalMilliseconds:0} ms, restores {first.ReadyAfter.TotalMilliseconds:0} / {second.ReadyAfter.TotalMilliseconds:0} ms");
    }

    [Theory]
    [InlineData("java")]
    [InlineData("dotnet")]
    public async Task A_big_image_restores_with_lazy_pages_and_the_copy_sees_all_its_memory(string runtime)
    {
        var driver = await TestCriu.RequireWithWorkersAsync();
        if (!driver.LazyPagesSupported)
            Assert.Skip("the kernel or CRIU cannot restore memory lazily (criu check --feature uffd-noncoop)");
        var (_, capability) = await TestCriu.DetectAsync();
        using var scratch = new SnapshotScratch(driver, capability);
        var function = TestFunction.Named(runtime);
        const string key = "test/default/big:1";
        const int retainMb = 80;
        var status = await scratch.Service.MakeAsync(key, async ct =>
        {
            var original = await LiveInstance.ColdStartAsync(function, scratch.Sub("original"), initMillis: 10,
                new Dictionary<string, string> { ["INIT_RETAIN_MB"] = $"{retainMb}", ["FGS_JAVA_OPTS"] = "-Xmx256m", ["DOTNET_GCHeapHardLimit"] = "0x10000000" });
            return await original.ParkAsync();
        }, CancellationToken.None);
        Assert.True(status.State == SnapshotState.Ready, $"snapshot {status.State}: {status.Reason}");
        Assert.True(status.Image!.SizeBytes > retainMb << 20, $"image of {status.Image.SizeBytes} bytes holds the {retainMb} MB");

        await using var lazy = await LiveInstance.RestoreAsync(scratch.Service, key, scratch.Sub("lazy"), prepared: true, lazyPages: true);
        Assert.True(lazy is not null, "lazy restore failed: " + scratch.Service.Registry.Get(key)?.Reason);
        Assert.True(lazy.LazyPages, "the restore used lazy pages");
        await using var eager = await LiveInstance.RestoreAsync(scratch.Service, key, scratch.Sub("eager"), prepared: true, lazyPages: false);
        Assert.True(eager is not null, "eager restore failed: " + scratch.Service.Registry.Get(key)?.Reason);
        Assert.False(eager.LazyPages);
        foreach (var copy in new[] { lazy, eager })
        {
            var answer = await copy.InvokeAsync();
            // The last retained array was filled with its index + 1 before the checkpoint.
            Assert.Equal(retainMb, answer.GetProperty("retainedMb").GetInt32());
            Assert.Equal(retainMb, answer.GetProperty("retainedLast").GetInt32());
            Assert.Equal(1, answer.GetProperty("restores").GetInt32());
        }
        TestContext.Current.SendDiagnosticMessage($"{runtime}: image {status.Image.SizeBytes / 1048576.0:0.0} MB, lazy restore {lazy.ReadyAfter.TotalMilliseconds:0} ms, eager {eager.ReadyAfter.TotalMilliseconds:0} ms");
        // The daemon copied every page and exited cleanly (a failed daemon makes the invoker drop the copy).
        Assert.Equal(0, await lazy.LazyPagesDone!.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Corrupt_image_marks_the_snapshot_failed_and_falls_back_to_a_cold_start(bool prepared)
    {
        var driver = await TestCriu.RequireWithWorkersAsync();
        var (_, capability) = await TestCriu.DetectAsync();
        using var scratch = new SnapshotScratch(driver, capability);
        var function = TestFunction.Dotnet;
        const string key = "test/default/corrupt:1";
        var status = await scratch.Service.MakeAsync(key, async ct =>
        {
            var original = await LiveInstance.ColdStartAsync(function, scratch.Sub("original"), initMillis: 100);
            return await original.ParkAsync();
        }, CancellationToken.None);
        Assert.Equal(SnapshotState.Ready, status.State);

        // Overwrite the process tree and core images with garbage.
        foreach (var file in Directory.GetFiles(status.Image!.Directory, "*.img").Where(f => Path.GetFileName(f).StartsWith("core-", StringComparison.Ordinal) || Path.GetFileName(f) == "pstree.img"))
            File.WriteAllBytes(file, new byte[64]);

        await using var copy = await LiveInstance.RestoreAsync(scratch.Service, key, scratch.Sub("copy"), prepared);
        Assert.Null(copy);
        var failed = scratch.Service.Registry.Get(key)!;
        Assert.Equal(SnapshotState.Failed, failed.State);
        Assert.Contains("criu restore failed", failed.Reason, StringComparison.Ordinal);
        // CRIU's own error lines, not just an exit status.
        Assert.Matches("(?i)(image|pstree|core|read|unpack)", failed.Reason);
        TestContext.Current.SendDiagnosticMessage("reason: " + failed.Reason);
        Assert.Equal(0, scratch.Images.Count);

        // The next restore says cold start at once, and the cold start serves.
        var again = await scratch.Service.TryRestoreAsync(key, scratch.Sub("a"), scratch.Sub("o"), CancellationToken.None);
        Assert.Null(again.Process);
        await using var cold = await LiveInstance.ColdStartAsync(function, scratch.Sub("cold"), initMillis: 100);
        var answer = await cold.InvokeAsync();
        Assert.Equal(0, answer.GetProperty("restores").GetInt32());
    }
}
