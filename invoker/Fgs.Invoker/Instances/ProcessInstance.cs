using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Threading.Tasks.Sources;
using Fgs.Core.Instances;
using Fgs.Core.Invocations;
using Fgs.Core.Metrics;
using Fgs.Invoker.Http;

namespace Fgs.Invoker.Instances;

/// <summary>
/// A function instance that is a real process tree: the code package's <c>bootstrap</c>, started in
/// its own session and process group, pulling events from its own runtime API address. Only
/// connections opened by a process of this tree are served. Output is framed per invocation;
/// timeouts and exits fail pending invocations at once.
/// </summary>
internal sealed class ProcessInstance : IFunctionInstance, IHttpHandler
{
    private static long s_sequence;

    private readonly InstanceSpec _spec;
    private readonly IInstanceEvents _events;
    private readonly TimeProvider _time;
    private readonly InstanceOutputSink? _sink;
    private readonly object _gate = new();
    private readonly Queue<Invocation> _queued = new();
    private readonly List<Invocation> _inFlight = [];
    private readonly Queue<PendingGet> _waitingGets = new();
    private readonly LogTail _stderrTail = new(2048);
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _spawned = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private LauncherPool? _launcherPool; // the pool the process came from, until its runtime answers its first event
    private HttpServer? _runtimeApi;
    private Process? _process;
    private OutputReactor.Pipe? _stdout;
    private OutputReactor.Pipe? _stderr;
    private string _workDir = "";
    private int _stopping;
    private InstanceCgroup? _cgroup;
    private long _oomKillsSeen;
    // Resident memory of the tree, sampled by the heartbeat (at most once a second while the
    // instance works) rather than on every invocation: walking /proc costs more than the rest of
    // the invocation path together.
    private volatile int _memoryUsedMb;
    private long _memorySampledAt;
    private volatile bool _workedSinceSample = true;
    private int _frozen; // 1 while paused by idle mode (cgroup freezer, or SIGSTOP without one)

    private volatile bool _dead;
    private volatile bool _servedFirstRequest;
    private long _spawnedAt; // timestamp of the process start
    private int _preloadTimed; // 1 once the runtime's first GET has ended the preload phase
    private volatile bool _ready;
    private long _nextHeartbeat;
    private int _missedHeartbeats;
    private int _healthyHeartbeats;
    private int _preStopSent;

    /// <summary>FunctionGraph calls the heartbeat handler every 5 s with a 3 s timeout, and kills the
    /// instance after 6 failures in a row.</summary>
    internal static readonly TimeSpan HeartbeatPeriod = TimeSpan.FromSeconds(5);

    internal static readonly TimeSpan HeartbeatTimeout = TimeSpan.FromSeconds(3);

    internal const int MaxMissedHeartbeats = 6;

    /// <summary>How long a starting runtime may take to ask for its first event, on top of the
    /// function's timeout (FunctionGraph bounds initialization at 300 s; a runtime without an
    /// initializer gets this much to start).</summary>
    private static readonly TimeSpan StartupAllowance = TimeSpan.FromSeconds(60);

    public ProcessInstance(InstanceSpec spec, IInstanceEvents events, TimeProvider time, InstanceOutputSink? sink = null)
    {
        _spec = spec;
        _events = events;
        _time = time;
        _sink = sink;
        Id = "i-" + Interlocked.Increment(ref s_sequence).ToString(CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..8];
    }

    public string Id { get; }

    /// <summary>The root process id (0 before start).</summary>
    public int ProcessId { get; private set; }

    /// <summary>Called with the bootstrap's pid as soon as it is spawned.</summary>
    internal Action<int>? Spawned { get; init; }

    /// <summary>Called as each phase of the start ends: spawn, preload and, with an initializer, init.</summary>
    internal Action<StartPhase, TimeSpan>? StartPhaseEnded { get; init; }

    /// <summary>The runtime API address given to the instance (<c>RUNTIME_API_ADDR</c>).</summary>
    public string RuntimeApiAddress { get; private set; } = "";

    /// <summary>Completes with the exit status once the root process has exited.</summary>
    public Task<int> Exited => _exited.Task;

    /// <summary>True once the process has exited or the instance was stopped.</summary>
    public bool IsDead => _dead;

