using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Fgs.Invoker.Api;
using Fgs.Invoker.Hosting;

namespace Fgs.Invoker.Tests.Integration;

/// <summary>An in-process invoker on a free loopback port with its own data folder, plus a client.</summary>
public sealed class InvokerFixture : IAsyncDisposable
{
    public const string Project = "0123456789abcdef0123456789abcdef";

    private readonly bool _ownsData;

    private InvokerFixture(InvokerHost host, string dataDir, bool ownsData, List<string> log)
    {
        Log = log;
        Host = host;
        DataDir = dataDir;
        _ownsData = ownsData;
        Client = new HttpClient { BaseAddress = new Uri($"http://{host.Endpoint}"), Timeout = TimeSpan.FromSeconds(60) };
    }

    internal InvokerHost Host { get; }

    public string DataDir { get; }

    public HttpClient Client { get; }

    /// <summary>The invoker's log lines (lock it to read).</summary>
    public List<string> Log { get; }

    public static string RepoRoot { get; } = FindRepoRoot();

    internal static async Task<InvokerFixture> StartAsync(Action<InvokerOptions>? configure = null, string? dataDir = null, TimeProvider? time = null)
    {
        var ownsData = dataDir is null;
        dataDir ??= Path.Combine(Path.GetTempPath(), "fgs-test-" + Guid.NewGuid().ToString("N")[..10]);
        var options = new InvokerOptions
        {
            Listen = new IPEndPoint(IPAddress.Loopback, 0),
            DataDir = dataDir,
            ShutdownTimeout = TimeSpan.FromSeconds(10),
        };
        configure?.Invoke(options);
        var log = new List<string>();
        var host = new InvokerHost(options, time ?? TimeProvider.System, m => { lock (log) { log.Add(m); } });
        await host.StartAsync();
        var f = new InvokerFixture(host, dataDir, ownsData, log);
        return f;
    }

    public static string Urn(string name, string? qualifier = "latest")
        => $"urn:fss:cn-north-4:{Project}:function:default:{name}" + (qualifier is null ? "" : ":" + qualifier);

    public static string FunctionsPath => $"/v2/{Project}/fgs/functions";

    /// <summary>Zips a folder (bootstrap at the root), optionally adding files.</summary>
    public static byte[] ZipFolder(string dir) => FunctionService.ZipFolder(dir);

    /// <summary>Zips a single executable bootstrap script.</summary>
    public static byte[] ZipBootstrap(string script, int mode = 0x1ED)
    {
        using var ms = new MemoryStream();
        using (var zip = new System.IO.Compression.ZipArchive(ms, System.IO.Compression.ZipArchiveMode.Create, true))
        {
            var e = zip.CreateEntry("bootstrap");
            e.ExternalAttributes = mode << 16;
            using var s = e.Open();
            s.Write(Encoding.UTF8.GetBytes(script));
        }
        return ms.ToArray();
    }

    public static string RuntimeDir(string name) => Path.Combine(RepoRoot, "tests", "runtimes", name);

    public async Task<HttpResponseMessage> CreateAsync(string name, byte[] zip, string extraJson = "", string runtime = "Custom")
    {
        var body = $$"""
            {"func_name":"{{name}}","package":"default","runtime":"{{runtime}}","handler":"bootstrap","memory_size":128,"timeout":30,
             "code_type":"zip","func_code":{"file":"{{Convert.ToBase64String(zip)}}"}{{(extraJson.Length > 0 ? "," + extraJson : "")}}}
            """;
        return await Client.PostAsync(FunctionsPath, new StringContent(body, Encoding.UTF8, "application/json"));
    }

    public async Task CreateOkAsync(string name, byte[] zip, string extraJson = "")
    {
        using var r = await CreateAsync(name, zip, extraJson);
        var text = await r.Content.ReadAsStringAsync();
        Assert.True(r.IsSuccessStatusCode, $"create {name}: {(int)r.StatusCode} {text}");
    }

    public async Task<InvokeResult> InvokeAsync(string name, string body, bool tail = false, bool v1 = false, string? qualifier = "latest")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{FunctionsPath}/{Urn(name, qualifier)}/invocations")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        if (tail)
        {
            request.Headers.Add("X-Cff-Log-Type", "tail");
        }
        if (v1)
        {
            request.Headers.Add("X-CFF-Request-Version", "v1");
        }
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        using var response = await Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        return new InvokeResult((int)response.StatusCode, text, response.Headers, elapsed);
    }

    public async ValueTask DisposeAsync()
    {
        await Host.StopAsync();
        Client.Dispose();
        if (_ownsData && Environment.GetEnvironmentVariable("FGS_TEST_KEEP_DATA") is null)
        {
            try { Directory.Delete(DataDir, true); } catch (IOException) { }
        }
    }

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Core.sln")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("repository root (Core.sln) not found");
    }
}

/// <summary>A sync invocation's answer.</summary>
public sealed record InvokeResult(int HttpStatus, string Body, HttpResponseHeaders Headers, TimeSpan Elapsed)
{
    private JsonElement? _json;

    public JsonElement Json => _json ??= JsonDocument.Parse(Body).RootElement;

    public string? Result => Json.TryGetProperty("result", out var r) ? r.ValueKind == JsonValueKind.String ? r.GetString() : r.GetRawText() : null;

    public int Status => Json.GetProperty("status").GetInt32();

    public string? ErrorCode => Json.TryGetProperty("error_code", out var e) ? e.GetString() : null;

    public string? ErrorMsg => Json.TryGetProperty("error_msg", out var e) ? e.GetString() : null;

    public string Log => Json.TryGetProperty("log", out var l) ? l.GetString() ?? "" : "";

    public override string ToString() => $"{HttpStatus} {Body}";
}
