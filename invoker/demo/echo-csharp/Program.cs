using System.Buffers.Text;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Fgs.Demo.EchoRuntime;

/// <summary>
/// FunctionGraph custom runtime demo: a Native AOT <c>bootstrap</c> that echoes every event back
/// as its response, over one keep-alive HTTP/1.1 connection to <c>RUNTIME_API_ADDR</c>.
/// </summary>
internal static class Program
{
    private static int Main()
    {
        var address = Environment.GetEnvironmentVariable("RUNTIME_API_ADDR");
        if (string.IsNullOrWhiteSpace(address))
        {
            Console.Error.WriteLine("echo-csharp: RUNTIME_API_ADDR is not set");
            return 2;
        }

        // ECHO_PIPELINE=0 waits for each POST's answer before asking for the next event (the
        // classic loop); by default the next GET is sent right behind the POST (HTTP/1.1 pipelining).
        var pipeline = Environment.GetEnvironmentVariable("ECHO_PIPELINE") != "0";
        using var client = new RuntimeApiClient(address.Trim());
        using var stdout = OpenStandardOutput();
        Span<byte> line = stackalloc byte[64];
        var hasEvent = false;
        while (true)
        {
            if (!hasEvent && !client.NextInvocation())
            {
                // No event (API not reachable yet, an error status or no request id): retry.
                Thread.Sleep(50);
                continue;
            }

            var body = client.EventBody;
            LogLine(stdout, line, body.Length);
            if (pipeline)
            {
                hasEvent = client.PostResponseAndNext(body);
                if (!hasEvent)
                {
                    Thread.Sleep(50); // as after a failed NextInvocation
                }
            }
            else
            {
                client.PostResponse(body);
                hasEvent = false;
            }
        }
    }

    /// <summary>
    /// Descriptor 1 as an unbuffered stream. Not <see cref="Console.OpenStandardOutput()"/>: its
    /// first write sets up terminal and signal handling (a thread and a read of /dev/urandom), which
    /// a runtime whose output is a pipe does not need, on the path of its first event. When
    /// descriptor 1 is not open, output is dropped.
    /// </summary>
    private static Stream OpenStandardOutput()
    {
        try
        {
            return new FileStream(new SafeFileHandle(1, ownsHandle: false), FileAccess.Write, bufferSize: 0);
        }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException)
        {
            return Stream.Null;
        }
    }

    /// <summary>Writes "echo-csharp got N bytes\n" without allocating.</summary>
    private static void LogLine(Stream stdout, Span<byte> line, int bytes)
    {
        var prefix = "echo-csharp got "u8;
        var suffix = " bytes\n"u8;
        prefix.CopyTo(line);
        Utf8Formatter.TryFormat(bytes, line[prefix.Length..], out var digits);
        var length = prefix.Length + digits;
        suffix.CopyTo(line[length..]);
        length += suffix.Length;
        try
        {
            stdout.Write(line[..length]);
        }
        catch (IOException)
        {
            // stdout closed: logging is best effort.
        }
    }
}

/// <summary>
/// A minimal HTTP/1.1 client for the FunctionGraph runtime API over a raw <see cref="Socket"/>:
/// one keep-alive connection, reconnected when the server closes it; Content-Length, chunked and
/// read-to-close response bodies; buffers reused between events (no allocation per event once the
/// body buffer has grown to the largest event seen).
/// </summary>
internal sealed class RuntimeApiClient : IDisposable
{
    private const int MaxHeaderBytes = 64 * 1024;
    private const int MaxIdBytes = 256;
    private const int MaxBodyBytes = 1 << 30;
    private const int CoalesceLimit = 32 * 1024;

    private readonly string _host;
    private readonly int _port;
    private readonly byte[] _getRequest;
    private readonly byte[] _postPrefix;
    private readonly byte[] _postHeaders;

    private readonly byte[] _recv = new byte[MaxHeaderBytes];
    private int _recvStart;
    private int _recvEnd;
    private byte[] _body = new byte[16 * 1024];
    private int _bodyLength;
    private readonly byte[] _id = new byte[MaxIdBytes];
    private int _idLength;
    private byte[] _send = new byte[CoalesceLimit + 1024];

