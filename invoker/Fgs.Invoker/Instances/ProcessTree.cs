using System.Globalization;

namespace Fgs.Invoker.Instances;

/// <summary>
/// Process trees on Linux through <c>/proc</c>: the descendants of an instance's root process, and
/// killing a tree as a whole (its session/process group and every descendant that left it).
/// </summary>
internal static class ProcessTree
{
    /// <summary>The root and all its descendants (children first found through
    /// <c>/proc/PID/task/TID/children</c>).</summary>
    public static List<int> Collect(int rootPid)
    {
        var result = new List<int>();
        var pending = new Stack<int>();
        pending.Push(rootPid);
        while (pending.Count > 0 && result.Count < 65536)
        {
            var pid = pending.Pop();
            if (result.Contains(pid))
            {
                continue;
            }
            result.Add(pid);
            string[] tasks;
            try
            {
                tasks = Directory.GetDirectories($"/proc/{pid}/task");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }
            foreach (var task in tasks)
            {
                string children;
                try
                {
                    children = File.ReadAllText(Path.Combine(task, "children"));
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    continue;
                }
                foreach (var part in children.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    if (int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var child))
                    {
                        pending.Push(child);
                    }
                }
            }
        }
        return result;
    }

    /// <summary>Kills the whole tree: stops the group first so nothing forks meanwhile, collects the
    /// descendants, then SIGKILLs the group and each descendant.</summary>
    public static void Kill(int rootPid)
    {
        // The root leads its own session and process group (started through setsid).
        _ = Libc.Kill(-rootPid, Libc.SIGSTOP);
        var tree = Collect(rootPid);
        _ = Libc.Kill(-rootPid, Libc.SIGKILL);
        foreach (var pid in tree)
        {
            _ = Libc.Kill(pid, Libc.SIGKILL);
        }
    }

    /// <summary>
    /// Kills the process trees of instances left behind by an invoker that died without stopping
    /// them (<c>kill -9</c>, a crash): every process whose working directory is under
    /// <paramref name="codeRoot"/> (instances run in their unpacked code folder) is killed with its
    /// process group. Returns how many processes were found.
    /// </summary>
    public static int KillLeftovers(string codeRoot)
    {
        var found = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid == Environment.ProcessId)
            {
                continue;
            }
            string? cwd;
            try
            {
                cwd = new DirectoryInfo(Path.Combine(dir, "cwd")).LinkTarget;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }
            if (cwd is null || !(cwd + "/").StartsWith(codeRoot, StringComparison.Ordinal))
            {
                continue;
            }
            found++;
            var group = Libc.GetPgid(pid);
            Kill(group > 1 && group != Libc.GetPgid(Environment.ProcessId) ? group : pid);
            _ = Libc.Kill(pid, Libc.SIGKILL);
        }
        return found;
    }

    /// <summary>True if any process of the list has an open file descriptor on socket <paramref name="inode"/>.</summary>
    public static bool AnyOwnsSocket(IEnumerable<int> pids, ulong inode)
    {
        var target = "socket:[" + inode.ToString(CultureInfo.InvariantCulture) + "]";
        foreach (var pid in pids)
        {
            string[] fds;
            try
            {
                fds = Directory.GetFiles($"/proc/{pid}/fd");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }
            foreach (var fd in fds)
            {
                try
                {
                    if (new FileInfo(fd).LinkTarget == target)
                    {
                        return true;
                    }
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                }
            }
        }
        return false;
    }

    /// <summary>Resident memory of the tree in MB (sum of VmRSS), 0 if unknown.</summary>
    public static int ResidentMegabytes(int rootPid) => ResidentMegabytes(Collect(rootPid));

    /// <summary>Resident memory of the given processes together, in MB (rounded up).</summary>
    public static int ResidentMegabytes(List<int> pids)
    {
        long kb = 0;
        foreach (var pid in pids)
        {
            try
            {
                foreach (var line in File.ReadLines($"/proc/{pid}/status"))
                {
                    if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                    {
                        var digits = line.AsSpan(6).Trim();
                        var end = digits.IndexOf(' ');
                        if (long.TryParse(end < 0 ? digits : digits[..end], NumberStyles.None, CultureInfo.InvariantCulture, out var v))
                        {
                            kb += v;
                        }
                        break;
                    }
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }
        return (int)((kb + 1023) / 1024);
    }
}
