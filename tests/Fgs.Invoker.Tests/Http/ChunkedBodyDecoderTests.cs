using System.Buffers;
using System.IO.Pipelines;
using Fgs.Invoker.Http;
using static Fgs.Invoker.Tests.Http.HttpRequestParserTests;

namespace Fgs.Invoker.Tests.Http;

public sealed class ChunkedBodyDecoderTests
{
    private const long NoLimit = long.MaxValue;

    private static readonly Dictionary<string, (string Encoded, string Decoded)> ValidCases = new()
    {
        ["normal"] = ("5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", "hello world"),
        ["extensions"] = ("5;name=value\r\nhello\r\n6 ; a=\"q s\";b\r\n world\r\n0;last\r\n\r\n", "hello world"),
        ["trailers"] = ("5\r\nhello\r\n0\r\nX-Checksum: abc\r\nX-Other:\t v \r\nEmpty:\r\n\r\n", "hello"),
        ["zero_length"] = ("0\r\n\r\n", ""),
        ["hex_upper"] = ("1A\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\n\r\n", "abcdefghijklmnopqrstuvwxyz"),
        ["hex_lower"] = ("1a\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\n\r\n", "abcdefghijklmnopqrstuvwxyz"),
        ["sixteen_digit_size"] = ("0000000000000005\r\nhello\r\n0000000000000000\r\n\r\n", "hello"),
        ["data_containing_crlf"] = ("4\r\n\r\n\r\n\r\n0\r\n\r\n", "\r\n\r\n"),
        ["one_byte_chunks"] = ("1\r\na\r\n1\r\nb\r\n1\r\nc\r\n0\r\n\r\n", "abc"),
        ["large_chunk"] = ("2000\r\n" + new string('x', 0x2000) + "\r\n0\r\n\r\n", new string('x', 0x2000)),
        ["binary_data"] = ("4\r\n\u0000\u00ff\n\r\r\n0\r\n\r\n", "\u0000\u00ff\n\r"),
    };

    private static readonly Dictionary<string, (string Encoded, HttpParseError Error)> InvalidCases = new()
    {
        ["size_not_hex"] = ("G\r\n", HttpParseError.InvalidChunk),
        ["size_empty"] = ("\r\n", HttpParseError.InvalidChunk),
        ["size_negative"] = ("-1\r\n", HttpParseError.InvalidChunk),
        ["size_with_0x"] = ("0x5\r\nhello\r\n", HttpParseError.InvalidChunk),
        ["size_leading_space"] = (" 5\r\nhello\r\n", HttpParseError.InvalidChunk),
        ["size_trailing_space_without_extension"] = ("5 \r\nhello\r\n", HttpParseError.InvalidChunk),
        ["size_bare_lf"] = ("5\nhello\r\n", HttpParseError.InvalidChunk),
        ["size_cr_without_lf"] = ("5\rhello\r\n", HttpParseError.InvalidChunk),
        ["extension_bare_lf"] = ("5;a=b\nhello\r\n", HttpParseError.InvalidChunk),
        ["extension_control_char"] = ("5;a\u0000\r\nhello\r\n", HttpParseError.InvalidChunk),
        ["size_seventeen_digits"] = ("00000000000000001\r\na\r\n", HttpParseError.InvalidChunk),
        ["size_overflow_sixteen_digits"] = ("8000000000000000\r\n", HttpParseError.InvalidChunk),
        ["size_overflow_all_f"] = ("FFFFFFFFFFFFFFFF\r\n", HttpParseError.InvalidChunk),
        ["size_overflow_long"] = ("123456789ABCDEF0123\r\n", HttpParseError.InvalidChunk),
        ["data_too_long"] = ("5\r\nhelloX\r\n0\r\n\r\n", HttpParseError.InvalidChunk),
        ["data_cr_without_lf"] = ("5\r\nhello\rX0\r\n\r\n", HttpParseError.InvalidChunk),
        ["data_lf_without_cr"] = ("5\r\nhello\n0\r\n\r\n", HttpParseError.InvalidChunk),
        ["final_cr_without_lf"] = ("0\r\n\rX", HttpParseError.InvalidChunk),
        ["trailer_obs_fold"] = ("0\r\nX-A: a\r\n folded\r\n\r\n", HttpParseError.InvalidHeader),
        ["trailer_no_colon"] = ("0\r\nNoColon\r\n\r\n", HttpParseError.InvalidHeader),
        ["trailer_empty_name"] = ("0\r\n: v\r\n\r\n", HttpParseError.InvalidHeader),
        ["trailer_space_before_colon"] = ("0\r\nX-A : v\r\n\r\n", HttpParseError.InvalidHeader),
        ["trailer_control_in_value"] = ("0\r\nX-A: a\u0001b\r\n\r\n", HttpParseError.InvalidHeader),
        ["trailer_cr_without_lf"] = ("0\r\nX-A: v\rZ\r\n\r\n", HttpParseError.InvalidHeader),
        ["trailer_bare_lf"] = ("0\r\nX-A: v\n\r\n", HttpParseError.InvalidHeader),
    };