    private Socket? _socket;
    private int _failuresInARow;

    // Per-response state set by ReadResponse.
    private bool _chunked;
    private long _contentLength;
    private bool _connectionClose;

    public RuntimeApiClient(string address)
    {
        (_host, _port) = ParseAddress(address);
        var hostHeader = "\r\nHost: " + address + "\r\nUser-Agent: fgs-echo-csharp\r\n";
        _getRequest = Encoding.ASCII.GetBytes("GET /v1/runtime/invocation/request HTTP/1.1" + hostHeader + "\r\n");
        _postPrefix = Encoding.ASCII.GetBytes("POST /v1/runtime/invocation/response/");
        _postHeaders = Encoding.ASCII.GetBytes(" HTTP/1.1" + hostHeader
            + "Content-Type: application/octet-stream\r\nContent-Length: ");
    }

    /// <summary>The body of the event returned by the last successful <see cref="NextInvocation"/>.</summary>
    public ReadOnlySpan<byte> EventBody => _body.AsSpan(0, _bodyLength);

    /// <summary>
    /// Waits for the next event. False (after logging) when the API cannot be reached, answers with
    /// an error status, or sends no request id; the caller waits 50 ms and calls again.
    /// </summary>
    public bool NextInvocation()
    {
        for (var attempt = 0; ; attempt++)
        {
            var reused = false;
            try
            {
                reused = EnsureConnected();
                SendAll(_getRequest);
                return ReadEvent();
            }
            catch (Exception e) when (IsConnectionFailure(e))
            {
                CloseSocket();
                // A kept-alive connection the server has since closed: retry at once on a new one.
                if (reused && attempt == 0)
                {
                    continue;
                }
                LogFailure("GET failed: " + e.Message, -1);
                return false;
            }
        }
    }

    /// <summary>Reads the answer to a GET: true with an event, false (after logging) otherwise.</summary>
    private bool ReadEvent()
    {
        var status = ReadResponse(captureRequestId: true);
        ReadBody();
        FinishResponse();
        if (status != 200)
        {
            LogFailure("GET returned HTTP status ", status);
            return false;
        }
        if (_idLength == 0)
        {
            LogFailure("GET returned no X-Cff-Request-Id, status ", status);
            return false;
        }
        _failuresInARow = 0;
        return true;
    }

    /// <summary>
    /// Posts <paramref name="body"/> as the response of the current invocation and sends the next
    /// GET right behind it, in the same write (HTTP/1.1 pipelining), then reads both answers in
    /// order. True when the next event has arrived (<see cref="EventBody"/>); false as
    /// <see cref="NextInvocation"/> returns false.
    /// </summary>
    public bool PostResponseAndNext(ReadOnlySpan<byte> body)
    {
        for (var attempt = 0; ; attempt++)
        {
            var reused = false;
            var posted = false;
            try
            {
                reused = EnsureConnected();
                var headerLength = WritePostHeaders(body.Length);
                var total = headerLength + body.Length + _getRequest.Length;
                if (total <= CoalesceLimit)
                {
                    body.CopyTo(_send.AsSpan(headerLength));
                    _getRequest.CopyTo(_send.AsSpan(headerLength + body.Length));
                    SendAll(_send.AsSpan(0, total));
                }
                else
                {
                    SendAll(_send.AsSpan(0, headerLength));
                    SendAll(body);
                    SendAll(_getRequest);
                }
                var status = ReadResponse(captureRequestId: false);
                posted = true;
                SkipBody();
                if (status is < 200 or >= 300)
                {
                    LogFailure("POST response returned HTTP status ", status);
                }
                if (_connectionClose)
                {
                    // The server closes after the POST's answer: the pipelined GET was not read.
                    CloseSocket();
                    return NextInvocation();
                }
                return ReadEvent();
            }
            catch (Exception e) when (IsConnectionFailure(e))
            {
                CloseSocket();
                if (posted)
                {
                    // The POST was answered; only the GET is lost with the connection.
                    return NextInvocation();
                }
                // The server closed a kept-alive connection before reading the request: resend once.
                if (reused && attempt == 0)
                {
                    continue;
                }
                LogFailure("POST response failed: " + e.Message, -1);
                return false;
            }
        }
    }

