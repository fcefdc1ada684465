using System.Globalization;
using CliWrap;
using CliWrap.Buffered;

namespace Fgs.Snapshot.Criu;

/// <summary>
/// Keeps CRIU's kernel-feature cache (<c>/run/criu.kdat</c>) in place. Without it, every
/// <c>criu dump</c> and <c>criu restore</c> probes the kernel again (tens of milliseconds, with
/// child processes and a network namespace). CRIU saves the cache only when <c>/run</c> is a tmpfs,
/// so that it is gone after a reboot. Where <c>/run</c> is a disk file system, CRIU loads an existing
/// cache but never writes one. Then this class makes one with <c>criu check</c> in a private mount
/// namespace that has a tmpfs on <c>/run</c>, and copies it to <c>/run/criu.kdat</c>. A cache older
/// than the last boot is made again. CRIU drops a cache from another CRIU build by itself (its size
/// and magic numbers differ).
/// </summary>
public static class KerndatCache
{
    /// <summary>Where CRIU reads its cache when it runs as root.</summary>
    public const string CachePath = "/run/criu.kdat";

    /// <summary>Makes the cache for <paramref name="command"/> when it is missing or older than the
    /// last boot. Returns what it did, for logs. It does nothing when not root or when <c>/run</c> is a
    /// tmpfs (CRIU keeps the cache there by itself), and any failure only costs speed.</summary>
    public static async Task<string> EnsureAsync(CriuCommand command, CancellationToken cancellationToken)
    {
        if (!OperatingSystem.IsLinux() || !Environment.IsPrivilegedProcess)
            return "kerndat cache: not root, left to criu";
        if (IsTmpfs("/run"))
            return "kerndat cache: /run is a tmpfs, kept by criu";
        var file = new FileInfo(CachePath);
        if (file.Exists && file.Length > 0 && file.LastWriteTimeUtc > BootTime())
            return "kerndat cache: present";
        var copy = Path.Combine(Path.GetTempPath(), "fgs-criu-kdat-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            // unshare --mount makes the tmpfs private to this one criu check.
            var args = new List<string>
            {
                "--mount", "--propagation", "private", "/bin/sh", "-c",
                "dest=$1; shift; mount -t tmpfs fgs-criu-kdat /run && \"$@\" check >/dev/null 2>&1; cp /run/criu.kdat \"$dest\"",
                "sh", copy, command.FileName,
            };
            args.AddRange(command.PrefixArguments);
            var result = await Cli.Wrap("unshare").WithArguments(args)
                .WithEnvironmentVariables(CriuDriver.CriuEnvironment(useBreakpoints: false))
                .WithValidation(CommandResultValidation.None)
                .ExecuteBufferedAsync(cancellationToken).ConfigureAwait(false);
            if (result.ExitCode != 0 || !File.Exists(copy) || new FileInfo(copy).Length == 0)
                return $"kerndat cache: not made (exit {result.ExitCode}: {result.StandardError.Trim()})";
            var staged = CachePath + ".fgs-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
            File.Copy(copy, staged, overwrite: true);
            File.Move(staged, CachePath, overwrite: true);
            return "kerndat cache: made";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return "kerndat cache: not made (" + e.Message + ")";
        }
        finally
        {
            try
            {
                File.Delete(copy);
            }
            catch (IOException)
            {
            }
        }
    }

    private static bool IsTmpfs(string path)
    {
        // /proc/self/mounts: the last mount on the path wins.
        string? type = null;
        try
        {
            foreach (var line in File.ReadLines("/proc/self/mounts"))
            {
                var fields = line.Split(' ');
                if (fields.Length > 2 && fields[1] == path)
                    type = fields[2];
            }
        }
        catch (IOException)
        {
            return false;
        }
        return type == "tmpfs";
    }

    private static DateTime BootTime()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/stat"))
            {
                if (line.StartsWith("btime ", StringComparison.Ordinal)
                    && long.TryParse(line.AsSpan(6).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
                    return DateTimeOffset.FromUnixTimeSeconds(seconds).UtcDateTime;
            }
        }
        catch (IOException)
        {
        }
        return DateTime.MaxValue;
    }
}