    public static TheoryData<string> ValidCaseNames => new(ValidCases.Keys);

    public static TheoryData<string> InvalidCaseNames => new(InvalidCases.Keys);

    [Theory]
    [MemberData(nameof(ValidCaseNames))]
    public void Chunked_body_decodes_in_one_call(string name)
    {
        var (encoded, decoded) = ValidCases[name];
        var buffer = new ReadOnlySequence<byte>(Latin1(encoded));
        var output = new ArrayBufferWriter<byte>();
        var decoder = default(ChunkedBodyDecoder);

        var status = decoder.Decode(ref buffer, output, NoLimit, out var error);

        Assert.Equal(ParseStatus.Complete, status);
        Assert.Equal(HttpParseError.None, error);
        Assert.Equal(decoded, Text(output.WrittenSpan));
        Assert.True(buffer.IsEmpty);
        Assert.Equal(decoded.Length, decoder.DecodedBytes);
        Assert.True(decoder.IsComplete);
    }

    [Theory]
    [MemberData(nameof(ValidCaseNames))]
    public void Chunked_body_decodes_when_fed_one_byte_at_a_time(string name)
    {
        var (encoded, decoded) = ValidCases[name];

        var (statuses, output, _) = Feed(Latin1(encoded), _ => 1, NoLimit);

        Assert.All(statuses[..^1], s => Assert.Equal(ParseStatus.Incomplete, s));
        Assert.Equal(ParseStatus.Complete, statuses[^1]);
        Assert.Equal(decoded, output);
    }

    [Theory]
    [MemberData(nameof(ValidCaseNames))]
    public void Chunked_body_decodes_with_random_splits_and_segments(string name)
    {
        var (encoded, decoded) = ValidCases[name];
        var random = new Random(42);

        for (var i = 0; i < 20; i++)
        {
            var (statuses, output, _) = Feed(Latin1(encoded), _ => random.Next(1, 9), NoLimit, random);

            Assert.Equal(ParseStatus.Complete, statuses[^1]);
            Assert.Equal(decoded, output);
        }
    }

    [Theory]
    [MemberData(nameof(ValidCaseNames))]
    public async Task Chunked_body_decodes_from_a_pipe_written_one_byte_at_a_time(string name)
    {
        var (encoded, decoded) = ValidCases[name];
        var bytes = Latin1(encoded + "NEXT");
        var pipe = new Pipe();
        var output = new ArrayBufferWriter<byte>();
        var decoder = default(ChunkedBodyDecoder);
        var status = ParseStatus.Incomplete;
        var written = 0;
        var ct = TestContext.Current.CancellationToken;

        while (status == ParseStatus.Incomplete)
        {
            Assert.True(written < bytes.Length, "ran out of input before the body completed");
            await pipe.Writer.WriteAsync(bytes.AsMemory(written++, 1), ct);
            var result = await pipe.Reader.ReadAsync(ct);
            var buffer = result.Buffer;
            status = decoder.Decode(ref buffer, output, NoLimit, out _);
            pipe.Reader.AdvanceTo(buffer.Start, result.Buffer.End);
        }

        Assert.Equal(ParseStatus.Complete, status);
        Assert.Equal(decoded, Text(output.WrittenSpan));
        Assert.Equal(encoded.Length, written);
    }

    [Fact]
    public void Bytes_after_the_body_are_left_in_the_buffer()
    {
        var buffer = new ReadOnlySequence<byte>(Latin1("3\r\nabc\r\n0\r\nT: v\r\n\r\nGET / HTTP/1.1\r\n"));
        var output = new ArrayBufferWriter<byte>();
        var decoder = default(ChunkedBodyDecoder);

        var status = decoder.Decode(ref buffer, output, NoLimit, out _);

        Assert.Equal(ParseStatus.Complete, status);
        Assert.Equal("GET / HTTP/1.1\r\n", Text(buffer));
    }

    [Fact]
    public void Incomplete_consumes_every_byte_it_was_given()
    {
        var buffer = OneByteSegments(Latin1("A;ext=1\r\n01234"));
        var output = new ArrayBufferWriter<byte>();
        var decoder = default(ChunkedBodyDecoder);

        var status = decoder.Decode(ref buffer, output, NoLimit, out var error);

        Assert.Equal(ParseStatus.Incomplete, status);
        Assert.Equal(HttpParseError.None, error);
        Assert.True(buffer.IsEmpty);
        Assert.Equal("01234", Text(output.WrittenSpan));
        Assert.False(decoder.IsComplete);
    }

