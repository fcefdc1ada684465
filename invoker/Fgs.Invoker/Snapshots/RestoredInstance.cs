using System.Globalization;
using System.Text;
using System.Text.Json;
using Fgs.Core.Instances;
using Fgs.Core.Invocations;
using Fgs.Invoker.Instances;
using Fgs.Snapshot.Processes;

namespace Fgs.Invoker.Snapshots;

/// <summary>
/// A copy restored from a function version's snapshot, as an instance of the version's pool. Each
/// invocation goes to the copy's own runtime API (<see cref="SnapshotRuntimeApi"/>) and completes on
/// its outcome, its timeout (which kills the copy) or the copy's death. The timeout runs from when
/// the copy's runtime takes the event, and the invocation is framed by Start and Finish lines in the
/// function's log and its tail log, as on a spawned instance. An idle copy of a function with a
/// heartbeat handler gets heartbeat events (<see cref="ProcessInstance.HeartbeatPeriod"/>), and is
/// stopped after <see cref="ProcessInstance.MaxMissedHeartbeats"/> missed in a row. Idle copies can be
/// paused: with the cgroup freezer where the copy has a group with one, else with SIGSTOP. Where the host has cgroups, the copy's processes are moved into a group of
/// their own with the function's memory limit and CPU share right after the restore
/// (<see cref="Cgroup"/>). They run as the user the snapshot was made as: the invoker's instance user.
/// </summary>
internal sealed class RestoredInstance : IFunctionInstance
{
    private static readonly TimeSpan s_tickPeriod = TimeSpan.FromMilliseconds(500);

    private readonly SnapshotCopy _copy;
    private readonly IInstanceEvents _events;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop = new();
    private readonly ITimer _tick;
    private readonly Lock _gate = new();
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _inFlight;
    private int _stopped;
    private int _frozen;
    private readonly Lock _outputGate = new();
    private Microsoft.Win32.SafeHandles.SafeFileHandle? _output;
    private long _outputOffset;
    private long _nextHeartbeat;
    private bool _heartbeating;
    private int _missedHeartbeats;
    private int _healthyHeartbeats;
    private int _unhealthy;
    private volatile int _memoryUsedMb;
    private long _memorySampledAt;
    private volatile bool _workedSinceSample = true;

    /// <summary>Wraps a restored copy whose restore hook has run.</summary>
    public RestoredInstance(SnapshotCopy copy, IInstanceEvents events, TimeProvider time)
    {
        _copy = copy;
        _events = events;
        _time = time;
        Id = "r-" + Guid.NewGuid().ToString("N")[..12];
        SampleMemory(time.GetTimestamp());
        _tick = time.CreateTimer(static s => ((RestoredInstance)s!).Tick(), this, s_tickPeriod, s_tickPeriod);
    }

    /// <inheritdoc />
    public string Id { get; }

    /// <summary>The function's pre-stop handler, sent as a <c>prestop</c> event before the copy is
    /// stopped (not after a timeout or its death); null when it declares none.</summary>
    public string? PreStopHandler { get; init; }

    /// <summary>How long the pre-stop event may take.</summary>
    public TimeSpan PreStopTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>The function's heartbeat handler, sent as <c>heartbeat</c> events to the idle copy; null
    /// when it declares none.</summary>
    public string? HeartbeatHandler { get; init; }

    /// <summary>The function's memory size in MB (billing memory in the Finish lines).</summary>
    public int MemoryMb { get; init; } = 128;

    /// <summary>Heartbeats missed in a row.</summary>
    internal int MissedHeartbeats => Volatile.Read(ref _missedHeartbeats);

    /// <summary>Heartbeats answered healthy since the restore.</summary>
    internal int HealthyHeartbeats => Volatile.Read(ref _healthyHeartbeats);

    /// <summary>The function's log, which the copy's output is appended to.</summary>
    public InstanceOutputSink? Sink { get; init; }

    /// <summary>The copy's cgroup (null without cgroups): killed and removed with the copy.</summary>
    public InstanceCgroup? Cgroup { get; init; }

    /// <summary>The host pid of the copy's namespace init.</summary>
    public int ProcessId => _copy.RootPid;

    /// <summary>Completes once the copy has been stopped or found dead.</summary>
    public Task Exited => _exited.Task;

