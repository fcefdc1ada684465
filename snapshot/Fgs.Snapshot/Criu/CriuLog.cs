namespace Fgs.Snapshot.Criu;

/// <summary>Reads CRIU log files into short, clear error text: the <c>Error (file:line): message</c>
/// lines, without the ones CRIU prints on success too.</summary>
public static class CriuLog
{
    // Printed on every run where the process lacks CAP_SYS_RESOURCE; CRIU carries on with the
    // current limit, so it is not the cause of a failure.
    private static readonly string[] s_benign = ["Can't setup RLIMIT_NOFILE for self"];

    /// <summary>The error messages in <paramref name="logText"/>, in order, each without its
    /// timestamp and source location (<c>(00.012) Error (criu/files.c:12): msg</c> → <c>msg</c>).</summary>
    public static IReadOnlyList<string> Errors(string logText)
    {
        var errors = new List<string>();
        foreach (var rawLine in logText.AsSpan().EnumerateLines())
        {
            var line = rawLine.Trim();
            var at = line.IndexOf("Error (", StringComparison.Ordinal);
            if (at < 0)
                continue;
            var rest = line[(at + "Error (".Length)..];
            var close = rest.IndexOf("):", StringComparison.Ordinal);
            var message = (close >= 0 ? rest[(close + 2)..] : rest).Trim().ToString();
            if (message.Length == 0 || Array.Exists(s_benign, b => message.Contains(b, StringComparison.Ordinal)))
                continue;
            errors.Add(message);
        }
        return errors;
    }

    /// <summary>One line for a failed <paramref name="action"/>: the log's errors (at most
    /// <paramref name="limit"/>), or the command's own output when the log has none.</summary>
    public static string Describe(string action, int exitCode, string? logText, string commandOutput, int limit = 4)
    {
        var errors = logText is null ? [] : Errors(logText);
        if (errors.Count == 0)
            errors = Errors(commandOutput);
        string detail;
        if (errors.Count > 0)
            detail = string.Join("; ", errors.Take(limit));
        else if (!string.IsNullOrWhiteSpace(commandOutput))
            detail = commandOutput.Trim().ReplaceLineEndings("; ");
        else
            detail = "no error in the log";
        return $"criu {action} failed (exit {exitCode}): {detail}";
    }
}
