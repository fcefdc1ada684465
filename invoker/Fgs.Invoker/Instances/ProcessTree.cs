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
        foreach (var pid in pids)
        {
            if (OwnsSocket(pid, inode))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// True if process <paramref name="pid"/> has an open file descriptor on socket
    /// <paramref name="inode"/>: its <c>/proc/PID/fd</c> links are read with <c>getdents64</c> and
    /// <c>readlinkat</c>, newest descriptor first (the connection being checked is usually the last
    /// one opened), without allocating and without the <c>stat</c> per entry of a .NET directory
    /// listing. False when the process is gone or its descriptors cannot be read.
    /// </summary>
    public static unsafe bool OwnsSocket(int pid, ulong inode)
    {
        Span<byte> target = stackalloc byte[40];
        "socket:["u8.CopyTo(target);
        var length = 8;
        if (!System.Buffers.Text.Utf8Formatter.TryFormat(inode, target[length..], out var digits))
        {
            return false;
        }
        length += digits;
        target[length++] = (byte)']';
        target = target[..length];

        Span<byte> path = stackalloc byte[32];
        if (!System.Text.Unicode.Utf8.TryWrite(path, CultureInfo.InvariantCulture, $"/proc/{pid}/fd\0", out _))
        {
            return false;
        }
        int dir;
        fixed (byte* p = path)
        {
            dir = Libc.Open(p, Libc.O_RDONLY | Libc.O_DIRECTORY | Libc.O_CLOEXEC);
        }
        if (dir < 0)
        {
            return false;
        }
        try
        {
            // Descriptor numbers in listing order (ascending), then checked from the last.
            Span<int> fds = stackalloc int[256];
            var count = 0;
            var buffer = stackalloc byte[4096];
            List<int>? more = null;
            while (true)
            {
                var n = Libc.GetDents64(dir, buffer, 4096);
                if (n <= 0)
                {
                    break;
                }
                for (var at = 0; at < n;)
                {
                    // struct linux_dirent64: u64 d_ino, s64 d_off, u16 d_reclen, u8 d_type, char d_name[]
                    var reclen = *(ushort*)(buffer + at + 16);
                    var name = new ReadOnlySpan<byte>(buffer + at + 19, reclen - 19);
                    name = name[..Math.Max(0, name.IndexOf((byte)0))];
                    if (System.Buffers.Text.Utf8Parser.TryParse(name, out int fd, out var used) && used == name.Length)
                    {
                        if (count < fds.Length)
                        {
                            fds[count++] = fd;
                        }
                        else
                        {
                            (more ??= []).Add(fd);
                        }
                    }
                    at += reclen;
                }
            }
            Span<byte> link = stackalloc byte[64];
            for (var i = (more?.Count ?? 0) - 1; i >= 0; i--)
            {
                if (LinksTo(dir, more![i], target, link))
                {
                    return true;
                }
            }
            for (var i = count - 1; i >= 0; i--)
            {
                if (LinksTo(dir, fds[i], target, link))
                {
                    return true;
                }
            }
            return false;
        }
        finally
        {
            _ = Libc.Close(dir);
        }
    }

    private static unsafe bool LinksTo(int dir, int fd, ReadOnlySpan<byte> target, Span<byte> link)
    {
        Span<byte> name = stackalloc byte[16];
        if (!System.Buffers.Text.Utf8Formatter.TryFormat(fd, name, out var written) || written >= name.Length)
        {
            return false;
        }
        name[written] = 0;
        long n;
        fixed (byte* namePtr = name)
        fixed (byte* linkPtr = link)
        {
            n = Libc.ReadLinkAt(dir, namePtr, linkPtr, (nuint)link.Length);
        }
        return n == target.Length && link[..(int)n].SequenceEqual(target);
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
