using System.Globalization;
using System.IO.Compression;
using System.Net.Http.Json;

namespace Fgs.Harness.E2e;

/// <summary>The management calls the harness needs (cold path, plain <see cref="HttpClient"/>).</summary>
public sealed class InvokerAdmin : IDisposable
{
    private readonly HttpClient _http;

    /// <summary>Talks to the invoker at <paramref name="baseAddress"/> (<c>http://127.0.0.1:PORT</c>).</summary>
    public InvokerAdmin(Uri baseAddress) => _http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };

    /// <summary>The node's region, used in URNs.</summary>
    public string Region { get; init; } = "cn-north-4";

    /// <summary>The URN of a function (no qualifier).</summary>
    public string Urn(string project, string name) => "urn:fss:" + Region + ":" + project + ":function:default:" + name;

    /// <summary>Waits until <c>/healthz</c> answers 200.</summary>
    public async Task WaitReadyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                using var response = await _http.GetAsync(new Uri("/healthz", UriKind.Relative), cancellationToken).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
            }
            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException("the invoker did not become ready");
            }
            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Creates a Custom function; throws unless 200.</summary>
    public async Task CreateFunctionAsync(string project, string name, string codeType, string codeBase64, CancellationToken cancellationToken)
    {
        var body = new CreateFunctionBody { FuncName = name, CodeType = codeType, FuncCode = new FunctionCodeBody(codeBase64) };
        using var response = await _http.PostAsJsonAsync(
            new Uri("/v2/" + project + "/fgs/functions", UriKind.Relative), body, HarnessJsonContext.Default.CreateFunctionBody,
            cancellationToken).ConfigureAwait(false);
        await EnsureAsync(response, "create " + name, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sets the function's maximum instances.</summary>
    public async Task SetMaxInstancesAsync(string project, string name, int max, CancellationToken cancellationToken)
    {
        using var response = await _http.PutAsJsonAsync(
            new Uri("/v2/" + project + "/fgs/functions/" + Urn(project, name) + "/config-max-instance", UriKind.Relative),
            new MaxInstanceBody(max), HarnessJsonContext.Default.MaxInstanceBody, cancellationToken).ConfigureAwait(false);
        await EnsureAsync(response, "max instances of " + name, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes a function (its instances are stopped).</summary>
    public async Task DeleteFunctionAsync(string project, string name, CancellationToken cancellationToken)
    {
        using var response = await _http.DeleteAsync(
            new Uri("/v2/" + project + "/fgs/functions/" + Urn(project, name), UriKind.Relative), cancellationToken).ConfigureAwait(false);
        await EnsureAsync(response, "delete " + name, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The invoker's instance start phases so far from <c>GET /metrics</c>
    /// (<c>fgs_instance_start_seconds</c>): phase name to (count, total seconds).
    /// </summary>
    public async Task<Dictionary<string, (long Count, double Seconds)>> StartPhasesAsync(CancellationToken cancellationToken)
    {
        var text = await _http.GetStringAsync(new Uri("/metrics", UriKind.Relative), cancellationToken).ConfigureAwait(false);
        var phases = new Dictionary<string, (long Count, double Seconds)>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            // fgs_instance_start_seconds_count{phase="preload"} 20
            var isCount = line.StartsWith("fgs_instance_start_seconds_count{phase=\"", StringComparison.Ordinal);
            if (!isCount && !line.StartsWith("fgs_instance_start_seconds_sum{phase=\"", StringComparison.Ordinal))
            {
                continue;
            }
            var open = line.IndexOf('"', StringComparison.Ordinal) + 1;
            var close = line.IndexOf('"', open);
            var phase = line[open..close];
            var value = double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
            var current = phases.GetValueOrDefault(phase);
            phases[phase] = isCount ? (current.Count + (long)value, current.Seconds) : (current.Count, current.Seconds + value);
        }
        return phases;
    }

    /// <summary>A zip holding <paramref name="bootstrapPath"/> as an executable <c>bootstrap</c>, base64.</summary>
    public static string ZipBootstrap(string bootstrapPath)
    {
        using var memory = new MemoryStream();
        using (var zip = new ZipArchive(memory, ZipArchiveMode.Create, leaveOpen: true))
        {
            var entry = zip.CreateEntry("bootstrap", CompressionLevel.Fastest);
            // Unix mode in the high 16 bits: regular file, 0755.
            entry.ExternalAttributes = (0x8000 | 0x1ED) << 16;
            using var target = entry.Open();
            using var source = File.OpenRead(bootstrapPath);
            source.CopyTo(target);
        }
        return Convert.ToBase64String(memory.GetBuffer(), 0, (int)memory.Length);
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();

    private static async Task EnsureAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            throw new InvalidOperationException(what + ": HTTP " + (int)response.StatusCode + " " + text);
        }
    }
}
