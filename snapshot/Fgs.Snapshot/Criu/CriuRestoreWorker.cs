using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using CliWrap;

namespace Fgs.Snapshot.Criu;

/// <summary>
/// A <c>criu swrk</c> process started ahead of a restore, with the files its copy will get already
/// open as its own descriptors, waiting for one RESTORE request on a Unix sequenced-packet socket.
/// Starting CRIU (a fork, an exec, the dynamic loader with about twenty libraries) costs 20 to 30 ms
/// on a small VM, more under load; a worker started in advance takes that off the restore's path.
/// The launcher (<c>fgs-spawn</c>) connects the socket and opens the files before it execs CRIU,
/// so no descriptor of the invoker leaks into CRIU or the copy. One worker serves one restore.
/// </summary>
public sealed class CriuRestoreWorker : IRestoreWorker
{
    private const int SocketFd = 3;
    private const int FirstFileFd = 5;
    private static readonly TimeSpan s_connectTimeout = TimeSpan.FromSeconds(15);

    private static readonly TimeSpan s_lazyDaemonTimeout = TimeSpan.FromSeconds(15);

    // Folders deleted once their lazy-pages daemon has finished (see DisposeAsync).
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Task, byte> s_pendingCleanups = new();

    /// <summary>Waits (at most <paramref name="timeout"/>) for the folders of used workers whose
    /// lazy-pages daemon was still filling a copy to be deleted: call it once the copies are stopped,
    /// before the process exits.</summary>
    public static Task DrainCleanupsAsync(TimeSpan timeout) =>
        Task.WhenAny(Task.WhenAll(s_pendingCleanups.Keys), Task.Delay(timeout));

    private readonly string _folder;
    private readonly Socket _socket;
    private readonly CommandTask<CommandResult> _process;
    private readonly StringBuilder _stderr;
    private readonly CriuCommand _command;
    private readonly IReadOnlyDictionary<string, string?> _environment;
    private CommandTask<CommandResult>? _lazyDaemon;
    private string? _lazyImage;
    private int _used;
    private int _disposed;

    private CriuRestoreWorker(string folder, Socket socket, CommandTask<CommandResult> process, StringBuilder stderr,
        IReadOnlyList<PreparedFile> files, CriuCommand command, IReadOnlyDictionary<string, string?> environment)
    {
        _folder = folder;
        _socket = socket;
        _process = process;
        _stderr = stderr;
        _command = command;
        _environment = environment;
        Files = files;
    }

    /// <inheritdoc />
    public IReadOnlyList<PreparedFile> Files { get; }

    /// <inheritdoc />
    public Action<int>? HelperStarted { get; set; }

    /// <summary>The worker's process id (CRIU's, once the launcher has exec'd it).</summary>
    public int ProcessId => _process.ProcessId;

    /// <summary>Whether the worker has served its restore or died.</summary>
    public bool IsSpent => Volatile.Read(ref _used) != 0 || _process.Task.IsCompleted;

