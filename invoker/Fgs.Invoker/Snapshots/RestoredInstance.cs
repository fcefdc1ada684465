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
/// its outcome, its timeout (which kills the copy) or the copy's death. Idle copies can be paused
/// with SIGSTOP. Where the host has cgroups, the copy's processes are moved into a group of their own
/// with the function's memory limit and CPU share right after the restore (<see cref="Cgroup"/>); they
/// keep the user they were checkpointed as (see docs/snapshots.md).
/// </summary>
internal sealed class RestoredInstance : IFunctionInstance
{
    private static readonly TimeSpan s_livenessPeriod = TimeSpan.FromMilliseconds(500);

    private readonly SnapshotCopy _copy;
    private readonly IInstanceEvents _events;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop = new();
    private readonly ITimer _liveness;
    private readonly Lock _gate = new();
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _inFlight;
    private int _stopped;
    private int _frozen;
    private readonly Lock _outputGate = new();
    private Microsoft.Win32.SafeHandles.SafeFileHandle? _output;
    private long _outputOffset;

    /// <summary>Wraps a restored copy whose restore hook has run.</summary>
    public RestoredInstance(SnapshotCopy copy, IInstanceEvents events, TimeProvider time)
    {
        _copy = copy;
        _events = events;
        _time = time;
        Id = "r-" + Guid.NewGuid().ToString("N")[..12];
        _liveness = time.CreateTimer(static s => ((RestoredInstance)s!).CheckAlive(), this, s_livenessPeriod, s_livenessPeriod);
    }

    /// <inheritdoc />
    public string Id { get; }

    /// <summary>The function's pre-stop handler, sent as a <c>prestop</c> event before the copy is
    /// stopped (not after a timeout or its death); null when it declares none.</summary>
    public string? PreStopHandler { get; init; }

    /// <summary>How long the pre-stop event may take.</summary>
    public TimeSpan PreStopTimeout { get; init; } = TimeSpan.FromSeconds(3);

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
        invocation.DeliveredTimestamp = _time.GetTimestamp();
        invocation.DeadlineTimestamp = invocation.DeliveredTimestamp + (long)(invocation.Timeout.TotalSeconds * _time.TimestampFrequency);
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
        await _liveness.DisposeAsync().ConfigureAwait(false);
        _events.InstanceExited(this);
        if (Interlocked.Exchange(ref _frozen, 0) != 0)
        {
            Libc.Kill(-_copy.RootPid, Libc.SIGCONT);
        }
        if (PreStopHandler is { } handler && reason != "timeout" && PidNamespaceLauncher.IsAlive(_copy.RootPid))
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
            if (Volatile.Read(ref _stopped) != 0 || _inFlight > 0 || _frozen != 0)
            {
                return false;
            }
            if (Libc.Kill(-_copy.RootPid, Libc.SIGSTOP) != 0)
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
            Libc.Kill(-_copy.RootPid, Libc.SIGCONT);
            _frozen = 0;
            return _time.GetElapsedTime(started);
        }
    }

    private async Task RunAsync(Invocation inv)
    {
        lock (_gate)
        {
            _inFlight++;
        }
        try
        {
            var type = Encoding.ASCII.GetString(InvokeTypeNames.Utf8(inv.Type));
            var (error, body) = await _copy.InvokeAsync(type, inv.EventMemory.ToArray(), inv.Timeout, _stop.Token).ConfigureAwait(false);
            if (body.Length > Fgs.Core.Functions.FunctionLimits.MaxResponseBytes)
            {
                Finish(inv, InvocationStatus.ResponseTooLarge, null, "the response is larger than the limit");
                return;
            }
            Finish(inv, error ? InvocationStatus.FunctionError : InvocationStatus.Success, body, null);
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
            Finish(inv, InvocationStatus.InstanceExited, null, "the instance has exited");
        }
        finally
        {
            lock (_gate)
            {
                _inFlight--;
            }
        }
    }

    private void Finish(Invocation inv, InvocationStatus status, byte[]? body, string? detail)
    {
        // What the copy wrote while the invocation ran belongs to its log (one invocation at a
        // time is attributed, as for spawned instances).
        CollectOutput(Volatile.Read(ref _inFlight) == 1 ? inv : null);
        if (!inv.TryClaim())
        {
            return;
        }
        if (inv.Type is InvokeType.Sync or InvokeType.Async)
        {
            _events.InvocationFinished(this);
        }
        var now = _time.GetTimestamp();
        if (detail is null)
        {
            inv.CompleteClaimed(status, body ?? [], now);
        }
        else
        {
            inv.FailClaimed(status, detail, now);
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


    private void CheckAlive()
    {
        if (Volatile.Read(ref _stopped) == 0 && !PidNamespaceLauncher.IsAlive(_copy.RootPid))
        {
            _ = StopAsync("the restored copy exited");
        }
    }
}
