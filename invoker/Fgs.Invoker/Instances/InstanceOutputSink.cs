using System.Text;

namespace Fgs.Invoker.Instances;

/// <summary>
/// Appends the output of a function's instances to its log file (<c>DATA/logs/...log</c>), and
/// platform notes about its instances. One per function version pool.
/// </summary>
internal sealed class InstanceOutputSink : IDisposable
{
    private readonly object _gate = new();
    private readonly FileStream? _file;
    private readonly Action<string>? _notes;
    private bool _disposed;

    public InstanceOutputSink(string? path, Action<string>? notes)
    {
        _notes = notes;
        if (path is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            _file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite, 4096);
        }
    }

    public void Write(ProcessInstance instance, string? requestId, ReadOnlySpan<byte> data)
    {
        if (_file is null)
        {
            return;
        }
        lock (_gate)
        {
            if (!_disposed)
            {
                _file.Write(data);
                _file.Flush();
            }
        }
    }

    public void Note(ProcessInstance instance, string message)
    {
        _notes?.Invoke(message);
        if (_file is null)
        {
            return;
        }
        var bytes = Encoding.UTF8.GetBytes("[platform] " + message + "\n");
        lock (_gate)
        {
            if (!_disposed)
            {
                _file.Write(bytes);
                _file.Flush();
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _file?.Dispose();
        }
    }
}
