using System.Globalization;
using System.Runtime.InteropServices;

namespace Fgs.Harness.Load;

/// <summary>
/// CPU time and resident memory of a process and its descendants, read from <c>/proc</c>.
/// CPU is utime + stime in clock ticks (usually 10 ms each), so measure over seconds.
/// </summary>
public static partial class ProcessMeter
{
    private const int ScClkTck = 2;

    /// <summary>Clock ticks per second (<c>sysconf(_SC_CLK_TCK)</c>).</summary>
    public static readonly long TicksPerSecond = Math.Max(1, Sysconf(ScClkTck));

    /// <summary>utime + stime of one process in seconds, or 0 if it is gone.</summary>
    public static double CpuSeconds(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText("/proc/" + pid.ToString(CultureInfo.InvariantCulture) + "/stat");
        }
        catch (IOException)
        {
            return 0;
        }
        // Fields after "(comm)": state is field 3, utime field 14, stime field 15.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return (double)ticks / TicksPerSecond;
    }

    /// <summary>
    /// Time on a CPU of every thread of a process so far, in seconds, from
    /// <c>/proc/PID/task/TID/schedstat</c> (nanoseconds: precise for short-lived processes, where
    /// <see cref="CpuSeconds"/> counts 10 ms ticks); NaN if it is gone.
    /// </summary>
    public static double OnCpuSeconds(int pid)
    {
        long nanoseconds = 0;
        try
        {
            foreach (var task in Directory.EnumerateDirectories("/proc/" + pid.ToString(CultureInfo.InvariantCulture) + "/task"))
            {
                nanoseconds += long.Parse(File.ReadAllText(Path.Combine(task, "schedstat")).Split(' ')[0], CultureInfo.InvariantCulture);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return double.NaN;
        }
        return nanoseconds / 1e9;
    }

    /// <summary>True when the process is gone or a zombie (exited, not yet reaped by its parent).</summary>
    public static bool HasExited(int pid)
    {
        try
        {
            var stat = File.ReadAllText("/proc/" + pid.ToString(CultureInfo.InvariantCulture) + "/stat");
            // "pid (comm) S ...": the state follows the last ')'.
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ', 2)[0] is "Z" or "X";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return true;
        }
    }

    /// <summary>Summed CPU seconds of every descendant of <paramref name="pid"/> (not itself).</summary>
    public static double DescendantsCpuSeconds(int pid) => Descendants(pid).Sum(CpuSeconds);

    /// <summary>VmRSS in bytes, or 0 if the process is gone.</summary>
    public static long RssBytes(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/" + pid.ToString(CultureInfo.InvariantCulture) + "/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    var kib = line["VmRSS:".Length..].Trim().Split(' ')[0];
                    return long.Parse(kib, CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (IOException)
        {
        }
        return 0;
    }

    /// <summary>Every descendant pid, found through <c>/proc/PID/task/TID/children</c>.</summary>
    public static List<int> Descendants(int pid)
    {
        var result = new List<int>();
        var pending = new Stack<int>();
        pending.Push(pid);
        while (pending.Count > 0)
        {
            var parent = pending.Pop();
            string[] tasks;
            try
            {
                tasks = Directory.GetDirectories("/proc/" + parent.ToString(CultureInfo.InvariantCulture) + "/task");
            }
            catch (IOException)
            {
                continue;
            }
            catch (UnauthorizedAccessException)
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
                catch (IOException)
                {
                    continue;
                }
                foreach (var child in children.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    var childPid = int.Parse(child, CultureInfo.InvariantCulture);
                    result.Add(childPid);
                    pending.Push(childPid);
                }
            }
        }
        return result;
    }

    [LibraryImport("libc", EntryPoint = "sysconf")]
    private static partial long Sysconf(int name);
}
