using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Fgs.Invoker.Tests.Integration;

/// <summary>Snapshot calls through the REST API for any invoker (in-process or the published
/// executable), addressed by function URN, and the Java snapshot runtime as a code package.</summary>
internal static class SnapshotRest
{
    private static readonly Lazy<byte[]> s_javaPackage = new(BuildJavaPackage);

    /// <summary><c>.../{urn}/snapshots/{action}</c>: the status and the JSON answer.</summary>
    public static async Task<(int Status, JsonElement Json)> SendAsync(HttpClient client, HttpMethod method, string urn, string action)
    {
        using var request = new HttpRequestMessage(method, $"{FunctionsPath(urn)}/{urn}/snapshots/{action}");
        if (method == HttpMethod.Post)
            request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    /// <summary>The snapshot state of <paramref name="urn"/> once it is no longer <c>making</c> (or
    /// when <paramref name="within"/> has passed).</summary>
    public static async Task<JsonElement> WaitWhileMakingAsync(HttpClient client, string urn, TimeSpan within)
    {
        var until = DateTime.UtcNow + within;
        while (true)
        {
            var (status, json) = await SendAsync(client, HttpMethod.Get, urn, "state");
            Assert.True(status == 200, $"state of {urn}: {status} {json}");
            if (json.GetProperty("state").GetString() != "making" || DateTime.UtcNow > until)
                return json;
            await Task.Delay(100);
        }
    }

    /// <summary>Publishes <paramref name="version"/> of the unqualified <paramref name="urn"/>.</summary>
    public static async Task PublishOkAsync(HttpClient client, string urn, string version)
    {
        using var r = await client.PostAsync($"{FunctionsPath(urn)}/{urn}/versions",
            new StringContent($"{{\"version\":\"{version}\"}}", Encoding.UTF8, "application/json"));
        Assert.True(r.IsSuccessStatusCode, $"publish {urn}:{version}: {(int)r.StatusCode} {await r.Content.ReadAsStringAsync()}");
    }

    /// <summary>Invokes <paramref name="urn"/> and parses the function's answer (a JSON object) from the envelope.</summary>
    public static async Task<JsonElement> InvokeOkAsync(HttpClient client, string urn, string body)
    {
        using var r = await client.PostAsync($"{FunctionsPath(urn)}/{urn}/invocations", new StringContent(body, Encoding.UTF8, "application/json"));
        var text = await r.Content.ReadAsStringAsync();
        Assert.True(r.IsSuccessStatusCode, $"invoke {urn}: {(int)r.StatusCode} {text}");
        using var envelope = JsonDocument.Parse(text);
        Assert.True(envelope.RootElement.GetProperty("status").GetInt32() == 200, $"invoke {urn}: {text}");
        return JsonDocument.Parse(envelope.RootElement.GetProperty("result").GetString()!).RootElement.Clone();
    }

    /// <summary>Asserts that <paramref name="answer"/> (from a SlowInit example) came from a copy
    /// restored from the snapshot: the initializer ran before the checkpoint, the user's restore
    /// hook ran once in this copy and gave it a fresh identity, and the runtime is its PID
    /// namespace's init (restored copies run in their own; cold starts share the host's).</summary>
    public static string AssertRestored(JsonElement answer, string runtime)
    {
        Assert.Equal(runtime, answer.GetProperty("runtime").GetString());
        Assert.True(answer.GetProperty("initialized").GetBoolean(), answer.ToString());
        Assert.True(answer.GetProperty("restores").GetInt32() == 1, "the restore hook did not run once: " + answer);
        var copyId = answer.GetProperty("copyId").GetString()!;
        Assert.StartsWith("restored-", copyId, StringComparison.Ordinal);
        Assert.Equal(1, answer.GetProperty("pid").GetInt32());
        return copyId;
    }

    /// <summary>A zip of the Java snapshot runtime's bootstrap with the runtime and its examples
    /// compiled in (<c>build/classes</c>), so the instance runs <c>java</c> without compiling.
    /// Skips the test when there is no <c>javac</c>.</summary>
    public static byte[] JavaPackage() => s_javaPackage.Value;

    /// <summary>The built .NET SlowInit example (its folder holds the bootstrap), the .NET snapshot runtime's function.</summary>
    public static string SlowInitFolder()
    {
        var bin = Path.Combine(InvokerFixture.RepoRoot, "snapshot", "runtimes", "dotnet", "SlowInit", "bin");
        var found = Directory.Exists(bin)
            ? Directory.GetFiles(bin, "SlowInit.dll", SearchOption.AllDirectories)
                .Where(p => File.Exists(Path.Combine(Path.GetDirectoryName(p)!, "bootstrap")))
                .OrderByDescending(File.GetLastWriteTimeUtc)
                .FirstOrDefault()
            : null;
        return Path.GetDirectoryName(found ?? throw new FileNotFoundException("SlowInit is not built (dotnet build Core.sln)"))!;
    }

    private static byte[] BuildJavaPackage()
    {
        var java = Path.Combine(InvokerFixture.RepoRoot, "snapshot", "runtimes", "java");
        var dir = Path.Combine(Path.GetTempPath(), "fgs-java-package-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var classes = Path.Combine(dir, "build", "classes");
            Directory.CreateDirectory(classes);
            var psi = new ProcessStartInfo("javac") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in new[] { "-nowarn", "-d", classes })
                psi.ArgumentList.Add(a);
            foreach (var source in Directory.GetFiles(Path.Combine(java, "src"), "*.java", SearchOption.AllDirectories)
                         .Concat(Directory.GetFiles(Path.Combine(java, "examples"), "*.java", SearchOption.AllDirectories)))
                psi.ArgumentList.Add(source);
            Process javac;
            try
            {
                javac = Process.Start(psi)!;
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                Assert.Skip("javac is not installed here (a JDK is needed to build the Java runtime): " + e.Message);
                throw;
            }
            using (javac)
            {
                var stderr = javac.StandardError.ReadToEndAsync();
                javac.StandardOutput.ReadToEnd();
                javac.WaitForExit();
                Assert.True(javac.ExitCode == 0, "javac failed: " + stderr.Result);
            }
            File.Copy(Path.Combine(java, "bootstrap"), Path.Combine(dir, "bootstrap"));
            File.SetUnixFileMode(Path.Combine(dir, "bootstrap"), (UnixFileMode)0x1ED);
            return InvokerFixture.ZipFolder(dir);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static string FunctionsPath(string urn) => $"/v2/{urn.Split(':')[3]}/fgs/functions";
}
