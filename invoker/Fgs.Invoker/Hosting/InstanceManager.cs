using System.Globalization;
using Fgs.Core.Functions;
using Fgs.Core.Instances;
using Fgs.Core.Metrics;
using Fgs.Core.Routing;
using Fgs.Invoker.Instances;
using Fgs.Invoker.Store;

namespace Fgs.Invoker.Hosting;

/// <summary>
/// Owns the instance pools of every function version on this node, starts instances as real
/// processes, and runs the single heartbeat that sweeps invocation deadlines, reclaims idle
/// instances and keeps each reserved-instance target at its policy's count (every second).
/// Stopping it leaves no instance process behind.
/// </summary>
internal sealed class InstanceManager : IAsyncDisposable
{
    private static readonly TimeSpan HeartbeatPeriod = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan ReclaimPeriod = TimeSpan.FromSeconds(1);

    /// <summary>Used when a function has an initializer but no initializer_timeout.</summary>
    private const int DefaultInitializerTimeoutSeconds = 3;

    private readonly InvokerOptions _options;
    private readonly FunctionStore _store;
    private readonly CodeCache _code;
    private readonly TimeProvider _time;
    private readonly Action<string> _log;
    private readonly object _gate = new();
    // One pool per function version and instance memory size (dynamic memory pools sizes apart).
    private readonly Dictionary<(FunctionVersionKey Version, int MemoryMb), PoolSlot> _pools = [];
    private readonly HashSet<ProcessInstance> _live = [];
    private readonly Dictionary<FunctionKey, InstanceOutputSink> _sinks = [];
    // Reserved-instance configurations by function and target (version or alias).
    private readonly Dictionary<(FunctionKey Function, Core.Reserved.ReservedQualifier Target), ReservedBinding> _reserved = [];
    private readonly ITimer _heartbeat;
    private readonly string _instancesRoot;
    private readonly CgroupHost _cgroups;
    private readonly InstanceUser? _user;
    // Instance quotas: each function's maximum (shared by its versions and memory sizes) under its
    // tenant's quota under the node's capacity.
    private readonly InstanceQuota _nodeQuota;
    private readonly Dictionary<string, InstanceQuota> _tenantQuotas = new(StringComparer.Ordinal);
    private readonly Dictionary<FunctionKey, InstanceQuota> _functionQuotas = [];
    private long _lastReclaim;
    private int _sweeping;
    private bool _closed;

    public InstanceManager(InvokerOptions options, FunctionStore store, CodeCache code, TimeProvider time, Action<string> log)
    {
        _options = options;
        _store = store;
        _code = code;
        _time = time;
        _log = log;
        _instancesRoot = Path.Combine(options.DataDir, "instances");
        // Instances outlive an invoker killed with kill -9 (each leads its own session, and snapshot
        // instances are namespace inits): the recorded ones are killed by pid and start time, then
        // any other process working in this data folder's code.
        ProcessRecord = InstanceProcessRecord.Open(Path.GetFullPath(options.DataDir), out var recorded);
        var orphans = recorded + ProcessTree.KillLeftovers(Path.Combine(Path.GetFullPath(options.DataDir), "code") + "/");
        if (orphans > 0)
        {
            log($"killed {orphans} instance processes left running by a previous invoker on this data folder");
        }
        if (Directory.Exists(_instancesRoot))
        {
            try { Directory.Delete(_instancesRoot, true); } catch (IOException) { }
        }
        Directory.CreateDirectory(_instancesRoot);
        _cgroups = !options.UseCgroups ? CgroupHost.None("cgroups off (--no-cgroups)")
            : Supervisor.SpawnHelperPath is null ? CgroupHost.None("cgroups unused: fgs-spawn is missing")
            : CgroupHost.Detect();
        string userLine;
        (_user, userLine) = InstanceUsers.Resolve(options.InstanceUser, options.DataDir);
        Capabilities = $"instance limits: {(_cgroups.Mode == CgroupMode.None ? "none, " + _cgroups.Reason : _cgroups.Reason + ": memory limit = memory size, CPU share proportional to it")}; " +
            $"idle mode pauses with {(_cgroups.CanFreeze ? "the cgroup freezer" : "SIGSTOP/SIGCONT")}; {userLine}";
        _nodeQuota = new InstanceQuota("node", options.MaxInstancesTotal);
        MemoryTrim = new MemoryTrim(time);
        _lastReclaim = time.GetTimestamp();
        _heartbeat = time.CreateTimer(static s => ((InstanceManager)s!).Heartbeat(), this, HeartbeatPeriod, HeartbeatPeriod);
    }

