// Test runtime: .NET HttpClient over SocketsHttpHandler (keep-alive pool, HTTP/1.1).
// Implements the behaviour protocol of tests/runtimes/README.md.
using System.Buffers;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Fgs.TestRuntimes.Dotnet;

internal static class Program
{
    private static readonly string Api =
        "http://" + Environment.GetEnvironmentVariable("RUNTIME_API_ADDR") + "/v1/runtime/invocation";

    private static readonly HttpClient Client = new(new SocketsHttpHandler
    {
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10),
        AutomaticDecompression = DecompressionMethods.None,
        UseProxy = false,
    })
    {
        // The GET blocks until an event exists: never time it out (the default is 100 s).
        Timeout = Timeout.InfiniteTimeSpan,
    };

    private static async Task Main()
    {
        var stdout = Console.OpenStandardOutput();
        var stderr = Console.OpenStandardError();
        var requestUri = new Uri(Api + "/request");
        while (true)
        {
            string id;
            string invokeType;
            byte[] body;
            try
            {
                using var resp = await Client.GetAsync(requestUri);
                body = await resp.Content.ReadAsByteArrayAsync();
                id = Header(resp, "X-Cff-Request-Id");
                invokeType = Header(resp, "X-CFF-Invoke-Type");
                if (resp.StatusCode != HttpStatusCode.OK)
                {
                    id = "";
                }
            }
            catch (HttpRequestException e)
            {
                await WriteLine(stderr, "dotnet runtime: GET failed: " + e.Message);
                await Task.Delay(50);
                continue;
            }
            if (id.Length == 0)
            {
                await Task.Delay(50);
                continue;
            }
            try
            {
                await Handle(id, invokeType, body, stdout, stderr);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                await WriteLine(stderr, e.ToString());
                await PostError(id, e.Message, e.GetType().Name);
            }
        }
    }

    private static string Header(HttpResponseMessage resp, string name) =>
        resp.Headers.TryGetValues(name, out var values) ? string.Join(",", values).Trim() : "";

    private static async Task Handle(string id, string invokeType, byte[] body, Stream stdout, Stream stderr)
    {
        if (invokeType.Equals("init", StringComparison.OrdinalIgnoreCase))
        {
            var sleep = Environment.GetEnvironmentVariable("INIT_SLEEP_MS");
            if (!string.IsNullOrEmpty(sleep))
            {
                await Task.Delay(int.Parse(sleep, System.Globalization.CultureInfo.InvariantCulture));
            }
            if (Environment.GetEnvironmentVariable("FAIL_INIT") == "1")
            {
                await PostError(id, "init failed (FAIL_INIT=1)", "TestError");
            }
            else
            {
                await Respond(id, "initialized");
            }
            return;
        }

        var (key, value) = FirstMember(body);
        switch (key)
        {
            case "print" when value.ValueKind == JsonValueKind.String:
                await WriteLine(stdout, value.GetString()!);
                await Respond(id, "ok");
                return;
            case "stderr" when value.ValueKind == JsonValueKind.String:
                await WriteLine(stderr, value.GetString()!);
                await Respond(id, "ok");
                return;
            case "error" when value.ValueKind == JsonValueKind.String:
                await PostError(id, value.GetString()!, "TestError");
                return;
            case "sleep_ms" when value.TryGetInt32(out var ms):
                await Task.Delay(ms);
                await Respond(id, "slept");
                return;
            case "exit" when value.TryGetInt32(out var code):
                await WriteLine(stderr, "exiting " + code.ToString(System.Globalization.CultureInfo.InvariantCulture));
                Environment.Exit(code);
                return;
            case "big" when value.TryGetInt32(out var n):
                var big = new byte[n];
                big.AsSpan().Fill((byte)'a');
                await Post(id, "response", new ByteArrayContent(big), chunked: false);
                return;
            case "env" when value.ValueKind == JsonValueKind.String:
                await Respond(id, Environment.GetEnvironmentVariable(value.GetString()!) ?? "");
                return;
            case "chunked" when value.ValueKind == JsonValueKind.String:
                await Post(id, "response", new ByteArrayContent(Encoding.UTF8.GetBytes(value.GetString()!)), chunked: true);
                return;
            default:
                // {"echo": X} and anything else.
                await Post(id, "response", new ByteArrayContent(body), chunked: false);
                return;
        }
    }

    /// <summary>The first member of a JSON object event; ("", default) when the event is not one.</summary>
    private static (string Key, JsonElement Value) FirstMember(byte[] body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind == JsonValueKind.Object)
            {
                foreach (var member in doc.RootElement.EnumerateObject())
                {
                    return (member.Name, member.Value.Clone());
                }
            }
        }
        catch (JsonException)
        {
        }
        return ("", default);
    }

    private static Task Respond(string id, string text) =>
        Post(id, "response", new ByteArrayContent(Encoding.UTF8.GetBytes(text)), chunked: false);

    private static Task PostError(string id, string message, string type)
    {
        var json = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(json))
        {
            writer.WriteStartObject();
            writer.WriteString("errorMessage", message);
            writer.WriteString("errorType", type);
            writer.WriteEndObject();
        }
        var content = new ByteArrayContent(json.WrittenSpan.ToArray());
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        return Post(id, "error", content, chunked: false);
    }

    private static async Task Post(string id, string kind, HttpContent content, bool chunked)
    {
        content.Headers.ContentType ??= new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream");
        using var req = new HttpRequestMessage(HttpMethod.Post, Api + "/" + kind + "/" + id) { Content = content };
        if (chunked)
        {
            req.Headers.TransferEncodingChunked = true;
        }
        try
        {
            using var resp = await Client.SendAsync(req);
            await resp.Content.ReadAsByteArrayAsync();
            if ((int)resp.StatusCode >= 300)
            {
                await WriteLine(Console.OpenStandardError(), $"dotnet runtime: POST {kind} for {id}: HTTP {(int)resp.StatusCode}");
            }
        }
        catch (HttpRequestException e)
        {
            await WriteLine(Console.OpenStandardError(), $"dotnet runtime: POST {kind} for {id} failed: {e.Message}");
        }
    }

    private static async Task WriteLine(Stream stream, string text)
    {
        await stream.WriteAsync(Encoding.UTF8.GetBytes(text + "\n"));
        await stream.FlushAsync();
    }
}
