using System.Diagnostics;
using System.Globalization;
using System.Text;
using CliWrap;
using CliWrap.Buffered;

namespace Fgs.Snapshot.Criu;

/// <summary>Drives CRIU through its command line: <c>check</c>, <c>dump</c> and <c>restore</c>, with
/// each run's log file parsed into a clear error when it fails.</summary>
public sealed class CriuDriver : ICheckpointer
{
    // Hardware breakpoints stop the parasite code CRIU injects; some virtual machines never deliver
    // the debug-register trap, and the dump then waits forever. CRIU's own switch (fault code 130,
    // FI_NO_BREAKPOINTS, also its workaround for Xen guests) makes it trace syscalls instead, which
    // costs a little per thread and works everywhere.
    private const string NoBreakpointsFault = "130";

    private const int FirstInheritedFd = 5;

    private readonly CriuCommand _command;
    private readonly bool _useBreakpoints;

    /// <summary>Creates a driver for <paramref name="command"/>.</summary>
    /// <param name="command">How to start CRIU.</param>
    /// <param name="useBreakpoints">Let CRIU use hardware breakpoints (faster on bare metal, hangs on some VMs).</param>
    public CriuDriver(CriuCommand command, bool useBreakpoints = false)
    {
        _command = command;
        _useBreakpoints = useBreakpoints;
    }

    /// <summary>How CRIU is started.</summary>
    public CriuCommand Command => _command;

    /// <summary>The launcher (<c>fgs-spawn</c>) that starts restore workers ahead of time
    /// (<see cref="StartRestoreWorkerAsync"/>); without it each restore starts CRIU itself.</summary>
    public string? SpawnHelper { get; init; }

    /// <summary>Where restore workers keep their folders (socket, image links, logs); the temporary
    /// folder when null. An owner that is alone on it can delete it at start (what a killed owner left).</summary>
    public string? WorkRoot { get; init; }

    /// <summary>Whether the kernel and CRIU can restore memory lazily (userfaultfd, <c>criu check
    /// --feature uffd-noncoop</c>); set by <see cref="DetectAsync"/>.</summary>
    public bool LazyPagesSupported { get; init; }

    /// <summary>Images at least this big are restored with lazy pages (through a restore worker, where
    /// supported) even when no lazy-pages daemon was started for them ahead; null never. Filling
    /// memory costs about 3 ms per MB on a small VM, starting a daemon about 50 ms. A worker prepared
    /// for an image (<see cref="PrepareWorkerAsync"/>) restores it lazily whatever its size.</summary>
    public long? LazyPagesFromBytes { get; init; } = DefaultLazyPagesFromBytes;

    /// <summary>The default <see cref="LazyPagesFromBytes"/>.</summary>
    public const long DefaultLazyPagesFromBytes = 32L << 20;

    /// <summary>Finds the first CRIU that passes <c>criu check</c> (system first, then the local
    /// prefix). The capability says which one, or why none works.</summary>
    public static async Task<(CriuDriver? Driver, CheckpointCapability Capability)> DetectAsync(
        IReadOnlyList<CriuCommand>? candidates = null, CancellationToken cancellationToken = default)
    {
        candidates ??= CriuLocator.FindCandidates();
        if (candidates.Count == 0)
            return (null, new CheckpointCapability(false, null,
                "no criu found (not on PATH, no local prefix; run invoker/scripts/install-criu.sh)"));
        if (!OperatingSystem.IsLinux())
            return (null, new CheckpointCapability(false, null, "CRIU needs Linux"));
        var reasons = new List<string>();
        foreach (var candidate in candidates)
        {
            var driver = new CriuDriver(candidate);
            var capability = await driver.CheckAsync(cancellationToken).ConfigureAwait(false);
            if (capability.Available)
            {
                var cache = await KerndatCache.EnsureAsync(candidate, cancellationToken).ConfigureAwait(false);
                var lazy = await driver.Run(["check", "--feature", "uffd-noncoop"], cancellationToken).ConfigureAwait(false);
                var lazyNote = lazy.ExitCode == 0 ? "lazy pages: yes" : "lazy pages: no (userfaultfd unsupported)";
                return (new CriuDriver(candidate) { LazyPagesSupported = lazy.ExitCode == 0 },
                    capability with { Reason = $"{capability.Reason} ({cache}; {lazyNote})" });
            }
            reasons.Add($"{candidate.Origin}: {capability.Reason}");
        }
        return (null, new CheckpointCapability(false, null, string.Join("; ", reasons)));
    }

