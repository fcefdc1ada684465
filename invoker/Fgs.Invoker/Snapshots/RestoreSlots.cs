using Fgs.Invoker.Instances;
using Fgs.Snapshot;

namespace Fgs.Invoker.Snapshots;

/// <summary>
/// Keeps one restore prepared ahead of time: a copy's folder with its address and output files,
/// and a checkpoint tool already started with both open (<see cref="SnapshotService.StartRestoreWorkerAsync"/>).
/// A restore takes it and a new one is prepared in the background, so the restore does not wait for
/// the tool to start. Concurrent restores beyond the prepared one start their own tool. A snapshot
/// whose image restores lazily also gets a slot of its own, with the lazy-pages daemon for its image
/// already started.
/// </summary>
internal sealed class RestoreSlots : IAsyncDisposable
{
    private readonly SnapshotService _service;
    private readonly Func<InstanceSpec, (string Folder, string Address, string Output)> _createFiles;
    private readonly Action<string> _log;
    private readonly Lock _lock = new();
    private RestoreSlot? _ready;
    private Task? _refill;
    // Slots prepared for one snapshot whose image restores lazily (the lazy-pages daemon reads its
    // image when it starts, so it is started ahead for that image), by snapshot key.
    private readonly Dictionary<string, RestoreSlot> _forImage = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Task> _imageRefills = new(StringComparer.Ordinal);
    // The snapshots most recently made or restored first; only the first MaxPreparedImages keep a slot.
    private readonly LinkedList<string> _recent = new();

    /// <summary>How many snapshots keep a slot prepared for their image (two idle CRIU processes each).</summary>
    public int MaxPreparedImages { get; init; } = 16;
    private bool _disposed;
    private bool _warnedOnce;

    private readonly Action<int> _helperStarted;

    /// <param name="service">The snapshot service.</param>
    /// <param name="createFiles">Creates a copy's folder, address file and output file.</param>
    /// <param name="log">The invoker's log.</param>
    /// <param name="helperStarted">Called with the pid of each helper process a worker starts (recorded for clean-up after a crash).</param>
    public RestoreSlots(SnapshotService service, Func<InstanceSpec, (string Folder, string Address, string Output)> createFiles, Action<string> log,
        Action<int>? helperStarted = null)
    {
        _service = service;
        _createFiles = createFiles;
        _log = log;
        _helperStarted = helperStarted ?? (_ => { });
    }

    /// <summary>Takes the slot prepared for <paramref name="key"/>'s image, else the prepared slot, or
    /// prepares one now; starts preparing the next.</summary>
    public async Task<RestoreSlot> TakeAsync(InstanceSpec spec, string key, CancellationToken cancellationToken)
    {
        RestoreSlot? slot;
        Task? refill;
        lock (_lock)
        {
            if (_forImage.Remove(key, out var forImage))
            {
                slot = forImage;
            }
            else
            {
                slot = _ready;
                _ready = null;
            }
            refill = slot is null ? _refill : null;
        }
        if (slot is null && refill is { IsCompleted: false })
        {
            // One is being prepared: it is nearer than a new one.
            await refill.WaitAsync(cancellationToken).ConfigureAwait(false);
            lock (_lock)
            {
                slot = _ready;
                _ready = null;
            }
        }
        if (slot is { Worker: { IsSpent: true } })
        {
            await slot.Worker.DisposeAsync().ConfigureAwait(false);
            slot = slot with { Worker = null };
        }
        slot = slot is null ? await PrepareAsync(spec, cancellationToken).ConfigureAwait(false) : slot with { Ahead = true };
        EnsureWarm(spec, key);
        return slot;
    }

