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
/// Snapshots in the invoker: which functions have them enabled and which of their versions have a
/// snapshot (stored durably beside each function), making a version's snapshot in the background
/// when it is published, answering the snapshot state, and restoring a copy instead of a cold start
/// when the version has a ready snapshot. Any failure to restore marks the snapshot failed and the
/// caller cold starts as usual. Images are kept per data folder across restarts: at start
/// (<see cref="Resume"/>) each version's image whose manifest matches the version is ready again,
/// and the snapshots whose images are gone are made again in the background, one at a time.
/// </summary>
internal sealed class SnapshotCoordinator : IAsyncDisposable
{
    private static readonly TimeSpan s_minRestoreHookTimeout = TimeSpan.FromSeconds(10);

    private readonly FunctionStore _store;
    private readonly Func<FunctionDefinition, Task<InstanceSpec>> _prepareSpec;
    private readonly TimeProvider _time;
    private readonly Action<string> _log;
    private readonly Task<SnapshotInstances> _instances;
    // Each function's stored setting; replaced, never changed, under _gate.
    private readonly ConcurrentDictionary<FunctionKey, SnapshotSettings> _settings = new();
    private readonly Lock _gate = new();
    private readonly ConcurrentDictionary<string, Task> _making = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _recovered = new(TaskCreationOptions.RunContinuationsAsynchronously);
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
    /// <param name="dataDir">The invoker's data folder: images are kept per data folder, across restarts
    /// (null: a store of this process only).</param>
    /// <param name="processStarted">Called with the pid of each snapshot instance started (maker or copy).</param>
    public SnapshotCoordinator(FunctionStore store, Func<FunctionDefinition, Task<InstanceSpec>> prepareSpec, TimeProvider time,
        Action<string> log, string? criuPrefix = null, string? dataDir = null, Action<int>? processStarted = null)
    {
        _store = store;
        _prepareSpec = prepareSpec;
        _time = time;
        _log = log;
        _instances = Task.Run(async () =>
        {
            var instances = await SnapshotSupport.StartAsync(time, log, criuPrefix, dataDir: dataDir).ConfigureAwait(false);
            instances.Started = processStarted;
            return instances;
        });
    }

    /// <summary>The snapshot instances once CRIU detection has finished.</summary>
    public Task<SnapshotInstances> Instances => _instances;

    /// <summary>Completes once the images kept from the previous run have been taken up (or there were none).</summary>
    internal Task Recovered => _recovered.Task;

    /// <summary>Whether <paramref name="function"/> has snapshots enabled.</summary>
    public bool IsEnabled(FunctionKey function) => Settings(function).Enabled;

    /// <summary>Durably enables or disables snapshots of <paramref name="function"/>. Disabling
    /// deletes the snapshots of its versions.</summary>
    public void SetEnabled(FunctionKey function, bool enabled)
    {
        lock (_gate)
        {
            var settings = new SnapshotSettings { Enabled = enabled, Versions = enabled ? [.. Settings(function).Versions] : [] };
            _store.SaveSnapshotSettings(function.ProjectId, function.Package, function.Name, settings);
            _settings[function] = settings;
            if (!enabled)
            {
                ForgetAll(function);
            }
        }
    }

    /// <summary>Whether <paramref name="version"/> of <paramref name="function"/> is recorded as having a
    /// snapshot (made, being made, or to be made again at start).</summary>
    public bool IsRecorded(FunctionKey function, string version)
    {
        lock (_gate)
        {
            var current = Settings(function);
            return current.Enabled && current.Versions.Contains(version);
        }
    }

    /// <summary>A version was published: makes its snapshot in the background when the function has
    /// snapshots enabled, and records durably that the version has one.</summary>
    public void OnPublished(FunctionDefinition version)
    {
        var function = new FunctionKey(version.ProjectId, version.Package, version.Name);
        lock (_gate)
        {
            var current = Settings(function);
            if (!current.Enabled)
            {
                return;
            }
            var settings = new SnapshotSettings
            {
                Enabled = true,
                Versions = [.. current.Versions.Where(v => v != version.Version), version.Version],
                Failed = current.Failed.Where(f => f.Key != version.Version).ToDictionary(StringComparer.Ordinal),
            };
            _store.SaveSnapshotSettings(function.ProjectId, function.Package, function.Name, settings);
            _settings[function] = settings;
        }
        var key = Key(version);
        _making[key] = Task.Run(() => MakeAsync(key, version));
    }

