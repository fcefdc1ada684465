using System.Globalization;

namespace Fgs.Invoker.Instances;

/// <summary>
/// The control groups this invoker puts its instances in, found once at start: cgroup v2 when the
/// unified hierarchy offers the memory and cpu controllers to us, else the v1 memory, cpu, freezer
/// and pids hierarchies, else none (then instances run unlimited and idle mode pauses with
/// SIGSTOP). Every instance gets its own group under
/// <c>&lt;the invoker's own group&gt;/fgs/inv-PID-N/&lt;instance id&gt;</c>, so the invoker's own limit
/// still bounds them all, and groups left behind by an invoker that was killed are removed by the
/// next one.
/// </summary>
internal sealed class CgroupHost
{
    private static int s_sequence;

    private readonly string[] _v1Roots; // memory, cpu, freezer, pids (v1), each "" when absent
    private readonly string _v2Root = "";

    private CgroupHost(CgroupMode mode, string reason, string[] v1Roots, string v2Root)
    {
        Mode = mode;
        Reason = reason;
        _v1Roots = v1Roots;
        _v2Root = v2Root;
    }

    /// <summary>Which cgroup interface instances are placed with.</summary>
    public CgroupMode Mode { get; }

    /// <summary>What was found (or why nothing is used), for the start-up log.</summary>
    public string Reason { get; }

    /// <summary>Whether idle instances can be frozen through a cgroup freezer.</summary>
    public bool CanFreeze => Mode == CgroupMode.V2 || (Mode == CgroupMode.V1 && _v1Roots[2].Length > 0);

    /// <summary>A host where instances get no cgroups (for tests and hosts without them).</summary>
    public static CgroupHost None(string reason) => new(CgroupMode.None, reason, ["", "", "", ""], "");