    /// <summary>Prepares, in the background, a slot for <paramref name="key"/>'s image (with its lazy-pages
    /// daemon started) and the generic slot, unless they are ready or being prepared. Only the
    /// <see cref="MaxPreparedImages"/> snapshots most recently made or restored keep theirs.</summary>
    public void EnsureWarm(InstanceSpec spec, string key)
    {
        EnsureWarm(spec);
        if (!_service.CanPrepareWorkers)
        {
            return;
        }
        RestoreSlot? evicted = null;
        lock (_lock)
        {
            _recent.Remove(key);
            _recent.AddFirst(key);
            while (_recent.Count > MaxPreparedImages)
            {
                var oldest = _recent.Last!.Value;
                _recent.RemoveLast();
                if (_forImage.Remove(oldest, out var slot))
                {
                    evicted = slot;
                }
            }
            if (_disposed || _forImage.ContainsKey(key) || (_imageRefills.TryGetValue(key, out var pending) && !pending.IsCompleted))
            {
                if (evicted is not null)
                {
                    _ = evicted.DisposeAsync().AsTask();
                }
                return;
            }
            _imageRefills[key] = Task.Run(async () =>
            {
                RestoreSlot slot;
                try
                {
                    slot = await PrepareAsync(spec, CancellationToken.None).ConfigureAwait(false);
                    if (slot.Worker is not null)
                    {
                        await _service.PrepareWorkerAsync(slot.Worker, key, CancellationToken.None).ConfigureAwait(false);
                    }
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or CheckpointException)
                {
                    _log($"{key}: cannot prepare a lazy restore ahead: {e.Message}");
                    return;
                }
                bool keep;
                lock (_lock)
                {
                    keep = !_disposed && !_forImage.ContainsKey(key) && _recent.Contains(key);
                    if (keep)
                    {
                        _forImage[key] = slot;
                    }
                }
                if (!keep)
                {
                    await slot.DisposeAsync().ConfigureAwait(false);
                }
            });
        }
        if (evicted is not null)
        {
            _ = evicted.DisposeAsync().AsTask();
        }
    }

    /// <summary>Drops the slot prepared for <paramref name="key"/>'s image (the snapshot is gone).</summary>
    public void Forget(string key)
    {
        RestoreSlot? slot;
        lock (_lock)
        {
            _forImage.Remove(key, out slot);
            _recent.Remove(key);
        }
        if (slot is not null)
        {
            _ = slot.DisposeAsync().AsTask();
        }
    }

    /// <summary>Prepares a slot in the background unless one is ready or being prepared.</summary>
    public void EnsureWarm(InstanceSpec spec)
    {
        lock (_lock)
        {
            if (_disposed || _ready is not null || _refill is { IsCompleted: false })
            {
                return;
            }
            _refill = Task.Run(async () =>
            {
                RestoreSlot slot;
                try
                {
                    slot = await PrepareAsync(spec, CancellationToken.None).ConfigureAwait(false);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    _log($"snapshots: cannot prepare a restore ahead: {e.Message}");
                    return;
                }
                bool keep;
                lock (_lock)
                {
                    keep = !_disposed && _ready is null;
                    if (keep)
                    {
                        _ready = slot;
                    }
                }
                if (!keep)
                {
                    await slot.DisposeAsync().ConfigureAwait(false);
                }
            });
        }
    }

    private async Task<RestoreSlot> PrepareAsync(InstanceSpec spec, CancellationToken cancellationToken)
    {
        var (folder, address, output) = _createFiles(spec);
        File.WriteAllText(address, "");
        IRestoreWorker? worker = null;
        try
        {
            worker = await _service.StartRestoreWorkerAsync(address, output, cancellationToken).ConfigureAwait(false);
            if (worker is not null)
            {
                worker.HelperStarted = _helperStarted;
            }
        }
        catch (CheckpointException e)
        {
            if (!_warnedOnce)
            {
                _warnedOnce = true;
                _log($"snapshots: restore workers cannot start, each restore starts criu itself: {e.Message}");
            }
        }
        return new RestoreSlot(folder, address, output, worker);
    }

    /// <summary>Stops the prepared tool and deletes its folder.</summary>
    public async ValueTask DisposeAsync()
    {
        RestoreSlot? slot;
        Task? refill;
        List<RestoreSlot> forImages;
        List<Task> imageRefills;
        lock (_lock)
        {
            _disposed = true;
            slot = _ready;
            _ready = null;
            refill = _refill;
            forImages = [.. _forImage.Values];
            _forImage.Clear();
            imageRefills = [.. _imageRefills.Values];
        }
        await Task.WhenAll(imageRefills).ConfigureAwait(false);
        foreach (var s in forImages)
        {
            await s.DisposeAsync().ConfigureAwait(false);
        }
        if (refill is not null)
        {
            try
            {
                await refill.ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }
        if (slot is not null)
        {
            await slot.DisposeAsync().ConfigureAwait(false);
        }
    }
}

/// <summary>A copy's folder, address file and output file, with the tool that will restore it
/// (null: the restore starts the tool itself).</summary>
internal sealed record RestoreSlot(string Folder, string Address, string Output, IRestoreWorker? Worker) : IAsyncDisposable
{
    /// <summary>Whether it was prepared before the restore asked for it.</summary>
    public bool Ahead { get; init; }

    /// <summary>Stops the tool and deletes the folder (for a slot that was never used).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Worker is not null)
        {
            await Worker.DisposeAsync().ConfigureAwait(false);
        }
        try
        {
            if (Directory.Exists(Folder))
            {
                Directory.Delete(Folder, recursive: true);
            }
        }
        catch (IOException)
        {
        }
    }
}