    /// <summary>
    /// Takes up the snapshots of the previous run on this data folder, in the background: every
    /// version recorded with a snapshot (of a function that has snapshots enabled) reads
    /// <c>making</c> until its kept image is found ready (its manifest matches the version's code
    /// identity) or, when the image is gone or stale, until it has been made again. Those are made
    /// one at a time, so a restart does not start every runtime at once.
    /// </summary>
    public void Resume()
    {
        var wanted = new Dictionary<string, FunctionDefinition>(StringComparer.Ordinal);
        foreach (var latest in _store.LoadAll(_log))
        {
            var function = new FunctionKey(latest.ProjectId, latest.Package, latest.Name);
            var settings = Settings(function);
            if (!settings.Enabled || settings.Versions.Count == 0)
            {
                continue;
            }
            var published = _store.LoadVersions(latest, _log).ToDictionary(v => v.Definition.Version, v => v.Definition, StringComparer.Ordinal);
            foreach (var version in settings.Versions)
            {
                if (published.TryGetValue(version, out var def))
                {
                    wanted[Key(def)] = def;
                }
            }
        }
        foreach (var key in wanted.Keys)
        {
            _making[key] = _recovered.Task;
        }
        _ = Task.Run(() => RecoverAsync(wanted));
    }

    /// <summary>Where the snapshot of <paramref name="version"/> (or of the newest version published
    /// since snapshots were enabled, when null) stands.</summary>
    public FuncSnapshotState State(FunctionKey function, string? version)
    {
        if (!IsEnabled(function))
        {
            return new FuncSnapshotState { State = "disabled" };
        }
        if (version is null)
        {
            var versions = Settings(function).Versions;
            if (versions.Count == 0)
            {
                return new FuncSnapshotState { State = "enabled", Code = "no version has been published since snapshots were enabled" };
            }
            version = versions[^1];
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
        return new FuncSnapshotState { State = "enabled", Code = $"version {version} has no snapshot (it was published before snapshots were enabled)" };
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
            $"{key}: restored copy {copy.RootPid} in {copy.ReadyAfter.TotalMilliseconds:0} ms (criu {copy.CriuTime.TotalMilliseconds:0} ms, {(copy.PreparedTool ? "started ahead" : "started for this restore")}{(copy.LazyPages ? ", lazy pages" : "")}; then the restore hook)"));
        _live[instance] = 0;
        _ = instance.Exited.ContinueWith(_ => _live.TryRemove(instance, out byte _), TaskScheduler.Default);
        Metrics.Restored(new FunctionKey(def.ProjectId, def.Package, def.Name), def.Version, copy.ReadyAfter, instance.Exited);
        if (copy.LazyPagesDone is { } filled)
        {
            // A lazy-pages daemon that died before copying every page leaves the copy with memory it
            // cannot trust (the kernel fills the missing pages with zeros): it is stopped and replaced.
            _ = filled.ContinueWith(t =>
            {
                if (t.Result != 0 && !instance.Exited.IsCompleted)
                {
                    _log($"{key}: the lazy-pages daemon of restored copy {copy.RootPid} failed (exit {t.Result}); stopping the copy");
                    _ = instance.StopAsync("its memory could not be restored completely");
                }
            }, TaskScheduler.Default);
        }
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

    /// <summary>Forgets a deleted function's setting and deletes its snapshots.</summary>
    public void ForgetFunction(FunctionKey function)
    {
        Metrics.Forget(function);
        lock (_gate)
        {
            _settings.TryRemove(function, out _);
            ForgetAll(function);
        }
    }

    /// <summary>Deletes a deleted version's snapshot and its durable record.</summary>
    public void ForgetVersion(FunctionKey function, string version)
    {
        lock (_gate)
        {
            var current = Settings(function);
            if (current.Versions.Contains(version))
            {
                var settings = new SnapshotSettings
                {
                    Enabled = current.Enabled,
                    Versions = [.. current.Versions.Where(v => v != version)],
                    Failed = current.Failed.Where(f => f.Key != version).ToDictionary(StringComparer.Ordinal),
                };
                _store.SaveSnapshotSettings(function.ProjectId, function.Package, function.Name, settings);
                _settings[function] = settings;
            }
            Forget(Key(function, version));
        }
    }

