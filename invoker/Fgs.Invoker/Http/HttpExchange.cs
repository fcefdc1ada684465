using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Fgs.Invoker.Http;

/// <summary>
/// One request/response on a connection. Reused for every request of the connection; the body is
/// valid only until the handler returns.
/// </summary>
internal sealed class HttpExchange
{
    private readonly PipeWriter _output;
    private Utf8JsonWriter? _json;

    public HttpExchange(PipeWriter output, HttpConnectionInfo connection)
    {
        _output = output;
        Connection = connection;
    }

    /// <summary>The parsed request head.</summary>
    public HttpRequestHead Head { get; } = new();

    /// <summary>The current request's header by name (case-insensitive), as a delegate made once
    /// per connection rather than a closure per request.</summary>
    public Func<string, string?> HeaderLookup => _headerLookup ??= name => Head.GetHeaderString(name);

    private Func<string, string?>? _headerLookup;

    /// <summary>The request body (Content-Length bodies point into the connection's input buffer).</summary>
    public ReadOnlySequence<byte> Body { get; set; }

    /// <summary>The connection this exchange belongs to.</summary>
    public HttpConnectionInfo Connection { get; }

    /// <summary>Set by a handler to close the connection after the response.</summary>
    public bool CloseAfterResponse { get; set; }

    /// <summary>Set once a response head has been written.</summary>
    public bool ResponseStarted { get; private set; }

    /// <summary>The response stream, for handlers that write heads themselves.</summary>
    public PipeWriter Output => _output;

    /// <summary>Writes a status line and the standard headers (Content-Length, Connection); the caller adds more and ends the head.</summary>
    public void StartResponse(int status, long contentLength)
    {
        ResponseStarted = true;
        HttpResponseHeadWriter.WriteStatusLine(_output, status);
        HttpResponseHeadWriter.WriteHeader(_output, "Content-Length"u8, contentLength);
        if (CloseAfterResponse || !Head.KeepAlive)
        {
            HttpResponseHeadWriter.WriteHeader(_output, "Connection"u8, "close"u8);
        }
        else if (!Head.IsHttp11)
        {
            HttpResponseHeadWriter.WriteHeader(_output, "Connection"u8, "keep-alive"u8);
        }
    }

    /// <summary>Writes a complete response with a body.</summary>
    public ValueTask<FlushResult> RespondAsync(int status, ReadOnlySpan<byte> contentType, ReadOnlySpan<byte> body)
    {
        StartResponse(status, body.Length);
        if (!contentType.IsEmpty)
        {
            HttpResponseHeadWriter.WriteHeader(_output, "Content-Type"u8, contentType);
        }
        HttpResponseHeadWriter.WriteEndOfHead(_output);
        _output.Write(body);
        return _output.FlushAsync();
    }

    /// <summary>
    /// Whether bytes of a further request were already received behind this one (the client
    /// pipelines). A handler may then leave its response unflushed so that it goes out with the
    /// next response in one write (<see cref="RespondDeferredAsync"/>); the server flushes it
    /// before it waits for more input.
    /// </summary>
    public bool InputPending { get; set; }

    /// <summary>
    /// Writes a complete response, flushed at once unless <see cref="InputPending"/>: then it is
    /// sent with the next response of the connection, or before the server waits for input.
    /// </summary>
    public ValueTask RespondDeferredAsync(int status, ReadOnlySpan<byte> contentType, ReadOnlySpan<byte> body)
    {
        if (!InputPending)
        {
            var flush = RespondAsync(status, contentType, body);
            return flush.IsCompletedSuccessfully ? default : AwaitFlush(flush);
        }
        StartResponse(status, body.Length);
        if (!contentType.IsEmpty)
        {
            HttpResponseHeadWriter.WriteHeader(_output, "Content-Type"u8, contentType);
        }
        HttpResponseHeadWriter.WriteEndOfHead(_output);
        _output.Write(body);
        return default;
    }

    private static async ValueTask AwaitFlush(ValueTask<FlushResult> flush) => await flush.ConfigureAwait(false);

    /// <summary>Writes a JSON response through a source-generated serializer.</summary>
    public ValueTask<FlushResult> RespondJsonAsync<T>(int status, T value, JsonTypeInfo<T> typeInfo,
        ReadOnlySpan<(string Name, string Value)> extraHeaders = default)
    {
        var body = new ArrayBufferWriter<byte>(256);
        if (_json is null)
        {
            _json = new Utf8JsonWriter(body);
        }
        else
        {
            _json.Reset(body);
        }
        JsonSerializer.Serialize(_json, value, typeInfo);
        _json.Flush();
        StartResponse(status, body.WrittenCount);
        HttpResponseHeadWriter.WriteHeader(_output, "Content-Type"u8, "application/json;charset=utf-8"u8);
        foreach (var (name, v) in extraHeaders)
        {
            HttpResponseHeadWriter.WriteHeader(_output, System.Text.Encoding.ASCII.GetBytes(name), v.AsSpan());
        }
        HttpResponseHeadWriter.WriteEndOfHead(_output);
        _output.Write(body.WrittenSpan);
        return _output.FlushAsync();
    }

    /// <summary>Resets per-request state.</summary>
    public void Reset()
    {
        ResponseStarted = false;
        InputPending = false;
        Body = default;
    }
}
