using System.Diagnostics;
using System.Text;
using Fgs.Invoker.Instances;
using Fgs.Snapshot;
using Fgs.Snapshot.Lifecycle;
using Fgs.Snapshot.Processes;

namespace Fgs.Invoker.Snapshots;

/// <summary>
/// Makes snapshots of function versions and restores copies of them, each with its own runtime
/// API, on top of <see cref="SnapshotService"/>. Making: the version's bootstrap starts as a
/// namespace init (<see cref="PidNamespaceLauncher"/>), gets its <c>init</c> event, then a
/// <c>checkpoint</c> event, and is dumped once it holds no TCP socket. Restoring: a copy gets its own
/// address and output files, then a <c>restore</c> event (the function's restore hook) before it
/// serves. When a copy cannot be had, the caller gets the reason and cold starts.
/// </summary>
internal sealed class SnapshotInstances : IAsyncDisposable
{
    private static readonly TimeSpan s_startupAllowance = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan s_checkpointTimeout = TimeSpan.FromSeconds(30);

    private readonly SnapshotService _service;
    private readonly RestoreSlots _slots;

    private readonly string? _workRoot;

    /// <param name="service">The snapshot service.</param>
    /// <param name="log">The invoker's log.</param>
    /// <param name="workRoot">The restore workers' folder of this invoker alone, deleted when it is disposed.</param>
    public SnapshotInstances(SnapshotService service, Action<string>? log = null, string? workRoot = null)
    {
        _service = service;
        _workRoot = workRoot;
        _slots = new RestoreSlots(service, CreateFiles, log ?? (_ => { }), pid => Started?.Invoke(pid));
    }

    /// <summary>Prepares a restore ahead of time (a copy's files and a started checkpoint tool), so the
    /// next restore of any version does not wait for the tool to start.</summary>
    public void PrepareRestore(InstanceSpec spec, string key) => _slots.EnsureWarm(spec, key);

    /// <summary>Drops what was prepared for restoring <paramref name="key"/> (its snapshot is gone).</summary>
    public void ForgetPrepared(string key) => _slots.Forget(key);