    /// <summary>What instances are isolated with (cgroups, user), for the start-up log.</summary>
    public string Capabilities { get; }

    /// <summary>The instance processes this invoker started (for the next invoker, should this one be killed).</summary>
    internal InstanceProcessRecord ProcessRecord { get; }

    /// <summary>The cgroups instances are placed in.</summary>
    internal CgroupHost Cgroups => _cgroups;

    /// <summary>Looks up a function's current maximum instances (<c>max_instance_num</c> of its
    /// latest definition); set by the function service.</summary>
    public Func<FunctionKey, int?>? MaxInstancesOf { get; set; }

    /// <summary>Returns the memory of code uploads once they have been quiet (see <see cref="Hosting.MemoryTrim"/>).</summary>
    public MemoryTrim MemoryTrim { get; }

    /// <summary>Called with how long each resume of a paused (idle-mode) instance took.</summary>
    public Action<TimeSpan>? Thawed { get; set; }

    /// <summary>Called as each phase of a new instance's start ends (load, spawn, preload, init).</summary>
    public Action<StartPhase, TimeSpan>? StartPhaseEnded { get; set; }

    /// <summary>Instances (started or starting) of a tenant, against its quota.</summary>
    public int TenantInstances(string projectId)
    {
        lock (_gate)
        {
            return _tenantQuotas.TryGetValue(projectId, out var q) ? q.Used : 0;
        }
    }

    /// <summary>Applies a function's changed maximum instances to its running pools at once.</summary>
    public void SetMaxInstances(FunctionKey function, int maxInstances)
    {
        lock (_gate)
        {
            if (_functionQuotas.TryGetValue(function, out var q))
            {
                q.Limit = maxInstances;
            }
        }
    }

    /// <summary>The quota a function's instances count against (under the gate).</summary>
    private InstanceQuota FunctionQuota(FunctionKey function, FunctionDefinition def)
    {
        if (!_functionQuotas.TryGetValue(function, out var quota))
        {
            if (!_tenantQuotas.TryGetValue(function.ProjectId, out var tenant))
            {
                tenant = new InstanceQuota("tenant " + function.ProjectId, _options.MaxInstancesPerTenant, _nodeQuota);
                _tenantQuotas[function.ProjectId] = tenant;
            }
            var max = MaxInstancesOf?.Invoke(function) ?? def.MaxInstanceNum;
            quota = new InstanceQuota("function " + function.Name, max, tenant);
            _functionQuotas[function] = quota;
        }
        return quota;
    }

    /// <summary>Stops one idle on-demand instance of a pool other than <paramref name="requester"/>
    /// whose instances count against <paramref name="full"/> (the quota that refused a start):
    /// the pool that has been idle longest gives way.</summary>
    private bool EvictIdle(InstanceQuota full, InstancePool requester)
    {
        InstancePool[] candidates;
        lock (_gate)
        {
            candidates = [.. _pools.Values.Select(s => s.Pool).Where(p => !ReferenceEquals(p, requester) && Under(p.Quota, full))];
        }
        foreach (var pool in candidates)
        {
            if (pool.TryEvictIdle())
            {
                return true;
            }
        }
        return false;

        static bool Under(InstanceQuota? q, InstanceQuota limit)
        {
            for (; q is not null; q = q.Parent)
            {
                if (ReferenceEquals(q, limit))
                {
                    return true;
                }
            }
            return false;
        }
    }

    /// <summary>Live instance processes.</summary>
    public int LiveInstances { get { lock (_gate) { return _live.Count; } } }

    /// <summary>Live instances (for diagnostics and tests).</summary>
    internal ProcessInstance[] Live { get { lock (_gate) { return [.. _live]; } } }

    /// <summary>Process ids of live instances (for diagnostics and tests).</summary>
    public int[] LiveProcessIds { get { lock (_gate) { return [.. _live.Select(i => i.ProcessId).Where(p => p > 0)]; } } }

