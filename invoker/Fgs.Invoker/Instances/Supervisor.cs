namespace Fgs.Invoker.Instances;

/// <summary>What the host offers for supervising instance processes, detected once at start.</summary>
internal static class Supervisor
{
    /// <summary>Path of util-linux <c>setsid</c>, used to start each bootstrap as the leader of its own
    /// session and process group; null when missing (then trees are killed by walking <c>/proc</c>).</summary>
    public static string? SetsidPath { get; } = new[] { "/usr/bin/setsid", "/bin/setsid" }.FirstOrDefault(File.Exists);

    /// <summary>Whether <c>/proc/PID/task/TID/children</c> exists (needed to walk process trees).</summary>
    public static bool CanWalkChildren { get; } = File.Exists($"/proc/{Environment.ProcessId}/task/{Environment.ProcessId}/children");

    /// <summary>One line describing the capabilities, for the start-up log.</summary>
    public static string Describe() =>
        $"process groups: {(SetsidPath is null ? "unavailable (setsid missing; trees killed by walking /proc)" : "setsid")}; " +
        $"process tree walk: {(CanWalkChildren ? "yes" : "no (kernel lacks /proc/PID/task/TID/children)")}; " +
        "runtime API peer check: /proc/net/tcp + /proc/PID/fd";
}