    /// <summary>Starts the process and, when configured, runs the initializer. On failure the
    /// instance is stopped and the reason returned.</summary>
    public async ValueTask<LaunchResult> StartAsync(CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        if (!File.Exists(_spec.Bootstrap))
        {
            return LaunchResult.Failed($"load failed: the code package has no '{Path.GetFileName(_spec.Bootstrap)}' at its root");
        }
        if ((File.GetUnixFileMode(_spec.Bootstrap) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) == 0)
        {
            return LaunchResult.Failed($"load failed: '{Path.GetFileName(_spec.Bootstrap)}' is not executable");
        }

        _runtimeApi = new HttpServer(new IPEndPoint(IPAddress.Loopback, 0), this);
        _runtimeApi.Start();
        RuntimeApiAddress = "127.0.0.1:" + _runtimeApi.LocalEndPoint.Port.ToString(CultureInfo.InvariantCulture);

        _workDir = Path.Combine(_spec.InstancesRoot, Id);
        Directory.CreateDirectory(Path.Combine(_workDir, "log"));
        Directory.CreateDirectory(Path.Combine(_workDir, "tmp"));

        if (_spec.Cgroups is { } cgroups)
        {
            try
            {
                _cgroup = cgroups.Create(Id, _spec.MemoryMb, _spec.CpuMillicores);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                await StopListenerAsync().ConfigureAwait(false);
                return LaunchResult.Failed($"system error: cannot create the instance's cgroup: {e.Message}");
            }
        }
        if (_spec.RunAs is { } user)
        {
            // The instance user owns its home, temporary and log folders (and nothing else).
            foreach (var dir in new[] { _workDir, Path.Combine(_workDir, "log"), Path.Combine(_workDir, "tmp") })
            {
                _ = Libc.Chown(dir, user.Uid, user.Gid);
            }
        }

        var psi = new ProcessStartInfo
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _spec.CodeRoot,
        };
        // setsid makes the bootstrap the leader of a new session and process group without forking
        // (a freshly spawned child is not a group leader), so the pid we get is the bootstrap's own.
        var argv = Supervisor.LaunchCommand(_spec.Bootstrap);
        if (Supervisor.SpawnHelperPath is { } spawn)
        {
            // fgs-spawn joins the cgroups, drops to the instance user and calls setsid, then execs
            // the bootstrap: all before any user code runs, so no child can escape the limits.
            psi.FileName = spawn;
            foreach (var dir in _cgroup?.Directories ?? [])
            {
                psi.ArgumentList.Add("--cgroup");
                psi.ArgumentList.Add(dir);
            }
            if (_spec.RunAs is { } runAs)
            {
                psi.ArgumentList.Add("--uid");
                psi.ArgumentList.Add(runAs.Uid.ToString(CultureInfo.InvariantCulture));
                psi.ArgumentList.Add("--gid");
                psi.ArgumentList.Add(runAs.Gid.ToString(CultureInfo.InvariantCulture));
            }
            psi.ArgumentList.Add("--");
            foreach (var a in argv)
            {
                psi.ArgumentList.Add(a);
            }
        }
        else if (Supervisor.SetsidPath is { } setsid)
        {
            psi.FileName = setsid;
            foreach (var a in argv)
            {
                psi.ArgumentList.Add(a);
            }
        }
        else
        {
            psi.FileName = argv[0];
            foreach (var a in argv.AsSpan(1))
            {
                psi.ArgumentList.Add(a);
            }
        }
        psi.Environment.Clear();
        foreach (var (k, v) in _spec.Environment)
        {
            psi.Environment[k] = v;
        }
        psi.Environment["RUNTIME_API_ADDR"] = RuntimeApiAddress;
        psi.Environment["RUNTIME_LOG_DIR"] = Path.Combine(_workDir, "log");
        psi.Environment["HOME"] = _workDir;
        psi.Environment["TMPDIR"] = Path.Combine(_workDir, "tmp");

        try
        {
            if (psi.FileName == Supervisor.SpawnHelperPath && LauncherPool.Shared is { } launchers
                && launchers.TryLaunch(LauncherFields(psi)) is { } launched)
            {
                _process = launched;
                _launcherPool = launchers;
            }
            else
            {
                _process = Process.Start(psi) ?? throw new InvalidOperationException("the process did not start");
            }
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
        {
            _cgroup?.Dispose();
            await StopListenerAsync().ConfigureAwait(false);
            return LaunchResult.Failed($"load failed: cannot start bootstrap: {e.Message}");
        }
        ProcessId = _process.Id;
        _spawnedAt = _time.GetTimestamp();
        StartPhaseEnded?.Invoke(StartPhase.Spawn, _time.GetElapsedTime(started, _spawnedAt));
        Spawned?.Invoke(ProcessId);
        _spawned.TrySetResult();
        _process.StandardInput.Close();
        _stdout = OutputReactor.Shared.Register(FdOf(_process.StandardOutput.BaseStream), data => OnOutput(data, isStderr: false), static () => { });
        _stderr = OutputReactor.Shared.Register(FdOf(_process.StandardError.BaseStream), data => OnOutput(data, isStderr: true), static () => { });
        _ = WatchExitAsync(_process);

        if (_spec.InitializerHandler is null)
        {
            _ready = true;
            return LaunchResult.Ready(this);
        }

        var init = new Invocation(Guid.NewGuid().ToString(), InvokeType.Init,
            Encoding.UTF8.GetBytes("{\"initializer\":\"" + JsonEncoded(_spec.InitializerHandler) + "\"}"),
            _spec.InitializerTimeout)
        {
            VersionLabel = _spec.Version,
        };
        var initStarted = _time.GetTimestamp();
        Deliver(init);
        InvocationStatus status;
        using (cancellationToken.Register(static s => ((Invocation)s!).TryFail(InvocationStatus.SystemError, "start cancelled", 0), init))
        {
            status = await init.WaitAsync().ConfigureAwait(false);
        }
        if (status == InvocationStatus.Success)
        {
            StartPhaseEnded?.Invoke(StartPhase.Init, _time.GetElapsedTime(initStarted));
            _ready = true;
            return LaunchResult.Ready(this);
        }
        var why = status switch
        {
            InvocationStatus.TimedOut => $"initialization timed out after {_spec.InitializerTimeout.TotalSeconds:0.###}s",
            InvocationStatus.FunctionError => "initialization failed: " + Encoding.UTF8.GetString(init.Result),
            InvocationStatus.InstanceExited => "initialization failed: " + init.FailureDetail,
            _ => "initialization failed: " + (init.FailureDetail ?? status.ToString()),
        };
        await KillAsync("initializer failed").ConfigureAwait(false);
        return LaunchResult.Failed(why);
    }

