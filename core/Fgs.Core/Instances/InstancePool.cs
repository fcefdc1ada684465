using Fgs.Core.Invocations;

namespace Fgs.Core.Instances;

/// <summary>
/// The instances of one function version (and memory size): places invocations on warm instances
/// with free concurrency (most recently used first, so the fewest stay warm), starts new ones up to
/// the maximum, rejects beyond it, and reclaims instances idle past the keep-alive. Runs on a
/// <see cref="TimeProvider"/> only, so the same code runs live and on a virtual clock.
/// </summary>
public sealed class InstancePool : IInstanceEvents
{
    private readonly object _gate = new();
    private readonly List<Entry> _entries = [];
    private readonly Dictionary<IFunctionInstance, Entry> _byInstance = new(ReferenceEqualityComparer.Instance);

    // Entries with free concurrency, the most recently released on top (LIFO keeps the fewest
    // instances warm). Stale entries (full, or gone) are skipped when popped, so placement is O(1)
    // amortised however many instances the pool holds.
    private readonly List<Entry> _withCapacity = [];
    private readonly Func<IInstanceEvents, CancellationToken, ValueTask<LaunchResult>> _launch;
    private readonly TimeProvider _time;
    private int _starting;
    private bool _closed;
    private long _coldStarts;

    /// <summary>Creates a pool.</summary>
    /// <param name="name">What the pool serves, for logs (function URN and memory).</param>
    /// <param name="settings">Limits.</param>
    /// <param name="launch">Starts one instance (process, code, initializer) reporting to the given events sink.</param>
    /// <param name="time">The clock.</param>
    public InstancePool(string name, InstancePoolSettings settings,
        Func<IInstanceEvents, CancellationToken, ValueTask<LaunchResult>> launch, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.Concurrency, 1);
        Name = name;
        Settings = settings;
        _launch = launch;
        _time = time;
    }

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
        lock (_gate)
        {
            if (_closed)
            {
                return DispatchOutcome.ShuttingDown;
            }
            while (_withCapacity.Count > 0)
            {
                var top = _withCapacity[^1];
                if (top.Gone || top.Active >= Settings.Concurrency)
                {
                    _withCapacity.RemoveAt(_withCapacity.Count - 1);
                    top.Listed = false;
                    continue;
                }
                warm = top;
                break;
            }
            if (warm is not null)
            {
                warm.Active++;
                if (warm.Active >= Settings.Concurrency)
                {
                    _withCapacity.RemoveAt(_withCapacity.Count - 1);
                    warm.Listed = false;
                }
            }
            else if (Settings.MaxInstances >= 0 && _entries.Count + _starting >= Settings.MaxInstances)
            {
                return DispatchOutcome.Rejected;
            }
            else
            {
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

    /// <inheritdoc />
    public void InvocationFinished(IFunctionInstance instance)
    {
        lock (_gate)
        {
            var e = Find(instance);
            if (e is not null && e.Active > 0)
            {
                e.Active--;
                if (e.Active == 0)
                {
                    e.IdleSince = _time.GetTimestamp();
                }
                if (e.Listed)
                {
                    // Already listed: move it to the top, it is now the most recently used.
                    _withCapacity.Remove(e);
                }
                e.Listed = true;
                _withCapacity.Add(e);
            }
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
                _byInstance.Remove(instance);
                e.Gone = true;
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
                if (e.Active == 0 && _time.GetElapsedTime(e.IdleSince, now) >= Settings.KeepAlive)
                {
                    _entries.RemoveAt(i);
                    _byInstance.Remove(e.Instance);
                    e.Gone = true;
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
            _entries.Clear();
            _byInstance.Clear();
            _withCapacity.Clear();
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

    private sealed class Entry(IFunctionInstance instance)
    {
        public IFunctionInstance Instance { get; } = instance;
        public int Active { get; set; }
        public long IdleSince { get; set; }

        /// <summary>On the free-capacity stack.</summary>
        public bool Listed { get; set; }

        /// <summary>Left the pool (exited, reclaimed); skipped when met on the stack.</summary>
        public bool Gone { get; set; }
    }
}
