using System.Diagnostics;
using Fgs.Snapshot.Processes;

namespace Fgs.Invoker.Snapshots;

/// <summary>
/// A live snapshot instance: the one a snapshot is made from, or a copy restored from it. It is the
/// init of its own PID namespace and has its own runtime API. Disposing it kills the namespace.
/// </summary>
internal sealed class SnapshotCopy : IAsyncDisposable
{
    private readonly Process? _launcher;

    public SnapshotCopy(SnapshotRuntimeApi api, int rootPid, string folder, string addressFile, string outputFile, Process? launcher)
    {
        Api = api;
        RootPid = rootPid;
        Folder = folder;
        AddressFile = addressFile;
        OutputFile = outputFile;
        _launcher = launcher;
    }

    /// <summary>The copy's own runtime API.</summary>
    public SnapshotRuntimeApi Api { get; }

    /// <summary>The host pid of the copy's namespace init.</summary>
    public int RootPid { get; }

    /// <summary>The copy's folder (its address and output files).</summary>
    public string Folder { get; }

    /// <summary>The file behind the copy's fd 3 (its runtime API address).</summary>
    public string AddressFile { get; }

    /// <summary>The file the copy's stdout and stderr go to.</summary>
    public string OutputFile { get; }

    /// <summary>From the start of the restore (or the launch) until the copy had answered its restore (or init) event.</summary>
    public TimeSpan ReadyAfter { get; init; }

    /// <summary>How long CRIU's restore itself took.</summary>
    public TimeSpan CriuTime { get; init; }

    /// <summary>Whether CRIU had been started ahead of the restore (a prepared restore worker).</summary>
    public bool PreparedTool { get; init; }

    /// <summary>Whether the copy's memory is filled lazily (by a lazy-pages daemon) after it started.</summary>
    public bool LazyPages { get; init; }

    /// <summary>With lazy pages: the lazy-pages daemon's exit code once it has finished (non-zero: pages may be missing).</summary>
    public Task<int>? LazyPagesDone { get; init; }

    /// <summary>Sends one event and waits for its outcome.</summary>
    public Task<(bool Error, byte[] Body)> InvokeAsync(string invokeType, byte[] body, TimeSpan timeout, CancellationToken cancellationToken) =>
        Api.InvokeAsync(invokeType, body, timeout, cancellationToken);

    /// <summary>The last part of the copy's output, for error messages.</summary>
    public string OutputTail(int chars = 2048)
    {
        try
        {
            var text = File.Exists(OutputFile) ? File.ReadAllText(OutputFile) : "";
            return text.Length <= chars ? text : text[^chars..];
        }
        catch (IOException)
        {
            return "";
        }
    }

    /// <summary>Releases the launcher (and with it the write end of the copy's stdin) once the copy is
    /// dumped and killed.</summary>
    public void ReleaseLauncher() => _launcher?.Dispose();

    public async ValueTask DisposeAsync()
    {
        PidNamespaceLauncher.KillNamespace(RootPid);
        _launcher?.Dispose();
        await Api.DisposeAsync().ConfigureAwait(false);
    }
}