    /// <summary>The start as a launcher spec: the working folder and environment as fgs-spawn
    /// options, then the same options and command as a direct start.</summary>
    private static List<string> LauncherFields(ProcessStartInfo psi)
    {
        var fields = new List<string>(4 + 2 * psi.Environment.Count + psi.ArgumentList.Count) { "--chdir", psi.WorkingDirectory };
        foreach (var (k, v) in psi.Environment)
        {
            fields.Add("--env");
            fields.Add(k + "=" + v);
        }
        fields.AddRange(psi.ArgumentList);
        return fields;
    }

    public void Deliver(Invocation invocation)
    {
        invocation.InstanceId = Id;
        // The timeout measures the function's own run, from the moment its runtime takes the event
        // (reset there). Until then a new process may still be starting (a JVM takes seconds), so
        // the first deadline also allows for the start, bounded, in case the runtime never asks.
        var wait = _servedFirstRequest ? invocation.Timeout : invocation.Timeout + StartupAllowance;
        invocation.DeadlineTimestamp = _time.GetTimestamp() + (long)(wait.TotalSeconds * _time.TimestampFrequency);
        PendingGet? waiter = null;
        lock (_gate)
        {
            if (!_dead)
            {
                if (!_waitingGets.TryDequeue(out waiter))
                {
                    _queued.Enqueue(invocation);
                }
                else
                {
                    _inFlight.Add(invocation);
                }
            }
        }
        if (_dead)
        {
            Fail(invocation, InvocationStatus.InstanceExited, "the instance has exited");
            return;
        }
        // Completing outside the lock: the parked GET's continuation writes the event to the runtime
        // on this thread (no hop).
        waiter?.Complete(invocation);
    }

    public void SweepDeadlines(long nowTimestamp)
    {
        List<Invocation>? expired = null;
        lock (_gate)
        {
            foreach (var inv in _inFlight)
            {
                if (inv.DeadlineTimestamp <= nowTimestamp)
                {
                    (expired ??= []).Add(inv);
                }
            }
            foreach (var inv in _queued)
            {
                if (inv.DeadlineTimestamp <= nowTimestamp)
                {
                    (expired ??= []).Add(inv);
                }
            }
        }
        if (expired is null)
        {
            return;
        }
        if (expired.TrueForAll(i => i.Type == InvokeType.Heartbeat))
        {
            // A missed heartbeat is counted, not fatal by itself (see HeartbeatFinished).
            foreach (var inv in expired)
            {
                Fail(inv, InvocationStatus.TimedOut, "heartbeat timed out");
            }
            return;
        }
        // Out of the pool first, so nothing new is placed on an instance about to be killed.
        _events.InstanceExited(this);
        foreach (var inv in expired)
        {
            var limit = inv.Timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
            var what = inv.Type == InvokeType.Init ? "initializer" : "invocation";
            Fail(inv, InvocationStatus.TimedOut, $"{what} timed out after {limit}s; the instance was killed");
        }
        // A timed-out instance may be stuck anywhere in user code: it is not reused.
        _ = KillAsync("timeout");
    }

