using System.Collections.Concurrent;
using System.Globalization;
using Fgs.Core.Functions;
using Fgs.Core.Instances;
using Fgs.Core.Routing;
using Fgs.Core.Snapshots;
using Fgs.Invoker.Instances;
using Fgs.Invoker.Store;
using Fgs.Snapshot.Lifecycle;

namespace Fgs.Invoker.Snapshots;

/// <summary>
/// Snapshots in the invoker: which functions have them enabled (stored durably beside each
/// function), making a version's snapshot in the background when it is published, answering the
/// snapshot state, and restoring a copy instead of a cold start when the version has a ready
/// snapshot. Any failure to restore marks the snapshot failed and the caller cold starts as usual.
/// </summary>
internal sealed class SnapshotCoordinator : IAsyncDisposable
{
    private static readonly TimeSpan s_minRestoreHookTimeout = TimeSpan.FromSeconds(10);

    private readonly FunctionStore _store;
    private readonly Func<FunctionDefinition, Task<InstanceSpec>> _prepareSpec;
    private readonly TimeProvider _time;
    private readonly Action<string> _log;
    private readonly Task<SnapshotInstances> _instances;
    private readonly ConcurrentDictionary<FunctionKey, bool> _enabled = new();
    // The newest version published (and snapshotted) since snapshots were enabled, per function.
    private readonly ConcurrentDictionary<FunctionKey, string> _newest = new();
    private readonly ConcurrentDictionary<string, Task> _making = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<RestoredInstance, byte> _live = new();

    /// <summary>Restores per function version, for <c>/metrics</c>.</summary>
    public SnapshotMetrics Metrics { get; } = new();

    /// <summary>Restored copies serving now (for diagnostics and tests).</summary>
    internal RestoredInstance[] Live => [.. _live.Keys];
    private readonly CancellationTokenSource _stop = new();

    /// <summary>Starts detecting CRIU in the background; the capability line is logged once it is known.</summary>
    /// <param name="store">Where each function's setting is kept.</param>
    /// <param name="prepareSpec">Unpacks a definition's code and builds its instance spec.</param>
    /// <param name="time">The clock (the 5-minute making limit).</param>
    /// <param name="log">The invoker's log.</param>
    /// <param name="criuPrefix">A CRIU prefix to use, or null to find one.</param>
    public SnapshotCoordinator(FunctionStore store, Func<FunctionDefinition, Task<InstanceSpec>> prepareSpec, TimeProvider time,
        Action<string> log, string? criuPrefix = null)
    {
        _store = store;
        _prepareSpec = prepareSpec;
        _time = time;
        _log = log;
        _instances = Task.Run(() => SnapshotSupport.StartAsync(time, log, criuPrefix));
    }

    /// <summary>The snapshot instances once CRIU detection has finished.</summary>
    public Task<SnapshotInstances> Instances => _instances;

    /// <summary>Whether <paramref name="function"/> has snapshots enabled.</summary>
    public bool IsEnabled(FunctionKey function) =>
        _enabled.GetOrAdd(function, k => _store.LoadSnapshotEnabled(k.ProjectId, k.Package, k.Name, _log));

    /// <summary>Durably enables or disables snapshots of <paramref name="function"/>.</summary>
    public void SetEnabled(FunctionKey function, bool enabled)
    {
        _store.SaveSnapshotEnabled(function.ProjectId, function.Package, function.Name, enabled);
        _enabled[function] = enabled;
    }

    /// <summary>A version was published: makes its snapshot in the background when the function has snapshots enabled.</summary>
    public void OnPublished(FunctionDefinition version)
    {
        var function = new FunctionKey(version.ProjectId, version.Package, version.Name);
        if (!IsEnabled(function))
        {
            return;
        }
        var key = Key(version);
        _newest[function] = version.Version;
        _making[key] = Task.Run(() => MakeAsync(key, version));
    }

