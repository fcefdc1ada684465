namespace Fgs.Snapshot.Lifecycle;

/// <summary>
/// The snapshot lifecycle of each function version: making → ready or failed, or unsupported on a
/// host without checkpointing. Making is bounded (FunctionGraph allows 5 minutes): a snapshot still
/// making past the limit reads as failed, and its making token is cancelled. Time comes from a
/// <see cref="TimeProvider"/>. Thread-safe.
/// </summary>
public sealed class SnapshotRegistry
{
    /// <summary>How long making a snapshot may take.</summary>
    public static readonly TimeSpan DefaultMakingLimit = TimeSpan.FromMinutes(5);

    private readonly Lock _lock = new();
    private readonly Dictionary<string, Record> _records = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    /// <summary>Creates a registry.</summary>
    public SnapshotRegistry(TimeProvider time, TimeSpan? makingLimit = null)
    {
        _time = time;
        MakingLimit = makingLimit ?? DefaultMakingLimit;
    }

    /// <summary>How long making may take before the snapshot fails.</summary>
    public TimeSpan MakingLimit { get; }

    /// <summary>The registry's clock now.</summary>
    public DateTimeOffset Now => _time.GetUtcNow();

    /// <summary>Starts making <paramref name="key"/>'s snapshot. Returns a token cancelled when the
    /// making limit passes (or the making is superseded), or null when it is already making.</summary>
    public CancellationToken? TryBeginMaking(string key)
    {
        lock (_lock)
        {
            if (_records.TryGetValue(key, out var existing))
            {
                if (Expire(existing).Status.State == SnapshotState.Making)
                    return null;
                existing.Limit?.Dispose();
            }
            var limit = new CancellationTokenSource(MakingLimit, _time);
            _records[key] = new Record(new SnapshotStatus(key, SnapshotState.Making, null, null, _time.GetUtcNow()), limit);
            return limit.Token;
        }
    }

    /// <summary>Records the image; false when the snapshot is no longer making (expired or removed).</summary>
    public bool MarkReady(string key, SnapshotImage image)
    {
        lock (_lock)
        {
            if (!_records.TryGetValue(key, out var record) || Expire(record).Status.State != SnapshotState.Making)
                return false;
            Set(key, record, new SnapshotStatus(key, SnapshotState.Ready, null, image, _time.GetUtcNow()));
            return true;
        }
    }

    /// <summary>Records a ready image kept from an earlier run (found at start); false when the
    /// snapshot is being made now.</summary>
    public bool MarkRecovered(string key, SnapshotImage image)
    {
        lock (_lock)
        {
            if (_records.TryGetValue(key, out var record) && Expire(record).Status.State == SnapshotState.Making)
                return false;
            Set(key, record, new SnapshotStatus(key, SnapshotState.Ready, null, image, _time.GetUtcNow()));
            return true;
        }
    }

    /// <summary>Marks the snapshot failed with <paramref name="reason"/> (from making or from a restore).</summary>
    public void MarkFailed(string key, string reason) => Put(key, SnapshotState.Failed, reason);

    /// <summary>Marks the snapshot unsupported on this host with <paramref name="reason"/>.</summary>
    public void MarkUnsupported(string key, string reason) => Put(key, SnapshotState.Unsupported, reason);

    /// <summary>The snapshot's status, or null when none was ever started (or it was removed).</summary>
    public SnapshotStatus? Get(string key)
    {
        lock (_lock)
            return _records.TryGetValue(key, out var record) ? Expire(record).Status : null;
    }

    /// <summary>Every recorded snapshot.</summary>
    public IReadOnlyList<SnapshotStatus> All()
    {
        lock (_lock)
            return [.. _records.Values.Select(r => Expire(r).Status)];
    }

    /// <summary>Forgets the snapshot (the version was deleted, or snapshots were turned off).</summary>
    public bool Remove(string key)
    {
        lock (_lock)
        {
            if (!_records.Remove(key, out var record))
                return false;
            record.Limit?.Cancel();
            record.Limit?.Dispose();
            return true;
        }
    }

    private void Put(string key, SnapshotState state, string reason)
    {
        lock (_lock)
        {
            _records.TryGetValue(key, out var record);
            Set(key, record, new SnapshotStatus(key, state, reason, null, _time.GetUtcNow()));
        }
    }

    private void Set(string key, Record? old, SnapshotStatus status)
    {
        old?.Limit?.Dispose();
        _records[key] = new Record(status, null);
    }

    private Record Expire(Record record)
    {
        var status = record.Status;
        if (status.State == SnapshotState.Making && _time.GetUtcNow() - status.Since >= MakingLimit)
        {
            record.Limit?.Cancel();
            record.Limit?.Dispose();
            record.Limit = null;
            record.Status = status with
            {
                State = SnapshotState.Failed,
                Reason = $"making took longer than {MakingLimit.TotalMinutes:0.#} minutes",
                Since = status.Since + MakingLimit,
            };
        }
        return record;
    }

    private sealed class Record(SnapshotStatus status, CancellationTokenSource? limit)
    {
        public SnapshotStatus Status { get; set; } = status;

        public CancellationTokenSource? Limit { get; set; } = limit;
    }
}
