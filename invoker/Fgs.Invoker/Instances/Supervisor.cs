namespace Fgs.Invoker.Instances;

/// <summary>What the host offers for supervising instance processes, detected once at start.</summary>
internal static class Supervisor
{
    /// <summary>Path of util-linux <c>setsid</c>, used to start each bootstrap as the leader of its own
    /// session and process group; null when missing (then trees are killed by walking <c>/proc</c>).</summary>
    public static string? SetsidPath { get; } = new[] { "/usr/bin/setsid", "/bin/setsid" }.FirstOrDefault(File.Exists);

    /// <summary>Path of <c>fgs-spawn</c> (shipped next to the executable), which joins an instance's
    /// cgroups, drops to the instance user and calls setsid before exec; null when missing (then
    /// instances start through setsid, without cgroups or a user switch).</summary>
    public static string? SpawnHelperPath { get; } =
        File.Exists(Path.Combine(AppContext.BaseDirectory, "fgs-spawn")) ? Path.Combine(AppContext.BaseDirectory, "fgs-spawn") : null;

    /// <summary>Whether <c>/proc/PID/task/TID/children</c> exists (needed to walk process trees).</summary>
    public static bool CanWalkChildren { get; } = File.Exists($"/proc/{Environment.ProcessId}/task/{Environment.ProcessId}/children");

    /// <summary>bash, when installed: FunctionGraph's runtime image has <c>/bin/sh</c> as bash, and the
    /// user guide's bootstrap examples rely on it (<c>#!/bin/sh</c> followed by <c>set -o pipefail</c>).</summary>
    public static string? BashPath { get; } = new[] { "/bin/bash", "/usr/bin/bash" }.FirstOrDefault(File.Exists);

    /// <summary>
    /// The command that starts a bootstrap: the file itself, except that a <c>#!/bin/sh</c> script
    /// runs under bash where <c>/bin/sh</c> is another shell (dash on Debian), as it would on
    /// FunctionGraph.
    /// </summary>
    public static string[] LaunchCommand(string bootstrap)
    {
        if (BashPath is { } bash && IsBinShScript(bootstrap) && !IsBash("/bin/sh"))
        {
            return [bash, bootstrap];
        }
        return [bootstrap];
    }

    private static bool IsBinShScript(string path)
    {
        Span<byte> head = stackalloc byte[10];
        try
        {
            using var f = File.OpenHandle(path);
            var n = RandomAccess.Read(f, head, 0);
            // "#!/bin/sh" followed by a line end or blank (not "#!/bin/shell").
            return n >= 10 && head[..9].SequenceEqual("#!/bin/sh"u8) && head[9] is (byte)'\n' or (byte)'\r' or (byte)' ' or (byte)'\t';
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static bool IsBash(string shell)
    {
        try
        {
            var target = new FileInfo(shell).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? shell;
            return Path.GetFileName(target) == "bash";
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>One line describing the capabilities, for the start-up log.</summary>
    public static string Describe() =>
        $"launcher: {(SpawnHelperPath is null ? "setsid (fgs-spawn missing: no cgroups or user switch)" : "fgs-spawn")}; " +
        $"process groups: {(SetsidPath is null ? "unavailable (setsid missing; trees killed by walking /proc)" : "setsid")}; " +
        $"process tree walk: {(CanWalkChildren ? "yes" : "no (kernel lacks /proc/PID/task/TID/children)")}; " +
        "runtime API peer check: netlink sock_diag (else /proc/net/tcp) + /proc/PID/fd; " +
        $"#!/bin/sh bootstraps run under {(BashPath is not null && !IsBash("/bin/sh") ? "bash (as on FunctionGraph)" : "/bin/sh")}";
}