    /// <summary>Stops the prepared restores' tools, and waits (briefly) for the folders of lazy
    /// restores to be deleted once their daemons have finished (call it after the copies are stopped).</summary>
    public async ValueTask DisposeAsync()
    {
        await _slots.DisposeAsync().ConfigureAwait(false);
        await Fgs.Snapshot.Criu.CriuRestoreWorker.DrainCleanupsAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        if (_workRoot is not null)
        {
            try
            {
                Directory.Delete(_workRoot, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }
    }

    /// <summary>The snapshot service underneath.</summary>
    public SnapshotService Service => _service;

    /// <summary>Called with the host pid of each namespace init started (the instance a snapshot is
    /// made from, and each restored copy), as soon as it runs.</summary>
    public Action<int>? Started { get; set; }

    /// <summary>Makes the snapshot of <paramref name="key"/> from <paramref name="spec"/>; returns its
    /// final status. With <paramref name="identity"/> (the version's code identity), the image gets a
    /// manifest and can be used by a later run.</summary>
    public async Task<SnapshotStatus> MakeAsync(string key, InstanceSpec spec, CancellationToken cancellationToken, string? identity = null)
    {
        SnapshotCopy? parked = null;
        try
        {
            return await MakeParkedAsync(key, spec, copy => parked = copy, cancellationToken, identity).ConfigureAwait(false);
        }
        finally
        {
            // The launcher holds the write end of the maker's stdin, on which the parked runtime
            // blocks. Had it been collected before the dump, the pipe would have closed, the runtime
            // would have read end-of-file and connected again, and CRIU cannot dump a TCP socket.
            GC.KeepAlive(parked);
            parked?.ReleaseLauncher();
        }
    }

    private Task<SnapshotStatus> MakeParkedAsync(string key, InstanceSpec spec, Action<SnapshotCopy> onParked, CancellationToken cancellationToken,
        string? identity) =>
        _service.MakeAsync(key, async ct =>
        {
            var original = await LaunchAsync(spec, ct).ConfigureAwait(false);
            Started?.Invoke(original.RootPid);
            var made = false;
            try
            {
                var initBody = Encoding.UTF8.GetBytes("{\"initializer\":\"" + JsonText(spec.InitializerHandler ?? "") + "\"}");
                var (initError, initAnswer) = await original.InvokeAsync("init", initBody, spec.InitializerTimeout + s_startupAllowance, ct).ConfigureAwait(false);
                if (initError)
                    throw new InvalidOperationException("the initializer failed: " + Encoding.UTF8.GetString(initAnswer));
                bool parkError;
                byte[] parkAnswer;
                try
                {
                    (parkError, parkAnswer) = await original.InvokeAsync("checkpoint", "{}"u8.ToArray(), s_checkpointTimeout, ct).ConfigureAwait(false);
                }
                catch (TimeoutException e)
                {
                    throw new InvalidOperationException($"the runtime did not answer the checkpoint event within {s_checkpointTimeout.TotalSeconds:0} s: "
                        + "it does not speak the checkpoint protocol; output: " + original.OutputTail(), e);
                }
                if (parkError)
                    throw new InvalidOperationException("the checkpoint event failed: " + Encoding.UTF8.GetString(parkAnswer));
                if (!IsParked(parkAnswer))
                    throw new InvalidOperationException("the runtime answered the checkpoint event like an ordinary invocation (" + Shorten(Encoding.UTF8.GetString(parkAnswer))
                        + "): it does not speak the checkpoint protocol (acknowledge with {\"status\":\"parked\"}, then wait on stdin)");
                await PidNamespaceLauncher.WaitUntilNoSocketsAsync(original.RootPid, TimeSpan.FromSeconds(10), ct).ConfigureAwait(false);
                made = true;
                onParked(original);
                return new PreparedInstance(original.RootPid, original.AddressFile, original.OutputFile);
            }
            catch (TimeoutException e)
            {
                throw new InvalidOperationException($"the instance did not get ready for its checkpoint ({e.Message}); output: {original.OutputTail()}", e);
            }
            finally
            {
                // The service kills the namespace after the dump; the API is no longer needed either way.
                if (!made)
                    await original.DisposeAsync().ConfigureAwait(false);
                else
                    await original.Api.DisposeAsync().ConfigureAwait(false);
            }
        }, cancellationToken, identity);

    /// <summary>Restores a copy of <paramref name="key"/> for <paramref name="spec"/> and runs its
    /// restore hook. Returns the copy, or null and why (the caller cold starts).</summary>
    public async Task<(SnapshotCopy? Copy, string? Reason)> TryRestoreAsync(string key, InstanceSpec spec, TimeSpan restoreHookTimeout, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var slot = await _slots.TakeAsync(spec, key, cancellationToken).ConfigureAwait(false);
        var (folder, address, output) = (slot.Folder, slot.Address, slot.Output);
        var api = new SnapshotRuntimeApi();
        RestoreOutcome outcome;
        try
        {
            await File.WriteAllTextAsync(address, api.Address, cancellationToken).ConfigureAwait(false);
            outcome = await _service.TryRestoreAsync(key, address, output, cancellationToken, slot.Worker).ConfigureAwait(false);
        }
        finally
        {
            if (slot.Worker is not null)
            {
                // Used or not, a worker serves one restore; CRIU exits once the copy runs.
                _ = slot.Worker.DisposeAsync().AsTask();
            }
        }
        if (outcome.Process is null)
        {
            await api.DisposeAsync().ConfigureAwait(false);
            await (slot with { Worker = null }).DisposeAsync().ConfigureAwait(false);
            return (null, outcome.ColdStartReason);
        }
        api.SetRoot(outcome.Process.Pid);
        Started?.Invoke(outcome.Process.Pid);
        var copy = new SnapshotCopy(api, outcome.Process.Pid, folder, address, output, launcher: null);
        try
        {
            var (error, answer) = await copy.InvokeAsync("restore", "{}"u8.ToArray(), restoreHookTimeout, cancellationToken).ConfigureAwait(false);
            if (!error)
            {
                return (new SnapshotCopy(api, copy.RootPid, folder, address, output, launcher: null)
                {
                    ReadyAfter = Stopwatch.GetElapsedTime(started),
                    CriuTime = outcome.Process.Elapsed,
                    PreparedTool = slot.Worker is not null && slot.Ahead,
                    LazyPages = outcome.Process.LazyPages,
                    LazyPagesDone = outcome.Process.LazyPagesDone,
                }, null);
            }
            await copy.DisposeAsync().ConfigureAwait(false);
            return (null, "the restore hook failed: " + Encoding.UTF8.GetString(answer));
        }
        catch (TimeoutException)
        {
            var tail = copy.OutputTail();
            await copy.DisposeAsync().ConfigureAwait(false);
            return (null, $"the restored copy did not answer its restore event within {restoreHookTimeout.TotalSeconds:0.###} s; output: {tail}");
        }
    }

    /// <summary>The user a snapshot of <paramref name="spec"/> is made as, which its copies keep: the
    /// instance user, where CRIU can checkpoint a process of another user
    /// (<see cref="PidNamespaceLauncher.UserSwitchUnavailableReason"/>); else null, the invoker's own.</summary>
    public static InstanceUser? MakerUser(InstanceSpec spec) =>
        PidNamespaceLauncher.UserSwitchUnavailableReason is null ? spec.RunAs : null;

    private static async Task<SnapshotCopy> LaunchAsync(InstanceSpec spec, CancellationToken cancellationToken)
    {
        var user = MakerUser(spec);
        var (folder, address, output) = CreateFiles(spec.InstancesRoot, user);
        var api = new SnapshotRuntimeApi();
        await File.WriteAllTextAsync(address, api.Address, cancellationToken).ConfigureAwait(false);
        var environment = new Dictionary<string, string>(spec.Environment)
        {
            // A runtime that ignores RUNTIME_API_ADDR_FD still reaches the original this way.
            ["RUNTIME_API_ADDR"] = api.Address,
            ["HOME"] = folder,
            ["TMPDIR"] = folder,
        };
        Process? launcher = null;
        try
        {
            launcher = PidNamespaceLauncher.Start(new NamespacedLaunch
            {
                FileName = spec.Bootstrap,
                Arguments = [],
                WorkingDirectory = spec.CodeRoot,
                AddressFile = address,
                OutputFile = output,
                Environment = environment,
                // As an ordinary instance: the invoker's instance user, when it has one. Copies
                // restored from the snapshot keep it.
                UserId = user?.Uid,
                GroupId = user?.Gid,
            });
            var root = await PidNamespaceLauncher.WaitForNamespaceInitAsync(launcher.Id, TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
            api.SetRoot(root);
            return new SnapshotCopy(api, root, folder, address, output, launcher);
        }
        catch
        {
            launcher?.Dispose();
            await api.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>A copy's (or the maker's) folder, address file and output file, owned by the user it runs as.</summary>
    internal static (string Folder, string Address, string Output) CreateFiles(InstanceSpec spec) =>
        CreateFiles(spec.InstancesRoot, MakerUser(spec));

    private static (string Folder, string Address, string Output) CreateFiles(string instancesRoot, InstanceUser? user)
    {
        var folder = Path.Combine(instancesRoot, "s-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(folder);
        var output = Path.Combine(folder, "output.log");
        File.WriteAllText(output, "");
        if (user is not null)
        {
            // The instance user owns the folder (its HOME and TMPDIR) and its output file; the
            // address file, written by the invoker, stays readable to it.
            _ = Libc.Chown(folder, user.Uid, user.Gid);
            _ = Libc.Chown(output, user.Uid, user.Gid);
        }
        return (folder, Path.Combine(folder, "runtime-api"), output);
    }

    /// <summary>Whether a checkpoint answer is the protocol's acknowledgment: <c>{"status":"parked"}</c>.</summary>
    private static bool IsParked(byte[] answer)
    {
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(answer);
            return doc.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object
                && doc.RootElement.TryGetProperty("status", out var status)
                && status.ValueKind == System.Text.Json.JsonValueKind.String && status.GetString() == "parked";
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }

    private static string Shorten(string text) => text.Length <= 200 ? text : text[..200] + "...";

    private static string JsonText(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
}