    /// <summary>Where the snapshot of <paramref name="version"/> (or of the newest version published
    /// since snapshots were enabled, when null) stands.</summary>
    public FuncSnapshotState State(FunctionKey function, string? version)
    {
        if (!IsEnabled(function))
        {
            return new FuncSnapshotState { State = "disabled" };
        }
        if (version is null && !_newest.TryGetValue(function, out version))
        {
            return new FuncSnapshotState { State = "enabled", Code = "no version has been published since snapshots were enabled" };
        }
        var key = Key(function, version);
        if (_making.TryGetValue(key, out var making) && !making.IsCompleted)
        {
            return new FuncSnapshotState { State = "making" };
        }
        if (_instances.IsCompletedSuccessfully && _instances.Result.Service.Registry.Get(key) is { } status)
        {
            return new FuncSnapshotState { State = status.State.ToString().ToLowerInvariant(), Code = status.Reason ?? "" };
        }
        return new FuncSnapshotState { State = "enabled", Code = $"version {version} has no snapshot (published before snapshots were enabled, or before the invoker started)" };
    }

    /// <summary>Restores a copy of <paramref name="def"/>'s version instead of a cold start when it has
    /// a ready snapshot. Null when there is none or the restore failed (then the snapshot is marked
    /// failed with the reason, and the caller cold starts).</summary>
    public async Task<LaunchResult?> TryRestoreAsync(FunctionDefinition def, InstanceSpec spec, IInstanceEvents events,
        InstanceOutputSink? sink, CancellationToken cancellationToken)
    {
        if (def.Version == FunctionLimits.LatestVersion || !_instances.IsCompletedSuccessfully
            || !IsEnabled(new FunctionKey(def.ProjectId, def.Package, def.Name)))
        {
            return null;
        }
        var instances = _instances.Result;
        var key = Key(def);
        if (instances.Service.Registry.Get(key) is not { State: SnapshotState.Ready })
        {
            return null;
        }
        // The function's restore_hook_timeout when set, else its initializer's, at least 10 s.
        var hookTimeout = def.RestoreHookTimeout is { } seconds ? TimeSpan.FromSeconds(seconds) : spec.InitializerTimeout;
        if (hookTimeout < s_minRestoreHookTimeout)
        {
            hookTimeout = s_minRestoreHookTimeout;
        }
        var (copy, reason) = await instances.TryRestoreAsync(key, spec, hookTimeout, cancellationToken).ConfigureAwait(false);
        if (copy is null)
        {
            if (instances.Service.Registry.Get(key) is { State: SnapshotState.Ready })
            {
                instances.Service.Registry.MarkFailed(key, reason ?? "the restore failed");
                instances.Service.Images.Remove(key);
            }
            _log($"{key}: snapshot restore failed, cold starting instead: {reason}");
            Metrics.Failed(new FunctionKey(def.ProjectId, def.Package, def.Name), def.Version);
            return null;
        }
        var instance = new RestoredInstance(copy, events, _time)
        {
            Cgroup = JoinCgroup(spec, copy.RootPid),
            Sink = sink,
            PreStopHandler = spec.PreStopHandler,
            PreStopTimeout = spec.PreStopTimeout,
            HeartbeatHandler = spec.HeartbeatHandler,
            MemoryMb = spec.MemoryMb,
        };
        instance.CollectOutput(null); // the restore hook's output, into the function's log
        _log(string.Create(CultureInfo.InvariantCulture,
            $"{key}: restored copy {copy.RootPid} in {copy.ReadyAfter.TotalMilliseconds:0} ms (criu {copy.CriuTime.TotalMilliseconds:0} ms, {(copy.PreparedTool ? "started ahead" : "started for this restore")}; then the restore hook)"));
        _live[instance] = 0;
        _ = instance.Exited.ContinueWith(_ => _live.TryRemove(instance, out byte _), TaskScheduler.Default);
        Metrics.Restored(new FunctionKey(def.ProjectId, def.Package, def.Name), def.Version, copy.ReadyAfter, instance.Exited);
        return LaunchResult.Ready(instance);
    }

