using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;

namespace Fgs.Invoker.Instances;

/// <summary>
/// <c>fgs-spawn</c> processes started ahead of need (<c>--stdin-spec</c>), each waiting on its stdin
/// for the command line of an instance. A cold start that takes one writes the spec and closes the
/// pipe, and the launcher joins the cgroups, drops to the instance user and execs the bootstrap.
/// The <see cref="Process.Start()"/> and the launcher's own exec (about 2 ms on a small VM) are
/// then off the cold start's path. The pool refills in the background once the taker's runtime
/// has answered its first event (or 50 ms after the take), so that a new launcher competes for the
/// CPU neither with the runtime that is starting nor with that first answer; when it is empty, a
/// cold start launches directly. A launcher whose invoker has gone reads end of file and exits.
/// </summary>
internal sealed class LauncherPool : IDisposable
{
    /// <summary>First field of every spec (fgs-spawn checks it).</summary>
    public const string SpecMagic = "fgs-spawn-spec/1";

    private readonly string _spawnPath;
    private readonly int _size;
    private readonly ConcurrentQueue<Process> _ready = new();
    private int _refilling;
    private int _disposed;
    private long _taken;
    private long _missed;

    public LauncherPool(string spawnPath, int size)
    {
        _spawnPath = spawnPath;
        _size = size;
    }

    private static readonly Lock s_sharedGate = new();

    /// <summary>The pool instances use (null: every start launches directly). One per process,
    /// like fgs-spawn itself; its launchers exit with the process (their stdin closes).</summary>
    public static LauncherPool? Shared { get; private set; }

    /// <summary>Creates the shared pool once (when fgs-spawn is shipped and <paramref name="size"/>
    /// is above 0) and starts filling it.</summary>
    public static void EnsureShared(int size)
    {
        if (size <= 0 || Supervisor.SpawnHelperPath is not { } spawn)
        {
            return;
        }
        lock (s_sharedGate)
        {
            Shared ??= new LauncherPool(spawn, size);
        }
        Shared.Fill();
    }

    /// <summary>Launchers taken from the pool.</summary>
    public long Taken => Interlocked.Read(ref _taken);

    /// <summary>Starts that found the pool empty.</summary>
    public long Missed => Interlocked.Read(ref _missed);

    /// <summary>Launchers waiting now.</summary>
    public int Ready => _ready.Count;

    /// <summary>The process ids of the launchers waiting now (for tests and diagnostics).</summary>
    internal int[] WaitingProcessIds => [.. _ready.Select(p => p.Id)];

    /// <summary>Starts launchers in the background until the pool is full.</summary>
    public void Fill()
    {
        if (Volatile.Read(ref _disposed) != 0 || Interlocked.Exchange(ref _refilling, 1) != 0)
        {
            return;
        }
        ThreadPool.UnsafeQueueUserWorkItem(static pool => pool.RefillLoop(), this, preferLocal: false);
    }

    /// <summary>
    /// Refills after <see cref="RefillDelay"/>, unless <see cref="Fill()"/> is called earlier: after
    /// a take, the cold start that took the launcher is still starting its runtime, and a launcher
    /// started at once would compete with it for the CPU. The taker calls <see cref="Fill()"/> once
    /// its runtime has answered its first event; this is the fallback for one that never does.
    /// </summary>
    private void FillLater() =>
        _ = Task.Delay(RefillDelay).ContinueWith(static (_, state) => ((LauncherPool)state!).Fill(), this,
            CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);

    /// <summary>How long after a take the pool starts refilling.</summary>
    internal static readonly TimeSpan RefillDelay = TimeSpan.FromMilliseconds(50);

    private void RefillLoop()
    {
        try
        {
            while (Volatile.Read(ref _disposed) == 0 && _ready.Count < _size)
            {
                var launcher = StartLauncher();
                if (launcher is null)
                {
                    return;
                }
                _ready.Enqueue(launcher);
                if (Volatile.Read(ref _disposed) != 0)
                {
                    Drain();
                }
            }
        }
        finally
        {
            Volatile.Write(ref _refilling, 0);
        }
    }

    private Process? StartLauncher()
    {
        var psi = new ProcessStartInfo(_spawnPath)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = "/",
        };
        psi.ArgumentList.Add("--stdin-spec");
        psi.Environment.Clear();
        try
        {
            return Process.Start(psi);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
        {
            return null;
        }
    }

    /// <summary>
    /// Hands a waiting launcher the command line of an instance (fgs-spawn options, then
    /// <c>--</c>, the program and its arguments): returns the process, which becomes the bootstrap,
    /// or null when no launcher is waiting (then the caller starts one directly).
    /// </summary>
    public Process? TryLaunch(IReadOnlyList<string> fields)
    {
        while (_ready.TryDequeue(out var launcher))
        {
            if (launcher.HasExited)
            {
                launcher.Dispose();
                continue;
            }
            try
            {
                var stdin = launcher.StandardInput.BaseStream;
                stdin.Write(EncodeSpec(fields));
                launcher.StandardInput.Close();
            }
            catch (IOException)
            {
                // It went away between the check and the write.
                Kill(launcher);
                launcher.Dispose();
                continue;
            }
            Interlocked.Increment(ref _taken);
            FillLater();
            return launcher;
        }
        Interlocked.Increment(ref _missed);
        FillLater();
        return null;
    }

    /// <summary>The spec as fgs-spawn reads it: the magic field, then each field, NUL-terminated.</summary>
    public static byte[] EncodeSpec(IReadOnlyList<string> fields)
    {
        var length = Encoding.UTF8.GetByteCount(SpecMagic) + 1;
        foreach (var f in fields)
        {
            if (f.Contains('\0', StringComparison.Ordinal))
            {
                throw new ArgumentException("a launcher field cannot contain NUL: " + f);
            }
            length += Encoding.UTF8.GetByteCount(f) + 1;
        }
        var bytes = new byte[length];
        var at = Encoding.UTF8.GetBytes(SpecMagic, bytes);
        bytes[at++] = 0;
        foreach (var f in fields)
        {
            at += Encoding.UTF8.GetBytes(f, bytes.AsSpan(at));
            bytes[at++] = 0;
        }
        return bytes;
    }

    /// <summary>Lets every waiting launcher go: each reads end of file and exits.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        Drain();
    }

    private void Drain()
    {
        while (_ready.TryDequeue(out var launcher))
        {
            try
            {
                launcher.StandardInput.Close();
                if (!launcher.WaitForExit(1000))
                {
                    Kill(launcher);
                }
            }
            catch (Exception e) when (e is IOException or InvalidOperationException)
            {
                Kill(launcher);
            }
            launcher.Dispose();
        }
    }

    private static void Kill(Process launcher)
    {
        try
        {
            launcher.Kill();
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
        }
    }
}
