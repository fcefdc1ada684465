using System.Diagnostics;
using System.Globalization;

namespace Fgs.Snapshot.Processes;

/// <summary>
/// Starts an instance so that it can be checkpointed and restored many times at once: as the init of
/// its own PID namespace (<c>unshare --pid --fork</c>) and leader of its own session (<c>setsid</c>),
/// so a restore can give every copy the same process ids in a fresh namespace. The mount namespace is
/// shared, so copies see the same files. File descriptor 3 is open on a file holding the runtime API
/// address (<see cref="AddressFd"/>): a restored copy is handed its own file there, and re-reads
/// <c>/proc/self/fd/3</c> when it reconnects. Stdout and stderr go to a file, which a copy also gets
/// its own of. Stdin is a pipe whose write end the caller holds (<see cref="System.Diagnostics.Process.StandardInput"/>):
/// at a checkpoint the runtime closes its sockets and blocks reading it; a restored copy reads
/// end-of-file at once, and the original wakes when the caller closes it.
/// <para>The namespace init gets no parent-death signal (no <c>unshare --kill-child</c>): CRIU saves
/// and restores <c>PR_SET_PDEATHSIG</c>, and a restored copy's parent is the <c>criu restore</c>
/// process, which exits as soon as the copy runs, so every copy would be killed at once. An instance
/// is stopped with <see cref="KillNamespace"/> instead.</para>
/// <para>With <see cref="NamespacedLaunch.UserId"/> set, the program runs as that user and group (no
/// supplementary groups) through <c>setpriv</c>, under a namespace init that stays root and only waits
/// for it: <c>criu dump</c> gets the namespace's <c>/proc</c> by mounting one from inside its init,
/// which an unprivileged init cannot ("Can't create a directory", "Can't get /proc fd"). The address
/// and output files are opened before the drop; the runtime re-reads the address file through
/// <c>/proc/self/fd/3</c>, so that file must be readable by the user.</para>
/// </summary>
public static class PidNamespaceLauncher
{
    /// <summary>The descriptor that holds the runtime API address file (<c>RUNTIME_API_ADDR_FD</c>).</summary>
    public const int AddressFd = 3;

    /// <summary>Path of util-linux <c>setpriv</c>, which drops an instance to its user; null when missing.</summary>
    public static string? SetprivPath { get; } = new[] { "/usr/bin/setpriv", "/bin/setpriv" }.FirstOrDefault(File.Exists);

    /// <summary>Why an instance cannot run as another user and still be checkpointed here; null when
    /// it can. Besides root and <c>setpriv</c>, <c>criu dump</c> needs <c>CAP_SYS_RESOURCE</c>: it reads
    /// each process's resource limits with <c>prlimit</c>, which a process of another user refuses
    /// without it ("Can't get rlimit 0: Operation not permitted"). Containers often lack it.</summary>
    public static string? UserSwitchUnavailableReason { get; } = FindUserSwitchProblem();