    /// <summary>
    /// Sends a heartbeat event when one is due: every <see cref="HeartbeatPeriod"/> to an idle,
    /// started instance of a function that declares a heartbeat handler. Called by the heartbeat
    /// sweep; a busy instance is alive by definition (and bounded by its timeout).
    /// </summary>
    public void MaybeHeartbeat(long nowTimestamp)
    {
        if (_spec.HeartbeatHandler is not { } handler || !_ready || _dead || Volatile.Read(ref _stopping) != 0
            || Volatile.Read(ref _frozen) != 0)
        {
            return;
        }
        lock (_gate)
        {
            if (_inFlight.Count > 0 || _queued.Count > 0)
            {
                _nextHeartbeat = nowTimestamp + (long)(HeartbeatPeriod.TotalSeconds * _time.TimestampFrequency);
                return;
            }
            if (_nextHeartbeat == 0)
            {
                _nextHeartbeat = nowTimestamp + (long)(HeartbeatPeriod.TotalSeconds * _time.TimestampFrequency);
                return;
            }
            if (nowTimestamp < _nextHeartbeat)
            {
                return;
            }
            _nextHeartbeat = nowTimestamp + (long)(HeartbeatPeriod.TotalSeconds * _time.TimestampFrequency);
        }
        Deliver(new Invocation(Guid.NewGuid().ToString(), InvokeType.Heartbeat,
            Encoding.UTF8.GetBytes("{\"heartbeat\":\"" + JsonEncoded(handler) + "\"}"), HeartbeatTimeout));
    }

    /// <summary>Heartbeats missed in a row.</summary>
    internal int MissedHeartbeats => Volatile.Read(ref _missedHeartbeats);

    /// <summary>Heartbeats answered healthy since start.</summary>
    internal int HealthyHeartbeats => Volatile.Read(ref _healthyHeartbeats);

    private void HeartbeatFinished(InvocationStatus status)
    {
        if (status == InvocationStatus.Success)
        {
            Interlocked.Exchange(ref _missedHeartbeats, 0);
            Interlocked.Increment(ref _healthyHeartbeats);
            return;
        }
        var missed = Interlocked.Increment(ref _missedHeartbeats);
        _sink?.Note(this, $"instance {Id} missed heartbeat {missed} of {MaxMissedHeartbeats} ({status})");
        if (missed >= MaxMissedHeartbeats)
        {
            _events.InstanceExited(this);
            _ = KillAsync($"{missed} heartbeats missed in a row");
        }
    }

    /// <summary>
    /// Stops the instance: runs the function's pre-stop hook first (a <c>prestop</c> event, bounded
    /// by <c>pre_stop_timeout</c>) when it declares one and the instance is healthy, then kills the
    /// process tree. Idempotent.
    /// </summary>
    public async ValueTask StopAsync(string reason)
    {
        // A paused instance cannot run its pre-stop hook (nor, under a v1 freezer, even die).
        Thaw();
        if (_spec.PreStopHandler is { } handler && _ready && !_dead && Volatile.Read(ref _stopping) == 0
            && Interlocked.Exchange(ref _preStopSent, 1) == 0)
        {
            var preStop = new Invocation(Guid.NewGuid().ToString(), InvokeType.PreStop,
                Encoding.UTF8.GetBytes("{\"pre_stop\":\"" + JsonEncoded(handler) + "\",\"reason\":\"" + JsonEncoded(reason) + "\"}"),
                _spec.PreStopTimeout);
            Deliver(preStop);
            var outcome = await preStop.WaitAsync().ConfigureAwait(false);
            if (outcome != InvocationStatus.Success)
            {
                _sink?.Note(this, $"pre-stop hook of instance {Id} ended with {outcome}: {preStop.FailureDetail ?? Encoding.UTF8.GetString(preStop.Result)}");
            }
        }
        await KillAsync(reason).ConfigureAwait(false);
    }

    /// <summary>Kills the process tree at once (no pre-stop hook). Idempotent.</summary>
    private async ValueTask KillAsync(string reason)
    {
        if (Interlocked.Exchange(ref _stopping, 1) == 0)
        {
            _sink?.Note(this, $"stopping instance {Id}: {reason}");
            if (_process is not null && ProcessId > 0)
            {
                Thaw();
                ProcessTree.Kill(ProcessId);
                _cgroup?.KillAll();
                try
                {
                    // The exit watcher owns the Process object (and disposes it): wait on its signal.
                    await _exited.Task.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                }
            }
            else
            {
                MarkDead("the instance was stopped: " + reason);
                _exited.TrySetResult(-1);
            }
            await StopListenerAsync().ConfigureAwait(false);
            TryDeleteWorkDir();
        }
        await _exited.Task.ConfigureAwait(false);
    }

    // ---- runtime API (IHttpHandler) ----

