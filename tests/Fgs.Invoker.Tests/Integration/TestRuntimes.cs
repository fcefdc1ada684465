using System.Diagnostics;
using System.Text;

namespace Fgs.Invoker.Tests.Integration;

/// <summary>
/// Code packages of the test runtimes in tests/runtimes, one per HTTP client stack the runtime API
/// must serve (curl, Python urllib, Go net/http, Java HttpClient, .NET HttpClient). A runtime whose
/// toolchain the host lacks is skipped with the reason.
/// </summary>
public static class TestRuntimes
{
    public static readonly TheoryData<string> All = new("curl", "python", "go", "java", "dotnet");

    private static readonly Dictionary<string, Lazy<(byte[]? Zip, string? Skip)>> Packages = new()
    {
        ["curl"] = new(() => Folder("curl", "curl")),
        ["python"] = new(() => Folder("python", "python3")),
        ["java"] = new(() => Folder("java", "java")),
        ["go"] = new(BuildGo),
        ["dotnet"] = new(BuildDotnet),
    };

    /// <summary>The package of a runtime, or skips the calling test with the reason.</summary>
    public static byte[] Package(string runtime)
    {
        var (zip, skip) = Packages[runtime].Value;
        if (zip is null)
        {
            Assert.Skip(skip ?? "unavailable");
        }
        return zip;
    }

    public static string? Which(string tool)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':'))
        {
            var p = Path.Combine(dir, tool);
            if (dir.Length > 0 && File.Exists(p))
            {
                return p;
            }
        }
        return null;
    }

    private static (byte[]?, string?) Folder(string name, string tool)
        => Which(tool) is null
            ? (null, $"'{tool}' is not installed on this host, so the {name} runtime cannot run")
            : (InvokerFixture.ZipFolder(InvokerFixture.RuntimeDir(name)), null);

    private static (byte[]?, string?) BuildGo()
    {
        if (Which("go") is null)
        {
            return (null, "Go is not installed on this host (./test.sh installs golang-go), so the Go net/http runtime cannot be built");
        }
        var outDir = Path.Combine(Path.GetTempPath(), "fgs-go-rt-" + Environment.ProcessId);
        Directory.CreateDirectory(outDir);
        var (code, output) = Run("go", ["build", "-o", Path.Combine(outDir, "bootstrap"), "."], InvokerFixture.RuntimeDir("go"),
            ("GOFLAGS", "-mod=mod"), ("GOCACHE", Path.Combine(Path.GetTempPath(), "fgs-go-cache")), ("GOPATH", Path.Combine(Path.GetTempPath(), "fgs-gopath")));
        return code == 0 ? (InvokerFixture.ZipFolder(outDir), null) : throw new InvalidOperationException("go build failed: " + output);
    }

    private static (byte[]?, string?) BuildDotnet()
    {
        var outDir = Path.Combine(Path.GetTempPath(), "fgs-dotnet-rt-" + Environment.ProcessId);
        var (code, output) = Run("dotnet", ["build", "-c", "Release", "-o", outDir, "-v", "q", "-nologo"], InvokerFixture.RuntimeDir("dotnet"));
        if (code != 0)
        {
            throw new InvalidOperationException("building the .NET test runtime failed: " + output);
        }
        File.WriteAllText(Path.Combine(outDir, "bootstrap"), "#!/bin/sh\nexec dotnet \"$(dirname \"$0\")/DotnetRuntime.dll\"\n");
        File.SetUnixFileMode(Path.Combine(outDir, "bootstrap"), (UnixFileMode)0x1ED);
        return (InvokerFixture.ZipFolder(outDir), null);
    }

    public static (int Code, string Output) Run(string file, string[] args, string workDir, params (string, string)[] env)
    {
        var psi = new ProcessStartInfo(file)
        {
            WorkingDirectory = workDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        foreach (var (k, v) in env)
        {
            psi.Environment[k] = v;
        }
        using var p = Process.Start(psi)!;
        var sb = new StringBuilder();
        var stderr = p.StandardError.ReadToEndAsync();
        sb.Append(p.StandardOutput.ReadToEnd());
        p.WaitForExit();
        sb.Append(stderr.Result);
        return (p.ExitCode, sb.ToString());
    }
}
