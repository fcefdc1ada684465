using Fgs.Core.Invocations;

namespace Fgs.Core.Instances;

/// <summary>
/// The instances of one function version (and memory size): places invocations on warm instances
/// with free concurrency (most recently used first, so the fewest stay warm), starts new ones up to
/// the maximum, rejects beyond it, and reclaims instances idle past the keep-alive. Runs on a
/// <see cref="TimeProvider"/> only, so the same code runs live and on a virtual clock.
/// </summary>
/// <remarks>
/// Reserved instances: <see cref="SetReservedTarget"/> records how many the pool should keep and
/// <see cref="ReconcileReserved"/> starts them (through the same launch delegate, so they are warm
/// before any request) or stops the surplus (idle ones at once, busy ones when their work is
/// done). Placement prefers reserved instances, then on-demand ones, then starts an on-demand
/// instance; reserved instances count toward the maximum and are never reclaimed by keep-alive.
/// </remarks>
public sealed class InstancePool : IInstanceEvents
{
    private readonly object _gate = new();
    private readonly List<Entry> _entries = [];
    private readonly Dictionary<IFunctionInstance, Entry> _byInstance = new(ReferenceEqualityComparer.Instance);

    // Entries with free concurrency, one stack per kind, the most recently released on top (LIFO
    // keeps the fewest instances warm). Stale entries (full, gone, or retiring) are skipped when
    // popped, so placement is O(1) amortised however many instances the pool holds.
    private readonly List<Entry> _reservedWithCapacity = [];
    private readonly List<Entry> _withCapacity = [];
    private readonly Func<IInstanceEvents, CancellationToken, ValueTask<LaunchResult>> _launch;
    private readonly TimeProvider _time;
    private readonly InstanceQuota _quota;
    private readonly Action<TimeSpan>? _thawed;
    private int _starting;
    private int _reservedStarting;
    private int _reservedTarget;
    private long _reservedRetryAt;
    private string? _lastReservedError;
    private bool _closed;
    private bool _idleMode;
    private long _coldStarts;
    private InstanceQuota? _lastRejectedBy;

    // For Retry-After: how often a slot frees (a moving average of the time between completions)
    // and how many requests were turned away in the current second (they will all come back).
    private long _lastCompletion;
    private double _completionInterval;
    private long _rejectWindowStart;
    private int _rejectsInWindow;