    /// <summary>Posts <paramref name="body"/> as the response of the current invocation.</summary>
    public void PostResponse(ReadOnlySpan<byte> body)
    {
        for (var attempt = 0; ; attempt++)
        {
            var reused = false;
            try
            {
                reused = EnsureConnected();
                var headerLength = WritePostHeaders(body.Length);
                if (headerLength + body.Length <= CoalesceLimit)
                {
                    body.CopyTo(_send.AsSpan(headerLength));
                    SendAll(_send.AsSpan(0, headerLength + body.Length));
                }
                else
                {
                    SendAll(_send.AsSpan(0, headerLength));
                    SendAll(body);
                }
                var status = ReadResponse(captureRequestId: false);
                SkipBody();
                FinishResponse();
                if (status is < 200 or >= 300)
                {
                    LogFailure("POST response returned HTTP status ", status);
                }
                else
                {
                    _failuresInARow = 0;
                }
                return;
            }
            catch (Exception e) when (IsConnectionFailure(e))
            {
                CloseSocket();
                // The server closed a kept-alive connection before reading the request: resend once.
                if (reused && attempt == 0)
                {
                    continue;
                }
                LogFailure("POST response failed: " + e.Message, -1);
                return;
            }
        }
    }

    public void Dispose() => CloseSocket();