    /// <inheritdoc />
    public async Task<CheckpointCapability> CheckAsync(CancellationToken cancellationToken)
    {
        BufferedCommandResult check;
        string version;
        try
        {
            var v = await Run(["--version"], cancellationToken).ConfigureAwait(false);
            version = FirstLine(v.StandardOutput) ?? "criu (unknown version)";
            check = await Run(["check"], cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
        {
            return new CheckpointCapability(false, null, $"cannot run {_command}: {e.Message}");
        }
        var tool = $"{_command.Origin} criu, {version.Trim()}";
        var output = check.StandardOutput + check.StandardError;
        if (check.ExitCode == 0)
            return new CheckpointCapability(true, tool, FirstLine(output) ?? "Looks good.");
        var errors = CriuLog.Errors(output);
        var reason = errors.Count > 0 ? string.Join("; ", errors.Take(3)) : FirstLine(output) ?? $"exit {check.ExitCode}";
        return new CheckpointCapability(false, tool, "criu check failed: " + reason);
    }

    /// <inheritdoc />
    public async Task<SnapshotImage> DumpAsync(int rootPid, string imageDirectory, DumpOptions options, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(imageDirectory);
        var log = Path.Combine(imageDirectory, "dump.log");
        var args = new List<string>
        {
            "dump", "-t", rootPid.ToString(CultureInfo.InvariantCulture), "-D", imageDirectory, "-o", log, "-v2",
        };
        if (options.LeaveRunning)
            args.Add("--leave-running");
        if (options.ShellJob)
            args.Add("--shell-job");
        if (options.TcpClose)
            args.Add("--tcp-close");
        var started = Stopwatch.GetTimestamp();
        var result = await Run(args, cancellationToken).ConfigureAwait(false);
        var elapsed = Stopwatch.GetElapsedTime(started);
        if (result.ExitCode != 0)
            throw new CheckpointException(CriuLog.Describe("dump", result.ExitCode, ReadLog(log), result.StandardError + result.StandardOutput));
        return new SnapshotImage(imageDirectory, SnapshotImage.MeasureSize(imageDirectory), elapsed);
    }

    /// <inheritdoc />
    public async Task<IRestoreWorker?> StartRestoreWorkerAsync(IReadOnlyList<PreparedFile> files, CancellationToken cancellationToken)
    {
        if (SpawnHelper is null)
            return null;
        return await CriuRestoreWorker.StartAsync(_command, SpawnHelper, files, Environment(), cancellationToken, WorkRoot).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public bool RestoresLazily(SnapshotImage image) =>
        SpawnHelper is not null && LazyPagesSupported && LazyPagesFromBytes is { } from && image.SizeBytes >= from;

    /// <inheritdoc />
    /// <remarks>Starts the lazy-pages daemon for <paramref name="image"/> whatever its size: with the
    /// daemon already waiting, a lazy restore beats filling the memory first even for small images
    /// (see <c>bench/results/snapshot-*.md</c>).</remarks>
    public Task PrepareWorkerAsync(IRestoreWorker worker, SnapshotImage image, CancellationToken cancellationToken) =>
        worker is CriuRestoreWorker criu && SpawnHelper is not null && LazyPagesSupported
            ? criu.PrepareLazyAsync(image, cancellationToken)
            : Task.CompletedTask;

    /// <inheritdoc />
    public bool CanPrepareWorkers => SpawnHelper is not null && LazyPagesSupported;

    /// <inheritdoc />
    public async Task<RestoredProcess> RestoreAsync(SnapshotImage image, RestoreOptions options, CancellationToken cancellationToken)
    {
        if (options.Worker is { } prepared)
        {
            if (prepared is not CriuRestoreWorker worker)
                throw new ArgumentException("the worker was not started by a CRIU driver", nameof(options));
            if (worker.Files.Count != options.Files.Count
                || !worker.Files.Zip(options.Files).All(p => p.First.Path == p.Second.Path && p.First.Write == p.Second.Write))
                throw new ArgumentException("the worker holds other files than the restore names", nameof(options));
            // Lazily when the worker's daemon waits for this image, or when the image is big.
            var lazy = options.LazyPages ?? (worker.IsPreparedFor(image) || RestoresLazily(image));
            return await worker.RestoreAsync(image, [.. options.Files.Select(f => f.CheckpointPath)], options.Timeout, cancellationToken, lazy)
                .ConfigureAwait(false);
        }
        var work = Path.Combine(Path.GetTempPath(), "fgs-restore-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(work);
        var pidFile = options.PidFile ?? Path.Combine(work, "pid");
        var log = options.LogFile ?? Path.Combine(work, "restore.log");
        try
        {
            // CRIU takes the replacement files as open descriptors of its own process; a shell
            // opens them (fd 5 to 9: /bin/sh may take single digits only) and execs CRIU, so the
            // driver needs no fd plumbing.
            if (options.Files.Count > 9 - FirstInheritedFd + 1)
                throw new ArgumentException($"at most {9 - FirstInheritedFd + 1} inherited files", nameof(options));
            var script = new StringBuilder("exec \"$@\"");
            var prologue = new StringBuilder();
            var criuArgs = new List<string>
            {
                "restore", "-D", image.Directory, "-o", log, "-v2", "--restore-detached", "--pidfile", pidFile, "--tcp-close",
            };
            var shellArgs = new List<string>();
            for (var i = 0; i < options.Files.Count; i++)
            {
                var file = options.Files[i];
                var fd = FirstInheritedFd + i;
                // The paths come in as positional parameters $1..$N (saved before the shift), so they need no quoting.
                prologue.Append(CultureInfo.InvariantCulture, $"f{i}=${{{i + 1}}}; ");
                script.Append(CultureInfo.InvariantCulture, $" {fd}{(file.Write ? ">>" : "<")}\"$f{i}\"");
                shellArgs.Add(file.Path);
                criuArgs.Add("--inherit-fd");
                criuArgs.Add($"fd[{fd}]:{file.CheckpointPath.TrimStart('/')}");
            }
            script.Insert(0, prologue.Append(CultureInfo.InvariantCulture, $"shift {options.Files.Count}; ").ToString());
            var all = new List<string> { "-c", script.ToString(), "sh" };
            all.AddRange(shellArgs);
            all.Add(_command.FileName);
            all.AddRange(_command.PrefixArguments);
            all.AddRange(criuArgs);

            var started = Stopwatch.GetTimestamp();
            var result = await Cli.Wrap("/bin/sh").WithArguments(all)
                .WithEnvironmentVariables(Environment())
                .WithValidation(CommandResultValidation.None)
                .ExecuteBufferedAsync(cancellationToken).ConfigureAwait(false);
            var elapsed = Stopwatch.GetElapsedTime(started);
            if (result.ExitCode != 0)
                throw new CheckpointException(CriuLog.Describe("restore", result.ExitCode, ReadLog(log), result.StandardError + result.StandardOutput));
            var pidText = File.Exists(pidFile) ? File.ReadAllText(pidFile).Trim() : "";
            if (!int.TryParse(pidText, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid <= 0)
                throw new CheckpointException($"criu restore wrote no process id to {pidFile}");
            return new RestoredProcess(pid, elapsed);
        }
        finally
        {
            if (options.PidFile is null && options.LogFile is null)
                TryDelete(work);
            else if (options.PidFile is null)
                TryDelete(pidFile);
        }
    }

    private Task<BufferedCommandResult> Run(IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var all = new List<string>(_command.PrefixArguments);
        all.AddRange(arguments);
        return Cli.Wrap(_command.FileName).WithArguments(all)
            .WithEnvironmentVariables(Environment())
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(cancellationToken).Task;
    }

    private Dictionary<string, string?> Environment() => CriuEnvironment(_useBreakpoints);

    /// <summary>The environment a CRIU run gets (the no-breakpoints fault unless breakpoints are allowed).</summary>
    internal static Dictionary<string, string?> CriuEnvironment(bool useBreakpoints) =>
        useBreakpoints ? [] : new Dictionary<string, string?> { ["CRIU_FAULT"] = NoBreakpointsFault };

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

    private static string? FirstLine(string text)
    {
        foreach (var line in text.AsSpan().EnumerateLines())
        {
            if (!line.IsWhiteSpace())
                return line.Trim().ToString();
        }
        return null;
    }

    private static void TryDelete(string path)
    {
        try
        {
            if (Directory.Exists(path))
                Directory.Delete(path, recursive: true);
            else if (File.Exists(path))
                File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