    async ValueTask<bool> IHttpHandler.OnConnectedAsync(HttpConnectionInfo connection)
    {
        // The peer check reads /proc (blocking file I/O): off the socket I/O thread.
        await Task.Yield();
        try
        {
            await _spawned.Task.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return false;
        }
        if (_dead || connection.Remote is null || connection.Local is null)
        {
            return false;
        }
        var inode = LoopbackPeers.FindClientInode(connection.Remote, connection.Local);
        // The runtime is nearly always the root process itself (launchers exec in place): it is
        // asked first, before listing the whole group.
        if (inode == 0 || !(ProcessTree.OwnsSocket(ProcessId, inode)
            || ProcessTree.AnyOwnsSocket(_cgroup?.Processes() is { Count: > 0 } inGroup ? inGroup : ProcessTree.Collect(ProcessId), inode)))
        {
            _sink?.Note(this, $"refused a runtime API connection from {connection.Remote}: not a process of instance {Id}");
            return false;
        }
        connection.State = new PendingGet();
        return true;
    }

    long IHttpHandler.MaxBodyBytes(HttpRequestHead head) => _spec.MaxResponseBytes;

    void IHttpHandler.OnBodyTooLarge(HttpRequestHead head)
    {
        if (TryMatchPost(head.Path, out _, out var id) && TakeInFlight(id) is { } inv)
        {
            Fail(inv, InvocationStatus.ResponseTooLarge,
                $"the function's response is larger than the limit of {_spec.MaxResponseBytes} bytes");
        }
    }

    void IHttpHandler.OnDisconnected(HttpConnectionInfo connection)
    {
        if (connection.State is PendingGet get)
        {
            bool wasWaiting;
            lock (_gate)
            {
                wasWaiting = RemoveWaiter(get);
            }
            if (wasWaiting)
            {
                get.Complete(null);
            }
        }
    }

    async ValueTask IHttpHandler.HandleAsync(HttpExchange exchange)
    {
        var head = exchange.Head;
        var path = head.Path;
        if (head.Method == HttpMethodKind.Get && path.SequenceEqual("/v1/runtime/invocation/request"u8))
        {
            await ServeNextEventAsync(exchange).ConfigureAwait(false);
            return;
        }
        if (head.Method == HttpMethodKind.Post && TryMatchPost(path, out var isError, out _))
        {
            // What the function wrote before answering belongs to this invocation's log.
            DrainOutput();
            TryMatchPost(exchange.Head.Path, out _, out var id);
            var inv = TakeInFlight(id);
            if (inv is null)
            {
                await exchange.RespondAsync(404, "application/json"u8,
                    ErrorBodies.Utf8("FSS.0404", "no invocation with this request id is in flight on this instance")).ConfigureAwait(false);
                return;
            }
            var body = exchange.Body;
            var status = isError ? InvocationStatus.FunctionError : InvocationStatus.Success;
            Complete(inv, status, body);
            // A runtime that pipelines its next GET behind this POST gets the 202 in the same
            // write as its next event (one send and one wake-up fewer per invocation).
            await exchange.RespondDeferredAsync(202, "application/json"u8, "{\"status\":\"OK\"}"u8).ConfigureAwait(false);
            // The first answer is out: the launcher this start took is replaced now, so that its
            // fork and exec compete neither with the runtime's start nor with that answer.
            if (_launcherPool is not null)
            {
                Interlocked.Exchange(ref _launcherPool, null)?.Fill();
            }
            return;
        }
        exchange.CloseAfterResponse = false;
        await exchange.RespondAsync(404, "application/json"u8,
            ErrorBodies.Utf8("FSS.0404", "unknown runtime API path")).ConfigureAwait(false);
    }