    /// <summary>The pool serving a function definition: one per version (<c>latest</c> and each
    /// published version) and memory size (a request's <c>X-Cff-Instance-Memory</c> picks it when
    /// dynamic memory is on); a changed definition (new revision) retires that pool's old one.</summary>
    public InstancePool? GetPool(FunctionDefinition def)
    {
        InstancePool? retired = null;
        InstancePool pool;
        var key = (new FunctionVersionKey(new FunctionKey(def.ProjectId, def.Package, def.Name), def.Version), def.MemorySize);
        lock (_gate)
        {
            if (_closed)
            {
                return null;
            }
            if (_pools.TryGetValue(key, out var slot) && slot.Revision == def.Revision)
            {
                return slot.Pool;
            }
            retired = slot?.Pool;
            pool = CreatePool(def);
            _pools[key] = new PoolSlot(def.Revision, pool);
        }
        if (retired is not null)
        {
            _ = retired.DrainAsync("function updated", CancellationToken.None).AsTask();
        }
        return pool;
    }

    /// <summary>Applies a target's reserved-instance policy: its pool is created now and kept at
    /// the policy's count from the next heartbeat on (a first pass runs at once).</summary>
    /// <param name="function">The function.</param>
    /// <param name="target">The version or alias.</param>
    /// <param name="policy">The policy.</param>
    /// <param name="resolve">The definition the target serves now (null when it no longer resolves).</param>
    public void SetReserved(FunctionKey function, Core.Reserved.ReservedQualifier target, Core.Reserved.ReservedPolicy policy,
        Func<FunctionDefinition?> resolve)
    {
        var binding = new ReservedBinding(policy, resolve);
        ReservedBinding? previous;
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }
            _reserved.Remove((function, target), out previous);
            _reserved[(function, target)] = binding;
        }
        binding.Pool = previous?.Pool;
        ApplyReserved(binding, _time.GetUtcNow());
    }

    /// <summary>Removes a target's reserved-instance policy: its reserved instances stop (idle ones
    /// at once, busy ones when their work is done).</summary>
    /// <param name="function">The function.</param>
    /// <param name="target">The version or alias.</param>
    public void RemoveReserved(FunctionKey function, Core.Reserved.ReservedQualifier target)
    {
        ReservedBinding? removed;
        lock (_gate)
        {
            _reserved.Remove((function, target), out removed);
        }
        if (removed?.Pool is { } pool)
        {
            pool.SetReservedTarget(0);
            pool.ReconcileReserved();
        }
    }

    private void ApplyReserved(ReservedBinding binding, DateTimeOffset now)
    {
        var def = binding.Resolve();
        var pool = def is null ? null : GetPool(def);
        if (binding.Pool is { } old && !ReferenceEquals(old, pool))
        {
            // The alias was pointed elsewhere, or the version was updated: the old pool keeps none.
            old.SetReservedTarget(0);
            old.ReconcileReserved();
        }
        binding.Pool = pool;
        if (pool is null)
        {
            return;
        }
        pool.SetReservedTarget(binding.Policy.Desired(now, pool.ReservedBusy, pool.ReservedTotal), binding.Policy.IdleMode);
        pool.ReconcileReserved();
    }

    /// <summary>Instance counts of every pool by kind, for the metrics endpoint.</summary>
    public List<Api.PrometheusExporter.PoolCounts> PoolCounts()
    {
        List<((FunctionVersionKey Version, int MemoryMb) Key, InstancePool Pool)> pools;
        lock (_gate)
        {
            pools = [.. _pools.Select(p => (p.Key, p.Value.Pool))];
        }
        var result = new List<Api.PrometheusExporter.PoolCounts>(pools.Count);
        foreach (var (key, pool) in pools)
        {
            var c = pool.CountsByKind();
            var function = key.Version.Function;
            var urn = new FunctionUrn(_options.Region, function.ProjectId, function.Package, function.Name, null).ToString();
            result.Add(new(urn, key.Version.Version, key.MemoryMb, "reserved", c.ReservedStarting, c.ReservedIdle, c.ReservedBusy, c.ReservedFrozen));
            result.Add(new(urn, key.Version.Version, key.MemoryMb, "on_demand", c.OnDemandStarting, c.OnDemandIdle, c.OnDemandBusy, 0));
        }
        return result;
    }

    /// <summary>Restores per function version, for the metrics endpoint (empty without snapshots).</summary>
    public List<Api.PrometheusExporter.SnapshotCounts> SnapshotCounts()
    {
        if (Snapshots is not { } snapshots)
        {
            return [];
        }
        var all = snapshots.Metrics.All();
        var result = new List<Api.PrometheusExporter.SnapshotCounts>(all.Count);
        foreach (var c in all)
        {
            var urn = new FunctionUrn(_options.Region, c.Function.ProjectId, c.Function.Package, c.Function.Name, null).ToString();
            result.Add(new(urn, c.Version, c.Restored, c.Failed, c.SecondsSum, c.MaxSeconds, c.Live));
        }
        return result;
    }

    /// <summary>Stops the instances of a deleted function, every version's (in-flight invocations finish first).</summary>
    public void Retire(FunctionKey key)
    {
        List<PoolSlot> slots = [];
        InstanceOutputSink? sink;
        lock (_gate)
        {
            foreach (var poolKey in _pools.Keys.Where(k => k.Version.Function == key).ToList())
            {
                _pools.Remove(poolKey, out var slot);
                slots.Add(slot!);
            }
            foreach (var reservedKey in _reserved.Keys.Where(k => k.Function == key).ToList())
            {
                _reserved.Remove(reservedKey);
            }
            _sinks.Remove(key, out sink);
            // Instances still draining keep their slots until they are gone; a function created
            // again under the same name starts with a fresh maximum.
            _functionQuotas.Remove(key);
        }
        if (slots.Count > 0)
        {
            _ = Task.WhenAll(slots.Select(s => s.Pool.DrainAsync("function deleted", CancellationToken.None).AsTask()))
                .ContinueWith(_ => sink?.Dispose(), TaskScheduler.Default);
        }
        else
        {
            sink?.Dispose();
        }
    }

    /// <summary>Stops the instances of a deleted version (in-flight invocations finish first).</summary>
    public void Retire(FunctionVersionKey key)
    {
        List<PoolSlot> slots = [];
        lock (_gate)
        {
            foreach (var poolKey in _pools.Keys.Where(k => k.Version == key).ToList())
            {
                _pools.Remove(poolKey, out var slot);
                slots.Add(slot!);
            }
        }
        foreach (var slot in slots)
        {
            _ = slot.Pool.DrainAsync("version deleted", CancellationToken.None).AsTask();
        }
    }

    private InstancePool CreatePool(FunctionDefinition def)
    {
        var urn = def.GetUrn(_options.Region).ToString();
        var settings = new InstancePoolSettings(def.MaxInstanceNum,
            Math.Max(1, def.ConcurrentNum), _options.KeepAlive);
        var key = new FunctionKey(def.ProjectId, def.Package, def.Name);
        if (!_sinks.TryGetValue(key, out var sink))
        {
            var logPath = Path.Combine(_options.DataDir, "logs", def.ProjectId, def.Package, def.Name + ".log");
            sink = new InstanceOutputSink(logPath, note => _log($"{urn}: {note}"));
            _sinks[key] = sink;
        }
        return new InstancePool(urn, settings, (events, ct) => LaunchAsync(def, events, sink, ct), _time,
            FunctionQuota(key, def), t => Thawed?.Invoke(t))
        {
            EvictIdleElsewhere = EvictIdle,
        };
    }

    private async ValueTask<LaunchResult> LaunchAsync(FunctionDefinition def, IInstanceEvents events, InstanceOutputSink sink, CancellationToken ct)
    {
        // Unpacking code and starting a process block: off the socket I/O thread that may have
        // brought the request (socket completions run inline, see Program).
        await Task.Yield();
        lock (_gate)
        {
            if (_closed)
            {
                return LaunchResult.Failed("the invoker is shutting down");
            }
        }
        string codeRoot;
        var loadStarted = _time.GetTimestamp();
        try
        {
            codeRoot = await _code.GetOrUnpackAsync(def.Digest, _store.PackagePath(def.Digest)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            return LaunchResult.Failed("load failed: cannot unpack the code package: " + e.Message);
        }
        StartPhaseEnded?.Invoke(StartPhase.Load, _time.GetElapsedTime(loadStarted));
        var spec = BuildSpec(def, codeRoot);
        if (Snapshots is { } snapshots && await snapshots.TryRestoreAsync(def, spec, events, sink, ct).ConfigureAwait(false) is { } restored)
        {
            return restored;
        }
        // Recorded off the cold start's path (a /proc read and a file append, and every 256 spawns a
        // sweep of the record), so the bootstrap's start is not delayed by it.
        var record = ProcessRecord;
        var instance = new ProcessInstance(spec, events, _time, sink)
        {
            Spawned = pid => ThreadPool.UnsafeQueueUserWorkItem(static state => state.Record.Add(state.Pid), (Record: record, Pid: pid), preferLocal: false),
            StartPhaseEnded = StartPhaseEnded,
        };
        lock (_gate)
        {
            _live.Add(instance);
        }
        _ = instance.Exited.ContinueWith(_ =>
        {
            lock (_gate)
            {
                _live.Remove(instance);
            }
        }, TaskScheduler.Default);
        var result = await instance.StartAsync(ct).ConfigureAwait(false);
        if (result.Instance is null)
        {
            lock (_gate)
            {
                _live.Remove(instance);
            }
        }
        return result;
    }

    /// <summary>Snapshots: a cold start of a version with a ready snapshot restores a copy instead.</summary>
    internal Snapshots.SnapshotCoordinator? Snapshots { get; set; }

    /// <summary>Unpacks a definition's code and builds its instance spec (for making its snapshot).</summary>
    internal async Task<InstanceSpec> PrepareSpecAsync(FunctionDefinition def)
    {
        var codeRoot = await _code.GetOrUnpackAsync(def.Digest, _store.PackagePath(def.Digest)).ConfigureAwait(false);
        return BuildSpec(def, codeRoot);
    }

    internal InstanceSpec BuildSpec(FunctionDefinition def, string codeRoot)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin",
            ["LANG"] = "C.UTF-8",
        };
        // The user's variables first: the platform's RUNTIME_* names win (and cannot be set by users).
        foreach (var (k, v) in def.UserData)
        {
            env[k] = v;
        }
        // Encrypted variables are given to the function in clear, like FunctionGraph does.
        foreach (var (k, v) in def.EncryptedUserData)
        {
            env[k] = v;
        }
        var cpu = (def.CpuMillicores / 1000.0).ToString("0.###", CultureInfo.InvariantCulture);
        var userData = System.Text.Json.JsonSerializer.Serialize(
            new Dictionary<string, string>(def.UserData, StringComparer.Ordinal), Core.Json.FgsJsonContext.Default.DictionaryStringString);
        env["RUNTIME_PROJECT_ID"] = def.ProjectId;
        env["RUNTIME_FUNC_NAME"] = def.Name;
        env["RUNTIME_FUNC_VERSION"] = def.Version;
        env["RUNTIME_PACKAGE"] = def.Package;
        env["RUNTIME_HANDLER"] = def.Handler;
        env["RUNTIME_TIMEOUT"] = def.Timeout.ToString(CultureInfo.InvariantCulture);
        env["RUNTIME_USERDATA"] = userData;
        env["RUNTIME_CPU"] = cpu;
        env["RUNTIME_MEMORY"] = def.MemorySize.ToString(CultureInfo.InvariantCulture);
        env["RUNTIME_CODE_ROOT"] = codeRoot;
        env["RUNTIME_ROOT"] = codeRoot;
        env["RUNTIME_MAX_RESP_BODY_SIZE"] = FunctionLimits.MaxResponseBytes.ToString(CultureInfo.InvariantCulture);
        if (def.InitializerHandler is { } init)
        {
            env["RUNTIME_INITIALIZER_HANDLER"] = init;
            env["RUNTIME_INITIALIZER_TIMEOUT"] = (def.InitializerTimeout ?? DefaultInitializerTimeoutSeconds).ToString(CultureInfo.InvariantCulture);
        }
        return new InstanceSpec
        {
            FunctionUrn = def.GetUrn(_options.Region).ToString(),
            Version = def.Version,
            CodeRoot = codeRoot,
            Bootstrap = Path.Combine(codeRoot, "bootstrap"),
            InstancesRoot = _instancesRoot,
            Environment = env,
            Timeout = TimeSpan.FromSeconds(def.Timeout),
            InitializerHandler = def.InitializerHandler,
            InitializerTimeout = TimeSpan.FromSeconds(def.InitializerTimeout ?? DefaultInitializerTimeoutSeconds),
            PreStopHandler = def.PreStopHandler,
            PreStopTimeout = TimeSpan.FromSeconds(def.PreStopTimeout ?? DefaultInitializerTimeoutSeconds),
            HeartbeatHandler = def.HeartbeatHandler,
            MemoryMb = def.MemorySize,
            CpuMillicores = def.CpuMillicores,
            Cgroups = _cgroups,
            RunAs = _user,
            MaxResponseBytes = (int)FunctionLimits.MaxResponseBytes,
        };
    }

    private void Heartbeat()
    {
        if (Interlocked.Exchange(ref _sweeping, 1) != 0)
        {
            return;
        }
        try
        {
            var now = _time.GetTimestamp();
            ProcessInstance[] live;
            lock (_gate)
            {
                live = [.. _live];
            }
            foreach (var i in live)
            {
                i.SweepDeadlines(now);
                i.MaybeHeartbeat(now);
                i.SampleMemory(now);
            }
            if (_time.GetElapsedTime(_lastReclaim, now) >= ReclaimPeriod)
            {
                _lastReclaim = now;
                InstancePool[] pools;
                lock (_gate)
                {
                    pools = [.. _pools.Values.Select(s => s.Pool)];
                }
                foreach (var p in pools)
                {
                    p.ReclaimIdle();
                    p.FreezeIdleReserved(_options.IdleFreezeAfter);
                }
                MemoryTrim.MaybeTrim();
                ReservedBinding[] reserved;
                lock (_gate)
                {
                    reserved = [.. _reserved.Values];
                }
                var utcNow = _time.GetUtcNow();
                foreach (var binding in reserved)
                {
                    ApplyReserved(binding, utcNow);
                }
            }
        }
        catch (Exception e)
        {
            _log("heartbeat failed: " + e);
        }
        finally
        {
            Volatile.Write(ref _sweeping, 0);
        }
    }

    /// <summary>Lets in-flight invocations finish until <paramref name="grace"/> fires, then stops
    /// every instance and waits until every instance process has exited.</summary>
    public async Task ShutdownAsync(CancellationToken grace)
    {
        InstancePool[] pools;
        lock (_gate)
        {
            _closed = true;
            pools = [.. _pools.Values.Select(s => s.Pool)];
            _pools.Clear();
            _reserved.Clear();
        }
        await Task.WhenAll(pools.Select(p => p.DrainAsync("invoker stopping", grace).AsTask())).ConfigureAwait(false);
        ProcessInstance[] rest;
        lock (_gate)
        {
            rest = [.. _live];
        }
        await Task.WhenAll(rest.Select(i => i.StopAsync("invoker stopping").AsTask())).ConfigureAwait(false);
        _cgroups.Close();
    }

    public async ValueTask DisposeAsync()
    {
        await ShutdownAsync(new CancellationToken(true)).ConfigureAwait(false);
        await _heartbeat.DisposeAsync().ConfigureAwait(false);
        lock (_gate)
        {
            foreach (var s in _sinks.Values)
            {
                s.Dispose();
            }
            _sinks.Clear();
        }
        ProcessRecord.Dispose();
    }

    private sealed record PoolSlot(long Revision, InstancePool Pool);

    /// <summary>One target's reserved-instance configuration as applied: the policy, how to find
    /// the definition the target serves now (an alias follows its main version, <c>latest</c> its
    /// newest revision), and the pool it last applied to.</summary>
    private sealed class ReservedBinding(Core.Reserved.ReservedPolicy policy, Func<FunctionDefinition?> resolve)
    {
        public Core.Reserved.ReservedPolicy Policy { get; } = policy;

        public Func<FunctionDefinition?> Resolve { get; } = resolve;

        public InstancePool? Pool { get; set; }
    }
}