    private static (string Host, int Port) ParseAddress(string address)
    {
        var colon = address.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(address.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port))
        {
            throw new ArgumentException("RUNTIME_API_ADDR must be host:port, not '" + address + "'");
        }
        var host = address[..colon];
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }
        return (host, port);
    }

    private static bool IsConnectionFailure(Exception e) =>
        e is SocketException or IOException or ObjectDisposedException;

    /// <summary>Connects when needed; true when an already open (kept-alive) connection is reused.</summary>
    private bool EnsureConnected()
    {
        if (_socket is not null)
        {
            return true;
        }
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            // An IP address (what FunctionGraph gives) is connected to without a name lookup.
            if (IPAddress.TryParse(_host, out var ip))
            {
                socket.Connect(new IPEndPoint(ip, _port));
            }
            else
            {
                socket.Connect(_host, _port);
            }
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        _socket = socket;
        _recvStart = _recvEnd = 0;
        return false;
    }

    private void CloseSocket()
    {
        _socket?.Dispose();
        _socket = null;
        _recvStart = _recvEnd = 0;
    }

    private void FinishResponse()
    {
        if (_connectionClose)
        {
            CloseSocket();
        }
    }

    private void SendAll(ReadOnlySpan<byte> data)
    {
        var socket = _socket!;
        while (!data.IsEmpty)
        {
            var sent = socket.Send(data);
            data = data[sent..];
        }
    }

    /// <summary>Writes the POST request line and headers into <c>_send</c>; returns their length.</summary>
    private int WritePostHeaders(int contentLength)
    {
        var span = _send.AsSpan();
        _postPrefix.CopyTo(span);
        var n = _postPrefix.Length;
        // The id goes into the path: percent-encode anything outside the unreserved characters.
        for (var i = 0; i < _idLength; i++)
        {
            var b = _id[i];
            if (IsUnreserved(b))
            {
                span[n++] = b;
            }
            else
            {
                span[n++] = (byte)'%';
                span[n++] = HexDigit(b >> 4);
                span[n++] = HexDigit(b & 0xF);
            }
        }
        _postHeaders.CopyTo(span[n..]);
        n += _postHeaders.Length;
        Utf8Formatter.TryFormat(contentLength, span[n..], out var digits);
        n += digits;
        "\r\n\r\n"u8.CopyTo(span[n..]);
        return n + 4;
    }

    private static bool IsUnreserved(byte b) =>
        b is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'0' and <= (byte)'9')
            or (byte)'-' or (byte)'.' or (byte)'_' or (byte)'~';

    private static byte HexDigit(int value) => (byte)(value < 10 ? '0' + value : 'A' + value - 10);

    // ---------------------------------------------------------------- response parsing

    /// <summary>Reads a status line and headers (skipping 1xx responses); returns the status code.</summary>
    private int ReadResponse(bool captureRequestId)
    {
        while (true)
        {
            _chunked = false;
            _contentLength = -1;
            _connectionClose = false;
            if (captureRequestId)
            {
                _idLength = 0;
            }

            var statusLine = ReadLine();
            // "HTTP/1.1 200 OK"
            if (statusLine.Length < 12 || !statusLine.StartsWith("HTTP/1."u8))
            {
                throw new IOException("malformed status line");
            }
            if (statusLine[7] == (byte)'0')
            {
                _connectionClose = true; // HTTP/1.0: close unless told keep-alive
            }
            if (!Utf8Parser.TryParse(statusLine.Slice(9, 3), out int status, out var used) || used != 3)
            {
                throw new IOException("malformed status code");
            }

            while (true)
            {
                var line = ReadLine();
                if (line.IsEmpty)
                {
                    break;
                }
                var colon = line.IndexOf((byte)':');
                if (colon <= 0)
                {
                    continue;
                }
                var name = line[..colon];
                var value = line[(colon + 1)..].Trim(" \t"u8);
                if (Ascii.EqualsIgnoreCase(name, "Content-Length"u8))
                {
                    if (!Utf8Parser.TryParse(value, out long length, out var consumed) || consumed != value.Length || length < 0)
                    {
                        throw new IOException("malformed Content-Length");
                    }
                    _contentLength = length;
                }
                else if (Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8))
                {
                    _chunked = ContainsIgnoreCase(value, "chunked"u8);
                }
                else if (Ascii.EqualsIgnoreCase(name, "Connection"u8))
                {
                    if (ContainsIgnoreCase(value, "close"u8))
                    {
                        _connectionClose = true;
                    }
                    else if (ContainsIgnoreCase(value, "keep-alive"u8))
                    {
                        _connectionClose = false;
                    }
                }
                else if (captureRequestId && Ascii.EqualsIgnoreCase(name, "X-Cff-Request-Id"u8) && value.Length <= MaxIdBytes)
                {
                    value.CopyTo(_id);
                    _idLength = value.Length;
                }
            }

            if (status is >= 100 and < 200 && status != 101)
            {
                continue; // 100 Continue and other interim responses
            }
            if (status is 204 or 304)
            {
                _contentLength = 0;
                _chunked = false;
            }
            return status;
        }
    }

    /// <summary>Reads the current response's body into <c>_body</c>.</summary>
    private void ReadBody()
    {
        _bodyLength = 0;
        if (_chunked)
        {
            while (true)
            {
                var sizeLine = ReadLine();
                if (!Utf8Parser.TryParse(sizeLine, out int size, out var consumed, 'X') || consumed == 0 || size < 0)
                {
                    throw new IOException("malformed chunk size");
                }
                if (size == 0)
                {
                    while (!ReadLine().IsEmpty)
                    {
                        // trailer fields: ignored
                    }
                    return;
                }
                ReadInto(size);
                if (!ReadLine().IsEmpty)
                {
                    throw new IOException("malformed chunk end");
                }
            }
        }
        if (_contentLength >= 0)
        {
            if (_contentLength > MaxBodyBytes)
            {
                throw new IOException("body too large");
            }
            ReadInto((int)_contentLength);
            return;
        }
        // Neither length nor chunked: the body runs until the server closes the connection.
        _connectionClose = true;
        while (true)
        {
            EnsureBodyCapacity(_bodyLength + 16 * 1024);
            var buffered = _recvEnd - _recvStart;
            if (buffered > 0)
            {
                _recv.AsSpan(_recvStart, buffered).CopyTo(_body.AsSpan(_bodyLength));
                _bodyLength += buffered;
                _recvStart = _recvEnd = 0;
                continue;
            }
            var read = _socket!.Receive(_body.AsSpan(_bodyLength));
            if (read == 0)
            {
                return;
            }
            _bodyLength += read;
        }
    }

    /// <summary>Reads and discards the current response's body (the POST answers are small).</summary>
    private void SkipBody()
    {
        var bodyLength = _bodyLength;
        ReadBody();
        _bodyLength = bodyLength; // keep EventBody intact for callers that still hold it
    }

    /// <summary>Appends exactly <paramref name="count"/> bytes of the response to <c>_body</c>.</summary>
    private void ReadInto(int count)
    {
        EnsureBodyCapacity(_bodyLength + count);
        var buffered = Math.Min(count, _recvEnd - _recvStart);
        _recv.AsSpan(_recvStart, buffered).CopyTo(_body.AsSpan(_bodyLength));
        _recvStart += buffered;
        _bodyLength += buffered;
        count -= buffered;
        while (count > 0)
        {
            // Large remainders go straight from the socket into the body buffer.
            var read = _socket!.Receive(_body.AsSpan(_bodyLength, count));
            if (read == 0)
            {
                throw new EndOfStreamException("connection closed in the middle of a body");
            }
            _bodyLength += read;
            count -= read;
        }
    }

    private void EnsureBodyCapacity(int needed)
    {
        if (needed > MaxBodyBytes)
        {
            throw new IOException("body too large");
        }
        if (needed > _body.Length)
        {
            Array.Resize(ref _body, (int)Math.Min(MaxBodyBytes, Math.Max(needed, 2L * _body.Length)));
        }
    }

    /// <summary>
    /// The next line (without CR LF) from the receive buffer, reading more as needed. The span is
    /// valid until the next read.
    /// </summary>
    private ReadOnlySpan<byte> ReadLine()
    {
        var searched = 0;
        while (true)
        {
            var lf = _recv.AsSpan(_recvStart + searched, _recvEnd - _recvStart - searched).IndexOf((byte)'\n');
            if (lf >= 0)
            {
                var start = _recvStart;
                var end = _recvStart + searched + lf;
                _recvStart = end + 1;
                if (end > start && _recv[end - 1] == (byte)'\r')
                {
                    end--;
                }
                return _recv.AsSpan(start, end - start);
            }
            searched = _recvEnd - _recvStart;
            Fill();
        }
    }

    /// <summary>Receives more bytes into <c>_recv</c>, moving unread bytes to the front first.</summary>
    private void Fill()
    {
        if (_recvStart > 0)
        {
            var unread = _recvEnd - _recvStart;
            _recv.AsSpan(_recvStart, unread).CopyTo(_recv);
            _recvStart = 0;
            _recvEnd = unread;
        }
        if (_recvEnd == _recv.Length)
        {
            throw new IOException("response header line too long");
        }
        var read = _socket!.Receive(_recv.AsSpan(_recvEnd));
        if (read == 0)
        {
            throw new EndOfStreamException("connection closed by the runtime API");
        }
        _recvEnd += read;
    }

    private static bool ContainsIgnoreCase(ReadOnlySpan<byte> value, ReadOnlySpan<byte> token)
    {
        for (var i = 0; i + token.Length <= value.Length; i++)
        {
            if (Ascii.EqualsIgnoreCase(value.Slice(i, token.Length), token))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Logs to stderr the first failure of a streak, then every 100th (retries run every 50 ms).</summary>
    private void LogFailure(string message, int status)
    {
        _failuresInARow++;
        if (_failuresInARow != 1 && _failuresInARow % 100 != 0)
        {
            return;
        }
        var text = "echo-csharp: " + message;
        if (status >= 0)
        {
            text += status.ToString(CultureInfo.InvariantCulture);
        }
        if (_failuresInARow > 1)
        {
            text += " (" + _failuresInARow.ToString(CultureInfo.InvariantCulture) + " failures in a row)";
        }
        Console.Error.WriteLine(text);
    }
}