    private static string? FindUserSwitchProblem()
    {
        if (SetprivPath is null)
            return "setpriv is missing";
        try
        {
            var status = File.ReadAllLines("/proc/self/status");
            var uid = status.FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal))?.Split('\t', StringSplitOptions.RemoveEmptyEntries);
            if (uid is not { Length: > 2 } || uid[2] != "0")
                return "not running as root";
            var capEff = status.FirstOrDefault(l => l.StartsWith("CapEff:", StringComparison.Ordinal))?.Split('\t', StringSplitOptions.RemoveEmptyEntries);
            const int CapSysResource = 24;
            if (capEff is not { Length: > 1 }
                || !ulong.TryParse(capEff[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var caps)
                || (caps & (1UL << CapSysResource)) == 0)
                return "this process lacks CAP_SYS_RESOURCE, which criu dump needs to read the resource limits of another user's process";
            return null;
        }
        catch (IOException e)
        {
            return "cannot read /proc/self/status: " + e.Message;
        }
    }

    /// <summary>Starts <paramref name="launch"/>; returns the <c>unshare</c> parent, whose only child
    /// is the namespace's init (see <see cref="WaitForNamespaceInitAsync"/>).</summary>
    public static Process Start(NamespacedLaunch launch)
    {
        var psi = new ProcessStartInfo("/bin/sh")
        {
            UseShellExecute = false,
            // Stdin is a pipe this process holds: the runtime parks on it at a checkpoint.
            RedirectStandardInput = true,
            WorkingDirectory = launch.WorkingDirectory,
        };
        // The shell opens the files (paths as positional parameters, no quoting) and execs unshare.
        psi.ArgumentList.Add("-c");
        // Dropping to another user, the namespace init stays a root shell that starts the program
        // (through setpriv, with stdin passed on) and waits for it: CRIU dumps a PID namespace through
        // a /proc of that namespace, which it mounts from inside the init, and that needs privilege.
        var init = launch.UserId is null ? "" : "/bin/sh -c 'exec 9<&0; \"$@\" <&9 9<&- & exec 9<&-; wait $!' fgs-init ";
        psi.ArgumentList.Add($"a=$1; o=$2; shift 2; exec unshare --pid --fork setsid {init}\"$@\" {AddressFd}<\"$a\" >>\"$o\" 2>&1");
        psi.ArgumentList.Add("sh");
        psi.ArgumentList.Add(launch.AddressFile);
        psi.ArgumentList.Add(launch.OutputFile);
        if (launch.UserId is { } uid)
        {
            var gid = launch.GroupId ?? throw new ArgumentException("a user id needs a group id", nameof(launch));
            psi.ArgumentList.Add(SetprivPath ?? throw new InvalidOperationException("setpriv is missing: cannot start the instance as another user"));
            psi.ArgumentList.Add("--reuid=" + uid.ToString(CultureInfo.InvariantCulture));
            psi.ArgumentList.Add("--regid=" + gid.ToString(CultureInfo.InvariantCulture));
            psi.ArgumentList.Add("--clear-groups");
            psi.ArgumentList.Add("--");
        }
        psi.ArgumentList.Add(launch.FileName);
        foreach (var a in launch.Arguments)
            psi.ArgumentList.Add(a);
        psi.Environment.Clear();
        foreach (var (k, v) in launch.Environment)
            psi.Environment[k] = v;
        psi.Environment["RUNTIME_API_ADDR_FD"] = AddressFd.ToString(CultureInfo.InvariantCulture);
        return Process.Start(psi) ?? throw new InvalidOperationException("the instance did not start");
    }

    /// <summary>Waits for the namespace init under <paramref name="unsharePid"/> and returns its host pid.</summary>
    public static async Task<int> WaitForNamespaceInitAsync(int unsharePid, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            if (FirstChild(unsharePid) is { } child)
                return child;
            if (!Directory.Exists($"/proc/{unsharePid}"))
                throw new InvalidOperationException($"process {unsharePid} exited before its namespace started");
            if (Stopwatch.GetTimestamp() > deadline)
                throw new TimeoutException($"no namespace init under process {unsharePid}");
            await Task.Delay(2, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The first child of <paramref name="pid"/>, from <c>/proc/PID/task/PID/children</c>.</summary>
    public static int? FirstChild(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/task/{pid}/children");
            var end = text.IndexOf(' ', StringComparison.Ordinal);
            var first = end < 0 ? text.Trim() : text[..end];
            return int.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var child) ? child : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Waits until no process of the tree under <paramref name="rootPid"/> holds a TCP socket: the
    /// runtime has answered its <c>checkpoint</c> event and parked. CRIU cannot carry TCP sockets on
    /// every kernel, so a dump starts only then.</summary>
    public static async Task WaitUntilNoSocketsAsync(int rootPid, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (HoldsTcpSocket(rootPid, TcpInodes(rootPid), UnixInodes(rootPid)))
        {
            if (Stopwatch.GetTimestamp() > deadline)
                throw new TimeoutException($"process tree {rootPid} still holds a TCP socket");
            await Task.Delay(2, cancellationToken).ConfigureAwait(false);
        }
    }

    private static HashSet<string> TcpInodes(int pid)
    {
        var inodes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var table in new[] { "tcp", "tcp6" })
        {
            try
            {
                foreach (var line in File.ReadLines($"/proc/{pid}/net/{table}").Skip(1))
                {
                    var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    if (fields.Length > 9)
                        inodes.Add(fields[9]);
                }
            }
            catch (IOException)
            {
            }
        }
        return inodes;
    }

    private static HashSet<string> UnixInodes(int pid)
    {
        var inodes = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/net/unix").Skip(1))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length > 6)
                    inodes.Add(fields[6]);
            }
        }
        catch (IOException)
        {
        }
        return inodes;
    }

    // A socket counts when it is in the TCP tables, or in no Unix table: a TCP socket that is created
    // but not yet connected (a runtime opening a connection) is listed nowhere, and CRIU cannot dump it.
    private static bool HoldsTcpSocket(int pid, HashSet<string> tcpInodes, HashSet<string> unixInodes)
    {
        try
        {
            foreach (var fd in Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd"))
            {
                var target = new FileInfo(fd).LinkTarget;
                if (target is not null && target.StartsWith("socket:[", StringComparison.Ordinal)
                    && target["socket:[".Length..^1] is var inode && (tcpInodes.Contains(inode) || !unixInodes.Contains(inode)))
                    return true;
            }
            foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
            {
                var children = File.ReadAllText(Path.Combine(task, "children"));
                foreach (var child in children.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    if (int.TryParse(child, NumberStyles.None, CultureInfo.InvariantCulture, out var c) && HoldsTcpSocket(c, tcpInodes, unixInodes))
                        return true;
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return false;
    }

    /// <summary>Whether <paramref name="pid"/> is alive (not gone and not a zombie).</summary>
    public static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var close = stat.LastIndexOf(')');
            return close > 0 && close + 2 < stat.Length && stat[close + 2] != 'Z' && stat[close + 2] != 'X';
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Kills a namespace init, which takes every process of its namespace with it.</summary>
    public static void KillNamespace(int initPid)
    {
        try
        {
            using var p = Process.GetProcessById(initPid);
            p.Kill();
        }
        catch (ArgumentException)
        {
        }
        catch (InvalidOperationException)
        {
        }
        catch (System.ComponentModel.Win32Exception)
        {
        }
    }
}