    /// <summary>
    /// Puts a restored copy's processes into a cgroup of their own with the function's memory limit
    /// and CPU share, as a spawned instance gets from fgs-spawn. CRIU restores them where its own
    /// process is, so they are moved once restored; the copy has just run its restore hook and waits
    /// for its first event, so nothing forks meanwhile. Null (and the copy unlimited, which is
    /// logged) when the host has no cgroups or the move fails.
    /// </summary>
    private InstanceCgroup? JoinCgroup(InstanceSpec spec, int rootPid)
    {
        if (spec.Cgroups is not { Mode: not CgroupMode.None } host)
        {
            return null;
        }
        InstanceCgroup? group = null;
        try
        {
            group = host.Create("restored-" + rootPid.ToString(CultureInfo.InvariantCulture), spec.MemoryMb, spec.CpuMillicores);
            if (group is null)
            {
                return null;
            }
            var pids = ProcessTree.Collect(rootPid);
            foreach (var dir in group.Directories)
            {
                foreach (var pid in pids)
                {
                    File.WriteAllText(Path.Combine(dir, "cgroup.procs"), pid.ToString(CultureInfo.InvariantCulture));
                }
            }
            return group;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            group?.Dispose();
            _log($"restored copy {rootPid} runs without a cgroup: {e.Message}");
            return null;
        }
    }

    /// <summary>Forgets a deleted function's setting and snapshots.</summary>
    public void ForgetFunction(FunctionKey function)
    {
        Metrics.Forget(function);
        _enabled.TryRemove(function, out _);
        _newest.TryRemove(function, out _);
        if (_instances.IsCompletedSuccessfully)
        {
            var prefix = Key(function, "");
            foreach (var status in _instances.Result.Service.Registry.All())
            {
                if (status.Key.StartsWith(prefix, StringComparison.Ordinal))
                {
                    Forget(status.Key);
                }
            }
        }
    }

    /// <summary>Forgets a deleted version's snapshot.</summary>
    public void ForgetVersion(FunctionKey function, string version) => Forget(Key(function, version));

    /// <summary>Stops making, stops the restored copies and deletes this invoker's images.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_live.Keys.Select(i => i.StopAsync("invoker stopping").AsTask())).ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_making.Values).WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }
        if (_instances.IsCompletedSuccessfully)
        {
            await _instances.Result.DisposeAsync().ConfigureAwait(false);
            var images = _instances.Result.Service.Images;
            images.Clear();
            try
            {
                if (Directory.Exists(images.Root))
                {
                    Directory.Delete(images.Root, recursive: true);
                }
            }
            catch (IOException)
            {
            }
        }
        _stop.Dispose();
    }

    private async Task MakeAsync(string key, FunctionDefinition version)
    {
        try
        {
            var instances = await _instances.ConfigureAwait(false);
            var spec = await _prepareSpec(version).ConfigureAwait(false);
            var status = await instances.MakeAsync(key, spec, _stop.Token).ConfigureAwait(false);
            if (status.State == SnapshotState.Ready)
            {
                instances.PrepareRestore(spec);
            }
            _log(status.State == SnapshotState.Ready
                ? $"{key}: snapshot ready ({status.Image?.SizeBytes / 1048576.0:0.0} MB)"
                : $"{key}: snapshot {status.State.ToString().ToLowerInvariant()}: {status.Reason}");
        }
        catch (OperationCanceledException)
        {
        }
#pragma warning disable CA1031 // A snapshot that cannot be made is recorded and logged; publishing has succeeded anyway.
        catch (Exception e)
#pragma warning restore CA1031
        {
            if (_instances.IsCompletedSuccessfully)
            {
                _instances.Result.Service.Registry.MarkFailed(key, $"{e.GetType().Name}: {e.Message}");
            }
            _log($"{key}: snapshot failed: {e.Message}");
        }
    }

    private void Forget(string key)
    {
        if (_instances.IsCompletedSuccessfully)
        {
            _instances.Result.Service.Registry.Remove(key);
            _instances.Result.Service.Images.Remove(key);
        }
    }

    private static string Key(FunctionDefinition def) => Key(new FunctionKey(def.ProjectId, def.Package, def.Name), def.Version);

    private static string Key(FunctionKey function, string version) => $"{function.ProjectId}/{function.Package}/{function.Name}:{version}";
}
