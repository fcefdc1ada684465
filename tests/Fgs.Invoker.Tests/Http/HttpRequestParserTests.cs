using System.Buffers;
using System.Text;
using Fgs.Invoker.Http;

namespace Fgs.Invoker.Tests.Http;

public sealed class HttpRequestParserTests
{
    private const string InvocationId = "0b7e3c52-4f1d-4c5e-9a57-6d2f1b0e9a31";
    private const string JsonBody = "{\"status\":\"ok\"}";
    private const string H2Settings = "AAEAAEAAAAIAAAABAAMAAABkAAQBAAAAAAUAAEAA";

    private static readonly Dictionary<string, ValidCase> ValidCases = BuildValidCases();
    private static readonly Dictionary<string, MalformedCase> MalformedCases = BuildMalformedCases();

    public static TheoryData<string> ValidCaseNames => new(ValidCases.Keys);

    public static TheoryData<string> MalformedCaseNames => new(MalformedCases.Keys);

    // ---------------------------------------------------------------- valid requests

    [Theory]
    [MemberData(nameof(ValidCaseNames))]
    public void Valid_request_parses_to_the_expected_head(string name)
    {
        var c = ValidCases[name];
        var head = new HttpRequestHead();
        var buffer = new ReadOnlySequence<byte>(c.Bytes);

        var status = HttpRequestParser.TryParseHead(buffer, head, HttpParserLimits.Default, out var consumed, out var examined, out var error);

        Assert.Equal(ParseStatus.Complete, status);
        Assert.Equal(HttpParseError.None, error);
        Assert.Equal(c.Head.Length, Offset(buffer, consumed));
        Assert.Equal(Offset(buffer, consumed), Offset(buffer, examined));
        Assert.Equal(c.Method, head.Method);
        Assert.Equal(c.MethodToken, Text(head.MethodBytes));
        Assert.Equal(c.Target, Text(head.Target));
        Assert.Equal(c.Path, Text(head.Path));
        Assert.Equal(c.Query, Text(head.Query));
        Assert.Equal(c.IsHttp11, head.IsHttp11);
        Assert.Equal(c.ContentLength, head.ContentLength);
        Assert.Equal(c.IsChunked, head.IsChunked);
        Assert.Equal(c.KeepAlive, head.KeepAlive);
        Assert.Equal(c.ExpectContinue, head.ExpectContinue);
        Assert.Equal(c.Headers, Headers(head));
    }

    [Theory]
    [MemberData(nameof(ValidCaseNames))]
    public void Every_prefix_of_a_valid_request_is_incomplete(string name)
    {
        var c = ValidCases[name];
        var headBytes = Latin1(c.Head);
        var single = new ReadOnlySequence<byte>(headBytes);
        var oneByte = OneByteSegments(headBytes);
        var head = new HttpRequestHead();

        for (var length = 0; length < headBytes.Length; length++)
        {
            foreach (var full in new[] { single, oneByte })
            {
                var prefix = full.Slice(0, length);
                var status = HttpRequestParser.TryParseHead(prefix, head, HttpParserLimits.Default, out var consumed, out var examined, out var error);

                Assert.True(status == ParseStatus.Incomplete, $"prefix of {length} bytes: {status} {error}");
                Assert.Equal(HttpParseError.None, error);
                Assert.Equal(0, Offset(prefix, consumed));
                Assert.Equal(length, Offset(prefix, examined));
            }
        }
    }

    [Theory]
    [MemberData(nameof(ValidCaseNames))]
    public void One_byte_segments_parse_identically_to_a_single_segment(string name)
    {
        var c = ValidCases[name];
        var expected = ParseAndDescribe(new ReadOnlySequence<byte>(c.Bytes), c.Head.Length);

        var actual = ParseAndDescribe(OneByteSegments(c.Bytes), c.Head.Length);

        Assert.Equal(expected, actual);
    }

    [Theory]
    [MemberData(nameof(ValidCaseNames))]
    public void Random_splits_parse_identically_to_a_single_segment(string name)
    {
        var c = ValidCases[name];
        var expected = ParseAndDescribe(new ReadOnlySequence<byte>(c.Bytes), c.Head.Length);
        var random = new Random(20240601 + name.Length);

        for (var i = 0; i < 50; i++)
        {
            var actual = ParseAndDescribe(RandomSegments(c.Bytes, random), c.Head.Length);
            Assert.Equal(expected, actual);
        }
    }

    [Theory]
    [MemberData(nameof(ValidCaseNames))]
    public void Consumed_lands_exactly_at_the_body_start(string name)
    {
        var c = ValidCases[name];
        const string Next = "GET /next HTTP/1.1\r\nHost: a\r\n\r\n";
        var bytes = Latin1(c.Head + c.Body + Next);
        var head = new HttpRequestHead();
        var random = new Random(7);

        var padded = Latin1("JUNK" + c.Head + c.Body + Next + "JUNK");
        var inTheMiddle = new ReadOnlySequence<byte>(padded, 4, bytes.Length);

        foreach (var buffer in new[] { new ReadOnlySequence<byte>(bytes), inTheMiddle, OneByteSegments(bytes), RandomSegments(bytes, random) })
        {
            var status = HttpRequestParser.TryParseHead(buffer, head, HttpParserLimits.Default, out var consumed, out var examined, out _);

            Assert.Equal(ParseStatus.Complete, status);
            Assert.Equal(c.Head.Length, Offset(buffer, consumed));
            Assert.Equal(c.Head.Length, Offset(buffer, examined));
            Assert.Equal(c.Body + Next, Text(buffer.Slice(consumed)));
        }
    }

    // ---------------------------------------------------------------- malformed requests

    [Theory]
    [MemberData(nameof(MalformedCaseNames))]
    public void Malformed_request_is_invalid_with_the_specific_error(string name)
    {
        var c = MalformedCases[name];

        var status = HttpRequestParser.TryParseHead(new ReadOnlySequence<byte>(Latin1(c.Text)), new HttpRequestHead(), c.Limits, out _, out _, out var error);

        Assert.Equal(ParseStatus.Invalid, status);
        Assert.Equal(c.Error, error);
    }