    /// <summary>Stops making and stops the restored copies. The images stay, for the next invoker
    /// on this data folder.</summary>
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
            // The prepared restore's CRIU worker; the images stay.
            await _instances.Result.DisposeAsync().ConfigureAwait(false);
        }
        _stop.Dispose();
    }

    private async Task MakeAsync(string key, FunctionDefinition version)
    {
        try
        {
            var instances = await _instances.ConfigureAwait(false);
            var spec = await _prepareSpec(version).ConfigureAwait(false);
            var status = await instances.MakeAsync(key, spec, _stop.Token, Identity(version)).ConfigureAwait(false);
            if (status.State == SnapshotState.Ready)
            {
                instances.PrepareRestore(spec, key);
            }
            RecordOutcome(version, status.State == SnapshotState.Failed ? status.Reason ?? "failed" : null);
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
            RecordOutcome(version, $"{e.GetType().Name}: {e.Message}");
            _log($"{key}: snapshot failed: {e.Message}");
        }
    }

    private async Task RecoverAsync(Dictionary<string, FunctionDefinition> wanted)
    {
        try
        {
            if (wanted.Count == 0)
            {
                return;
            }
            var instances = await _instances.ConfigureAwait(false);
            List<string> remake;
            List<string> kept;
            lock (_gate)
            {
                // Versions forgotten or disabled meanwhile are no longer wanted (their images are deleted).
                foreach (var key in wanted.Keys.Where(k => !StillWanted(wanted[k])).ToList())
                {
                    wanted.Remove(key);
                }
                // A snapshot that could not be made from the same code is not made again at every start.
                foreach (var (key, def) in wanted.ToList())
                {
                    var settings = Settings(new FunctionKey(def.ProjectId, def.Package, def.Name));
                    if (settings.Failed.TryGetValue(def.Version, out var failed) && failed.Identity == Identity(def))
                    {
                        wanted.Remove(key);
                        instances.Service.Registry.MarkFailed(key, failed.Reason
                            + " (failed when made before this start, from the same code; enable snapshots again to have it made at the next start)");
                    }
                }
                var ready = instances.Service.Recover(wanted.ToDictionary(w => w.Key, w => Identity(w.Value), StringComparer.Ordinal));
                remake = [.. wanted.Keys.Where(k => !ready.Contains(k)).Order(StringComparer.Ordinal)];
                kept = [.. wanted.Keys.Where(ready.Contains)];
                if (instances.Service.Capability.Available)
                {
                    _log($"snapshots: {ready.Count} kept from the previous run ready again"
                        + (remake.Count > 0 ? $", {remake.Count} to make again (their images are gone or stale), one at a time" : ""));
                }
                // Each version to make again reads "making" until its own turn has run.
                var previous = Task.CompletedTask;
                foreach (var key in remake)
                {
                    var turn = RemakeAfterAsync(previous, key, wanted[key]);
                    _making[key] = turn;
                    previous = turn;
                }
            }
            // Restores of the kept snapshots start CRIU ahead, as for snapshots made in this run.
            foreach (var key in kept)
            {
                instances.PrepareRestore(await _prepareSpec(wanted[key]).ConfigureAwait(false), key);
            }
        }
        catch (OperationCanceledException)
        {
        }
#pragma warning disable CA1031 // Taking up the kept images is best effort: versions cold start without them.
        catch (Exception e)
#pragma warning restore CA1031
        {
            _log($"snapshots: the images of the previous run could not be taken up: {e.Message}");
        }
        finally
        {
            _recovered.TrySetResult();
        }
    }

    /// <summary>Durably records that <paramref name="version"/>'s snapshot could not be made (with
    /// <paramref name="failure"/>), or clears that record once it was made.</summary>
    private void RecordOutcome(FunctionDefinition version, string? failure)
    {
        var function = new FunctionKey(version.ProjectId, version.Package, version.Name);
        lock (_gate)
        {
            var current = Settings(function);
            if (!current.Versions.Contains(version.Version) || (failure is null && !current.Failed.ContainsKey(version.Version)))
            {
                return;
            }
            var failed = current.Failed.Where(f => f.Key != version.Version).ToDictionary(StringComparer.Ordinal);
            if (failure is not null)
            {
                failed[version.Version] = new FailedSnapshot { Identity = Identity(version), Reason = failure };
            }
            var settings = new SnapshotSettings { Enabled = current.Enabled, Versions = [.. current.Versions], Failed = failed };
            _store.SaveSnapshotSettings(function.ProjectId, function.Package, function.Name, settings);
            _settings[function] = settings;
        }
    }

    private async Task RemakeAfterAsync(Task previous, string key, FunctionDefinition version)
    {
        await previous.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        // After the previous turn, off the caller's lock.
        await Task.Yield();
        if (_stop.IsCancellationRequested || !StillWanted(version))
        {
            return;
        }
        await MakeAsync(key, version).ConfigureAwait(false);
    }

    /// <summary>Whether <paramref name="version"/> is still recorded with a snapshot of an enabled function.</summary>
    private bool StillWanted(FunctionDefinition version)
    {
        var settings = Settings(new FunctionKey(version.ProjectId, version.Package, version.Name));
        return settings.Enabled && settings.Versions.Contains(version.Version);
    }

    private SnapshotSettings Settings(FunctionKey function) =>
        _settings.GetOrAdd(function, k => _store.LoadSnapshotSettings(k.ProjectId, k.Package, k.Name, _log));

    /// <summary>Deletes every snapshot of <paramref name="function"/>'s versions.</summary>
    private void ForgetAll(FunctionKey function)
    {
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

    /// <summary>What a version's image must have been made from to be used: its code package and the
    /// definition's revision and times (a version deleted and published again differs).</summary>
    internal static string Identity(FunctionDefinition def) => string.Create(CultureInfo.InvariantCulture,
        $"{def.Digest}/{def.Revision}/{def.Created.UtcTicks}/{def.LastModified.UtcTicks}");

    private void Forget(string key)
    {
        if (_instances.IsCompletedSuccessfully)
        {
            _instances.Result.ForgetPrepared(key);
            _instances.Result.Service.Registry.Remove(key);
            _instances.Result.Service.Images.Remove(key);
        }
    }

    private static string Key(FunctionDefinition def) => Key(new FunctionKey(def.ProjectId, def.Package, def.Name), def.Version);

    private static string Key(FunctionKey function, string version) => $"{function.ProjectId}/{function.Package}/{function.Name}:{version}";
}
