using System.Net;
using System.Net.Sockets;
using System.Text;
using Fgs.Invoker.Http;

namespace Fgs.Invoker.Tests.Http;

/// <summary>
/// Pipelined requests on the invoker's HTTP server: a response written with
/// <see cref="HttpExchange.RespondDeferredAsync"/> while the next request is already buffered goes
/// out with the next response, and is flushed before the server waits for input.
/// </summary>
public sealed class HttpPipeliningTests
{
    private const string Post = "POST /done HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nok";
    private const string Get = "GET /next HTTP/1.1\r\nHost: x\r\n\r\n";

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Deferred_answers_wait_for_the_pipelined_request_and_go_out_with_its_answer(int posts)
    {
        var handler = new ParkingHandler();
        await using var server = Start(handler);
        using var client = await ConnectAsync(server);

        await client.SendAsync(Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat(Post, posts)) + Get));
        await handler.GetParked.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        // The POSTs were answered before the GET was parsed: had they been flushed, their bytes
        // would already be in this socket's receive queue (loopback delivers within the send).
        Assert.Equal(0, client.Available);

        handler.Release("event-1");
        var text = await ReadResponsesAsync(client, posts + 1);
        AssertInOrder(text, [.. Enumerable.Repeat("HTTP/1.1 202", posts), "HTTP/1.1 200"]);
        Assert.EndsWith("event-1", text, StringComparison.Ordinal);
        Assert.Equal(posts, handler.Posts);
    }

    [Fact]
    public async Task Without_a_pipelined_request_the_answer_is_sent_at_once()
    {
        var handler = new ParkingHandler();
        await using var server = Start(handler);
        using var client = await ConnectAsync(server);

        await client.SendAsync(Encoding.ASCII.GetBytes(Post));
        var text = await ReadResponsesAsync(client, 1);
        Assert.StartsWith("HTTP/1.1 202", text, StringComparison.Ordinal);

        await client.SendAsync(Encoding.ASCII.GetBytes(Get));
        await handler.GetParked.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        handler.Release("event-2");
        Assert.EndsWith("event-2", await ReadResponsesAsync(client, 1), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_deferred_answer_is_flushed_when_the_next_request_has_only_partly_arrived()
    {
        var handler = new ParkingHandler();
        await using var server = Start(handler);
        using var client = await ConnectAsync(server);

        // The rest of the GET comes only after the client has read the POST's answer.
        await client.SendAsync(Encoding.ASCII.GetBytes(Post + Get[..10]));
        var text = await ReadResponsesAsync(client, 1);
        Assert.StartsWith("HTTP/1.1 202", text, StringComparison.Ordinal);
        Assert.False(handler.GetParked.Task.IsCompleted);

        await client.SendAsync(Encoding.ASCII.GetBytes(Get[10..]));
        await handler.GetParked.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        handler.Release("event-3");
        Assert.EndsWith("event-3", await ReadResponsesAsync(client, 1), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_deferred_answer_precedes_the_400_of_a_malformed_pipelined_request()
    {
        var handler = new ParkingHandler();
        await using var server = Start(handler);
        using var client = await ConnectAsync(server);

        await client.SendAsync(Encoding.ASCII.GetBytes(Post + "NOT HTTP AT ALL\r\n\r\n"));
        var text = await ReadToEndAsync(client);
        AssertInOrder(text, "HTTP/1.1 202", "HTTP/1.1 400");
        Assert.Contains("\"error_code\":\"FSS.0400\"", text, StringComparison.Ordinal);
        Assert.Equal(1, handler.Posts);
    }

    /// <summary>The status lines come in this order, the first at the very start.</summary>
    private static void AssertInOrder(string text, params string[] statusLines)
    {
        var at = 0;
        for (var i = 0; i < statusLines.Length; i++)
        {
            var found = text.IndexOf(statusLines[i], at, StringComparison.Ordinal);
            Assert.True(i == 0 ? found == 0 : found > at, $"expected {statusLines[i]} after offset {at} in: {text}");
            at = found + 1;
        }
    }

    private static HttpServer Start(IHttpHandler handler)
    {
        var server = new HttpServer(new IPEndPoint(IPAddress.Loopback, 0), handler);
        server.Start();
        return server;
    }

    private static async Task<Socket> ConnectAsync(HttpServer server)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(server.LocalEndPoint);
        return socket;
    }

    /// <summary>Reads until <paramref name="count"/> complete responses (with Content-Length bodies) are in.</summary>
    private static async Task<string> ReadResponsesAsync(Socket socket, int count)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var text = new StringBuilder();
        var buffer = new byte[4096];
        while (CompleteResponses(text.ToString()) < count)
        {
            var n = await socket.ReceiveAsync(buffer, timeout.Token);
            Assert.True(n > 0, "the server closed the connection; received so far: " + text);
            text.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }
        return text.ToString();
    }

    private static async Task<string> ReadToEndAsync(Socket socket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var text = new StringBuilder();
        var buffer = new byte[4096];
        int n;
        while ((n = await socket.ReceiveAsync(buffer, timeout.Token)) > 0)
        {
            text.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }
        return text.ToString();
    }

    private static int CompleteResponses(string text)
    {
        var count = 0;
        var at = 0;
        while (true)
        {
            var end = text.IndexOf("\r\n\r\n", at, StringComparison.Ordinal);
            if (end < 0)
            {
                return count;
            }
            var head = text[at..end];
            var lengthAt = head.IndexOf("Content-Length: ", StringComparison.OrdinalIgnoreCase);
            var length = 0;
            if (lengthAt >= 0)
            {
                var lineEnd = head.IndexOf('\r', lengthAt);
                length = int.Parse(head[(lengthAt + 16)..(lineEnd < 0 ? head.Length : lineEnd)], System.Globalization.CultureInfo.InvariantCulture);
            }
            if (text.Length < end + 4 + length)
            {
                return count;
            }
            count++;
            at = end + 4 + length;
        }
    }

    /// <summary>POST answers 202 (deferred when the next request is buffered); GET parks until released.</summary>
    private sealed class ParkingHandler : IHttpHandler
    {
        private readonly TaskCompletionSource<string> _event = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _posts;

        public TaskCompletionSource GetParked { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Posts => Volatile.Read(ref _posts);

        public void Release(string body) => _event.SetResult(body);

        public long MaxBodyBytes(HttpRequestHead head) => 1024;

        public async ValueTask HandleAsync(HttpExchange exchange)
        {
            if (exchange.Head.Method == HttpMethodKind.Post)
            {
                Interlocked.Increment(ref _posts);
                await exchange.RespondDeferredAsync(202, "application/json"u8, "{\"status\":\"OK\"}"u8);
                return;
            }
            GetParked.TrySetResult();
            var body = await _event.Task;
            await exchange.RespondAsync(200, "text/plain"u8, Encoding.ASCII.GetBytes(body));
        }
    }
}
