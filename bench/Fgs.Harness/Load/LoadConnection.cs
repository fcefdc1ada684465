using System.Buffers.Text;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Fgs.Harness.Load;

/// <summary>
/// One keep-alive HTTP/1.1 client connection over a raw socket. It sends pre-built request bytes
/// and parses only what a load generator needs from the answer: the status line, Content-Length or
/// chunked framing, <c>Connection: close</c>, <c>X-Cff-Cold-Start</c>, and for non-200 answers
/// whether the body holds a watched error code. The body is skipped, never copied (except the
/// first KiB of a non-200 body when an error code is watched). One exchange at a time.
/// </summary>
public sealed class LoadConnection : IDisposable
{
    private const int BufferSize = 64 * 1024;
    private const int ErrorBodyCapture = 1024;

    private readonly EndPoint _endPoint;
    private readonly byte[] _buffer = new byte[BufferSize];
    private readonly byte[]? _watchedErrorCode;
    private readonly byte[] _errorBody = new byte[ErrorBodyCapture];
    private int _errorBodyLength;
    private Socket? _socket;
    private int _start;
    private int _end;

    /// <summary>Creates a connection to <paramref name="endPoint"/>; it connects on first use.</summary>
    /// <param name="endPoint">Server address.</param>
    /// <param name="watchedErrorCode">An error code (e.g. <c>FSS.0429</c>) to look for in non-200 bodies.</param>
    public LoadConnection(EndPoint endPoint, string? watchedErrorCode = null)
    {
        _endPoint = endPoint;
        _watchedErrorCode = watchedErrorCode is null ? null : Encoding.ASCII.GetBytes(watchedErrorCode);
    }

    /// <summary>How many TCP connections this client has opened so far.</summary>
    public int Connects { get; private set; }

