namespace Fgs.Snapshot.Tests.Support;

/// <summary>Paths in the repository the tests run from.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string JavaBootstrap => Path.Combine(Root, "snapshot", "runtimes", "java", "bootstrap");

    /// <summary>The example .NET function's bootstrap in its newest build output.</summary>
    public static string DotnetBootstrap
    {
        get
        {
            var bin = Path.Combine(Root, "snapshot", "runtimes", "dotnet", "SlowInit", "bin");
            var candidates = Directory.Exists(bin)
                ? Directory.GetFiles(bin, "bootstrap", SearchOption.AllDirectories)
                    .Where(p => File.Exists(Path.Combine(Path.GetDirectoryName(p)!, "SlowInit.dll")))
                    .OrderByDescending(p => File.GetLastWriteTimeUtc(Path.Combine(Path.GetDirectoryName(p)!, "SlowInit.dll")))
                    .ToArray()
                : [];
            return candidates.Length > 0 ? candidates[0] : throw new FileNotFoundException("SlowInit is not built (dotnet build Core.sln)");
        }
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Core.sln")))
                return dir.FullName;
        }
        throw new DirectoryNotFoundException("Core.sln not found above " + AppContext.BaseDirectory);
    }
}
