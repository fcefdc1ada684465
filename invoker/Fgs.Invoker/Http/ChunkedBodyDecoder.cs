using System.Buffers;

namespace Fgs.Invoker.Http;

/// <summary>
/// An incremental decoder for a <c>Transfer-Encoding: chunked</c> request body (RFC 9112 7.1).
/// Unlike <see cref="HttpRequestParser"/> it keeps its state between calls: every call consumes all
/// the bytes it can, so the caller advances its reader to the sliced buffer's start and calls again
/// with only the new bytes (plus whatever was left).
/// </summary>
/// <remarks>
/// A mutable struct: keep it in a (non-readonly) field or local and call it there, never on a copy.
/// <c>default</c> is a decoder ready for a new body. Chunk extensions are skipped (only control
/// characters are rejected); trailer fields are validated like header fields and discarded.
/// </remarks>
public struct ChunkedBodyDecoder
{
    /// <summary>The most hex digits accepted in a chunk-size (leading zeros included).</summary>
    public const int MaxChunkSizeDigits = 16;

    /// <summary>The longest chunk-size line accepted (size, extensions and CR), in bytes.</summary>
    public const int MaxChunkLineBytes = 4096;

    /// <summary>The largest trailer section accepted (all trailer field lines and their CRLFs), in bytes.</summary>
    public const int MaxTrailerBytes = 16 * 1024;

    private const byte Cr = (byte)'\r';
    private const byte Lf = (byte)'\n';

    private State _state;
    private HttpParseError _error;
    private int _digits;
    private int _lineBytes;
    private int _trailerBytes;
    private long _chunkSize;
    private long _remaining;
    private long _decoded;

    private enum State : byte
    {
        Size = 0,
        SizeBws,
        Extension,
        SizeLf,
        Data,
        DataCr,
        DataLf,
        TrailerStart,
        TrailerName,
        TrailerValue,
        TrailerLf,
        FinalLf,
        Done,
        Failed,
    }

    /// <summary>The number of body bytes decoded so far.</summary>
    public readonly long DecodedBytes => _decoded;

    /// <summary>True once the last chunk, the trailers and the final CRLF have been consumed.</summary>
    public readonly bool IsComplete => _state == State.Done;

    /// <summary>
    /// Decodes as much of <paramref name="buffer"/> as possible, writing body bytes to <paramref name="output"/>.
    /// </summary>
    /// <param name="buffer">The unconsumed input; on return, sliced past everything consumed (on
    /// <see cref="ParseStatus.Complete"/> it starts at the first byte after the body).</param>
    /// <param name="output">Receives the decoded body bytes.</param>
    /// <param name="maxBodyBytes">The most body bytes allowed in total; a chunk-size that would exceed it
    /// fails with <see cref="HttpParseError.BodyTooLarge"/> before its data is read.</param>
    /// <param name="error">Why the body is invalid; <see cref="HttpParseError.None"/> unless <see cref="ParseStatus.Invalid"/>.</param>
    /// <returns><see cref="ParseStatus.Complete"/> when the body has ended (also on every later call until
    /// <see cref="Reset"/>), <see cref="ParseStatus.Incomplete"/> when more bytes are needed, or
    /// <see cref="ParseStatus.Invalid"/> (also on every later call until <see cref="Reset"/>).</returns>
    public ParseStatus Decode(ref ReadOnlySequence<byte> buffer, IBufferWriter<byte> output, long maxBodyBytes, out HttpParseError error)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentOutOfRangeException.ThrowIfNegative(maxBodyBytes);

        var reader = new SequenceReader<byte>(buffer);
        while (_state is not (State.Done or State.Failed))
        {
            if (_state == State.Data)
            {
                var span = reader.UnreadSpan;
                if (span.IsEmpty)
                {
                    break;
                }

                var n = (int)Math.Min(span.Length, _remaining);
                output.Write(span[..n]);
                reader.Advance(n);
                _remaining -= n;
                _decoded += n;
                if (_remaining == 0)
                {
                    _state = State.DataCr;
                }

                continue;
            }

            if (!reader.TryRead(out var b))
            {
                break;
            }

            Step(b, maxBodyBytes);
        }