    [Theory]
    [MemberData(nameof(MalformedCaseNames))]
    public void Malformed_request_in_one_byte_segments_gives_the_same_error(string name)
    {
        var c = MalformedCases[name];

        var status = HttpRequestParser.TryParseHead(OneByteSegments(Latin1(c.Text)), new HttpRequestHead(), c.Limits, out _, out _, out var error);

        Assert.Equal(ParseStatus.Invalid, status);
        Assert.Equal(c.Error, error);
    }

    [Theory]
    [MemberData(nameof(MalformedCaseNames))]
    public void Prefixes_of_a_malformed_request_are_incomplete_until_they_fail_with_the_same_error(string name)
    {
        var c = MalformedCases[name];
        var bytes = Latin1(c.Text);
        var head = new HttpRequestHead();

        foreach (var full in new[] { new ReadOnlySequence<byte>(bytes), OneByteSegments(bytes) })
        {
            var failedAt = -1;
            for (var length = 0; length <= bytes.Length; length++)
            {
                var status = HttpRequestParser.TryParseHead(full.Slice(0, length), head, c.Limits, out _, out _, out var error);
                if (failedAt < 0 && status == ParseStatus.Incomplete)
                {
                    Assert.Equal(HttpParseError.None, error);
                    continue;
                }

                // Once invalid, every longer prefix stays invalid for the same reason.
                Assert.True(status == ParseStatus.Invalid, $"prefix of {length} bytes after failing at {failedAt}: {status}");
                Assert.Equal(c.Error, error);
                failedAt = failedAt < 0 ? length : failedAt;
            }

            Assert.True(failedAt >= 0);
        }
    }

    // ---------------------------------------------------------------- limits

    [Fact]
    public void Head_over_MaxHeaderBytes_is_invalid_before_the_terminator_arrives()
    {
        var limits = new HttpParserLimits { MaxHeaderBytes = 256 };
        var sb = new StringBuilder("GET / HTTP/1.1\r\nHost: a\r\n");
        while (sb.Length <= 300)
        {
            sb.Append("X-Filler: 0123456789abcdef\r\n");
        }

        var bytes = Latin1(sb.ToString());
        foreach (var buffer in new[] { new ReadOnlySequence<byte>(bytes), OneByteSegments(bytes) })
        {
            var status = HttpRequestParser.TryParseHead(buffer, new HttpRequestHead(), limits, out _, out _, out var error);

            Assert.Equal(ParseStatus.Invalid, status);
            Assert.Equal(HttpParseError.HeadersTooLarge, error);
        }
    }

    [Fact]
    public void Head_over_the_default_MaxHeaderBytes_is_invalid_before_the_terminator_arrives()
    {
        var bytes = Latin1("POST / HTTP/1.1\r\nX-Big: " + new string('v', 40_000));

        var status = HttpRequestParser.TryParseHead(new ReadOnlySequence<byte>(bytes), new HttpRequestHead(), HttpParserLimits.Default, out _, out _, out var error);

        Assert.Equal(ParseStatus.Invalid, status);
        Assert.Equal(HttpParseError.HeadersTooLarge, error);
    }

    [Fact]
    public void Head_of_exactly_MaxHeaderBytes_is_complete_and_one_byte_less_allowed_is_too_large()
    {
        var text = "GET / HTTP/1.1\r\nHost: a\r\nX-Pad: " + new string('p', 200) + "\r\n\r\n";
        var bytes = Latin1(text + "BODY");

        var ok = HttpRequestParser.TryParseHead(new ReadOnlySequence<byte>(bytes), new HttpRequestHead(),
            new HttpParserLimits { MaxHeaderBytes = text.Length }, out var consumed, out _, out _);
        var tooLarge = HttpRequestParser.TryParseHead(new ReadOnlySequence<byte>(bytes), new HttpRequestHead(),
            new HttpParserLimits { MaxHeaderBytes = text.Length - 1 }, out _, out _, out var error);

        Assert.Equal(ParseStatus.Complete, ok);
        Assert.Equal(text.Length, Offset(new ReadOnlySequence<byte>(bytes), consumed));
        Assert.Equal(ParseStatus.Invalid, tooLarge);
        Assert.Equal(HttpParseError.HeadersTooLarge, error);
    }

    [Fact]
    public void Unterminated_head_at_the_limit_is_incomplete_and_one_byte_more_is_too_large()
    {
        var limits = new HttpParserLimits { MaxHeaderBytes = 128 };
        var text = "GET / HTTP/1.1\r\nX-Pad: ";
        text += new string('p', 128 - text.Length);
        var head = new HttpRequestHead();

        var atLimit = HttpRequestParser.TryParseHead(new ReadOnlySequence<byte>(Latin1(text)), head, limits, out _, out _, out var e1);
        var overLimit = HttpRequestParser.TryParseHead(new ReadOnlySequence<byte>(Latin1(text + "p")), head, limits, out _, out _, out var e2);

        Assert.Equal(ParseStatus.Incomplete, atLimit);
        Assert.Equal(HttpParseError.None, e1);
        Assert.Equal(ParseStatus.Invalid, overLimit);
        Assert.Equal(HttpParseError.HeadersTooLarge, e2);
    }

    [Fact]
    public void Request_line_over_MaxRequestLineBytes_is_invalid_before_its_end_arrives()
    {
        var limits = new HttpParserLimits { MaxRequestLineBytes = 64 };
        var bytes = Latin1("GET /" + new string('a', 100));

        foreach (var buffer in new[] { new ReadOnlySequence<byte>(bytes), OneByteSegments(bytes) })
        {
            var status = HttpRequestParser.TryParseHead(buffer, new HttpRequestHead(), limits, out _, out _, out var error);

            Assert.Equal(ParseStatus.Invalid, status);
            Assert.Equal(HttpParseError.RequestTargetTooLong, error);
        }
    }

    [Fact]
    public void Request_line_over_the_default_limit_is_invalid()
    {
        var bytes = Latin1("GET /" + new string('a', 9000) + " HTTP/1.1\r\n\r\n");

        var status = HttpRequestParser.TryParseHead(new ReadOnlySequence<byte>(bytes), new HttpRequestHead(), HttpParserLimits.Default, out _, out _, out var error);

        Assert.Equal(ParseStatus.Invalid, status);
        Assert.Equal(HttpParseError.RequestTargetTooLong, error);
    }

