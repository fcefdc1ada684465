using System.Diagnostics;
using System.Text.Json;
using Fgs.Snapshot.Processes;

namespace Fgs.Snapshot.Tests.Support;

/// <summary>A running instance of a <see cref="TestFunction"/> (cold started or restored) with its own runtime API.</summary>
internal sealed class LiveInstance : IAsyncDisposable
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);

    private Process? _launcher;

    private LiveInstance(TestRuntimeApi api, int rootPid, string addressFile, string outputFile, TimeSpan ready)
    {
        Api = api;
        RootPid = rootPid;
        AddressFile = addressFile;
        OutputFile = outputFile;
        ReadyAfter = ready;
    }

    public TestRuntimeApi Api { get; }

    public int RootPid { get; }

    public string AddressFile { get; }

    public string OutputFile { get; }

    /// <summary>From start (or restore) to answering its first hook (init or restore).</summary>
    public TimeSpan ReadyAfter { get; }

    /// <summary>How long <c>criu restore</c> took (zero for a cold start).</summary>
    public TimeSpan CriuRestoreTime { get; private init; }

    /// <summary>Whether the restore left the memory to a lazy-pages daemon.</summary>
    public bool LazyPages { get; private init; }

    /// <summary>The lazy-pages daemon's exit code once it has finished.</summary>
    public Task<int>? LazyPagesDone { get; private init; }

    public PreparedInstance Prepared => new(RootPid, AddressFile, OutputFile);

    /// <summary>Starts the function in its own PID namespace and runs its initializer.</summary>
    public static async Task<LiveInstance> ColdStartAsync(TestFunction function, string folder, int initMillis = 1000,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var started = Stopwatch.GetTimestamp();
        var api = new TestRuntimeApi();
        var (address, output) = Files(folder, api);
        var env = new Dictionary<string, string>
        {
            ["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin",
            ["HOME"] = folder,
            ["TMPDIR"] = folder,
            ["LANG"] = "C.UTF-8",
            ["INIT_MILLIS"] = initMillis.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["DOTNET_CLI_HOME"] = folder,
            ["DOTNET_NOLOGO"] = "1",
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            env[name] = value;
        var unshare = PidNamespaceLauncher.Start(new NamespacedLaunch
        {
            FileName = function.Bootstrap,
            Arguments = function.Arguments,
            WorkingDirectory = folder,
            AddressFile = address,
            OutputFile = output,
            Environment = env,
        });
        var root = await PidNamespaceLauncher.WaitForNamespaceInitAsync(unshare.Id, TimeSpan.FromSeconds(5), CancellationToken.None);
        var instance = new LiveInstance(api, root, address, output, TimeSpan.Zero) { _launcher = unshare };
        try
        {
            var (error, body) = await api.InvokeAsync("init", """{"initializer":"init"}""", s_timeout);
            Assert.False(error, "initializer failed: " + body + "\n" + instance.Output());
        }
        catch
        {
            await instance.DisposeAsync();
            throw;
        }
        return new LiveInstance(api, root, address, output, Stopwatch.GetElapsedTime(started)) { _launcher = unshare };
    }

    /// <summary>Restores a copy of <paramref name="key"/>'s snapshot and delivers its restore event.</summary>
    /// <param name="service">The snapshot service.</param>
    /// <param name="key">The snapshot.</param>
    /// <param name="folder">The copy's folder.</param>
    /// <param name="prepared">Start the restore worker (CRIU with the copy's files open, and for an image
    /// that restores lazily its lazy-pages daemon) before the clock starts, as the invoker does between
    /// restores; otherwise the restore starts CRIU itself.</param>
    /// <param name="lazyPages">Force lazy pages on or off (null: the driver decides by image size).</param>
    public static async Task<LiveInstance?> RestoreAsync(SnapshotService service, string key, string folder, bool prepared = false, bool? lazyPages = null)
    {
        var api = new TestRuntimeApi();
        var (address, output) = Files(folder, api);
        await using var worker = prepared ? await service.StartRestoreWorkerAsync(address, output, CancellationToken.None) : null;
        Assert.True(!prepared || worker is not null, "the checkpointer started no restore worker");
        // The lazy-pages daemon, as the invoker prepares it (a bad image fails here first, and the
        // restore then fails with CRIU's errors, as in the invoker).
        try
        {
            if (worker is Fgs.Snapshot.Criu.CriuRestoreWorker criu && lazyPages == true && service.Images.TryGet(key, out var image))
                await criu.PrepareLazyAsync(image, CancellationToken.None);
            else if (worker is not null && lazyPages is null)
                await service.PrepareWorkerAsync(worker, key, CancellationToken.None);
        }
        catch (CheckpointException e)
        {
            TestContext.Current.SendDiagnosticMessage("preparing the lazy restore failed: " + e.Message);
        }
        var started = Stopwatch.GetTimestamp();
        var outcome = await service.TryRestoreAsync(key, address, output, CancellationToken.None, worker, lazyPages);
        if (outcome.Process is null)
        {
            await api.DisposeAsync();
            return null;
        }
        var instance = new LiveInstance(api, outcome.Process.Pid, address, output, TimeSpan.Zero);
        var (error, body) = await api.InvokeAsync("restore", """{"restore":"hook"}""", s_timeout);
        Assert.False(error, "restore hook failed: " + body);
        return new LiveInstance(api, outcome.Process.Pid, address, output, Stopwatch.GetElapsedTime(started)) { CriuRestoreTime = outcome.Process.Elapsed, LazyPages = outcome.Process.LazyPages, LazyPagesDone = outcome.Process.LazyPagesDone };
    }

    /// <summary>Sends the checkpoint event and waits until the runtime has parked without sockets.</summary>
    public async Task<PreparedInstance> ParkAsync()
    {
        var (error, body) = await Api.InvokeAsync("checkpoint", "{}", s_timeout);
        Assert.False(error, "checkpoint event failed: " + body);
        await PidNamespaceLauncher.WaitUntilNoSocketsAsync(RootPid, TimeSpan.FromSeconds(10), CancellationToken.None);
        return Prepared;
    }

    public async Task<JsonElement> InvokeAsync(string evt = """{"n":1}""")
    {
        var (error, body) = await Api.InvokeAsync("sync", evt, s_timeout);
        Assert.False(error, "invocation failed: " + body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public string Output() => File.Exists(OutputFile) ? File.ReadAllText(OutputFile) : "";

    public async ValueTask DisposeAsync()
    {
        PidNamespaceLauncher.KillNamespace(RootPid);
        _launcher?.Dispose();
        await Api.DisposeAsync();
    }

    private static (string Address, string Output) Files(string folder, TestRuntimeApi api)
    {
        Directory.CreateDirectory(folder);
        var address = Path.Combine(folder, "runtime-api-" + Guid.NewGuid().ToString("N")[..8]);
        File.WriteAllText(address, api.Address);
        var output = Path.Combine(folder, "output-" + Guid.NewGuid().ToString("N")[..8] + ".log");
        File.WriteAllText(output, "");
        return (address, output);
    }
}