    /// <summary>Opens the TCP connection now if it is not open.</summary>
    public async ValueTask ConnectAsync(CancellationToken cancellationToken)
    {
        if (_socket is not null)
        {
            return;
        }
        var socket = new Socket(_endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(_endPoint, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        _socket = socket;
        _start = 0;
        _end = 0;
        Connects++;
    }

    /// <summary>
    /// Sends one request and reads its whole response. A connection failure gives status 0 and
    /// closes the socket (the next exchange reconnects); cancellation throws.
    /// </summary>
    public async ValueTask<ExchangeResult> ExchangeAsync(ReadOnlyMemory<byte> request, CancellationToken cancellationToken)
    {
        try
        {
            await ConnectAsync(cancellationToken).ConfigureAwait(false);
            await _socket!.SendAsync(request, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            return await ReadResponseAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or IOException or InvalidDataException)
        {
            Close();
            return default;
        }
    }

    /// <inheritdoc />
    public void Dispose() => Close();

    private void Close()
    {
        _socket?.Dispose();
        _socket = null;
        _start = 0;
        _end = 0;
    }

    private async ValueTask<ExchangeResult> ReadResponseAsync(CancellationToken cancellationToken)
    {
        int headEnd;
        while ((headEnd = IndexOf("\r\n\r\n"u8)) < 0)
        {
            await FillAsync(cancellationToken).ConfigureAwait(false);
        }
        var head = ParseHead(_buffer.AsSpan(_start, headEnd + 4 - _start));
        _start = headEnd + 4;
        var capture = head.Status != 200 && _watchedErrorCode is not null;
        _errorBodyLength = 0;
        if (head.Chunked)
        {
            await SkipChunkedAsync(capture, cancellationToken).ConfigureAwait(false);
        }
        else if (head.ContentLength > 0)
        {
            await SkipAsync(head.ContentLength, capture, cancellationToken).ConfigureAwait(false);
        }
        else if (head.ContentLength < 0 && head.Status >= 200 && head.Status != 204 && head.Status != 304)
        {
            // No framing: the body runs to the end of the connection.
            await SkipAsync(long.MaxValue, capture, cancellationToken).ConfigureAwait(false);
        }
        if (head.ConnectionClose)
        {
            Close();
        }
        var matched = capture && _errorBody.AsSpan(0, _errorBodyLength).IndexOf(_watchedErrorCode) >= 0;
        return new ExchangeResult(head.Status, head.ColdStart, matched);
    }

    private static ResponseHead ParseHead(ReadOnlySpan<byte> head)
    {
        // "HTTP/1.1 200 OK\r\n"
        if (head.Length < 12 || !Utf8Parser.TryParse(head.Slice(9, 3), out int status, out _))
        {
            throw new InvalidDataException("bad status line");
        }
        var result = new ResponseHead { Status = status, ContentLength = -1 };
        var rest = head[(head.IndexOf("\r\n"u8) + 2)..];
        while (rest.Length > 2)
        {
            var lineEnd = rest.IndexOf("\r\n"u8);
            var line = rest[..lineEnd];
            rest = rest[(lineEnd + 2)..];
            var colon = line.IndexOf((byte)':');
            if (colon <= 0)
            {
                continue;
            }
            var name = line[..colon];
            var value = line[(colon + 1)..].Trim((byte)' ');
            if (Ascii.EqualsIgnoreCase(name, "content-length"u8))
            {
                if (!Utf8Parser.TryParse(value, out long length, out _))
                {
                    throw new InvalidDataException("bad content-length");
                }
                result.ContentLength = length;
            }
            else if (Ascii.EqualsIgnoreCase(name, "transfer-encoding"u8))
            {
                result.Chunked = Ascii.EqualsIgnoreCase(value, "chunked"u8);
            }
            else if (Ascii.EqualsIgnoreCase(name, "connection"u8))
            {
                result.ConnectionClose = Ascii.EqualsIgnoreCase(value, "close"u8);
            }
            else if (Ascii.EqualsIgnoreCase(name, "x-cff-cold-start"u8))
            {
                result.ColdStart = Ascii.EqualsIgnoreCase(value, "true"u8);
            }
        }
        return result;
    }

    private async ValueTask SkipChunkedAsync(bool capture, CancellationToken cancellationToken)
    {
        while (true)
        {
            int lineEnd;
            while ((lineEnd = IndexOf("\r\n"u8)) < 0)
            {
                await FillAsync(cancellationToken).ConfigureAwait(false);
            }
            var sizeText = _buffer.AsSpan(_start, lineEnd - _start);
            var semicolon = sizeText.IndexOf((byte)';');
            if (semicolon >= 0)
            {
                sizeText = sizeText[..semicolon];
            }
            if (!Utf8Parser.TryParse(sizeText.Trim((byte)' '), out long size, out _, 'x'))
            {
                throw new InvalidDataException("bad chunk size");
            }
            _start = lineEnd + 2;
            if (size == 0)
            {
                // Trailers, then the empty line.
                while (true)
                {
                    while ((lineEnd = IndexOf("\r\n"u8)) < 0)
                    {
                        await FillAsync(cancellationToken).ConfigureAwait(false);
                    }
                    var empty = lineEnd == _start;
                    _start = lineEnd + 2;
                    if (empty)
                    {
                        return;
                    }
                }
            }
            await SkipAsync(size, capture, cancellationToken).ConfigureAwait(false);
            while (_end - _start < 2)
            {
                await FillAsync(cancellationToken).ConfigureAwait(false);
            }
            _start += 2;
        }
    }

    private async ValueTask SkipAsync(long count, bool capture, CancellationToken cancellationToken)
    {
        var toEnd = count == long.MaxValue;
        while (count > 0)
        {
            if (_start == _end)
            {
                if (toEnd)
                {
                    var read = await ReceiveAsync(cancellationToken).ConfigureAwait(false);
                    if (read == 0)
                    {
                        Close();
                        return;
                    }
                }
                else
                {
                    await FillAsync(cancellationToken).ConfigureAwait(false);
                }
            }
            var take = (int)Math.Min(count, _end - _start);
            if (capture && _errorBodyLength < ErrorBodyCapture)
            {
                var copy = Math.Min(take, ErrorBodyCapture - _errorBodyLength);
                _buffer.AsSpan(_start, copy).CopyTo(_errorBody.AsSpan(_errorBodyLength));
                _errorBodyLength += copy;
            }
            _start += take;
            count -= take;
        }
    }

    private int IndexOf(ReadOnlySpan<byte> marker)
    {
        var index = _buffer.AsSpan(_start, _end - _start).IndexOf(marker);
        return index < 0 ? -1 : _start + index;
    }

    private async ValueTask FillAsync(CancellationToken cancellationToken)
    {
        if (await ReceiveAsync(cancellationToken).ConfigureAwait(false) == 0)
        {
            throw new IOException("the server closed the connection");
        }
    }

    private async ValueTask<int> ReceiveAsync(CancellationToken cancellationToken)
    {
        if (_start == _end)
        {
            _start = 0;
            _end = 0;
        }
        else if (_end == BufferSize)
        {
            if (_start == 0)
            {
                throw new InvalidDataException("response head over 64 KiB");
            }
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }
        var read = await _socket!.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cancellationToken).ConfigureAwait(false);
        _end += read;
        return read;
    }
}