    /// <summary>Starts a worker: <paramref name="spawnHelper"/> connects to a fresh socket, opens
    /// <paramref name="files"/> as descriptors 5, 6, ... and execs <c>criu swrk 3</c>.</summary>
    /// <param name="command">How to start CRIU.</param>
    /// <param name="spawnHelper">The launcher (<c>fgs-spawn</c>).</param>
    /// <param name="files">The files the copy will get.</param>
    /// <param name="environment">CRIU's environment.</param>
    /// <param name="workRoot">Where the worker's folder (socket, links, logs) goes; the temporary folder when null.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static async Task<CriuRestoreWorker> StartAsync(CriuCommand command, string spawnHelper, IReadOnlyList<PreparedFile> files,
        IReadOnlyDictionary<string, string?> environment, CancellationToken cancellationToken, string? workRoot = null)
    {
        if (!OperatingSystem.IsLinux())
            throw new CheckpointException("restore workers need Linux");
        var folder = Path.Combine(workRoot ?? Path.GetTempPath(), "fgs-criu-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var socketPath = Path.Combine(folder, "rpc.sock");
        var listener = new Socket(AddressFamily.Unix, SocketType.Seqpacket, ProtocolType.Unspecified);
        Socket? connection = null;
        CommandTask<CommandResult>? process = null;
        try
        {
            listener.Bind(new UnixDomainSocketEndPoint(socketPath));
            listener.Listen(1);
            var args = new List<string> { "--keep-nice", "--connect", $"{SocketFd}:{socketPath}" };
            for (var i = 0; i < files.Count; i++)
            {
                args.Add("--fd");
                args.Add(string.Create(CultureInfo.InvariantCulture, $"{FirstFileFd + i}:{(files[i].Write ? 'a' : 'r')}:{files[i].Path}"));
            }
            args.Add("--");
            args.Add(command.FileName);
            args.AddRange(command.PrefixArguments);
            args.Add("swrk");
            args.Add(SocketFd.ToString(CultureInfo.InvariantCulture));
            var stderr = new StringBuilder();
            process = Cli.Wrap(spawnHelper).WithArguments(args)
                .WithEnvironmentVariables(environment)
                .WithStandardErrorPipe(PipeTarget.ToStringBuilder(stderr))
                .WithValidation(CommandResultValidation.None)
                .ExecuteAsync(CancellationToken.None);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(s_connectTimeout);
            var accept = listener.AcceptAsync(timeout.Token).AsTask();
            var first = await Task.WhenAny(accept, process.Task).ConfigureAwait(false);
            if (first != accept)
            {
                timeout.Cancel();
                var exit = (await process.Task.ConfigureAwait(false)).ExitCode;
                throw new CheckpointException($"the restore worker exited ({exit}) before connecting: {stderr.ToString().Trim()}");
            }
            try
            {
                connection = await accept.ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new CheckpointException($"the restore worker did not connect within {s_connectTimeout.TotalSeconds:0} s");
            }
            var peer = PeerPid(connection);
            if (peer != process.ProcessId)
                throw new CheckpointException($"the restore socket was connected by process {peer}, not the worker {process.ProcessId}");
            var worker = new CriuRestoreWorker(folder, connection, process, stderr, files, command, environment);
            connection = null;
            process = null;
            return worker;
        }
        catch (SocketException e)
        {
            throw new CheckpointException($"the restore worker's socket failed ({e.SocketErrorCode}): {e.Message}");
        }
        finally
        {
            listener.Dispose();
            try
            {
                File.Delete(socketPath);
            }
            catch (IOException)
            {
            }
            if (process is not null)
            {
                connection?.Dispose();
                Kill(process.ProcessId);
                TryDeleteFolder(folder);
            }
        }
    }

    /// <summary>Restores one copy of <paramref name="image"/>: each of <paramref name="checkpointPaths"/>
    /// (the files the dumped process had open, in the order of <see cref="Files"/>) is replaced by the
    /// worker's file at the same position. With <paramref name="lazyPages"/>, a <c>criu lazy-pages</c>
    /// daemon is started on the image first and the copy's anonymous memory is left to it: the copy
    /// runs as soon as its tasks exist, pages it touches are filled on their first fault, and the
    /// daemon copies the rest in the background, then exits.</summary>
    public async Task<RestoredProcess> RestoreAsync(SnapshotImage image, IReadOnlyList<string> checkpointPaths, TimeSpan timeout,
        CancellationToken cancellationToken, bool lazyPages = false)
    {
        if (Interlocked.Exchange(ref _used, 1) != 0)
            throw new InvalidOperationException("a restore worker serves one restore");
        if (checkpointPaths.Count != Files.Count)
            throw new ArgumentException($"the worker holds {Files.Count} files, {checkpointPaths.Count} given", nameof(checkpointPaths));
        var started = Stopwatch.GetTimestamp();
        var imagesDir = image.Directory;
        var logName = "restore-" + Path.GetFileName(_folder) + ".log";
        if (lazyPages)
        {
            imagesDir = Path.Combine(_folder, "image");
            if (!IsPreparedFor(image))
            {
                await StopLazyDaemonAsync().ConfigureAwait(false);
                await StartLazyDaemonAsync(image, cancellationToken).ConfigureAwait(false);
            }
        }
        // CRIU resolves the image folder with readlink, so it is named through a symbolic link.
        var link = Path.Combine(_folder, "images");
        File.CreateSymbolicLink(link, imagesDir);
        var logPath = Path.Combine(imagesDir, logName);
        var inherited = new (string, int)[Files.Count];
        for (var i = 0; i < Files.Count; i++)
            inherited[i] = (checkpointPaths[i].TrimStart('/'), FirstFileFd + i);
        var succeeded = false;
        try
        {
            await _socket.SendAsync(CriuRpc.RestoreRequest(link, logName, inherited, lazyPages: lazyPages), SocketFlags.None, cancellationToken)
                .ConfigureAwait(false);
            var buffer = new byte[64 * 1024];
            int received;
            using (var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                limit.CancelAfter(timeout);
                try
                {
                    received = await _socket.ReceiveAsync(buffer, SocketFlags.None, limit.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    throw new CheckpointException($"criu restore did not answer within {timeout.TotalSeconds:0} s: {Describe(logPath)}");
                }
            }
            var elapsed = Stopwatch.GetElapsedTime(started);
            if (received == 0)
            {
                var exit = await ExitCodeAsync().ConfigureAwait(false);
                throw new CheckpointException(CriuLog.Describe("restore", exit, ReadLog(logPath), _stderr.ToString()));
            }
            CriuResponse response;
            try
            {
                response = CriuRpc.ParseResponse(buffer.AsSpan(0, received));
            }
            catch (FormatException e)
            {
                throw new CheckpointException("criu restore answered with a malformed response: " + e.Message);
            }
            if (!response.Success || response.Pid <= 0)
            {
                var exit = await ExitCodeAsync().ConfigureAwait(false);
                throw new CheckpointException(CriuLog.Describe("restore", exit, ReadLog(logPath),
                    (response.ErrorMessage ?? "") + _stderr));
            }
            TryDeleteFile(logPath);
            succeeded = true;
            return new RestoredProcess(response.Pid, elapsed)
            {
                LazyPages = lazyPages,
                LazyPagesDone = lazyPages && _lazyDaemon is { } filler
                    ? filler.Task.ContinueWith(t => t.IsCompletedSuccessfully ? t.Result.ExitCode : -1, TaskScheduler.Default)
                    : null,
            };
        }
        catch (SocketException e)
        {
            throw new CheckpointException($"criu restore's socket failed ({e.SocketErrorCode}): {Describe(logPath)}");
        }
        finally
        {
            if (!succeeded && _lazyDaemon is { } daemon)
                Kill(daemon.ProcessId);
        }
    }

    /// <summary>Starts the lazy-pages daemon for <paramref name="image"/> ahead of a lazy restore of it
    /// (the daemon reads the image when it starts, so it serves one image): the restore then skips
    /// the daemon's start, about 50 ms on a small VM, and restores lazily.</summary>
    public async Task PrepareLazyAsync(SnapshotImage image, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _used) != 0)
            throw new InvalidOperationException("the worker has served its restore");
        if (!IsPreparedFor(image))
        {
            await StopLazyDaemonAsync().ConfigureAwait(false);
            await StartLazyDaemonAsync(image, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Whether a lazy-pages daemon for <paramref name="image"/> is waiting.</summary>
    public bool IsPreparedFor(SnapshotImage image) =>
        _lazyDaemon is { Task.IsCompleted: false } && _lazyImage == image.Directory && Directory.Exists(image.Directory);

    private async Task StopLazyDaemonAsync()
    {
        if (_lazyDaemon is { } daemon)
        {
            Kill(daemon.ProcessId);
            try
            {
                await daemon.Task.ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or InvalidOperationException)
            {
            }
            _lazyDaemon = null;
            _lazyImage = null;
            TryDeleteFolder(Path.Combine(_folder, "image"));
        }
    }

    private async Task StartLazyDaemonAsync(SnapshotImage image, CancellationToken cancellationToken)
    {
        // The daemon and the restore meet on a socket in the image folder, so each lazy restore
        // gets a folder of its own that links to the image's files (copies restore at once).
        var imagesDir = Path.Combine(_folder, "image");
        Directory.CreateDirectory(imagesDir);
        foreach (var file in Directory.EnumerateFiles(image.Directory, "*.img"))
            File.CreateSymbolicLink(Path.Combine(imagesDir, Path.GetFileName(file)), file);
        var args = new List<string>(_command.PrefixArguments) { "lazy-pages", "-D", imagesDir, "-o", "lazy-pages.log", "-v2" };
        var stderr = new StringBuilder();
        var daemon = Cli.Wrap(_command.FileName).WithArguments(args)
            .WithEnvironmentVariables(_environment)
            .WithStandardErrorPipe(PipeTarget.ToStringBuilder(stderr))
            .WithValidation(CommandResultValidation.None)
            .ExecuteAsync(CancellationToken.None);
        // A daemon outlives an invoker killed with kill -9 (it waits for its restore): the owner records it.
        HelperStarted?.Invoke(daemon.ProcessId);
        var socket = Path.Combine(imagesDir, "lazy-pages.socket");
        var until = Stopwatch.GetTimestamp() + (long)(s_lazyDaemonTimeout.TotalSeconds * Stopwatch.Frequency);
        while (!File.Exists(socket))
        {
            if (daemon.Task.IsCompleted || Stopwatch.GetTimestamp() > until || cancellationToken.IsCancellationRequested)
            {
                Kill(daemon.ProcessId);
                var log = ReadLog(Path.Combine(imagesDir, "lazy-pages.log"));
                throw new CheckpointException(CriuLog.Describe("lazy-pages", daemon.Task.IsCompleted ? daemon.Task.Result.ExitCode : -1, log,
                    stderr.ToString()));
            }
            await Task.Delay(1, CancellationToken.None).ConfigureAwait(false);
        }
        _lazyDaemon = daemon;
        _lazyImage = image.Directory;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        _socket.Dispose();
        if (Volatile.Read(ref _used) == 0)
        {
            // Never used: a prepared lazy-pages daemon would wait for its restore forever.
            await StopLazyDaemonAsync().ConfigureAwait(false);
        }
        if (_lazyDaemon is { } daemon && !daemon.Task.IsCompleted)
        {
            // The copy's memory is still being filled from the image folder: the folder goes once the
            // daemon has finished (it exits when every page is in, or when the copy is gone).
            var cleanup = daemon.Task.ContinueWith(_ => TryDeleteFolder(_folder), TaskScheduler.Default);
            s_pendingCleanups.TryAdd(cleanup, 0);
            _ = cleanup.ContinueWith(t => s_pendingCleanups.TryRemove(t, out _), TaskScheduler.Default);
            if (!_process.Task.IsCompleted)
            {
                var exited = await Task.WhenAny(_process.Task, Task.Delay(TimeSpan.FromSeconds(2))).ConfigureAwait(false);
                if (exited != _process.Task)
                    Kill(_process.ProcessId);
            }
            return;
        }
        if (!_process.Task.IsCompleted)
        {
            // An unused worker exits when its socket closes; a stuck one is killed.
            var exited = await Task.WhenAny(_process.Task, Task.Delay(TimeSpan.FromSeconds(2))).ConfigureAwait(false);
            if (exited != _process.Task)
                Kill(_process.ProcessId);
        }
        try
        {
            await _process.Task.ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or InvalidOperationException)
        {
        }
        TryDeleteFolder(_folder);
    }

    private async Task<int> ExitCodeAsync()
    {
        var exited = await Task.WhenAny(_process.Task, Task.Delay(TimeSpan.FromSeconds(2))).ConfigureAwait(false);
        return exited == _process.Task ? (await _process.Task.ConfigureAwait(false)).ExitCode : -1;
    }

    private string Describe(string logPath)
    {
        var log = ReadLog(logPath);
        var errors = log is null ? [] : CriuLog.Errors(log);
        return errors.Count > 0 ? string.Join("; ", errors.Take(4)) : "no error in the log";
    }

    /// <summary>The process id of a Unix socket's peer (SO_PEERCRED).</summary>
    private static int PeerPid(Socket socket)
    {
        const int SolSocket = 1;
        const int SoPeerCred = 17;
        Span<byte> credentials = stackalloc byte[12];
        var length = socket.GetRawSocketOption(SolSocket, SoPeerCred, credentials);
        return length >= 4 ? BitConverter.ToInt32(credentials[..4]) : -1;
    }

    private static void Kill(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill();
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
        }
    }

    private static string? ReadLog(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadAllText(path) : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static void TryDeleteFile(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static void TryDeleteFolder(string path)
    {
        try
        {
            if (Directory.Exists(path))
                Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
