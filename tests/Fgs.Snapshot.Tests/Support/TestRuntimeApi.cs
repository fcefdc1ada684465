using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;

namespace Fgs.Snapshot.Tests.Support;

/// <summary>
/// A minimal runtime API for one instance (one connection per request, as the snapshot runtimes
/// use): queues events for GETs and collects the posted outcomes. Counts the GETs waiting, so a
/// test knows when the runtime is blocked waiting for an event (the moment to checkpoint).
/// </summary>
internal sealed class TestRuntimeApi : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Channel<(string Id, string Type, string Body)> _events = Channel.CreateUnbounded<(string, string, string)>();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<(bool Error, string Body)>> _pending = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accept;
    private int _waitingGets;

    public TestRuntimeApi()
    {
        _listener.Start();
        Address = "127.0.0.1:" + ((IPEndPoint)_listener.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);
        _accept = AcceptLoop();
    }

    public string Address { get; }

    public int WaitingGets => Volatile.Read(ref _waitingGets);

    /// <summary>Queues an event and waits for its outcome.</summary>
    public async Task<(bool Error, string Body)> InvokeAsync(string invokeType, string body, TimeSpan timeout)
    {
        var id = Guid.NewGuid().ToString();
        var tcs = new TaskCompletionSource<(bool, string)>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = tcs;
        await _events.Writer.WriteAsync((id, invokeType, body));
        return await tcs.Task.WaitAsync(timeout);
    }

    /// <summary>Waits until a GET is blocked waiting for an event.</summary>
    public async Task WaitForWaitingGetAsync(TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (WaitingGets == 0)
        {
            if (DateTime.UtcNow > until)
                throw new TimeoutException("the runtime is not waiting for an event");
            await Task.Delay(5);
        }
        // The runtime has sent its GET and blocks reading the answer from here on.
        await Task.Delay(20);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accept;
        }
        catch (OperationCanceledException)
        {
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
        _stop.Dispose();
    }

    private async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            _ = Task.Run(() => Serve(client));
        }
    }

    private async Task Serve(TcpClient client)
    {
        using var _ = client;
        try
        {
            var stream = client.GetStream();
            var (method, path, body) = await ReadRequest(stream);
            if (method == "GET" && path == "/v1/runtime/invocation/request")
            {
                Interlocked.Increment(ref _waitingGets);
                (string Id, string Type, string Body) ev;
                try
                {
                    ev = await _events.Reader.ReadAsync(_stop.Token);
                }
                finally
                {
                    Interlocked.Decrement(ref _waitingGets);
                }
                var bytes = Encoding.UTF8.GetBytes(ev.Body);
                var head = $"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {bytes.Length}\r\nX-Cff-Request-Id: {ev.Id}\r\nX-CFF-Invoke-Type: {ev.Type}\r\nConnection: close\r\n\r\n";
                try
                {
                    await stream.WriteAsync(Encoding.ASCII.GetBytes(head).Concat(bytes).ToArray());
                }
                catch (IOException)
                {
                    // The runtime went away (a checkpoint): the event goes to the next GET.
                    await _events.Writer.WriteAsync(ev);
                }
                return;
            }
            var error = path.StartsWith("/v1/runtime/invocation/error/", StringComparison.Ordinal);
            var id = path[(path.LastIndexOf('/') + 1)..];
            var found = _pending.TryRemove(id, out var tcs);
            var answer = found ? "HTTP/1.1 202 Accepted\r\nContent-Length: 15\r\n\r\n{\"status\":\"OK\"}" : "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(answer));
            tcs?.TrySetResult((error, body));
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
        {
        }
    }

    private static async Task<(string Method, string Path, string Body)> ReadRequest(NetworkStream stream)
    {
        var buffer = new List<byte>();
        var one = new byte[4096];
        int headEnd;
        while ((headEnd = IndexOfHeadEnd(buffer)) < 0)
        {
            var n = await stream.ReadAsync(one);
            if (n == 0)
                throw new IOException("closed");
            buffer.AddRange(one.AsSpan(0, n));
        }
        var head = Encoding.ASCII.GetString(buffer.GetRange(0, headEnd).ToArray());
        var lines = head.Split("\r\n");
        var parts = lines[0].Split(' ');
        var length = 0;
        foreach (var line in lines.Skip(1))
        {
            if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
                length = int.Parse(line["Content-Length:".Length..].Trim(), CultureInfo.InvariantCulture);
        }
        while (buffer.Count < headEnd + 4 + length)
        {
            var n = await stream.ReadAsync(one);
            if (n == 0)
                throw new IOException("closed");
            buffer.AddRange(one.AsSpan(0, n));
        }
        return (parts[0], parts[1], Encoding.UTF8.GetString(buffer.GetRange(headEnd + 4, length).ToArray()));
    }

    private static int IndexOfHeadEnd(List<byte> b)
    {
        for (var i = 0; i + 3 < b.Count; i++)
        {
            if (b[i] == '\r' && b[i + 1] == '\n' && b[i + 2] == '\r' && b[i + 3] == '\n')
                return i;
        }
        return -1;
    }
}