    [Fact]
    public void Decode_after_complete_returns_complete_and_consumes_nothing()
    {
        var decoder = default(ChunkedBodyDecoder);
        var output = new ArrayBufferWriter<byte>();
        var first = new ReadOnlySequence<byte>(Latin1("0\r\n\r\n"));
        Assert.Equal(ParseStatus.Complete, decoder.Decode(ref first, output, NoLimit, out _));
        var more = new ReadOnlySequence<byte>(Latin1("5\r\nhello\r\n"));

        var status = decoder.Decode(ref more, output, NoLimit, out var error);

        Assert.Equal(ParseStatus.Complete, status);
        Assert.Equal(HttpParseError.None, error);
        Assert.Equal(10, more.Length);
        Assert.Equal(0, output.WrittenCount);
    }

    [Fact]
    public void Reset_readies_the_decoder_for_a_new_body()
    {
        var decoder = default(ChunkedBodyDecoder);
        var output = new ArrayBufferWriter<byte>();
        var bad = new ReadOnlySequence<byte>(Latin1("Z\r\n"));
        Assert.Equal(ParseStatus.Invalid, decoder.Decode(ref bad, output, NoLimit, out _));

        decoder.Reset();
        var good = new ReadOnlySequence<byte>(Latin1("2\r\nok\r\n0\r\n\r\n"));
        var status = decoder.Decode(ref good, output, NoLimit, out _);

        Assert.Equal(ParseStatus.Complete, status);
        Assert.Equal("ok", Text(output.WrittenSpan));
        Assert.Equal(2, decoder.DecodedBytes);
    }

    [Theory]
    [MemberData(nameof(InvalidCaseNames))]
    public void Malformed_chunked_body_is_invalid_with_the_specific_error(string name)
    {
        var (encoded, expected) = InvalidCases[name];
        var buffer = new ReadOnlySequence<byte>(Latin1(encoded));
        var decoder = default(ChunkedBodyDecoder);

        var status = decoder.Decode(ref buffer, new ArrayBufferWriter<byte>(), NoLimit, out var error);

        Assert.Equal(ParseStatus.Invalid, status);
        Assert.Equal(expected, error);
    }

    [Theory]
    [MemberData(nameof(InvalidCaseNames))]
    public void Malformed_chunked_body_fed_one_byte_at_a_time_gives_the_same_error(string name)
    {
        var (encoded, expected) = InvalidCases[name];

        var (statuses, _, errors) = Feed(Latin1(encoded), _ => 1, NoLimit);

        var firstInvalid = Array.IndexOf(statuses, ParseStatus.Invalid);
        Assert.True(firstInvalid >= 0);
        Assert.All(statuses[..firstInvalid], s => Assert.Equal(ParseStatus.Incomplete, s));
        Assert.All(statuses[firstInvalid..], s => Assert.Equal(ParseStatus.Invalid, s));
        Assert.All(errors[firstInvalid..], e => Assert.Equal(expected, e));
    }

    [Fact]
    public void Invalid_is_sticky_until_reset()
    {
        var decoder = default(ChunkedBodyDecoder);
        var bad = new ReadOnlySequence<byte>(Latin1("5\r\nhelloXX"));
        Assert.Equal(ParseStatus.Invalid, decoder.Decode(ref bad, new ArrayBufferWriter<byte>(), NoLimit, out _));
        var good = new ReadOnlySequence<byte>(Latin1("0\r\n\r\n"));

        var status = decoder.Decode(ref good, new ArrayBufferWriter<byte>(), NoLimit, out var error);

        Assert.Equal(ParseStatus.Invalid, status);
        Assert.Equal(HttpParseError.InvalidChunk, error);
    }

    [Fact]
    public void Sixteen_digit_size_up_to_long_MaxValue_is_accepted()
    {
        var decoder = default(ChunkedBodyDecoder);
        var buffer = new ReadOnlySequence<byte>(Latin1("7FFFFFFFFFFFFFFF\r\nabc"));
        var output = new ArrayBufferWriter<byte>();

        var status = decoder.Decode(ref buffer, output, NoLimit, out var error);

        Assert.Equal(ParseStatus.Incomplete, status);
        Assert.Equal(HttpParseError.None, error);
        Assert.Equal("abc", Text(output.WrittenSpan));
    }

    [Theory]
    [InlineData("a\r\n0123456789\r\n0\r\n\r\n")]
    [InlineData("3\r\n012\r\n7\r\n3456789\r\n0\r\n\r\n")]
    [InlineData("1\r\n0\r\n1\r\n1\r\n1\r\n2\r\n1\r\n3\r\n1\r\n4\r\n1\r\n5\r\n1\r\n6\r\n1\r\n7\r\n1\r\n8\r\n1\r\n9\r\n0\r\n\r\n")]
    public void Body_of_exactly_the_limit_is_accepted(string encoded)
    {
        foreach (var step in new[] { int.MaxValue, 1 })
        {
            var (statuses, output, _) = Feed(Latin1(encoded), _ => step, maxBodyBytes: 10);

            Assert.Equal(ParseStatus.Complete, statuses[^1]);
            Assert.Equal("0123456789", output);
        }
    }