    /// <summary>Creates a pool.</summary>
    /// <param name="name">What the pool serves, for logs (function URN and memory).</param>
    /// <param name="settings">Limits.</param>
    /// <param name="launch">Starts one instance (process, code, initializer) reporting to the given events sink.</param>
    /// <param name="time">The clock.</param>
    /// <param name="quota">The instance quota the pool's instances count against (a function's
    /// maximum shared by its pools, chained to the tenant's and the node's); null: a quota of
    /// <see cref="InstancePoolSettings.MaxInstances"/> of the pool's own.</param>
    /// <param name="thawed">Called with how long each resume of a paused (idle-mode) instance took.</param>
    public InstancePool(string name, InstancePoolSettings settings,
        Func<IInstanceEvents, CancellationToken, ValueTask<LaunchResult>> launch, TimeProvider time,
        InstanceQuota? quota = null, Action<TimeSpan>? thawed = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.Concurrency, 1);
        Name = name;
        Settings = settings;
        _launch = launch;
        _time = time;
        _quota = quota ?? new InstanceQuota(name, settings.MaxInstances);
        _thawed = thawed;
    }

    /// <summary>
    /// Asked when a start is refused because <c>quota</c> (this pool's or a wider one) is used up:
    /// stops one idle on-demand instance of another pool under that quota, so that the slot goes to
    /// where the work is; returns whether it freed one. Null: no such give-way.
    /// </summary>
    public Func<InstanceQuota, InstancePool, bool>? EvictIdleElsewhere { get; set; }

    /// <summary>Stops this pool's least recently used idle on-demand instance, giving its quota
    /// slot back at once. Returns false when it has none.</summary>
    public bool TryEvictIdle()
    {
        IFunctionInstance? victim = null;
        lock (_gate)
        {
            Entry? oldest = null;
            foreach (var e in _entries)
            {
                if (!e.Reserved && e.Active == 0 && (oldest is null || e.IdleSince < oldest.IdleSince))
                {
                    oldest = e;
                }
            }
            if (oldest is not null)
            {
                _entries.Remove(oldest);
                Drop(oldest);
                victim = oldest.Instance;
            }
        }
        if (victim is null)
        {
            return false;
        }
        _ = victim.StopAsync("idle instance giving way to another version or function at the instance limit");
        return true;
    }

    /// <summary>The quota this pool's instances count against.</summary>
    public InstanceQuota Quota => _quota;

    /// <summary>The quota that was used up when the latest request was rejected (null before any).</summary>
    public InstanceQuota? LastRejectedBy { get { lock (_gate) { return _lastRejectedBy; } } }

    /// <summary>What the pool serves.</summary>
    public string Name { get; }

    /// <summary>The pool's limits.</summary>
    public InstancePoolSettings Settings { get; }

    /// <summary>Instances that are ready (idle or busy).</summary>
    public int ReadyCount { get { lock (_gate) { return _entries.Count; } } }

    /// <summary>Instances being started.</summary>
    public int StartingCount { get { lock (_gate) { return _starting; } } }

    /// <summary>Instances by state, taken at one moment: starting, idle (ready, nothing in flight), busy.</summary>
    public (int Starting, int Idle, int Busy) Counts()
    {
        lock (_gate)
        {
            var idle = 0;
            foreach (var e in _entries)
            {
                if (e.Active == 0)
                {
                    idle++;
                }
            }
            return (_starting, idle, _entries.Count - idle);
        }
    }

    /// <summary>Instances by kind and state, taken at one moment.</summary>
    public InstanceCounts CountsByKind()
    {
        lock (_gate)
        {
            int reservedIdle = 0, reservedBusy = 0, reservedFrozen = 0, onDemandIdle = 0, onDemandBusy = 0;
            foreach (var e in _entries)
            {
                if (e.Reserved)
                {
                    if (e.Frozen) { reservedFrozen++; } else if (e.Active == 0) { reservedIdle++; } else { reservedBusy++; }
                }
                else if (e.Active == 0)
                {
                    onDemandIdle++;
                }
                else
                {
                    onDemandBusy++;
                }
            }
            return new InstanceCounts(_reservedStarting, reservedIdle, reservedBusy,
                _starting - _reservedStarting, onDemandIdle, onDemandBusy, reservedFrozen);
        }
    }

    /// <summary>The number of reserved instances the pool keeps (see <see cref="SetReservedTarget"/>).</summary>
    public int ReservedTarget { get { lock (_gate) { return _reservedTarget; } } }

    /// <summary>Ready reserved instances that are not being retired, for the metric policy.</summary>
    public int ReservedTotal { get { lock (_gate) { return _entries.Count(e => e.Reserved && !e.Retiring); } } }

    /// <summary>Ready reserved instances with invocations in flight (not being retired), for the metric policy.</summary>
    public int ReservedBusy { get { lock (_gate) { return _entries.Count(e => e.Reserved && !e.Retiring && e.Active > 0); } } }

    /// <summary>Why the latest reserved start failed, or null when the latest one succeeded.</summary>
    public string? LastReservedError { get { lock (_gate) { return _lastReservedError; } } }

    /// <summary>How long <see cref="ReconcileReserved"/> waits before starting reserved instances
    /// again after a start failed.</summary>
    public static TimeSpan ReservedRetryDelay { get; } = TimeSpan.FromSeconds(5);

    /// <summary>Records how many reserved instances the pool should keep (negative counts as 0);
    /// <see cref="ReconcileReserved"/> acts on it.</summary>
    /// <param name="count">The target count.</param>
    /// <param name="idleMode">Whether idle reserved instances are paused (see <see cref="FreezeIdleReserved"/>).</param>
    public void SetReservedTarget(int count, bool idleMode = false)
    {
        List<Entry>? thaw = null;
        lock (_gate)
        {
            _reservedTarget = Math.Max(0, count);
            _idleMode = idleMode;
            if (!idleMode)
            {
                foreach (var e in _entries)
                {
                    if (e.Frozen)
                    {
                        (thaw ??= []).Add(e);
                    }
                }
                thaw?.ForEach(ThawUnderGate);
            }
        }
    }

    /// <summary>Whether idle reserved instances are paused.</summary>
    public bool IdleMode { get { lock (_gate) { return _idleMode; } } }

    /// <summary>
    /// Idle mode: pauses reserved instances that have had no work for at least
    /// <paramref name="idleFor"/> (their CPU stops; memory and code stay warm). A paused instance
    /// is resumed when an invocation is placed on it, before the event is handed over. Returns how
    /// many it paused.
    /// </summary>
    public int FreezeIdleReserved(TimeSpan idleFor)
    {
        var now = _time.GetTimestamp();
        var frozen = 0;
        lock (_gate)
        {
            if (!_idleMode || _closed)
            {
                return 0;
            }
            foreach (var e in _entries)
            {
                // Under the gate, so placement cannot pick the instance while it is being paused.
                if (e.Reserved && !e.Frozen && !e.Retiring && e.Active == 0
                    && _time.GetElapsedTime(e.IdleSince, now) >= idleFor && e.Instance.TryFreeze())
                {
                    e.Frozen = true;
                    frozen++;
                }
            }
        }
        return frozen;
    }

    /// <summary>Resumes a paused entry. Under the gate.</summary>
    private void ThawUnderGate(Entry e)
    {
        if (e.Frozen)
        {
            e.Frozen = false;
            var took = e.Instance.Thaw(); // not inside ?.Invoke(...): that would skip the call without a callback
            _thawed?.Invoke(took);
        }
    }

    /// <summary>
    /// Moves the reserved instances toward the target: starts missing ones (within the maximum
    /// instances, not within <see cref="ReservedRetryDelay"/> of a failed start), stops idle
    /// surplus ones, and marks busy surplus ones to stop when their work is done (they take no new
    /// work). Returns how many starts it began (positive) or instances it stopped or marked (negative).
    /// </summary>
    public int ReconcileReserved()
    {
        List<IFunctionInstance>? victims = null;
        int toStart = 0, retired = 0;
        lock (_gate)
        {
            if (_closed)
            {
                return 0;
            }
            var current = _reservedStarting;
            foreach (var e in _entries)
            {
                if (e.Reserved && !e.Retiring)
                {
                    current++;
                }
            }
            if (current < _reservedTarget)
            {
                // First take back busy instances that were being retired: they are warm already.
                foreach (var e in _entries)
                {
                    if (current >= _reservedTarget)
                    {
                        break;
                    }
                    if (e.Reserved && e.Retiring)
                    {
                        e.Retiring = false;
                        current++;
                        if (e.Active < Settings.Concurrency && !e.Listed)
                        {
                            e.Listed = true;
                            _reservedWithCapacity.Add(e);
                        }
                    }
                }
                if (_time.GetTimestamp() >= _reservedRetryAt)
                {
                    // Each start holds a slot of the maximum instances (and the quotas above it).
                    while (current + toStart < _reservedTarget && _quota.TryAcquire() is null)
                    {
                        toStart++;
                    }
                    _starting += toStart;
                    _reservedStarting += toStart;
                }
            }
            else if (current > _reservedTarget)
            {
                var surplus = current - _reservedTarget;
                // Idle ones first (the least recently used first), never a busy one.
                for (var i = 0; i < _entries.Count && surplus > 0; i++)
                {
                    var e = _entries[i];
                    if (e.Reserved && !e.Retiring && e.Active == 0)
                    {
                        _entries.RemoveAt(i--);
                        Drop(e);
                        surplus--;
                        (victims ??= []).Add(e.Instance);
                    }
                }
                foreach (var e in _entries)
                {
                    if (surplus == 0)
                    {
                        break;
                    }
                    if (e.Reserved && !e.Retiring)
                    {
                        e.Retiring = true;
                        surplus--;
                        retired++;
                    }
                }
            }
        }
        if (victims is not null)
        {
            foreach (var v in victims)
            {
                _ = v.StopAsync("reserved instance no longer needed");
            }
        }
        for (var i = 0; i < toStart; i++)
        {
            _ = StartReservedAsync();
        }
        return toStart > 0 ? toStart : -((victims?.Count ?? 0) + retired);
    }

    private async Task StartReservedAsync()
    {
        LaunchResult launched;
        try
        {
            launched = await _launch(this, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            launched = LaunchResult.Failed($"instance start failed: {ex.Message}");
        }
        bool closedMeanwhile;
        lock (_gate)
        {
            _starting--;
            _reservedStarting--;
            closedMeanwhile = _closed;
            if (launched.Instance is { } started && !closedMeanwhile)
            {
                var entry = new Entry(started) { Reserved = true, IdleSince = _time.GetTimestamp(), Listed = true };
                _entries.Add(entry);
                _byInstance[started] = entry;
                _reservedWithCapacity.Add(entry);
                _lastReservedError = null;
            }
            else
            {
                _quota.Release();
            }
            if (launched.Instance is null)
            {
                _lastReservedError = launched.Error ?? "instance start failed";
                _reservedRetryAt = _time.GetTimestamp() + (long)(ReservedRetryDelay.TotalSeconds * _time.TimestampFrequency);
            }
        }
        if (closedMeanwhile && launched.Instance is { } instance)
        {
            await instance.StopAsync("shutting down").ConfigureAwait(false);
        }
    }

    /// <summary>Ready instances with no invocation in flight.</summary>
    public int IdleCount { get { lock (_gate) { return _entries.Count(e => e.Active == 0); } } }

    /// <summary>Invocations in flight on this pool's instances.</summary>
    public int ActiveInvocations { get { lock (_gate) { return _entries.Sum(e => e.Active); } } }

    /// <summary>Instances started because no warm one was free.</summary>
    public long ColdStarts => Interlocked.Read(ref _coldStarts);

    /// <summary>
    /// Places <paramref name="invocation"/> on an instance, starting one when none has free
    /// concurrency and the maximum allows. On <see cref="DispatchOutcome.LaunchFailed"/> the invocation
    /// has been failed with the reason; on <see cref="DispatchOutcome.Rejected"/> or
    /// <see cref="DispatchOutcome.ShuttingDown"/> it is left for the caller to answer.
    /// </summary>
    public async ValueTask<DispatchOutcome> DispatchAsync(Invocation invocation, CancellationToken cancellationToken)
    {
        Entry? warm = null;
        InstanceQuota? full = null;
        lock (_gate)
        {
            if (_closed)
            {
                return DispatchOutcome.ShuttingDown;
            }
            warm = TakeWarm(_reservedWithCapacity) ?? TakeWarm(_withCapacity);
            if (warm is not null)
            {
                // Counted on it by TakeWarm (and resumed there if idle mode had paused it).
            }
            else if ((full = _quota.TryAcquire()) is null)
            {
                _starting++;
            }
        }
        if (full is not null)
        {
            // At a limit: an idle instance of another pool under it may give way (outside this
            // pool's gate, so two pools never wait on each other).
            var freed = EvictIdleElsewhere?.Invoke(full, this) == true;
            lock (_gate)
            {
                if (_closed)
                {
                    return DispatchOutcome.ShuttingDown;
                }
                if (!freed || (full = _quota.TryAcquire()) is not null)
                {
                    NoteRejection(full);
                    return DispatchOutcome.Rejected;
                }
                _starting++;
            }
        }

        if (warm is not null)
        {
            warm.Instance.Deliver(invocation);
            return DispatchOutcome.DeliveredWarm;
        }

        Interlocked.Increment(ref _coldStarts);
        LaunchResult launched;
        try
        {
            launched = await _launch(this, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            launched = LaunchResult.Failed($"instance start failed: {ex.Message}");
        }

        bool closedMeanwhile;
        lock (_gate)
        {
            _starting--;
            closedMeanwhile = _closed;
            if (launched.Instance is null || closedMeanwhile)
            {
                _quota.Release();
                if (launched.Throttled)
                {
                    NoteRejection(null);
                }
            }
            if (launched.Instance is { } started && !closedMeanwhile)
            {
                var entry = new Entry(started) { Active = 1 };
                _entries.Add(entry);
                _byInstance[started] = entry;
                if (Settings.Concurrency > 1)
                {
                    entry.Listed = true;
                    _withCapacity.Add(entry);
                }
            }
        }

        if (launched.Throttled)
        {
            return DispatchOutcome.Rejected;
        }
        if (launched.Instance is not { } instance)
        {
            invocation.TryFail(InvocationStatus.InitFailed, launched.Error ?? "instance start failed", _time.GetTimestamp());
            return DispatchOutcome.LaunchFailed;
        }
        if (closedMeanwhile)
        {
            await instance.StopAsync("shutting down").ConfigureAwait(false);
            return DispatchOutcome.ShuttingDown;
        }
        invocation.ColdStart = true;
        instance.Deliver(invocation);
        return DispatchOutcome.DeliveredCold;
    }

    /// <summary>Pops the top entry of a free-capacity stack with room for one more invocation and
    /// counts the invocation on it, skipping stale entries; null when the stack has none. Under the gate.</summary>
    private Entry? TakeWarm(List<Entry> stack)
    {
        while (stack.Count > 0)
        {
            var top = stack[^1];
            if (top.Gone || top.Retiring || top.Active >= Settings.Concurrency)
            {
                stack.RemoveAt(stack.Count - 1);
                top.Listed = false;
                continue;
            }
            ThawUnderGate(top);
            top.Active++;
            if (top.Active >= Settings.Concurrency)
            {
                stack.RemoveAt(stack.Count - 1);
                top.Listed = false;
            }
            return top;
        }
        return null;
    }

    /// <inheritdoc />
    public void InvocationFinished(IFunctionInstance instance)
    {
        IFunctionInstance? retire = null;
        lock (_gate)
        {
            var e = Find(instance);
            if (e is not null && e.Active > 0)
            {
                e.Active--;
                var now = _time.GetTimestamp();
                if (e.Active == 0)
                {
                    e.IdleSince = now;
                }
                if (_lastCompletion != 0)
                {
                    var interval = (double)(now - _lastCompletion);
                    _completionInterval = _completionInterval == 0 ? interval : (_completionInterval * 0.8) + (interval * 0.2);
                }
                _lastCompletion = now;
                if (e.Retiring)
                {
                    if (e.Active == 0)
                    {
                        // A surplus reserved instance that has finished its work.
                        _entries.Remove(e);
                        Drop(e);
                        retire = instance;
                    }
                }
                else
                {
                    var stack = e.Reserved ? _reservedWithCapacity : _withCapacity;
                    if (e.Listed)
                    {
                        // Already listed: move it to the top, it is now the most recently used.
                        stack.Remove(e);
                    }
                    e.Listed = true;
                    stack.Add(e);
                }
            }
        }
        if (retire is not null)
        {
            _ = retire.StopAsync("reserved instance no longer needed");
        }
    }

    /// <inheritdoc />
    public void InstanceExited(IFunctionInstance instance)
    {
        lock (_gate)
        {
            var e = Find(instance);
            if (e is not null)
            {
                _entries.Remove(e);
                Drop(e);
            }
        }
    }

    /// <summary>Stops instances idle for at least the keep-alive. Returns how many were reclaimed.</summary>
    public int ReclaimIdle()
    {
        List<IFunctionInstance>? victims = null;
        var now = _time.GetTimestamp();
        lock (_gate)
        {
            for (var i = _entries.Count - 1; i >= 0; i--)
            {
                var e = _entries[i];
                if (!e.Reserved && e.Active == 0 && _time.GetElapsedTime(e.IdleSince, now) >= Settings.KeepAlive)
                {
                    _entries.RemoveAt(i);
                    Drop(e);
                    (victims ??= []).Add(e.Instance);
                }
            }
        }
        if (victims is null)
        {
            return 0;
        }
        foreach (var v in victims)
        {
            _ = v.StopAsync("idle past keep-alive");
        }
        return victims.Count;
    }

    /// <summary>Runs the deadline sweep over every instance (one heartbeat drives all timeouts).</summary>
    public void SweepDeadlines(long nowTimestamp)
    {
        Entry[] snapshot;
        lock (_gate)
        {
            if (_entries.Count == 0)
            {
                return;
            }
            snapshot = [.. _entries];
        }
        foreach (var e in snapshot)
        {
            e.Instance.SweepDeadlines(nowTimestamp);
        }
    }

    /// <summary>Stops taking work and stops every instance. Idempotent.</summary>
    public async ValueTask CloseAsync(string reason)
    {
        Entry[] all;
        lock (_gate)
        {
            _closed = true;
            all = [.. _entries];
            foreach (var e in all)
            {
                Drop(e);
            }
            _entries.Clear();
            _withCapacity.Clear();
            _reservedWithCapacity.Clear();
        }
        // In parallel: each stop may first run the function's pre-stop hook.
        await Task.WhenAll(all.Select(e => e.Instance.StopAsync(reason).AsTask())).ConfigureAwait(false);
    }

    /// <summary>Stops taking work, lets in-flight invocations finish until <paramref name="cancellationToken"/>
    /// fires, then stops every instance.</summary>
    public async ValueTask DrainAsync(string reason, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _closed = true;
        }
        while (!cancellationToken.IsCancellationRequested)
        {
            lock (_gate)
            {
                if (_starting == 0 && _entries.All(e => e.Active == 0))
                {
                    break;
                }
            }
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(20), _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        await CloseAsync(reason).ConfigureAwait(false);
    }

    private Entry? Find(IFunctionInstance instance) => _byInstance.GetValueOrDefault(instance);

    /// <summary>An entry leaves the pool: its slot of the quota is given back. Under the gate; the
    /// caller removes it from <see cref="_entries"/>.</summary>
    private void Drop(Entry e)
    {
        if (!e.Gone)
        {
            e.Gone = true;
            _byInstance.Remove(e.Instance);
            _quota.Release();
        }
    }

    /// <summary>Under the gate.</summary>
    private void NoteRejection(InstanceQuota? by)
    {
        _lastRejectedBy = by ?? _lastRejectedBy;
        var now = _time.GetTimestamp();
        if (_time.GetElapsedTime(_rejectWindowStart, now) >= TimeSpan.FromSeconds(1))
        {
            _rejectWindowStart = now;
            _rejectsInWindow = 0;
        }
        _rejectsInWindow++;
    }

    /// <summary>
    /// How long a rejected caller should wait before retrying (<c>Retry-After</c>), estimated from
    /// the queue of callers turned away: slots free at the pool's recent completion rate, so the
    /// requests rejected in the current second (this one included) are served after about that
    /// many completion intervals. Whole seconds, 1 to 60; 1 when nothing has completed yet.
    /// </summary>
    public int EstimateRetryAfterSeconds()
    {
        lock (_gate)
        {
            if (_completionInterval <= 0)
            {
                return 1;
            }
            var waiting = Math.Max(1, _rejectsInWindow);
            var seconds = waiting * _completionInterval / _time.TimestampFrequency;
            return (int)Math.Clamp(Math.Ceiling(seconds), 1, 60);
        }
    }

    private sealed class Entry(IFunctionInstance instance)
    {
        public IFunctionInstance Instance { get; } = instance;
        public int Active { get; set; }
        public long IdleSince { get; set; }

        /// <summary>A reserved instance (never reclaimed by keep-alive).</summary>
        public bool Reserved { get; init; }

        /// <summary>A surplus reserved instance: takes no new work, stops when its work is done.</summary>
        public bool Retiring { get; set; }

        /// <summary>On its kind's free-capacity stack.</summary>
        public bool Listed { get; set; }

        /// <summary>Left the pool (exited, reclaimed); skipped when met on the stack.</summary>
        public bool Gone { get; set; }

        /// <summary>Paused by idle mode; resumed before work is placed on it.</summary>
        public bool Frozen { get; set; }
    }
}
