using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Fgs.Runtime;

/// <summary>
/// The runtime API on a raw socket, one connection per request (<c>Connection: close</c>), so no
/// connection outlives a checkpoint except the GET waiting for the next event. After a restore that
/// connection is closed, the GET fails, and the client reconnects: it re-reads the address from
/// <c>/proc/self/fd/$RUNTIME_API_ADDR_FD</c> (each restored copy has its own file there).
/// </summary>
public sealed class RuntimeApiClient
{
    private readonly string? _addressFd = Environment.GetEnvironmentVariable("RUNTIME_API_ADDR_FD");

    /// <summary>The runtime API address now (<c>HOST:PORT</c>).</summary>
    public string Address() =>
        string.IsNullOrEmpty(_addressFd)
            ? Environment.GetEnvironmentVariable("RUNTIME_API_ADDR") ?? throw new InvalidOperationException("RUNTIME_API_ADDR is not set")
            : File.ReadAllText("/proc/self/fd/" + _addressFd).Trim();

    /// <summary>Waits for the next event, reconnecting as long as it takes.</summary>
    public async Task<RuntimeEvent> NextAsync()
    {
        var backoff = 2;
        while (true)
        {
            try
            {
                var (status, headers, body) = await ExchangeAsync("GET", "/v1/runtime/invocation/request", null).ConfigureAwait(false);
                if (status == 200)
                {
                    return new RuntimeEvent(headers.GetValueOrDefault("x-cff-request-id", ""),
                        headers.GetValueOrDefault("x-cff-invoke-type", "sync"), body);
                }
            }
            catch (Exception e) when (e is IOException or SocketException or FormatException)
            {
                // Closed at a checkpoint, or the API is not there yet: reconnect.
            }
            await Task.Delay(backoff).ConfigureAwait(false);
            backoff = Math.Min(backoff * 2, 100);
        }
    }

    /// <summary>Posts the outcome of <paramref name="requestId"/>.</summary>
    public async Task RespondAsync(string requestId, byte[] body, bool error)
    {
        var path = (error ? "/v1/runtime/invocation/error/" : "/v1/runtime/invocation/response/") + requestId;
        for (var attempt = 0; attempt < 50; attempt++)
        {
            try
            {
                await ExchangeAsync("POST", path, body).ConfigureAwait(false);
                return;
            }
            catch (Exception e) when (e is IOException or SocketException or FormatException)
            {
                await Task.Delay(10).ConfigureAwait(false);
            }
        }
    }

    private async Task<(int Status, Dictionary<string, string> Headers, byte[] Body)> ExchangeAsync(string method, string path, byte[]? body)
    {
        var address = Address();
        var colon = address.LastIndexOf(':');
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(address[..colon], int.Parse(address[(colon + 1)..], CultureInfo.InvariantCulture)).ConfigureAwait(false);
        var head = $"{method} {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {body?.Length ?? 0}\r\n\r\n";
        await socket.SendAsync(Encoding.ASCII.GetBytes(head)).ConfigureAwait(false);
        if (body is { Length: > 0 })
            await socket.SendAsync(body).ConfigureAwait(false);
        using var all = new MemoryStream();
        var buffer = new byte[16384];
        int n;
        while ((n = await socket.ReceiveAsync(buffer).ConfigureAwait(false)) > 0)
            all.Write(buffer, 0, n);
        var bytes = all.ToArray();
        var end = bytes.AsSpan().IndexOf("\r\n\r\n"u8);
        if (end < 0)
            throw new IOException("incomplete response");
        var lines = Encoding.Latin1.GetString(bytes, 0, end).Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1], CultureInfo.InvariantCulture);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.AsSpan(1))
        {
            var c = line.IndexOf(':', StringComparison.Ordinal);
            if (c > 0)
                headers[line[..c].Trim().ToLowerInvariant()] = line[(c + 1)..].Trim();
        }
        return (status, headers, bytes[(end + 4)..]);
    }
}