    private async ValueTask ServeNextEventAsync(HttpExchange exchange)
    {
        // The runtime's first GET ends the preload phase (its connection was accepted only once
        // the process existed, so _spawnedAt is set).
        if (_preloadTimed == 0 && Interlocked.Exchange(ref _preloadTimed, 1) == 0)
        {
            StartPhaseEnded?.Invoke(StartPhase.Preload, _time.GetElapsedTime(_spawnedAt));
        }
        var get = (PendingGet)exchange.Connection.State!;
        Invocation? inv;
        lock (_gate)
        {
            if (_queued.TryDequeue(out inv))
            {
                _inFlight.Add(inv);
            }
            else if (!_dead)
            {
                get.Reset();
                _waitingGets.Enqueue(get);
            }
        }
        if (inv is null)
        {
            if (_dead)
            {
                exchange.CloseAfterResponse = true;
                await exchange.RespondAsync(503, "application/json"u8, ErrorBodies.Utf8("FSS.0503", "the instance is stopping")).ConfigureAwait(false);
                return;
            }
            inv = await get.WaitAsync().ConfigureAwait(false);
            if (inv is null)
            {
                exchange.CloseAfterResponse = true;
                await exchange.RespondAsync(503, "application/json"u8, ErrorBodies.Utf8("FSS.0503", "the instance is stopping")).ConfigureAwait(false);
                return;
            }
        }

        inv.DeliveredTimestamp = _time.GetTimestamp();
        inv.DeadlineTimestamp = inv.DeliveredTimestamp + (long)(inv.Timeout.TotalSeconds * _time.TimestampFrequency);
        _servedFirstRequest = true;
        if (inv.Type is InvokeType.Sync or InvokeType.Async)
        {
            Span<byte> line = stackalloc byte[192];
            if (System.Text.Unicode.Utf8.TryWrite(line, $"Start invoke request '{inv.RequestId}', version: {inv.VersionLabel}\n", out var written))
            {
                WriteLog(inv, line[..written]);
            }
            else
            {
                WriteLog(inv, $"Start invoke request '{inv.RequestId}', version: {inv.VersionLabel}\n");
            }
        }
        var w = exchange.Output;
        exchange.StartResponse(200, inv.EventLength);
        HttpResponseHeadWriter.WriteHeader(w, "Content-Type"u8, "application/json"u8);
        HttpResponseHeadWriter.WriteHeader(w, "X-Cff-Request-Id"u8, inv.RequestIdUtf8);
        HttpResponseHeadWriter.WriteHeader(w, "X-CFF-Invoke-Type"u8, InvokeTypeNames.Utf8(inv.Type));
        if (inv.Type == InvokeType.Init && _spec.InitializerHandler is { } handler)
        {
            HttpResponseHeadWriter.WriteHeader(w, "X-Cff-Initializer-Handler"u8, handler.AsSpan());
        }
        HttpResponseHeadWriter.WriteEndOfHead(w);
        w.Write(inv.Event);
        try
        {
            await w.FlushAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The runtime went away between asking and receiving: give the event to the next GET.
            lock (_gate)
            {
                if (_inFlight.Remove(inv) && !inv.IsCompleted)
                {
                    inv.DeliveredTimestamp = 0;
                    _queued.Enqueue(inv);
                }
            }
            throw;
        }
    }

    private static bool TryMatchPost(ReadOnlySpan<byte> path, out bool isError, out ReadOnlySpan<byte> requestId)
    {
        ReadOnlySpan<byte> response = "/v1/runtime/invocation/response/"u8;
        ReadOnlySpan<byte> error = "/v1/runtime/invocation/error/"u8;
        if (path.StartsWith(response))
        {
            isError = false;
            requestId = path[response.Length..];
        }
        else if (path.StartsWith(error))
        {
            isError = true;
            requestId = path[error.Length..];
        }
        else
        {
            isError = false;
            requestId = default;
            return false;
        }
        return !requestId.IsEmpty;
    }

    private Invocation? TakeInFlight(ReadOnlySpan<byte> requestId)
    {
        lock (_gate)
        {
            for (var i = 0; i < _inFlight.Count; i++)
            {
                if (_inFlight[i].RequestIdUtf8.AsSpan().SequenceEqual(requestId))
                {
                    var inv = _inFlight[i];
                    _inFlight.RemoveAt(i);
                    return inv;
                }
            }
        }
        return null;
    }

    private void Complete(Invocation inv, InvocationStatus status, ReadOnlySequence<byte> body)
    {
        if (status == InvocationStatus.FunctionError && OomKilledSinceLastCheck())
        {
            // A process of the instance was killed at the memory limit and the runtime reported it
            // as an error: say what happened, and replace the instance (its state is unknown).
            Fail(inv, InvocationStatus.MemoryLimitExceeded, MemoryLimitDetail());
            _events.InstanceExited(this);
            _ = KillAsync("memory limit exceeded");
            return;
        }
        var now = _time.GetTimestamp();
        if (inv.Type is InvokeType.Sync or InvokeType.Async)
        {
            WriteFinishLine(inv, now);
        }
        if (!inv.TryClaim())
        {
            return;
        }
        // Free the slot before the caller sees the result (it may send its next request at once).
        if (inv.Type is InvokeType.Sync or InvokeType.Async)
        {
            _events.InvocationFinished(this);
        }
        inv.CompleteClaimed(status, body.IsSingleSegment ? body.FirstSpan : body.ToArray(), now);
        if (inv.Type == InvokeType.Heartbeat)
        {
            HeartbeatFinished(status);
        }
    }

    private void Fail(Invocation inv, InvocationStatus status, string detail)
    {
        lock (_gate)
        {
            _inFlight.Remove(inv);
        }
        var now = _time.GetTimestamp();
        if (inv.Type is InvokeType.Sync or InvokeType.Async && inv.DeliveredTimestamp != 0)
        {
            WriteLog(inv, detail + "\n");
            WriteFinishLine(inv, now);
        }
        if (!inv.TryClaim())
        {
            return;
        }
        if (inv.Type is InvokeType.Sync or InvokeType.Async)
        {
            _events.InvocationFinished(this);
        }
        inv.FailClaimed(status, detail, now);
        if (inv.Type == InvokeType.Heartbeat && status != InvocationStatus.InstanceExited)
        {
            HeartbeatFinished(status);
        }
    }