    [Fact]
    public void Request_line_of_exactly_MaxRequestLineBytes_is_accepted_and_one_more_byte_is_too_long()
    {
        var limits = new HttpParserLimits { MaxRequestLineBytes = 64 };
        var line = "GET /" + new string('a', 64 - "GET / HTTP/1.1".Length) + " HTTP/1.1";
        var longer = "GET /" + new string('a', 65 - "GET / HTTP/1.1".Length) + " HTTP/1.1";
        Assert.Equal(64, line.Length);
        var head = new HttpRequestHead();

        var ok = HttpRequestParser.TryParseHead(new ReadOnlySequence<byte>(Latin1(line + "\r\n\r\n")), head, limits, out _, out _, out _);
        var okTarget = Text(head.Target);
        var lineWithCrOnly = HttpRequestParser.TryParseHead(new ReadOnlySequence<byte>(Latin1(line + "\r")), head, limits, out _, out _, out _);
        var tooLong = HttpRequestParser.TryParseHead(new ReadOnlySequence<byte>(Latin1(longer + "\r\n\r\n")), head, limits, out _, out _, out var error);

        Assert.Equal(ParseStatus.Complete, ok);
        Assert.Equal(line[4..^9], okTarget);
        Assert.Equal(ParseStatus.Incomplete, lineWithCrOnly);
        Assert.Equal(ParseStatus.Invalid, tooLong);
        Assert.Equal(HttpParseError.RequestTargetTooLong, error);
    }

    [Fact]
    public void Header_count_limit_is_accepted_and_one_more_header_is_too_many()
    {
        var limits = new HttpParserLimits { MaxHeaderCount = 3 };
        const string Three = "GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\n";
        var head = new HttpRequestHead();

        var ok = HttpRequestParser.TryParseHead(new ReadOnlySequence<byte>(Latin1(Three + "\r\n")), head, limits, out _, out _, out _);
        var count = head.HeaderCount;
        var tooMany = HttpRequestParser.TryParseHead(new ReadOnlySequence<byte>(Latin1(Three + "D: 4\r\n")), head, limits, out _, out _, out var error);

        Assert.Equal(ParseStatus.Complete, ok);
        Assert.Equal(3, count);
        Assert.Equal(ParseStatus.Invalid, tooMany);
        Assert.Equal(HttpParseError.TooManyHeaders, error);
    }

    [Fact]
    public void Head_larger_than_the_initial_buffer_grows_and_parses()
    {
        var sb = new StringBuilder("POST /big HTTP/1.1\r\n");
        for (var i = 0; i < 20; i++)
        {
            sb.Append("X-Big-").Append(i).Append(": ").Append((char)('a' + i), 1400).Append("\r\n");
        }

        sb.Append("\r\n");
        var text = sb.ToString();
        Assert.InRange(text.Length, HttpRequestHead.DefaultBufferSize + 1, HttpParserLimits.Default.MaxHeaderBytes);
        var head = new HttpRequestHead();

        var status = HttpRequestParser.TryParseHead(OneByteSegments(Latin1(text)), head, HttpParserLimits.Default, out _, out _, out _);

        Assert.Equal(ParseStatus.Complete, status);
        Assert.Equal(20, head.HeaderCount);
        Assert.Equal(new string('t', 1400), Text(head.HeaderValue(19)));
        Assert.Equal("X-Big-0", Text(head.HeaderName(0)));
        Assert.Equal("/big", Text(head.Path));
        Assert.InRange(head.BufferCapacity, text.Length - 100, HttpParserLimits.Default.MaxHeaderBytes);
    }

    [Fact]
    public void Limits_reject_values_outside_their_range()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new HttpParserLimits { MaxHeaderCount = HttpRequestHead.MaxHeaderCapacity + 1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new HttpParserLimits { MaxRequestLineBytes = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new HttpParserLimits { MaxHeaderBytes = 0 });
    }

    [Fact]
    public void Default_limits_are_8K_request_line_32K_head_and_100_headers()
    {
        Assert.Equal(8192, HttpParserLimits.Default.MaxRequestLineBytes);
        Assert.Equal(32768, HttpParserLimits.Default.MaxHeaderBytes);
        Assert.Equal(100, HttpParserLimits.Default.MaxHeaderCount);
    }

    // ---------------------------------------------------------------- semantics

    [Theory]
    [InlineData("1.1", null, true)]
    [InlineData("1.1", "close", false)]
    [InlineData("1.1", "Close", false)]
    [InlineData("1.1", "keep-alive", true)]
    [InlineData("1.1", "Upgrade, close", false)]
    [InlineData("1.1", "upgrade,CLOSE ", false)]
    [InlineData("1.1", "Upgrade, HTTP2-Settings", true)]
    [InlineData("1.1", "closed", true)]
    [InlineData("1.1", "", true)]
    [InlineData("1.0", null, false)]
    [InlineData("1.0", "keep-alive", true)]
    [InlineData("1.0", "Keep-Alive", true)]
    [InlineData("1.0", "foo , keep-alive", true)]
    [InlineData("1.0", "keep-alive, close", false)]
    [InlineData("1.0", "close", false)]
    [InlineData("1.0", "keep-alives", false)]
    public void Keep_alive_follows_the_version_and_the_connection_options(string version, string? connection, bool expected)
    {
        var text = $"GET / HTTP/{version}\r\nHost: a\r\n" + (connection is null ? "" : $"Connection: {connection}\r\n") + "\r\n";

        var head = ParseComplete(text);

        Assert.Equal(expected, head.KeepAlive);
    }

    [Fact]
    public void Connection_options_accumulate_over_several_fields()
    {
        var head = ParseComplete("GET / HTTP/1.0\r\nConnection: keep-alive\r\nConnection: close\r\n\r\n");

        Assert.False(head.KeepAlive);
    }

    [Theory]
    [InlineData("1.1", "100-continue", true)]
    [InlineData("1.1", "100-Continue", true)]
    [InlineData("1.1", " 100-continue ", true)]
    [InlineData("1.1", "200-ok", false)]
    [InlineData("1.0", "100-continue", false)]
    public void Expect_continue_is_recognised_on_HTTP_11(string version, string expect, bool expected)
    {
        var head = ParseComplete($"POST / HTTP/{version}\r\nContent-Length: 5\r\nExpect:{expect}\r\n\r\n");

        Assert.Equal(expected, head.ExpectContinue);
    }

