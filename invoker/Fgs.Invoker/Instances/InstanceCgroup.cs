using System.Diagnostics;
using System.Globalization;

namespace Fgs.Invoker.Instances;

/// <summary>
/// One instance's control group (one directory per v1 hierarchy, or one v2 directory): the
/// bootstrap joins it before exec (through <c>fgs-spawn</c>), so every process the instance starts
/// stays inside, is limited with it, freezes with it and is killed with it.
/// </summary>
internal sealed class InstanceCgroup : IDisposable
{
    private readonly CgroupMode _mode;
    private readonly string _memoryDir;
    private readonly string? _freezerDir;
    private bool _disposed;

    public InstanceCgroup(CgroupMode mode, string[] directories, string memoryDir, string? freezerDir)
    {
        _mode = mode;
        Directories = directories;
        _memoryDir = memoryDir;
        _freezerDir = freezerDir;
    }

    /// <summary>The group's directories (what the bootstrap joins).</summary>
    public string[] Directories { get; }

    /// <summary>Whether the group can be frozen.</summary>
    public bool CanFreeze => _freezerDir is not null;

    /// <summary>How many times the kernel's OOM killer killed a process of this group for
    /// reaching the memory limit.</summary>
    public long OomKills()
    {
        // v1: memory.oom_control has "oom_kill N" (Linux 4.13+); v2: memory.events has "oom_kill N".
        var file = _mode == CgroupMode.V2 ? "memory.events" : "memory.oom_control";
        try
        {
            foreach (var line in File.ReadLines(Path.Combine(_memoryDir, file)))
            {
                if (line.StartsWith("oom_kill ", StringComparison.Ordinal)
                    && long.TryParse(line.AsSpan(9), NumberStyles.None, CultureInfo.InvariantCulture, out var n))
                {
                    return n;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        return 0;
    }

    /// <summary>Peak memory use of the group in bytes (0 when unknown).</summary>
    public long PeakMemoryBytes()
    {
        var file = _mode == CgroupMode.V2 ? "memory.peak" : "memory.max_usage_in_bytes";
        try
        {
            return long.TryParse(File.ReadAllText(Path.Combine(_memoryDir, file)).AsSpan().Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    /// <summary>Freezes every process of the group and waits until the kernel says it is frozen.
    /// Returns false when the group cannot be frozen.</summary>
    public bool Freeze()
    {
        if (_freezerDir is null)
        {
            return false;
        }
        try
        {
            if (_mode == CgroupMode.V2)
            {
                File.WriteAllText(Path.Combine(_freezerDir, "cgroup.freeze"), "1");
                return WaitFor(() => File.ReadAllText(Path.Combine(_freezerDir, "cgroup.events")).Contains("frozen 1", StringComparison.Ordinal));
            }
            File.WriteAllText(Path.Combine(_freezerDir, "freezer.state"), "FROZEN");
            return WaitFor(() => File.ReadAllText(Path.Combine(_freezerDir, "freezer.state")).StartsWith("FROZEN", StringComparison.Ordinal));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Thaws the group (no-op when it is not frozen).</summary>
    public void Thaw()
    {
        if (_freezerDir is null)
        {
            return;
        }
        try
        {
            if (_mode == CgroupMode.V2)
            {
                File.WriteAllText(Path.Combine(_freezerDir, "cgroup.freeze"), "0");
            }
            else
            {
                File.WriteAllText(Path.Combine(_freezerDir, "freezer.state"), "THAWED");
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    /// <summary>Process ids in the group.</summary>
    public List<int> Processes() => ReadProcs(Directories.Length > 0 ? Directories[0] : _memoryDir);

    /// <summary>SIGKILLs every process in the group (thawing it first: a frozen v1 task only dies once thawed).</summary>
    public void KillAll()
    {
        Thaw();
        foreach (var dir in Directories)
        {
            KillProcs(dir);
        }
    }

    /// <summary>Kills what is left in the group and removes its directories.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        Thaw();
        foreach (var dir in Directories)
        {
            KillAndRemove(dir);
        }
    }

    /// <summary>Kills every process in the group at <paramref name="dir"/> and below, then removes
    /// the directories (bottom up; a group can be removed once its processes have exited).</summary>
    public static void KillAndRemove(string dir)
    {
        string[] children;
        try
        {
            children = Directory.GetDirectories(dir);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return;
        }
        foreach (var child in children)
        {
            KillAndRemove(child);
        }
        TryThawV1(dir);
        KillProcs(dir);
        // Killed processes leave the group when the kernel has reaped them: retry briefly.
        var sw = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                Directory.Delete(dir);
                return;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                if (sw.ElapsedMilliseconds > 2000 || e is DirectoryNotFoundException)
                {
                    return;
                }
                Thread.Sleep(5);
            }
        }
    }

    private static void TryThawV1(string dir)
    {
        var state = Path.Combine(dir, "freezer.state");
        if (File.Exists(state))
        {
            try { File.WriteAllText(state, "THAWED"); } catch (IOException) { }
        }
        var freeze = Path.Combine(dir, "cgroup.freeze");
        if (File.Exists(freeze))
        {
            try { File.WriteAllText(freeze, "0"); } catch (IOException) { }
        }
    }

    private static void KillProcs(string dir)
    {
        foreach (var pid in ReadProcs(dir))
        {
            _ = Libc.Kill(pid, Libc.SIGKILL);
        }
    }

    private static List<int> ReadProcs(string dir)
    {
        var result = new List<int>();
        try
        {
            foreach (var line in File.ReadLines(Path.Combine(dir, "cgroup.procs")))
            {
                if (int.TryParse(line, NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
                {
                    result.Add(pid);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        return result;
    }

    private static bool WaitFor(Func<bool> done)
    {
        // v1 freezing is asynchronous (FREEZING until every task has stopped); it normally takes
        // microseconds, so poll briefly rather than block a thread for long.
        var sw = Stopwatch.StartNew();
        while (!done())
        {
            if (sw.ElapsedMilliseconds > 1000)
            {
                return false;
            }
            Thread.Yield();
        }
        return true;
    }
}
