using System.Text;

namespace Fgs.Invoker.Instances;

/// <summary>
/// Appends the output of a function's instances to its log file (<c>DATA/logs/...log</c>), and
/// platform notes about its instances. One per function. Writers only copy their bytes into the
/// sink's pending buffer; one background thread for all sinks (<see cref="LogWriter"/>) writes
/// pending buffers to their files in batches, so no invocation waits on a file write or flush.
/// </summary>
internal sealed class InstanceOutputSink : IDisposable
{
    /// <summary>Above this many pending bytes the caller writes itself (back-pressure when the
    /// disk cannot keep up), so a chatty function cannot grow the invoker's memory without bound.</summary>
    private const int MaxPendingBytes = 8 * 1024 * 1024;

    private readonly object _gate = new();
    private readonly object _fileGate = new();
    private readonly FileStream? _file;
    private readonly Action<string>? _notes;
    private byte[] _pending = new byte[4096];
    private byte[] _spare = new byte[4096];
    private int _pendingLength;
    private bool _queued;
    private bool _disposed;

    public InstanceOutputSink(string? path, Action<string>? notes)
    {
        _notes = notes;
        if (path is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            _file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0);
        }
    }

    public void Write(ProcessInstance instance, string? requestId, ReadOnlySpan<byte> data) => Write(data);

    /// <summary>Appends output of an instance (of any kind) to the function's log.</summary>
    public void Write(ReadOnlySpan<byte> data)
    {
        if (_file is null || data.IsEmpty)
        {
            return;
        }
        bool enqueue;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            if (_pendingLength + data.Length > MaxPendingBytes)
            {
                FlushPendingLocked();
                lock (_fileGate)
                {
                    _file.Write(data);
                }
                return;
            }
            if (_pendingLength + data.Length > _pending.Length)
            {
                Array.Resize(ref _pending, Math.Max(_pending.Length * 2, _pendingLength + data.Length));
            }
            data.CopyTo(_pending.AsSpan(_pendingLength));
            _pendingLength += data.Length;
            enqueue = !_queued;
            _queued = true;
        }
        if (enqueue)
        {
            LogWriter.Shared.Enqueue(this);
        }
    }

    public void Note(ProcessInstance instance, string message) => Note(message);

    /// <summary>Writes a platform note about an instance (of any kind) to the function's log.</summary>
    public void Note(string message)
    {
        _notes?.Invoke(message);
        Write(Encoding.UTF8.GetBytes("[platform] " + message + "\n"));
    }

    /// <summary>Writes what is pending to the file (the background writer calls it; tests and
    /// shutdown may too).</summary>
    public void Flush()
    {
        byte[] batch;
        int length;
        var fileLocked = false;
        lock (_gate)
        {
            _queued = false;
            if (_pendingLength == 0 || _file is null)
            {
                return;
            }
            // Swap buffers: writers go on filling the other one while this one is written. The
            // file lock is taken before the sink lock is let go, so a writer that must write
            // itself (back-pressure) cannot get its newer bytes in ahead of these.
            batch = _pending;
            length = _pendingLength;
            _pending = _spare.Length >= 4096 ? _spare : new byte[4096];
            _spare = [];
            _pendingLength = 0;
            Monitor.Enter(_fileGate, ref fileLocked);
        }
        try
        {
            _file.Write(batch, 0, length);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // A full or failed disk loses log lines, never invocations.
        }
        finally
        {
            if (fileLocked)
            {
                Monitor.Exit(_fileGate);
            }
        }
        lock (_gate)
        {
            // Keep one spare buffer (the larger one, up to 1 MiB) for the next swap.
            if (batch.Length <= 1024 * 1024 && batch.Length > _spare.Length)
            {
                _spare = batch;
            }
        }
    }

    /// <summary>Under <see cref="_gate"/>.</summary>
    private void FlushPendingLocked()
    {
        if (_pendingLength > 0 && _file is not null)
        {
            lock (_fileGate)
            {
                _file.Write(_pending, 0, _pendingLength);
            }
            _pendingLength = 0;
        }
    }

    public void Dispose()
    {
        Flush();
        lock (_gate)
        {
            _disposed = true;
            FlushPendingLocked();
            lock (_fileGate)
            {
                _file?.Dispose();
            }
        }
    }
}