    [Theory]
    [InlineData("GET", HttpMethodKind.Get)]
    [InlineData("HEAD", HttpMethodKind.Head)]
    [InlineData("POST", HttpMethodKind.Post)]
    [InlineData("PUT", HttpMethodKind.Put)]
    [InlineData("DELETE", HttpMethodKind.Delete)]
    [InlineData("PATCH", HttpMethodKind.Patch)]
    [InlineData("OPTIONS", HttpMethodKind.Options)]
    [InlineData("get", HttpMethodKind.Other)]
    [InlineData("Post", HttpMethodKind.Other)]
    [InlineData("PROPFIND", HttpMethodKind.Other)]
    [InlineData("GETS", HttpMethodKind.Other)]
    [InlineData("X-CUSTOM_1!", HttpMethodKind.Other)]
    public void Method_tokens_map_to_kinds_case_sensitively(string method, HttpMethodKind expected)
    {
        var head = ParseComplete($"{method} /x HTTP/1.1\r\nHost: a\r\n\r\n");

        Assert.Equal(expected, head.Method);
        Assert.Equal(method, Text(head.MethodBytes));
    }

    [Theory]
    [InlineData("/a?b?c", "/a", "b?c")]
    [InlineData("/a?", "/a", "")]
    [InlineData("/?x=1", "/", "x=1")]
    [InlineData("/plain", "/plain", "")]
    [InlineData("*", "*", "")]
    [InlineData("http://example.com:8080/p/q?r=s", "http://example.com:8080/p/q", "r=s")]
    [InlineData("/%E4%BD%A0?q=%20", "/%E4%BD%A0", "q=%20")]
    public void Path_and_query_split_at_the_first_question_mark(string target, string path, string query)
    {
        var head = ParseComplete($"OPTIONS {target} HTTP/1.1\r\nHost: a\r\n\r\n");

        Assert.Equal(target, Text(head.Target));
        Assert.Equal(path, Text(head.Path));
        Assert.Equal(query, Text(head.Query));
    }

    [Fact]
    public void TryGetHeader_matches_names_case_insensitively_and_returns_the_first()
    {
        var head = ParseComplete("GET / HTTP/1.1\r\nX-Dup: one\r\nx-dup: two\r\nX-Empty:\r\n\r\n");

        Assert.True(head.TryGetHeader("X-DUP"u8, out var dup));
        Assert.Equal("one", Text(dup));
        Assert.True(head.TryGetHeader("x-empty"u8, out var empty));
        Assert.True(empty.IsEmpty);
        Assert.False(head.TryGetHeader("X-Du"u8, out _));
        Assert.False(head.TryGetHeader("X-Dupe"u8, out _));
        Assert.False(head.TryGetHeader("Host"u8, out _));
    }

    [Fact]
    public void GetHeaderString_returns_the_first_value_or_null()
    {
        var head = ParseComplete("GET / HTTP/1.1\r\nContent-Type: application/json\r\nX-Latin: caf\u00e9\r\n\r\n");

        Assert.Equal("application/json", head.GetHeaderString("content-type"));
        Assert.Equal("caf\u00e9", head.GetHeaderString("X-LATIN"));
        Assert.Null(head.GetHeaderString("Accept"));
    }

    [Fact]
    public void Header_accessors_reject_an_index_out_of_range()
    {
        var head = ParseComplete("GET / HTTP/1.1\r\nHost: a\r\n\r\n");

        Assert.Equal(1, head.HeaderCount);
        Assert.Throws<ArgumentOutOfRangeException>(() => { _ = head.HeaderName(1).Length; });
        Assert.Throws<ArgumentOutOfRangeException>(() => { _ = head.HeaderValue(1).Length; });
        Assert.Throws<ArgumentOutOfRangeException>(() => { _ = head.HeaderName(-1).Length; });
    }

    [Fact]
    public void Duplicate_identical_Content_Length_is_accepted()
    {
        var head = ParseComplete("POST / HTTP/1.1\r\nContent-Length: 42\r\ncontent-length: 42\r\n\r\n");

        Assert.Equal(42, head.ContentLength);
        Assert.Equal(2, head.HeaderCount);
    }

    [Theory]
    [InlineData("0", 0L)]
    [InlineData("000", 0L)]
    [InlineData("007", 7L)]
    [InlineData("9223372036854775807", long.MaxValue)]
    public void Content_Length_digits_parse_up_to_long_MaxValue(string value, long expected)
    {
        var head = ParseComplete($"POST / HTTP/1.1\r\nContent-Length: {value}\r\n\r\n");

        Assert.Equal(expected, head.ContentLength);
        Assert.False(head.IsChunked);
    }

    [Fact]
    public void Transfer_Encoding_chunked_is_case_insensitive()
    {
        var head = ParseComplete("POST / HTTP/1.1\r\ntransfer-encoding:  Chunked \r\n\r\n");

        Assert.True(head.IsChunked);
        Assert.Equal(-1, head.ContentLength);
    }

    [Fact]
    public void Header_values_may_contain_obs_text_and_inner_tabs()
    {
        var head = ParseComplete("GET / HTTP/1.1\r\nX-Bytes: \u00ff\u0080 a\tb\r\n\r\n");

        Assert.Equal("\u00ff\u0080 a\tb", Text(head.HeaderValue(0)));
    }

    [Fact]
    public void Reusing_a_head_forgets_the_previous_request()
    {
        var head = new HttpRequestHead();
        Parse("POST /first?q=1 HTTP/1.0\r\nContent-Length: 3\r\nConnection: keep-alive\r\nExpect: 100-continue\r\nX-A: a\r\n\r\n", head);

        Parse("GET /second HTTP/1.1\r\nConnection: close\r\n\r\n", head);

        Assert.Equal(HttpMethodKind.Get, head.Method);
        Assert.Equal("/second", Text(head.Target));
        Assert.Equal("", Text(head.Query));
        Assert.Equal(-1, head.ContentLength);
        Assert.False(head.ExpectContinue);
        Assert.False(head.KeepAlive);
        Assert.Equal(1, head.HeaderCount);
        Assert.False(head.TryGetHeader("X-A"u8, out _));
    }

    [Fact]
    public void Reset_clears_the_head()
    {
        var head = ParseComplete("POST /x?y HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n");

        head.Reset();

        Assert.Equal(0, head.HeaderCount);
        Assert.True(head.Target.IsEmpty);
        Assert.True(head.Query.IsEmpty);
        Assert.False(head.IsChunked);
        Assert.Equal(-1, head.ContentLength);
    }