    /// <summary>Pauses the instance while it has no work (reserved idle mode): through its cgroup
    /// freezer, else by stopping its process group with SIGSTOP. False when it has work in flight,
    /// is stopping, or cannot be paused.</summary>
    public bool TryFreeze()
    {
        lock (_gate)
        {
            if (_dead || !_ready || Volatile.Read(ref _stopping) != 0 || _inFlight.Count > 0 || _queued.Count > 0
                || Volatile.Read(ref _frozen) != 0)
            {
                return false;
            }
            var frozen = _cgroup is { CanFreeze: true } cg ? cg.Freeze() : ProcessId > 0 && Libc.Kill(-ProcessId, Libc.SIGSTOP) == 0;
            if (frozen)
            {
                Volatile.Write(ref _frozen, 1);
            }
            return frozen;
        }
    }

    /// <summary>Resumes a paused instance; returns how long the resume took (zero when it was not paused).</summary>
    public TimeSpan Thaw()
    {
        if (Interlocked.Exchange(ref _frozen, 0) == 0)
        {
            return TimeSpan.Zero;
        }
        var start = Stopwatch.GetTimestamp();
        if (_cgroup is { CanFreeze: true } cg)
        {
            cg.Thaw();
        }
        else if (ProcessId > 0)
        {
            _ = Libc.Kill(-ProcessId, Libc.SIGCONT);
        }
        return Stopwatch.GetElapsedTime(start);
    }

    /// <summary>Whether the instance is paused by idle mode.</summary>
    public bool IsFrozen => Volatile.Read(ref _frozen) != 0;

    /// <summary>The instance's cgroup (null without cgroups), for diagnostics and tests.</summary>
    internal InstanceCgroup? Cgroup => _cgroup;

    private bool OomKilledSinceLastCheck()
    {
        if (_cgroup is null)
        {
            return false;
        }
        var kills = _cgroup.OomKills();
        return kills > Interlocked.Exchange(ref _oomKillsSeen, kills);
    }

    private string MemoryLimitDetail() => string.Create(CultureInfo.InvariantCulture,
        $"memory limit exceeded ({_spec.MemoryMb} MB): the kernel killed a process of the instance at the function's memory size");

    private void WriteFinishLine(Invocation inv, long now)
    {
        var start = inv.DeliveredTimestamp == 0 ? now : inv.DeliveredTimestamp;
        var ms = _time.GetElapsedTime(start, now).TotalMilliseconds;
        var billed = Math.Max(1, (long)Math.Ceiling(ms));
        var used = _memoryUsedMb;
        inv.MemoryUsedMb = used;
        _workedSinceSample = true;
        Span<byte> line = stackalloc byte[256];
        if (System.Text.Unicode.Utf8.TryWrite(line, CultureInfo.InvariantCulture,
                $"Finish invoke request '{inv.RequestId}', duration: {ms:0.000}ms, billing duration: {billed}ms, memory used: {used}MB, billing memory: {_spec.MemoryMb}MB\n",
                out var written))
        {
            WriteLog(inv, line[..written]);
        }
        else
        {
            WriteLog(inv, string.Create(CultureInfo.InvariantCulture,
                $"Finish invoke request '{inv.RequestId}', duration: {ms:0.000}ms, billing duration: {billed}ms, memory used: {used}MB, billing memory: {_spec.MemoryMb}MB\n"));
        }
    }

    /// <summary>Refreshes the sampled resident memory of the instance's processes when it is due:
    /// at most once a second, and only after the instance has worked since the last sample.
    /// Called by the heartbeat sweep, off the invocation path.</summary>
    public void SampleMemory(long nowTimestamp)
    {
        if (ProcessId <= 0 || _dead || !_workedSinceSample
            || (_memorySampledAt != 0 && _time.GetElapsedTime(_memorySampledAt, nowTimestamp) < MemorySamplePeriod))
        {
            return;
        }
        _workedSinceSample = false;
        _memorySampledAt = nowTimestamp;
        _memoryUsedMb = ProcessTree.ResidentMegabytes(_cgroup is { } cg && cg.Processes() is { Count: > 0 } pids ? pids : ProcessTree.Collect(ProcessId));
    }

    internal static readonly TimeSpan MemorySamplePeriod = TimeSpan.FromSeconds(1);

    private void WriteLog(Invocation inv, string text) => WriteLog(inv, Encoding.UTF8.GetBytes(text));

    private void WriteLog(Invocation inv, ReadOnlySpan<byte> bytes)
    {
        inv.Log?.Append(bytes);
        _sink?.Write(this, inv.RequestId, bytes);
    }

    /// <summary>Takes, synchronously, whatever the process has written to stdout/stderr so far.</summary>
    private void DrainOutput()
    {
        _stdout?.Drain();
        _stderr?.Drain();
    }

