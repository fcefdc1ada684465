namespace Fgs.Snapshot.Criu;

/// <summary>Finds CRIU candidates in order of preference: <c>criu</c> on <c>PATH</c>, then the
/// project-local prefix that <c>invoker/scripts/install-criu.sh</c> fills (<c>FGS_CRIU_PREFIX</c>,
/// or <c>.tools/criu</c> in the first folder above the application that holds one).</summary>
public static class CriuLocator
{
    private const string ArchTriplet = "x86_64-linux-gnu";

    /// <summary>Every CRIU found, system first; none when the host has neither.</summary>
    public static IReadOnlyList<CriuCommand> FindCandidates(string? pathVariable = null, string? prefix = null)
    {
        var found = new List<CriuCommand>();
        if (FindOnPath("criu", pathVariable ?? Environment.GetEnvironmentVariable("PATH")) is { } system)
            found.Add(new CriuCommand(system, [], "system"));
        var localPrefix = prefix ?? Environment.GetEnvironmentVariable("FGS_CRIU_PREFIX") ?? FindLocalPrefix(AppContext.BaseDirectory);
        if (localPrefix is not null && FromPrefix(localPrefix) is { } local)
            found.Add(local);
        return found;
    }

    /// <summary>The command for a prefix unpacked by install-criu.sh, or null when it is incomplete.</summary>
    public static CriuCommand? FromPrefix(string prefix)
    {
        var libDir = Path.Combine(prefix, "usr", "lib", ArchTriplet);
        var loader = Path.Combine(libDir, "ld-linux-x86-64.so.2");
        var criu = Path.Combine(prefix, "usr", "sbin", "criu");
        if (!File.Exists(loader) || !File.Exists(criu))
            return null;
        return new CriuCommand(loader, ["--library-path", libDir, criu], prefix);
    }

    /// <summary>The first <c>.tools/criu</c> in <paramref name="start"/> or a folder above it.</summary>
    public static string? FindLocalPrefix(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, ".tools", "criu");
            if (Directory.Exists(candidate))
                return candidate;
        }
        return null;
    }

    private static string? FindOnPath(string name, string? pathVariable)
    {
        if (string.IsNullOrEmpty(pathVariable))
            return null;
        foreach (var dir in pathVariable.Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
                return candidate;
        }
        return null;
    }
}