    /// <summary>Finds the hierarchies, creates this invoker's parent groups and removes those of
    /// invokers that are gone.</summary>
    public static CgroupHost Detect()
    {
        List<(string Type, string Root, string MountPoint, string Options)> mounts;
        string[] selfLines;
        try
        {
            mounts = ReadCgroupMounts();
            selfLines = File.ReadAllLines("/proc/self/cgroup");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return None("cannot read /proc/self/mountinfo or /proc/self/cgroup: " + e.Message);
        }
        var name = $"inv-{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}-{Interlocked.Increment(ref s_sequence).ToString(CultureInfo.InvariantCulture)}";

        // v2: the unified hierarchy, when it offers memory and cpu to our group's children.
        var unified = mounts.FirstOrDefault(m => m.Type == "cgroup2");
        var v2Self = selfLines.FirstOrDefault(l => l.StartsWith("0::", StringComparison.Ordinal));
        string? v2Why = null;
        if (unified.MountPoint is not null && v2Self is not null)
        {
            var own = Join(unified.MountPoint, Relative(unified.Root, v2Self[3..]));
            var root = TryPrepareV2(own, name, out v2Why);
            if (root is not null)
            {
                return new CgroupHost(CgroupMode.V2, $"cgroup v2 at {root} (memory.max, cpu.weight, cgroup.freeze)", ["", "", "", ""], root);
            }
        }

        // v1: one hierarchy per controller.
        string[] controllers = ["memory", "cpu", "freezer", "pids"];
        var roots = new string[4];
        var found = new List<string>();
        for (var i = 0; i < controllers.Length; i++)
        {
            roots[i] = "";
            var c = controllers[i];
            var mount = mounts.FirstOrDefault(m => m.Type == "cgroup" && m.Options.Split(',').Contains(c));
            var line = selfLines.Select(l => l.Split(':', 3)).FirstOrDefault(p => p.Length == 3 && p[1].Split(',').Contains(c));
            if (mount.MountPoint is null || line is null)
            {
                continue;
            }
            var dir = Join(Join(mount.MountPoint, Relative(mount.Root, line[2])), "fgs");
            try
            {
                Directory.CreateDirectory(dir);
                RemoveLeftovers(dir);
                var mine = Join(dir, name);
                Directory.CreateDirectory(mine);
                if (c == "cpu")
                {
                    // Instances share CPU among themselves by memory size (their own cpu.shares);
                    // as a whole they weigh as much as one busy thread per CPU, so that under
                    // contention they are not squeezed into the share of a single thread next to
                    // the invoker's own threads (which made their wake-ups, and so the tail
                    // latency, wait behind the invoker's I/O).
                    TryWrite(dir, "cpu.shares", (1024 * Environment.ProcessorCount).ToString(CultureInfo.InvariantCulture));
                    TryWrite(mine, "cpu.shares", (1024 * Environment.ProcessorCount).ToString(CultureInfo.InvariantCulture));
                }
                if (File.Exists(Join(mine, "cgroup.procs")))
                {
                    roots[i] = mine;
                    found.Add(c);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Not writable for us (an unprivileged invoker, a read-only mount): this controller is not used.
            }
        }
        if (roots[2].Length > 0)
        {
            KeepFreezerActive(roots[2]);
        }
        if (roots[0].Length == 0)
        {
            var why = v2Why ?? "no cgroup v2 hierarchy";
            return None($"no writable memory cgroup ({why}; cgroup v1 memory controller {(mounts.Any(m => m.Type == "cgroup" && m.Options.Split(',').Contains("memory")) ? "not writable" : "not mounted")})");
        }
        return new CgroupHost(CgroupMode.V1, $"cgroup v1 ({string.Join(", ", found)}) under {Path.GetDirectoryName(roots[0])}", roots, "");
    }

    /// <summary>Creates the group of one instance with its memory limit and CPU weight; null when
    /// this host has no cgroups. Throws <see cref="IOException"/> when the group cannot be made.</summary>
    /// <param name="instanceId">The instance.</param>
    /// <param name="memoryMb">The memory limit (the function's memory size).</param>
    /// <param name="cpuMillicores">The CPU share (proportional to memory).</param>
    public InstanceCgroup? Create(string instanceId, int memoryMb, int cpuMillicores)
    {
        var limit = (long)memoryMb * 1024 * 1024;
        switch (Mode)
        {
            case CgroupMode.V2:
            {
                var dir = Join(_v2Root, instanceId);
                Directory.CreateDirectory(dir);
                var group = new InstanceCgroup(CgroupMode.V2, [dir], memoryDir: dir, freezerDir: dir);
                try
                {
                    Write(dir, "memory.max", limit);
                    TryWrite(dir, "memory.swap.max", "0");
                    // cpu.weight 1-10000 where 100 is the default share: a 1-vCPU instance weighs 100.
                    Write(dir, "cpu.weight", Math.Clamp(cpuMillicores / 10, 1, 10000));
                }
                catch
                {
                    group.Dispose();
                    throw;
                }
                return group;
            }
            case CgroupMode.V1:
            {
                var dirs = new List<string>(4);
                foreach (var root in _v1Roots)
                {
                    if (root.Length > 0)
                    {
                        var dir = Join(root, instanceId);
                        Directory.CreateDirectory(dir);
                        dirs.Add(dir);
                    }
                }
                var memoryDir = Join(_v1Roots[0], instanceId);
                var group = new InstanceCgroup(CgroupMode.V1, [.. dirs], memoryDir,
                    _v1Roots[2].Length > 0 ? Join(_v1Roots[2], instanceId) : null);
                try
                {
                    Write(memoryDir, "memory.limit_in_bytes", limit);
                    // Memory plus swap at the same value: no swapping past the limit (absent when the
                    // kernel has swap accounting off).
                    TryWrite(memoryDir, "memory.memsw.limit_in_bytes", limit.ToString(CultureInfo.InvariantCulture));
                    if (_v1Roots[1].Length > 0)
                    {
                        // cpu.shares, 1024 being one CPU's default share: proportional to the instance's millicores.
                        Write(Join(_v1Roots[1], instanceId), "cpu.shares", Math.Max(2, cpuMillicores * 1024 / 1000));
                    }
                }
                catch
                {
                    group.Dispose();
                    throw;
                }
                return group;
            }
            default:
                return null;
        }
    }

    /// <summary>Removes this invoker's parent groups (once its instances are gone).</summary>
    public void Close()
    {
        foreach (var root in _v1Roots.Append(_v2Root))
        {
            if (root.Length > 0)
            {
                InstanceCgroup.KillAndRemove(root);
            }
        }
    }

    /// <summary>
    /// Keeps one empty v1 group frozen for as long as the invoker runs. The kernel switches its
    /// freezer on and off globally when the first group freezes and the last one thaws (a static
    /// key: code patching that costs milliseconds); with this group frozen, freezing and thawing an
    /// instance stays a cheap state change. Measured here: thaw 11 ms on average (60 ms at worst)
    /// without it, 0.3 ms with it (bench/thaw-latency.sh).
    /// </summary>
    private static void KeepFreezerActive(string freezerRoot)
    {
        try
        {
            var sentinel = Join(freezerRoot, "frozen-sentinel");
            Directory.CreateDirectory(sentinel);
            File.WriteAllText(Join(sentinel, "freezer.state"), "FROZEN");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Only a speed-up: freezing still works without it.
        }
    }

    private static string? TryPrepareV2(string own, string name, out string? why)
    {
        why = null;
        try
        {
            var available = File.ReadAllText(Join(own, "cgroup.controllers")).Split(' ', '\n', StringSplitOptions.RemoveEmptyEntries);
            if (!available.Contains("memory") || !available.Contains("cpu"))
            {
                why = $"cgroup v2 offers [{string.Join(' ', available)}] to this process, not memory and cpu";
                return null;
            }
            var parent = Join(own, "fgs");
            Directory.CreateDirectory(parent);
            // Controllers are given to a group's children only by a group without processes of its
            // own: "fgs" holds none, our own group may (then it must already delegate them to children).
            File.WriteAllText(Join(own, "cgroup.subtree_control"), "+memory +cpu");
            File.WriteAllText(Join(parent, "cgroup.subtree_control"), "+memory +cpu");
            RemoveLeftovers(parent);
            var mine = Join(parent, name);
            Directory.CreateDirectory(mine);
            File.WriteAllText(Join(mine, "cgroup.subtree_control"), "+memory +cpu");
            return mine;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            why = "cgroup v2 controllers cannot be delegated to instances: " + e.Message;
            return null;
        }
    }

    /// <summary>Removes the groups of invokers that are no longer running ("inv-PID-N").</summary>
    private static void RemoveLeftovers(string parent)
    {
        foreach (var dir in Directory.GetDirectories(parent, "inv-*"))
        {
            var parts = Path.GetFileName(dir).Split('-');
            if (parts.Length == 3 && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && pid != Environment.ProcessId && !Directory.Exists($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}"))
            {
                InstanceCgroup.KillAndRemove(dir);
            }
        }
    }

    private static List<(string Type, string Root, string MountPoint, string Options)> ReadCgroupMounts()
    {
        // mountinfo: "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS [OPTIONAL...] - FSTYPE SOURCE SUPEROPTS".
        var result = new List<(string, string, string, string)>();
        foreach (var line in File.ReadLines("/proc/self/mountinfo"))
        {
            var dash = line.IndexOf(" - ", StringComparison.Ordinal);
            if (dash < 0)
            {
                continue;
            }
            var left = line[..dash].Split(' ');
            var right = line[(dash + 3)..].Split(' ');
            if (left.Length < 5 || right.Length < 3 || (right[0] != "cgroup" && right[0] != "cgroup2"))
            {
                continue;
            }
            result.Add((right[0], Unescape(left[3]), Unescape(left[4]), right[2]));
        }
        return result;
    }

    private static string Unescape(string s) => s.Replace("\\040", " ", StringComparison.Ordinal);

    private static string Relative(string mountRoot, string path)
    {
        if (mountRoot != "/" && path.StartsWith(mountRoot, StringComparison.Ordinal))
        {
            path = path[mountRoot.Length..];
        }
        return path.TrimStart('/');
    }

    private static string Join(string a, string b) => b.Length == 0 ? a : Path.Combine(a, b);

    private static void Write(string dir, string file, long value)
        => File.WriteAllText(Path.Combine(dir, file), value.ToString(CultureInfo.InvariantCulture));

    private static void TryWrite(string dir, string file, string value)
    {
        try
        {
            File.WriteAllText(Path.Combine(dir, file), value);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }
}