    private static int FdOf(Stream stream) => stream switch
    {
        FileStream f => (int)f.SafeFileHandle.DangerousGetHandle(),
        System.IO.Pipes.PipeStream p => (int)p.SafePipeHandle.DangerousGetHandle(),
        _ => throw new NotSupportedException($"cannot read instance output from a {stream.GetType().Name}"),
    };

    private void OnOutput(ReadOnlySpan<byte> data, bool isStderr)
    {
        if (isStderr)
        {
            _stderrTail.Append(data);
        }
        Invocation? current = null;
        lock (_gate)
        {
            // Output is attributed to the invocation in flight when there is exactly one.
            if (_inFlight.Count == 1)
            {
                current = _inFlight[0];
            }
        }
        current?.Log?.Append(data);
        _sink?.Write(this, current?.RequestId, data);
    }

    private async Task WatchExitAsync(Process process)
    {
        await process.WaitForExitAsync().ConfigureAwait(false);
        var code = process.ExitCode;
        // Everything the process wrote before it died is in the pipes: take it, so the stderr tail
        // holds its last words (a background child may keep the pipes open, so no waiting for EOF).
        DrainOutput();
        var status = code > 128 && code < 160
            ? $"exit status {code} (killed by signal {code - 128})"
            : $"exit status {code}";
        var tail = _stderrTail.ToString().Trim();
        var outOfMemory = Volatile.Read(ref _stopping) == 0 && OomKilledSinceLastCheck();
        var detail = Volatile.Read(ref _stopping) != 0
            ? "the instance was stopped"
            : outOfMemory ? MemoryLimitDetail()
            : tail.Length > 0 ? $"the instance exited unexpectedly ({status}); stderr: {tail}" : $"the instance exited unexpectedly ({status})";
        MarkDead(detail, outOfMemory ? InvocationStatus.MemoryLimitExceeded : InvocationStatus.InstanceExited);
        // The group may still hold children (a daemonised helper): take them down with it.
        ProcessTree.Kill(ProcessId);
        _cgroup?.Dispose();
        _exited.TrySetResult(code);
        _events.InstanceExited(this);
        await StopListenerAsync().ConfigureAwait(false);
        if (Volatile.Read(ref _stopping) == 0)
        {
            _sink?.Note(this, outOfMemory ? $"instance {Id} exited: {status}, {MemoryLimitDetail()}" : $"instance {Id} exited: {status}");
            Interlocked.Exchange(ref _stopping, 1);
            TryDeleteWorkDir();
        }
        process.Dispose();
    }

    private void MarkDead(string detail, InvocationStatus status = InvocationStatus.InstanceExited)
    {
        List<Invocation> pending;
        List<PendingGet> gets;
        lock (_gate)
        {
            _dead = true;
            pending = [.. _inFlight, .. _queued];
            _inFlight.Clear();
            _queued.Clear();
            gets = [.. _waitingGets];
            _waitingGets.Clear();
        }
        foreach (var inv in pending)
        {
            Fail(inv, status, detail);
        }
        foreach (var g in gets)
        {
            g.Complete(null);
        }
    }

    private bool RemoveWaiter(PendingGet get)
    {
        var found = false;
        var n = _waitingGets.Count;
        for (var i = 0; i < n; i++)
        {
            var g = _waitingGets.Dequeue();
            if (ReferenceEquals(g, get))
            {
                found = true;
            }
            else
            {
                _waitingGets.Enqueue(g);
            }
        }
        return found;
    }

    private async ValueTask StopListenerAsync()
    {
        if (_runtimeApi is { } api)
        {
            await api.DisposeAsync().ConfigureAwait(false);
        }
    }

    private void TryDeleteWorkDir()
    {
        if (_workDir.Length == 0)
        {
            return;
        }
        try
        {
            Directory.Delete(_workDir, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    private static string JsonEncoded(string s) => System.Text.Json.JsonEncodedText.Encode(s).ToString();

    /// <summary>A runtime connection's parked <c>GET .../request</c>: completed with the next event,
    /// or null when the instance stops. One per connection, reused.</summary>
    private sealed class PendingGet : IValueTaskSource<Invocation?>
    {
        private ManualResetValueTaskSourceCore<Invocation?> _core = new() { RunContinuationsAsynchronously = false };

        public void Reset() => _core.Reset();

        public ValueTask<Invocation?> WaitAsync() => new(this, _core.Version);

        public void Complete(Invocation? invocation)
        {
            try
            {
                _core.SetResult(invocation);
            }
            catch (InvalidOperationException)
            {
                // Already completed (a stop raced a delivery).
            }
        }

        public Invocation? GetResult(short token) => _core.GetResult(token);

        public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
            => _core.OnCompleted(continuation, state, token, flags);
    }
}
