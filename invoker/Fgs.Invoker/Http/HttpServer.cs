using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;

namespace Fgs.Invoker.Http;

/// <summary>
/// A small HTTP/1.1 server on System.IO.Pipelines over sockets: keep-alive, Content-Length and
/// chunked request bodies, <c>Expect: 100-continue</c>, limits applied before parsing, and a 400
/// followed by a close for anything malformed. Serves both the front door and the runtime API.
/// </summary>
internal sealed class HttpServer : IAsyncDisposable
{
    private static long s_connectionIds;

    private readonly Socket _listener;
    private readonly IHttpHandler _handler;
    private readonly HttpParserLimits _limits;
    private readonly CancellationTokenSource _stopping = new();
    private readonly HashSet<Connection> _connections = [];
    private Task? _acceptLoop;
    private int _disposed;

    public HttpServer(IPEndPoint endpoint, IHttpHandler handler, HttpParserLimits? limits = null, int backlog = 512)
    {
        _handler = handler;
        _limits = limits ?? new HttpParserLimits();
        _listener = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        _listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _listener.Bind(endpoint);
        _listener.Listen(backlog);
        LocalEndPoint = (IPEndPoint)_listener.LocalEndPoint!;
    }

    /// <summary>The bound address (with the real port when 0 was asked for).</summary>
    public IPEndPoint LocalEndPoint { get; }

    /// <summary>Open connections.</summary>
    public int ConnectionCount { get { lock (_connections) { return _connections.Count; } } }