    /// <inheritdoc />
    public void Deliver(Invocation invocation)
    {
        invocation.InstanceId = Id;
        // Until the runtime takes the event (a copy runs one at a time), it waits at most the
        // function's timeout; from the take, the timeout starts again (see RunAsync).
        invocation.DeadlineTimestamp = _time.GetTimestamp() + (long)(invocation.Timeout.TotalSeconds * _time.TimestampFrequency);
        if (Volatile.Read(ref _stopped) != 0)
        {
            Finish(invocation, InvocationStatus.InstanceExited, null, "the instance has exited");
            return;
        }
        _ = RunAsync(invocation);
    }

    /// <inheritdoc />
    /// <remarks>Each invocation carries its own timeout; nothing is left to sweep.</remarks>
    public void SweepDeadlines(long nowTimestamp)
    {
    }

    /// <inheritdoc />
    public async ValueTask StopAsync(string reason)
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            await _exited.Task.ConfigureAwait(false);
            return;
        }
        await _tick.DisposeAsync().ConfigureAwait(false);
        _events.InstanceExited(this);
        if (Interlocked.Exchange(ref _frozen, 0) != 0)
        {
            // Resumed first: a paused copy can neither run its pre-stop hook nor die (a task frozen
            // by the cgroup v1 freezer ignores SIGKILL until it is thawed).
            Resume();
        }
        if (PreStopHandler is { } handler && reason != "timeout" && Volatile.Read(ref _unhealthy) == 0 && PidNamespaceLauncher.IsAlive(_copy.RootPid))
        {
            var body = Encoding.UTF8.GetBytes("{\"pre_stop\":\"" + JsonEncodedText.Encode(handler).Value
                + "\",\"reason\":\"" + JsonEncodedText.Encode(reason).Value + "\"}");
            try
            {
                await _copy.InvokeAsync("prestop", body, PreStopTimeout, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e) when (e is TimeoutException or IOException or OperationCanceledException or InvalidOperationException)
            {
                // The hook is best effort: the copy is stopped either way.
            }
        }
        await _stop.CancelAsync().ConfigureAwait(false);
        CollectOutput(null);
        lock (_outputGate)
        {
            _output?.Dispose();
        }
        await _copy.DisposeAsync().ConfigureAwait(false);
        Cgroup?.Dispose();
        try
        {
            Directory.Delete(_copy.Folder, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        _exited.TrySetResult();
    }

    /// <inheritdoc />
    public bool TryFreeze()
    {
        lock (_gate)
        {
            if (Volatile.Read(ref _stopped) != 0 || _inFlight > 0 || _heartbeating || _frozen != 0)
            {
                return false;
            }
            // The cgroup freezer where the copy has one (every task of the group at once), else SIGSTOP.
            var frozen = Cgroup is { CanFreeze: true } cgroup ? cgroup.Freeze() : Libc.Kill(-_copy.RootPid, Libc.SIGSTOP) == 0;
            if (!frozen)
            {
                return false;
            }
            _frozen = 1;
            return true;
        }
    }

    /// <inheritdoc />
    public TimeSpan Thaw()
    {
        lock (_gate)
        {
            if (_frozen == 0)
            {
                return TimeSpan.Zero;
            }
            var started = _time.GetTimestamp();
            Resume();
            _frozen = 0;
            return _time.GetElapsedTime(started);
        }
    }

    private void Resume()
    {
        if (Cgroup is { CanFreeze: true } cgroup)
        {
            cgroup.Thaw();
        }
        else
        {
            Libc.Kill(-_copy.RootPid, Libc.SIGCONT);
        }
    }

    private async Task RunAsync(Invocation inv)
    {
        lock (_gate)
        {
            _inFlight++;
        }
        var type = Encoding.ASCII.GetString(InvokeTypeNames.Utf8(inv.Type));
        if (inv.Type is InvokeType.Sync or InvokeType.Async)
        {
            // What the copy wrote before this invocation is not its own. Collected before the send:
            // once sent, the copy may take the event and print before this thread runs again.
            CollectOutput(null);
        }
        var sent = _copy.Api.Send(type, inv.EventMemory.ToArray(), inv.RequestId);
        var released = false; // the slot is given back inside Finish, before the caller sees the outcome
        try
        {
            await sent.Taken.WaitAsync(inv.Timeout, _time, _stop.Token).ConfigureAwait(false);
            // The function's own run starts here, as on a spawned instance.
            inv.DeliveredTimestamp = _time.GetTimestamp();
            inv.DeadlineTimestamp = inv.DeliveredTimestamp + (long)(inv.Timeout.TotalSeconds * _time.TimestampFrequency);
            if (inv.Type is InvokeType.Sync or InvokeType.Async)
            {
                WriteLog(inv, Encoding.UTF8.GetBytes($"Start invoke request '{inv.RequestId}', version: {inv.VersionLabel}\n"));
            }
            var (error, body) = await sent.Outcome.WaitAsync(inv.Timeout, _time, _stop.Token).ConfigureAwait(false);
            if (body.Length > Fgs.Core.Functions.FunctionLimits.MaxResponseBytes)
            {
                Finish(inv, InvocationStatus.ResponseTooLarge, null, "the response is larger than the limit", releaseSlot: true);
                released = true;
                return;
            }
            Finish(inv, error ? InvocationStatus.FunctionError : InvocationStatus.Success, body, null, releaseSlot: true);
            released = true;
        }
        catch (TimeoutException)
        {
            var limit = inv.Timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
            _events.InstanceExited(this);
            Finish(inv, InvocationStatus.TimedOut, null, $"invocation timed out after {limit}s; the instance was killed");
            _ = StopAsync("timeout");
        }
        catch (OperationCanceledException)
        {
            Finish(inv, InvocationStatus.InstanceExited, null, "the instance has exited", releaseSlot: true);
            released = true;
        }
        finally
        {
            _copy.Api.Abandon(sent);
            if (!released)
            {
                lock (_gate)
                {
                    _inFlight--;
                }
            }
        }
    }

    private void Finish(Invocation inv, InvocationStatus status, byte[]? body, string? detail, bool releaseSlot = false)
    {
        // What the copy wrote while the invocation ran belongs to its log (one invocation at a
        // time is attributed, as for spawned instances).
        CollectOutput(Volatile.Read(ref _inFlight) == 1 ? inv : null);
        var now = _time.GetTimestamp();
        if (inv.Type is InvokeType.Sync or InvokeType.Async && inv.DeliveredTimestamp != 0)
        {
            if (detail is not null)
            {
                WriteLog(inv, Encoding.UTF8.GetBytes(detail + "\n"));
            }
            WriteFinishLine(inv, now);
        }
        if (releaseSlot)
        {
            // Idle again before the caller sees the outcome (it may act at once: send its next
            // request, or expect the idle copy's heartbeats), as a spawned instance frees its slot.
            lock (_gate)
            {
                _inFlight--;
            }
        }
        if (!inv.TryClaim())
        {
            return;
        }
        if (inv.Type is InvokeType.Sync or InvokeType.Async)
        {
            _events.InvocationFinished(this);
        }
        if (detail is null)
        {
            inv.CompleteClaimed(status, body ?? [], now);
        }
        else
        {
            inv.FailClaimed(status, detail, now);
        }
    }

    private void WriteFinishLine(Invocation inv, long now)
    {
        var ms = _time.GetElapsedTime(inv.DeliveredTimestamp, now).TotalMilliseconds;
        var billed = Math.Max(1, (long)Math.Ceiling(ms));
        var used = _memoryUsedMb;
        inv.MemoryUsedMb = used;
        _workedSinceSample = true;
        WriteLog(inv, Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $"Finish invoke request '{inv.RequestId}', duration: {ms:0.000}ms, billing duration: {billed}ms, memory used: {used}MB, billing memory: {MemoryMb}MB\n")));
    }

    private void WriteLog(Invocation inv, ReadOnlySpan<byte> bytes)
    {
        lock (_outputGate)
        {
            inv.Log?.Append(bytes);
            Sink?.Write(bytes);
        }
    }

    /// <summary>Appends what the copy has written to its output file since the last call to the
    /// function's log, and to <paramref name="inv"/>'s tail log when given.</summary>
    internal void CollectOutput(Invocation? inv)
    {
        lock (_outputGate)
        {
            try
            {
                _output ??= File.OpenHandle(_copy.OutputFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                Span<byte> buffer = stackalloc byte[4096];
                int n;
                while ((n = RandomAccess.Read(_output, buffer, _outputOffset)) > 0)
                {
                    _outputOffset += n;
                    inv?.Log?.Append(buffer[..n]);
                    Sink?.Write(buffer[..n]);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Output is best effort; the invocation's outcome is not.
            }
        }
    }


    private void Tick()
    {
        if (Volatile.Read(ref _stopped) != 0)
        {
            return;
        }
        if (!PidNamespaceLauncher.IsAlive(_copy.RootPid))
        {
            _ = StopAsync("the restored copy exited");
            return;
        }
        var now = _time.GetTimestamp();
        MaybeHeartbeat(now);
        SampleMemory(now);
    }

    /// <summary>Sends a heartbeat event when one is due: every <see cref="ProcessInstance.HeartbeatPeriod"/>
    /// to the idle copy of a function that declares a heartbeat handler (a busy copy is alive by
    /// definition, and bounded by its timeout).</summary>
    private void MaybeHeartbeat(long now)
    {
        if (HeartbeatHandler is not { } handler)
        {
            return;
        }
        var period = (long)(ProcessInstance.HeartbeatPeriod.TotalSeconds * _time.TimestampFrequency);
        lock (_gate)
        {
            // A paused copy is not asked (it could not answer); TryFreeze and Thaw hold the same lock.
            if (_heartbeating || _frozen != 0)
            {
                return;
            }
            if (_inFlight > 0 || _nextHeartbeat == 0)
            {
                _nextHeartbeat = now + period;
                return;
            }
            if (now < _nextHeartbeat)
            {
                return;
            }
            _nextHeartbeat = now + period;
            _heartbeating = true;
        }
        _ = HeartbeatAsync(handler);
    }

    private async Task HeartbeatAsync(string handler)
    {
        var sent = _copy.Api.Send("heartbeat", Encoding.UTF8.GetBytes("{\"heartbeat\":\"" + JsonEncodedText.Encode(handler).Value + "\"}"));
        InvocationStatus status;
        try
        {
            // As for a spawned instance: the timeout from the send, and again from the take.
            await sent.Taken.WaitAsync(ProcessInstance.HeartbeatTimeout, _time, _stop.Token).ConfigureAwait(false);
            var (error, _) = await sent.Outcome.WaitAsync(ProcessInstance.HeartbeatTimeout, _time, _stop.Token).ConfigureAwait(false);
            status = error ? InvocationStatus.FunctionError : InvocationStatus.Success;
        }
        catch (TimeoutException)
        {
            status = InvocationStatus.TimedOut;
        }
        catch (OperationCanceledException)
        {
            return; // stopped meanwhile
        }
        finally
        {
            _copy.Api.Abandon(sent);
            lock (_gate)
            {
                _heartbeating = false;
            }
        }
        CollectOutput(null);
        if (status == InvocationStatus.Success)
        {
            Interlocked.Exchange(ref _missedHeartbeats, 0);
            Interlocked.Increment(ref _healthyHeartbeats);
            return;
        }
        var missed = Interlocked.Increment(ref _missedHeartbeats);
        Sink?.Note($"instance {Id} missed heartbeat {missed} of {ProcessInstance.MaxMissedHeartbeats} ({status})");
        if (missed >= ProcessInstance.MaxMissedHeartbeats)
        {
            // Unhealthy: replaced without its pre-stop event, as a spawned instance is killed.
            Volatile.Write(ref _unhealthy, 1);
            _events.InstanceExited(this);
            _ = StopAsync($"{missed} heartbeats missed in a row");
        }
    }

    /// <summary>Samples the resident memory of the copy's processes for the Finish lines: at most once
    /// a second, and only after the copy has worked since the last sample.</summary>
    private void SampleMemory(long now)
    {
        if (!_workedSinceSample
            || (_memorySampledAt != 0 && _time.GetElapsedTime(_memorySampledAt, now) < ProcessInstance.MemorySamplePeriod))
        {
            return;
        }
        _workedSinceSample = false;
        _memorySampledAt = now;
        _memoryUsedMb = ProcessTree.ResidentMegabytes(Cgroup is { } cg && cg.Processes() is { Count: > 0 } pids ? pids : ProcessTree.Collect(_copy.RootPid));
    }
}