    [Fact]
    public void Pipelined_requests_parse_one_after_another()
    {
        var buffer = new ReadOnlySequence<byte>(Latin1(
            "POST /a HTTP/1.1\r\nContent-Length: 2\r\n\r\nhi" +
            "GET /b HTTP/1.1\r\nHost: x\r\n\r\n" +
            "GET /c HTTP/1.1\r\n"));
        var head = new HttpRequestHead();

        Assert.Equal(ParseStatus.Complete, HttpRequestParser.TryParseHead(buffer, head, HttpParserLimits.Default, out var consumed, out _, out _));
        Assert.Equal("/a", Text(head.Target));
        buffer = buffer.Slice(consumed).Slice(head.ContentLength);

        Assert.Equal(ParseStatus.Complete, HttpRequestParser.TryParseHead(buffer, head, HttpParserLimits.Default, out consumed, out _, out _));
        Assert.Equal("/b", Text(head.Target));
        buffer = buffer.Slice(consumed);

        Assert.Equal(ParseStatus.Incomplete, HttpRequestParser.TryParseHead(buffer, head, HttpParserLimits.Default, out consumed, out var examined, out _));
        Assert.Equal(0, Offset(buffer, consumed));
        Assert.Equal(buffer.Length, Offset(buffer, examined));
    }

    [Fact]
    public void Head_in_the_first_segment_with_the_body_in_later_segments_parses()
    {
        var headText = "POST /x HTTP/1.1\r\nContent-Length: 6\r\n\r\n";
        var buffer = Segments([Latin1(headText + "ab"), Latin1("cd"), Latin1("ef")]);
        var head = new HttpRequestHead();

        var status = HttpRequestParser.TryParseHead(buffer, head, HttpParserLimits.Default, out var consumed, out _, out _);

        Assert.Equal(ParseStatus.Complete, status);
        Assert.Equal(headText.Length, Offset(buffer, consumed));
        Assert.Equal("abcdef", Text(buffer.Slice(consumed)));
    }

    [Fact]
    public void Leading_empty_lines_up_to_the_maximum_are_skipped()
    {
        var text = string.Concat(Enumerable.Repeat("\r\n", HttpRequestParser.MaxLeadingEmptyLines)) + "GET / HTTP/1.1\r\n\r\n";

        var head = ParseComplete(text);

        Assert.Equal(HttpMethodKind.Get, head.Method);
    }