    public void Start() => _acceptLoop = AcceptLoopAsync();

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            socket.NoDelay = true;
            var connection = new Connection(this, socket);
            lock (_connections)
            {
                _connections.Add(connection);
            }
            _ = connection.RunAsync();
        }
    }

    /// <summary>Stops accepting. Open connections keep running until <see cref="CloseConnectionsAsync"/>.</summary>
    public void StopAccepting()
    {
        if (!_stopping.IsCancellationRequested)
        {
            _stopping.Cancel();
        }
        try
        {
            _listener.Close();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>Closes every open connection and waits for their loops to end.</summary>
    public async Task CloseConnectionsAsync()
    {
        Connection[] open;
        lock (_connections)
        {
            open = [.. _connections];
        }
        foreach (var c in open)
        {
            c.Abort();
        }
        // Bounded: a handler parked on something that never completes must not hold up a stop.
        await Task.WhenAny(Task.WhenAll(open.Select(c => c.Completion)), Task.Delay(TimeSpan.FromSeconds(5))).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        StopAccepting();
        if (_acceptLoop is not null)
        {
            await _acceptLoop.ConfigureAwait(false);
        }
        await CloseConnectionsAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    private void Remove(Connection c)
    {
        lock (_connections)
        {
            _connections.Remove(c);
        }
    }

    private sealed class Connection
    {
        private static readonly StreamPipeReaderOptions ReaderOptions = new(bufferSize: 16 * 1024, minimumReadSize: 4096, leaveOpen: true);
        private static readonly StreamPipeWriterOptions WriterOptions = new(minimumBufferSize: 4096, leaveOpen: true);

        private readonly HttpServer _server;
        private readonly Socket _socket;
        private readonly NetworkStream _stream;
        private readonly CancellationTokenSource _closed = new();
        private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Connection(HttpServer server, Socket socket)
        {
            _server = server;
            _socket = socket;
            _stream = new NetworkStream(socket, ownsSocket: true);
        }

        public Task Completion => _completion.Task;

        public void Abort()
        {
            try
            {
                _closed.Cancel();
                _socket.Shutdown(SocketShutdown.Both);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
            }
        }

        public async Task RunAsync()
        {
            var reader = PipeReader.Create(_stream, ReaderOptions);
            var writer = PipeWriter.Create(_stream, WriterOptions);
            var info = new HttpConnectionInfo(Interlocked.Increment(ref s_connectionIds),
                _socket.RemoteEndPoint as IPEndPoint, _socket.LocalEndPoint as IPEndPoint)
            {
                Closed = _closed.Token,
            };
            var exchange = new HttpExchange(writer, info);
            var connected = false;
            try
            {
                connected = await _server._handler.OnConnectedAsync(info).ConfigureAwait(false);
                if (connected)
                {
                    await ProcessRequestsAsync(reader, writer, exchange).ConfigureAwait(false);
                }
                else
                {
                    await WriteErrorAsync(writer, 403, "FSS.0403", "connection refused: it does not come from a live instance served by this address").ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // The peer went away or the server is stopping: nothing to answer.
            }
            finally
            {
                if (connected)
                {
                    _server._handler.OnDisconnected(info);
                }
                try
                {
                    _closed.Cancel();
                    await reader.CompleteAsync().ConfigureAwait(false);
                    // Completing the writer flushes what is buffered: the peer may be gone by now.
                    await writer.CompleteAsync().ConfigureAwait(false);
                }
                catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or InvalidOperationException)
                {
                }
                finally
                {
                    await _stream.DisposeAsync().ConfigureAwait(false);
                    _closed.Dispose();
                    _server.Remove(this);
                    _completion.TrySetResult();
                }
            }
        }

        private async Task ProcessRequestsAsync(PipeReader reader, PipeWriter writer, HttpExchange exchange)
        {
            var head = exchange.Head;
            var limits = _server._limits;
            ArrayBufferWriter<byte>? chunkedBody = null;
            while (true)
            {
                var result = await reader.ReadAsync(_closed.Token).ConfigureAwait(false);
                var buffer = result.Buffer;
                var status = HttpRequestParser.TryParseHead(buffer, head, limits, out var consumed, out var examined, out var error);
                if (status == ParseStatus.Incomplete)
                {
                    if (result.IsCompleted)
                    {
                        if (!buffer.IsEmpty)
                        {
                            await WriteErrorAsync(writer, 400, "FSS.0400", "incomplete HTTP request").ConfigureAwait(false);
                        }
                        return;
                    }
                    reader.AdvanceTo(consumed, examined);
                    await FlushDeferredAsync(writer).ConfigureAwait(false);
                    continue;
                }
                if (status == ParseStatus.Invalid)
                {
                    var (code, message) = error switch
                    {
                        HttpParseError.HeadersTooLarge or HttpParseError.TooManyHeaders => (431, "request header fields too large"),
                        HttpParseError.RequestTargetTooLong => (414, "request target too long"),
                        HttpParseError.UnsupportedVersion => (505, "HTTP version not supported"),
                        _ => (400, "malformed HTTP request: " + error),
                    };
                    await WriteErrorAsync(writer, code, "FSS.0400", message).ConfigureAwait(false);
                    return;
                }

                exchange.Reset();
                buffer = buffer.Slice(consumed);
                var maxBody = _server._handler.MaxBodyBytes(head);
                if (head.ContentLength > maxBody)
                {
                    _server._handler.OnBodyTooLarge(head);
                    await WriteErrorAsync(writer, 413, "FSS.0413", $"request body of {head.ContentLength} bytes is larger than the limit of {maxBody} bytes").ConfigureAwait(false);
                    await LingerAsync(reader).ConfigureAwait(false);
                    return;
                }
                var hasBody = head.IsChunked || head.ContentLength > 0;
                if (hasBody && head.ExpectContinue)
                {
                    writer.Write("HTTP/1.1 100 Continue\r\n\r\n"u8);
                    await writer.FlushAsync(_closed.Token).ConfigureAwait(false);
                }

                SequencePosition afterBody;
                if (head.IsChunked)
                {
                    chunkedBody ??= new ArrayBufferWriter<byte>(4096);
                    chunkedBody.ResetWrittenCount();
                    var decoder = new ChunkedBodyDecoder();
                    while (true)
                    {
                        var chunkStatus = decoder.Decode(ref buffer, chunkedBody, maxBody, out var chunkError);
                        if (chunkStatus == ParseStatus.Complete)
                        {
                            break;
                        }
                        if (chunkStatus == ParseStatus.Invalid)
                        {
                            var tooLarge = chunkError == HttpParseError.BodyTooLarge;
                            if (tooLarge)
                            {
                                _server._handler.OnBodyTooLarge(head);
                            }
                            await WriteErrorAsync(writer, tooLarge ? 413 : 400, tooLarge ? "FSS.0413" : "FSS.0400",
                                tooLarge ? $"request body is larger than the limit of {maxBody} bytes" : "malformed chunked body").ConfigureAwait(false);
                            await LingerAsync(reader).ConfigureAwait(false);
                            return;
                        }
                        if (result.IsCompleted)
                        {
                            return;
                        }
                        reader.AdvanceTo(buffer.Start, buffer.End);
                        await FlushDeferredAsync(writer).ConfigureAwait(false);
                        result = await reader.ReadAsync(_closed.Token).ConfigureAwait(false);
                        buffer = result.Buffer;
                    }
                    afterBody = buffer.Start;
                    exchange.Body = new ReadOnlySequence<byte>(chunkedBody.WrittenMemory);
                }
                else if (head.ContentLength > 0)
                {
                    while (buffer.Length < head.ContentLength)
                    {
                        if (result.IsCompleted)
                        {
                            return;
                        }
                        reader.AdvanceTo(buffer.Start, buffer.End);
                        await FlushDeferredAsync(writer).ConfigureAwait(false);
                        result = await reader.ReadAsync(_closed.Token).ConfigureAwait(false);
                        buffer = result.Buffer;
                    }
                    exchange.Body = buffer.Slice(0, head.ContentLength);
                    afterBody = exchange.Body.End;
                }
                else
                {
                    afterBody = buffer.Start;
                }

                // A pipelining client has already sent (part of) its next request.
                exchange.InputPending = !buffer.Slice(afterBody).IsEmpty;
                await _server._handler.HandleAsync(exchange).ConfigureAwait(false);
                if (!exchange.ResponseStarted)
                {
                    await WriteErrorAsync(writer, 500, "FSS.0500", "no response was produced").ConfigureAwait(false);
                    return;
                }
                exchange.Body = default;
                reader.AdvanceTo(afterBody);
                if (chunkedBody is { Capacity: > 1024 * 1024 })
                {
                    chunkedBody = null; // do not pin a large buffer on an idle connection
                }
                if (exchange.CloseAfterResponse || !head.KeepAlive)
                {
                    return;
                }
            }
        }

        /// <summary>
        /// Sends a response a handler left unflushed because the next request was already
        /// buffered (<see cref="HttpExchange.RespondDeferredAsync"/>), before waiting for input.
        /// </summary>
        private ValueTask FlushDeferredAsync(PipeWriter writer)
        {
            if (writer.UnflushedBytes == 0)
            {
                return default;
            }
            var flush = writer.FlushAsync(_closed.Token);
            return flush.IsCompletedSuccessfully ? default : AwaitFlush(flush);
        }

        private static async ValueTask AwaitFlush(ValueTask<FlushResult> flush) => await flush.ConfigureAwait(false);

        /// <summary>
        /// After answering before the request body was read (413), half-closes the connection and
        /// discards what the client is still sending for a bounded time, so it reads the answer
        /// instead of a connection reset.
        /// </summary>
        private async ValueTask LingerAsync(PipeReader reader)
        {
            const long MaxDrainBytes = 64L * 1024 * 1024;
            try
            {
                _socket.Shutdown(SocketShutdown.Send);
                using var limit = CancellationTokenSource.CreateLinkedTokenSource(_closed.Token);
                limit.CancelAfter(TimeSpan.FromSeconds(2));
                long drained = 0;
                while (drained < MaxDrainBytes)
                {
                    var r = await reader.ReadAsync(limit.Token).ConfigureAwait(false);
                    drained += r.Buffer.Length;
                    reader.AdvanceTo(r.Buffer.End);
                    if (r.IsCompleted)
                    {
                        break;
                    }
                }
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
            }
        }

        private static async ValueTask WriteErrorAsync(PipeWriter writer, int status, string code, string message)
        {
            var body = ErrorBodies.Utf8(code, message);
            HttpResponseHeadWriter.WriteStatusLine(writer, status);
            HttpResponseHeadWriter.WriteHeader(writer, "Content-Type"u8, "application/json;charset=utf-8"u8);
            HttpResponseHeadWriter.WriteHeader(writer, "Content-Length"u8, body.Length);
            HttpResponseHeadWriter.WriteHeader(writer, "Connection"u8, "close"u8);
            HttpResponseHeadWriter.WriteEndOfHead(writer);
            writer.Write(body);
            await writer.FlushAsync().ConfigureAwait(false);
        }
    }
}