        buffer = buffer.Slice(reader.Position);
        switch (_state)
        {
            case State.Done:
                error = HttpParseError.None;
                return ParseStatus.Complete;
            case State.Failed:
                error = _error;
                return ParseStatus.Invalid;
            default:
                error = HttpParseError.None;
                return ParseStatus.Incomplete;
        }
    }

    /// <summary>Readies the decoder for a new body.</summary>
    public void Reset() => this = default;

    private static int HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };

    private static bool IsControl(byte b) => HttpRequestParser.InvalidValueChars.Contains(b);

    private void Step(byte b, long maxBodyBytes)
    {
        switch (_state)
        {
            case State.Size:
            {
                if (++_lineBytes > MaxChunkLineBytes)
                {
                    Fail(HttpParseError.InvalidChunk);
                    return;
                }

                var hex = HexValue(b);
                if (hex >= 0)
                {
                    // At most 16 digits, and the value must fit a long.
                    if (++_digits > MaxChunkSizeDigits || _chunkSize > (long.MaxValue - hex) / 16)
                    {
                        Fail(HttpParseError.InvalidChunk);
                        return;
                    }

                    _chunkSize = (_chunkSize * 16) + hex;
                    return;
                }

                if (_digits == 0)
                {
                    Fail(HttpParseError.InvalidChunk);
                    return;
                }

                if (_chunkSize > maxBodyBytes - _decoded)
                {
                    Fail(HttpParseError.BodyTooLarge);
                    return;
                }

                switch (b)
                {
                    case Cr:
                        _state = State.SizeLf;
                        break;
                    case (byte)';':
                        _state = State.Extension;
                        break;
                    case (byte)' ' or (byte)'\t':
                        _state = State.SizeBws;
                        break;
                    default:
                        Fail(HttpParseError.InvalidChunk);
                        break;
                }

                return;
            }

            case State.SizeBws:
                if (++_lineBytes > MaxChunkLineBytes)
                {
                    Fail(HttpParseError.InvalidChunk);
                }
                else if (b == (byte)';')
                {
                    _state = State.Extension;
                }
                else if (b is not ((byte)' ' or (byte)'\t'))
                {
                    // Whitespace after the size is only allowed before an extension (BWS ";").
                    Fail(HttpParseError.InvalidChunk);
                }

                return;

            case State.Extension:
                if (++_lineBytes > MaxChunkLineBytes)
                {
                    Fail(HttpParseError.InvalidChunk);
                }
                else if (b == Cr)
                {
                    _state = State.SizeLf;
                }
                else if (IsControl(b))
                {
                    Fail(HttpParseError.InvalidChunk);
                }

                return;

            case State.SizeLf:
                if (b != Lf)
                {
                    Fail(HttpParseError.InvalidChunk);
                }
                else if (_chunkSize == 0)
                {
                    _state = State.TrailerStart;
                }
                else
                {
                    _remaining = _chunkSize;
                    _state = State.Data;
                }

                return;

            case State.DataCr:
                if (b == Cr)
                {
                    _state = State.DataLf;
                }
                else
                {
                    Fail(HttpParseError.InvalidChunk);
                }

                return;

            case State.DataLf:
                if (b == Lf)
                {
                    _state = State.Size;
                    _digits = 0;
                    _lineBytes = 0;
                    _chunkSize = 0;
                }
                else
                {
                    Fail(HttpParseError.InvalidChunk);
                }

                return;

            case State.TrailerStart:
                if (++_trailerBytes > MaxTrailerBytes)
                {
                    Fail(HttpParseError.HeadersTooLarge);
                }
                else if (b == Cr)
                {
                    _state = State.FinalLf;
                }
                else if (HttpRequestParser.TokenChars.Contains(b))
                {
                    _state = State.TrailerName;
                }
                else
                {
                    // Empty name, obs-fold, or garbage.
                    Fail(HttpParseError.InvalidHeader);
                }

                return;

            case State.TrailerName:
                if (++_trailerBytes > MaxTrailerBytes)
                {
                    Fail(HttpParseError.HeadersTooLarge);
                }
                else if (b == (byte)':')
                {
                    _state = State.TrailerValue;
                }
                else if (!HttpRequestParser.TokenChars.Contains(b))
                {
                    Fail(HttpParseError.InvalidHeader);
                }

                return;

            case State.TrailerValue:
                if (++_trailerBytes > MaxTrailerBytes)
                {
                    Fail(HttpParseError.HeadersTooLarge);
                }
                else if (b == Cr)
                {
                    _state = State.TrailerLf;
                }
                else if (IsControl(b))
                {
                    Fail(HttpParseError.InvalidHeader);
                }

                return;

            case State.TrailerLf:
                if (++_trailerBytes > MaxTrailerBytes)
                {
                    Fail(HttpParseError.HeadersTooLarge);
                }
                else if (b == Lf)
                {
                    _state = State.TrailerStart;
                }
                else
                {
                    Fail(HttpParseError.InvalidHeader);
                }

                return;

            case State.FinalLf:
                if (b == Lf)
                {
                    _state = State.Done;
                }
                else
                {
                    Fail(HttpParseError.InvalidChunk);
                }

                return;

            default:
                return;
        }
    }

    private void Fail(HttpParseError error)
    {
        _state = State.Failed;
        _error = error;
    }
}