    [Fact]
    public void Parsing_a_single_segment_request_repeatedly_allocates_nothing()
    {
        var buffer = new ReadOnlySequence<byte>(Latin1(
            "GET /v1/runtime/invocation/request?wait=30 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: Go-http-client/1.1\r\n" +
            "Accept-Encoding: gzip\r\nConnection: keep-alive\r\nContent-Length: 0\r\nExpect: 100-continue\r\nX-Cff-Request-Id: abc\r\n\r\n"));
        var head = new HttpRequestHead();
        var limits = HttpParserLimits.Default;
        var completed = 0;
        for (var i = 0; i < 200; i++)
        {
            if (HttpRequestParser.TryParseHead(buffer, head, limits, out _, out _, out _) == ParseStatus.Complete
                && head.TryGetHeader("host"u8, out _))
            {
                completed++;
            }
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            if (HttpRequestParser.TryParseHead(buffer, head, limits, out _, out _, out _) == ParseStatus.Complete
                && head.TryGetHeader("host"u8, out _))
            {
                completed++;
            }
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(1200, completed);
        Assert.Equal(0, allocated);
    }

    // ---------------------------------------------------------------- helpers shared with ChunkedBodyDecoderTests

    /// <summary>How far <paramref name="position"/> is from the start of <paramref name="buffer"/>
    /// (<see cref="ReadOnlySequence{T}.GetOffset"/> counts from the start of the underlying memory instead).</summary>
    internal static long Offset(in ReadOnlySequence<byte> buffer, SequencePosition position) => buffer.Slice(buffer.Start, position).Length;

    internal static byte[] Latin1(string text) => Encoding.Latin1.GetBytes(text);

    internal static string Text(ReadOnlySpan<byte> bytes) => Encoding.Latin1.GetString(bytes);

    internal static string Text(in ReadOnlySequence<byte> bytes) => Encoding.Latin1.GetString(bytes.ToArray());

    /// <summary>A sequence made of the given segments, in order (empty segments allowed).</summary>
    internal static ReadOnlySequence<byte> Segments(IReadOnlyList<ReadOnlyMemory<byte>> parts)
    {
        if (parts.Count == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        var first = new TestSegment(parts[0], 0);
        var last = first;
        for (var i = 1; i < parts.Count; i++)
        {
            last = last.Append(parts[i]);
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    internal static ReadOnlySequence<byte> OneByteSegments(byte[] bytes)
    {
        var parts = new ReadOnlyMemory<byte>[bytes.Length];
        for (var i = 0; i < bytes.Length; i++)
        {
            parts[i] = bytes.AsMemory(i, 1);
        }

        return Segments(parts);
    }

    /// <summary>Cuts the bytes at random points, sometimes inserting empty segments.</summary>
    internal static ReadOnlySequence<byte> RandomSegments(byte[] bytes, Random random)
    {
        var parts = new List<ReadOnlyMemory<byte>>();
        var pos = 0;
        while (pos < bytes.Length)
        {
            if (random.Next(8) == 0)
            {
                parts.Add(ReadOnlyMemory<byte>.Empty);
            }

            var length = Math.Min(bytes.Length - pos, random.Next(1, 24));
            parts.Add(bytes.AsMemory(pos, length));
            pos += length;
        }

        return Segments(parts);
    }

    private static HttpRequestHead ParseComplete(string text)
    {
        var head = new HttpRequestHead();
        Parse(text, head);
        return head;
    }

    private static void Parse(string text, HttpRequestHead head)
    {
        var status = HttpRequestParser.TryParseHead(new ReadOnlySequence<byte>(Latin1(text)), head, HttpParserLimits.Default, out _, out _, out var error);
        Assert.True(status == ParseStatus.Complete, $"{status} {error}");
    }

    private static string ParseAndDescribe(in ReadOnlySequence<byte> buffer, int expectedHeadLength)
    {
        var head = new HttpRequestHead();
        var status = HttpRequestParser.TryParseHead(buffer, head, HttpParserLimits.Default, out var consumed, out var examined, out var error);
        Assert.Equal(ParseStatus.Complete, status);
        Assert.Equal(expectedHeadLength, Offset(buffer, consumed));
        Assert.Equal(expectedHeadLength, Offset(buffer, examined));
        return Describe(head, error);
    }

    private static string Describe(HttpRequestHead head, HttpParseError error)
    {
        var sb = new StringBuilder()
            .Append("error=").Append(error)
            .Append(" method=").Append(head.Method).Append('/').Append(Text(head.MethodBytes))
            .Append(" target=").Append(Text(head.Target))
            .Append(" path=").Append(Text(head.Path))
            .Append(" query=").Append(Text(head.Query))
            .Append(" http11=").Append(head.IsHttp11)
            .Append(" cl=").Append(head.ContentLength)
            .Append(" chunked=").Append(head.IsChunked)
            .Append(" keepalive=").Append(head.KeepAlive)
            .Append(" expect=").Append(head.ExpectContinue);
        foreach (var (name, value) in Headers(head))
        {
            sb.Append("\n[").Append(name).Append("]=[").Append(value).Append(']');
        }

        return sb.ToString();
    }

    private static List<(string Name, string Value)> Headers(HttpRequestHead head)
    {
        var list = new List<(string, string)>();
        for (var i = 0; i < head.HeaderCount; i++)
        {
            list.Add((Text(head.HeaderName(i)), Text(head.HeaderValue(i))));
        }

        return list;
    }

    // ---------------------------------------------------------------- cases

    private static Dictionary<string, ValidCase> BuildValidCases()
    {
        var cases = new Dictionary<string, ValidCase>();

        void Add(string name, string head, string body = "", HttpMethodKind? method = null, string? target = null,
            string? path = null, string query = "", bool http11 = true, long contentLength = -1, bool chunked = false,
            bool keepAlive = true, bool expectContinue = false)
        {
            // Method, target and headers are read back from the text itself, so each case only spells
            // out what is interesting about it.
            var requestLine = head.TrimStart('\r', '\n');
            requestLine = requestLine[..requestLine.IndexOf("\r\n", StringComparison.Ordinal)];
            var parts = requestLine.Split(' ');
            var headers = new List<(string, string)>();
            foreach (var line in head.TrimStart('\r', '\n').Split("\r\n").Skip(1).Where(l => l.Length > 0))
            {
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                headers.Add((line[..colon], line[(colon + 1)..].Trim(' ', '\t')));
            }

            cases.Add(name, new ValidCase(head, body, method ?? HttpMethodKind.Get, parts[0], target ?? parts[1],
                path ?? parts[1], query, http11, contentLength, chunked, keepAlive, expectContinue, headers));
        }

        Add("get_with_query",
            "GET /v1/functions/abc/invocations?version=latest&x=%20y HTTP/1.1\r\nHost: localhost:8080\r\n\r\n",
            path: "/v1/functions/abc/invocations", query: "version=latest&x=%20y");
        Add("post_with_content_length",
            "POST /v2/proj/fgs/functions/urn:fss:cn:proj:function:default:fn:latest/invocations HTTP/1.1\r\n" +
            "Host: 127.0.0.1:9000\r\nContent-Type: application/json\r\nContent-Length: 15\r\n\r\n",
            body: JsonBody, method: HttpMethodKind.Post, contentLength: 15);
        Add("chunked_post",
            "POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n",
            body: "5\r\nhello\r\n0\r\n\r\n", method: HttpMethodKind.Post, chunked: true);
        Add("http10_keep_alive",
            "GET /index.html HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", http11: false);
        Add("http10_without_connection_closes",
            "GET / HTTP/1.0\r\n\r\n", http11: false, keepAlive: false);
        Add("http11_connection_close",
            "DELETE /v1/x HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", method: HttpMethodKind.Delete, keepAlive: false);
        Add("one_hundred_headers",
            "GET /many HTTP/1.1\r\n" + string.Concat(Enumerable.Range(0, 100).Select(i => $"X-Header-{i}: value-{i}\r\n")) + "\r\n");
        Add("values_with_ows",
            "GET / HTTP/1.1\r\nHost:example.com\r\nX-A:   spaced   \r\nX-B:\t\ttabbed\t \r\nX-Empty:\r\nX-Blank: \t \r\nX-Inner: a  b\tc\r\n\r\n");
        Add("mixed_case_names",
            "POST /x HTTP/1.1\r\nhOsT: h\r\ncontent-LENGTH: 3\r\nCONNECTION: CLOSE\r\nexpect: 100-Continue\r\n\r\n",
            body: "abc", method: HttpMethodKind.Post, contentLength: 3, keepAlive: false, expectContinue: true);
        Add("leading_empty_lines",
            "\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n");
        Add("no_headers_http11",
            "GET / HTTP/1.1\r\n\r\n");
        Add("target_with_every_visible_ascii_class",
            "GET /a-b._~!$&'()*+,;=:@%41/c?d=e/f?g#h HTTP/1.1\r\nHost: a\r\n\r\n",
            path: "/a-b._~!$&'()*+,;=:@%41/c", query: "d=e/f?g#h");

        // What common clients send to the runtime API (default headers of each client).
        Add("curl_get_next",
            "GET /v1/runtime/invocation/request HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\n\r\n");
        Add("curl_post_response",
            $"POST /v1/runtime/invocation/response/{InvocationId} HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: curl/8.5.0\r\n" +
            "Accept: */*\r\nContent-Type: application/json\r\nContent-Length: 15\r\n\r\n",
            body: JsonBody, method: HttpMethodKind.Post, contentLength: 15);
        Add("curl_post_large_with_expect",
            $"POST /v1/runtime/invocation/response/{InvocationId} HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: curl/8.5.0\r\n" +
            "Accept: */*\r\nContent-Type: application/octet-stream\r\nContent-Length: 2097152\r\nExpect: 100-continue\r\n\r\n",
            method: HttpMethodKind.Post, contentLength: 2097152, expectContinue: true);
        Add("go_get_next",
            "GET /v1/runtime/invocation/request HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: Go-http-client/1.1\r\nAccept-Encoding: gzip\r\n\r\n");
        Add("go_post_response",
            $"POST /v1/runtime/invocation/response/{InvocationId} HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: Go-http-client/1.1\r\n" +
            "Content-Length: 15\r\nContent-Type: application/json\r\nAccept-Encoding: gzip\r\n\r\n",
            body: JsonBody, method: HttpMethodKind.Post, contentLength: 15);
        Add("go_post_response_streamed",
            $"POST /v1/runtime/invocation/response/{InvocationId} HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: Go-http-client/1.1\r\n" +
            "Transfer-Encoding: chunked\r\nContent-Type: application/json\r\nAccept-Encoding: gzip\r\n\r\n",
            body: "f\r\n" + JsonBody + "\r\n0\r\n\r\n", method: HttpMethodKind.Post, chunked: true);
        Add("python_urllib_get_next",
            "GET /v1/runtime/invocation/request HTTP/1.1\r\nAccept-Encoding: identity\r\nHost: 127.0.0.1:8080\r\n" +
            "User-Agent: Python-urllib/3.12\r\nConnection: close\r\n\r\n",
            keepAlive: false);
        Add("python_urllib_post_response",
            $"POST /v1/runtime/invocation/response/{InvocationId} HTTP/1.1\r\nAccept-Encoding: identity\r\nContent-Type: application/json\r\n" +
            "Content-Length: 15\r\nHost: 127.0.0.1:8080\r\nUser-Agent: Python-urllib/3.12\r\nConnection: close\r\n\r\n",
            body: JsonBody, method: HttpMethodKind.Post, contentLength: 15, keepAlive: false);
        Add("java_httpclient_get_next_with_h2c_upgrade",
            "GET /v1/runtime/invocation/request HTTP/1.1\r\nConnection: Upgrade, HTTP2-Settings\r\nContent-Length: 0\r\nHost: 127.0.0.1:8080\r\n" +
            $"HTTP2-Settings: {H2Settings}\r\nUpgrade: h2c\r\nUser-Agent: Java-http-client/17.0.10\r\n\r\n",
            contentLength: 0);
        Add("java_httpclient_post_response_with_h2c_upgrade",
            $"POST /v1/runtime/invocation/response/{InvocationId} HTTP/1.1\r\nConnection: Upgrade, HTTP2-Settings\r\nContent-Length: 15\r\n" +
            $"Host: 127.0.0.1:8080\r\nHTTP2-Settings: {H2Settings}\r\nUpgrade: h2c\r\nUser-Agent: Java-http-client/17.0.10\r\n" +
            "Content-Type: application/json\r\n\r\n",
            body: JsonBody, method: HttpMethodKind.Post, contentLength: 15);
        Add("dotnet_httpclient_get_next",
            "GET /v1/runtime/invocation/request HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n" +
            "traceparent: 00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01\r\n\r\n");
        Add("dotnet_httpclient_post_response",
            $"POST /v1/runtime/invocation/response/{InvocationId} HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n" +
            "Content-Type: application/json; charset=utf-8\r\nContent-Length: 15\r\n\r\n",
            body: JsonBody, method: HttpMethodKind.Post, contentLength: 15);
        return cases;
    }

    private static Dictionary<string, MalformedCase> BuildMalformedCases()
    {
        var cases = new Dictionary<string, MalformedCase>();
        const string Line = "GET / HTTP/1.1\r\n";

        void Add(string name, string text, HttpParseError error, HttpParserLimits? limits = null) =>
            cases.Add(name, new MalformedCase(text, error, limits ?? HttpParserLimits.Default));

        // Request line shapes.
        Add("no_version", "GET /\r\n\r\n", HttpParseError.InvalidRequestLine);
        Add("method_only", "GET\r\n\r\n", HttpParseError.InvalidRequestLine);
        Add("double_space", "GET  / HTTP/1.1\r\n\r\n", HttpParseError.InvalidRequestLine);
        Add("leading_space", " GET / HTTP/1.1\r\n\r\n", HttpParseError.InvalidRequestLine);
        Add("trailing_space", "GET / HTTP/1.1 \r\n\r\n", HttpParseError.InvalidRequestLine);
        Add("space_in_target", "GET /a b HTTP/1.1\r\n\r\n", HttpParseError.InvalidRequestLine);
        Add("tab_separator", "GET\t/ HTTP/1.1\r\n\r\n", HttpParseError.InvalidRequestLine);
        Add("tab_in_target", "GET /a\tb HTTP/1.1\r\n\r\n", HttpParseError.InvalidRequestLine);
        Add("nul_in_target", "GET /a\u0000b HTTP/1.1\r\n\r\n", HttpParseError.InvalidRequestLine);
        Add("del_in_target", "GET /a\u007fb HTTP/1.1\r\n\r\n", HttpParseError.InvalidRequestLine);
        Add("non_ascii_in_target", "GET /caf\u00e9 HTTP/1.1\r\n\r\n", HttpParseError.InvalidRequestLine);
        Add("non_token_method", "GE(T / HTTP/1.1\r\n\r\n", HttpParseError.InvalidRequestLine);
        Add("slash_in_method", "GET/ HTTP/1.1\r\n\r\n", HttpParseError.InvalidRequestLine);
        Add("lowercase_protocol", "GET / http/1.1\r\n\r\n", HttpParseError.InvalidRequestLine);
        Add("short_version", "GET / HTTP/1\r\n\r\n", HttpParseError.InvalidRequestLine);
        Add("long_version", "GET / HTTP/1.10\r\n\r\n", HttpParseError.InvalidRequestLine);
        Add("two_digit_major", "GET / HTTP/10.1\r\n\r\n", HttpParseError.InvalidRequestLine);
        Add("bare_lf_request_line", "GET / HTTP/1.1\n\r\n", HttpParseError.InvalidRequestLine);
        Add("cr_inside_request_line", "GET /\r HTTP/1.1\r\n\r\n", HttpParseError.InvalidRequestLine);
        Add("leading_bare_lf", "\nGET / HTTP/1.1\r\n\r\n", HttpParseError.InvalidRequestLine);
        Add("too_many_leading_empty_lines",
            string.Concat(Enumerable.Repeat("\r\n", HttpRequestParser.MaxLeadingEmptyLines + 1)) + Line + "\r\n",
            HttpParseError.InvalidRequestLine);

        // Versions.
        Add("http_2_0", "GET / HTTP/2.0\r\n\r\n", HttpParseError.UnsupportedVersion);
        Add("http_1_2", "GET / HTTP/1.2\r\n\r\n", HttpParseError.UnsupportedVersion);
        Add("http_0_9", "GET / HTTP/0.9\r\n\r\n", HttpParseError.UnsupportedVersion);
        Add("h2_preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", HttpParseError.UnsupportedVersion);

        // Header lines.
        Add("space_before_colon", Line + "Host : a\r\n\r\n", HttpParseError.InvalidHeader);
        Add("tab_before_colon", Line + "Host\t: a\r\n\r\n", HttpParseError.InvalidHeader);
        Add("obs_fold_space", Line + "X-A: a\r\n  folded\r\n\r\n", HttpParseError.InvalidHeader);
        Add("obs_fold_tab", Line + "X-A: a\r\n\tfolded\r\n\r\n", HttpParseError.InvalidHeader);
        Add("first_header_starts_with_space", Line + " Host: a\r\n\r\n", HttpParseError.InvalidHeader);
        Add("no_colon", Line + "NoColonHere\r\n\r\n", HttpParseError.InvalidHeader);
        Add("empty_name", Line + ": value\r\n\r\n", HttpParseError.InvalidHeader);
        Add("non_token_name", Line + "X(A): b\r\n\r\n", HttpParseError.InvalidHeader);
        Add("non_ascii_name", Line + "X-\u00dc: b\r\n\r\n", HttpParseError.InvalidHeader);
        Add("nul_in_value", Line + "X-A: a\u0000b\r\n\r\n", HttpParseError.InvalidHeader);
        Add("control_in_value", Line + "X-A: a\u0001b\r\n\r\n", HttpParseError.InvalidHeader);
        Add("escape_in_value", Line + "X-A: \u001b[31m\r\n\r\n", HttpParseError.InvalidHeader);
        Add("del_in_value", Line + "X-A: a\u007fb\r\n\r\n", HttpParseError.InvalidHeader);
        Add("cr_in_value", Line + "X-A: a\rb\r\n\r\n", HttpParseError.InvalidHeader);
        Add("bare_lf_header_line", Line + "Host: a\n\r\n", HttpParseError.InvalidHeader);
        Add("bare_lf_end_of_head", Line + "Host: a\r\n\n", HttpParseError.InvalidHeader);

        // Content-Length.
        Add("content_length_letters", Line + "Content-Length: abc\r\n\r\n", HttpParseError.InvalidContentLength);
        Add("content_length_negative", Line + "Content-Length: -1\r\n\r\n", HttpParseError.InvalidContentLength);
        Add("content_length_plus", Line + "Content-Length: +5\r\n\r\n", HttpParseError.InvalidContentLength);
        Add("content_length_hex", Line + "Content-Length: 0x10\r\n\r\n", HttpParseError.InvalidContentLength);
        Add("content_length_inner_space", Line + "Content-Length: 1 2\r\n\r\n", HttpParseError.InvalidContentLength);
        Add("content_length_empty", Line + "Content-Length:\r\n\r\n", HttpParseError.InvalidContentLength);
        Add("content_length_list", Line + "Content-Length: 5, 5\r\n\r\n", HttpParseError.InvalidContentLength);
        Add("content_length_decimal", Line + "Content-Length: 5.0\r\n\r\n", HttpParseError.InvalidContentLength);
        Add("content_length_overflow_by_one", Line + "Content-Length: 9223372036854775808\r\n\r\n", HttpParseError.InvalidContentLength);
        Add("content_length_overflow", Line + "Content-Length: 99999999999999999999999\r\n\r\n", HttpParseError.InvalidContentLength);
        Add("content_length_differing_duplicates", Line + "Content-Length: 5\r\nContent-Length: 6\r\n\r\n", HttpParseError.ConflictingLength);

        // Transfer-Encoding.
        Add("cl_then_te", Line + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", HttpParseError.ConflictingLength);
        Add("te_then_cl", Line + "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n", HttpParseError.ConflictingLength);
        Add("te_gzip", Line + "Transfer-Encoding: gzip\r\n\r\n", HttpParseError.UnsupportedTransferEncoding);
        Add("te_identity", Line + "Transfer-Encoding: identity\r\n\r\n", HttpParseError.UnsupportedTransferEncoding);
        Add("te_gzip_chunked", Line + "Transfer-Encoding: gzip, chunked\r\n\r\n", HttpParseError.UnsupportedTransferEncoding);
        Add("te_chunked_gzip", Line + "Transfer-Encoding: chunked, gzip\r\n\r\n", HttpParseError.UnsupportedTransferEncoding);
        Add("te_chunked_twice", Line + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", HttpParseError.UnsupportedTransferEncoding);
        Add("te_chunked_misspelt", Line + "Transfer-Encoding: chunk\r\n\r\n", HttpParseError.UnsupportedTransferEncoding);
        Add("te_empty", Line + "Transfer-Encoding:\r\n\r\n", HttpParseError.UnsupportedTransferEncoding);
        Add("te_on_http10", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", HttpParseError.UnsupportedTransferEncoding);

        // Limits.
        Add("too_many_headers",
            Line + string.Concat(Enumerable.Range(0, 101).Select(i => $"X-H{i}: v\r\n")) + "\r\n", HttpParseError.TooManyHeaders);
        Add("head_too_large_small_limit",
            Line + "X-Pad: " + new string('p', 100) + "\r\n\r\n", HttpParseError.HeadersTooLarge, new HttpParserLimits { MaxHeaderBytes = 64 });
        Add("request_line_too_long_small_limit",
            "GET /" + new string('a', 40) + " HTTP/1.1\r\n\r\n", HttpParseError.RequestTargetTooLong, new HttpParserLimits { MaxRequestLineBytes = 32 });
        return cases;
    }

    private sealed record ValidCase(
        string Head,
        string Body,
        HttpMethodKind Method,
        string MethodToken,
        string Target,
        string Path,
        string Query,
        bool IsHttp11,
        long ContentLength,
        bool IsChunked,
        bool KeepAlive,
        bool ExpectContinue,
        List<(string Name, string Value)> Headers)
    {
        public byte[] Bytes => Latin1(Head + Body);
    }

    private sealed record MalformedCase(string Text, HttpParseError Error, HttpParserLimits Limits);

    private sealed class TestSegment : ReadOnlySequenceSegment<byte>
    {
        public TestSegment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public TestSegment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new TestSegment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