    [Theory]
    [InlineData("b\r\n0123456789A\r\n0\r\n\r\n")]
    [InlineData("3\r\n012\r\n8\r\n3456789A\r\n0\r\n\r\n")]
    [InlineData("a\r\n0123456789\r\n1\r\nA\r\n0\r\n\r\n")]
    public void Body_one_byte_over_the_limit_is_too_large(string encoded)
    {
        foreach (var step in new[] { int.MaxValue, 1 })
        {
            var (statuses, output, errors) = Feed(Latin1(encoded), _ => step, maxBodyBytes: 10);

            Assert.Equal(ParseStatus.Invalid, statuses[^1]);
            Assert.Equal(HttpParseError.BodyTooLarge, errors[^1]);

            // Rejected on the chunk-size line, before any byte past the limit was written.
            Assert.True(output.Length <= 10, output);
        }
    }

    [Fact]
    public void Zero_limit_accepts_an_empty_body_only()
    {
        var (ok, _, _) = Feed(Latin1("0\r\n\r\n"), _ => 1, maxBodyBytes: 0);
        var (tooLarge, _, errors) = Feed(Latin1("1\r\nx\r\n0\r\n\r\n"), _ => 1, maxBodyBytes: 0);

        Assert.Equal(ParseStatus.Complete, ok[^1]);
        Assert.Equal(ParseStatus.Invalid, tooLarge[^1]);
        Assert.Equal(HttpParseError.BodyTooLarge, errors[^1]);
    }

    [Fact]
    public void Chunk_size_line_over_the_limit_is_invalid()
    {
        var encoded = "5;" + new string('e', ChunkedBodyDecoder.MaxChunkLineBytes) + "\r\nhello\r\n0\r\n\r\n";

        var (statuses, _, errors) = Feed(Latin1(encoded), _ => 1000, NoLimit);

        Assert.Equal(ParseStatus.Invalid, statuses[^1]);
        Assert.Equal(HttpParseError.InvalidChunk, errors[^1]);
    }

    [Fact]
    public void Trailer_section_over_the_limit_is_too_large()
    {
        var encoded = "0\r\nX-Big: " + new string('t', ChunkedBodyDecoder.MaxTrailerBytes) + "\r\n\r\n";

        var (statuses, _, errors) = Feed(Latin1(encoded), _ => 1000, NoLimit);

        Assert.Equal(ParseStatus.Invalid, statuses[^1]);
        Assert.Equal(HttpParseError.HeadersTooLarge, errors[^1]);
    }

    [Fact]
    public void Negative_limit_is_rejected()
    {
        var decoder = default(ChunkedBodyDecoder);
        var buffer = new ReadOnlySequence<byte>(Latin1("0\r\n\r\n"));

        Assert.Throws<ArgumentOutOfRangeException>(() => decoder.Decode(ref buffer, new ArrayBufferWriter<byte>(), -1, out _));
    }

    /// <summary>
    /// Feeds <paramref name="bytes"/> the way a PipeReader loop would: each step appends the next
    /// bytes to whatever the previous call left unconsumed (as a multi-segment sequence) and decodes;
    /// stops at the first Complete or Invalid.
    /// </summary>
    private static (ParseStatus[] Statuses, string Output, HttpParseError[] Errors) Feed(
        byte[] bytes, Func<int, int> nextStep, long maxBodyBytes, Random? random = null)
    {
        var decoder = default(ChunkedBodyDecoder);
        var output = new ArrayBufferWriter<byte>();
        var statuses = new List<ParseStatus>();
        var errors = new List<HttpParseError>();
        var remainder = new List<ReadOnlyMemory<byte>>();
        var pos = 0;
        while (pos < bytes.Length)
        {
            var step = (int)Math.Min(nextStep(pos), bytes.Length - pos);
            if (random is not null && random.Next(4) == 0)
            {
                remainder.Add(ReadOnlyMemory<byte>.Empty);
            }

            remainder.Add(bytes.AsMemory(pos, step));
            pos += step;

            var buffer = Segments(remainder);
            var status = decoder.Decode(ref buffer, output, maxBodyBytes, out var error);
            statuses.Add(status);
            errors.Add(error);
            if (status != ParseStatus.Incomplete)
            {
                break;
            }

            // Keep what was not consumed, as the pipe would.
            remainder.Clear();
            foreach (var memory in buffer)
            {
                remainder.Add(memory);
            }
        }

        return (statuses.ToArray(), Text(output.WrittenSpan), errors.ToArray());
    }
}
