using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;
using Fgs.Invoker.Http;

namespace Fgs.Bench;

/// <summary>
/// <see cref="HttpRequestParser.TryParseHead"/> on the exact request heads runtimes and SDK clients
/// send, into one reused <see cref="HttpRequestHead"/>; and <see cref="ChunkedBodyDecoder"/> on a small
/// chunked body into a reused <see cref="ArrayBufferWriter{T}"/>. Steady state must allocate nothing.
/// </summary>
[MemoryDiagnoser]
public class HttpParserBenchmarks
{
    private readonly HttpRequestHead _head = new();
    private readonly ArrayBufferWriter<byte> _body = new(256);
    private ReadOnlySequence<byte> _curlGetNext;
    private ReadOnlySequence<byte> _goGetNext;
    private ReadOnlySequence<byte> _curlPostResponse;
    private ReadOnlySequence<byte> _goPostResponse;
    private ReadOnlySequence<byte> _frontDoorInvoke;
    private ReadOnlySequence<byte> _chunkedBody;

    /// <summary>Encodes the requests once.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _curlGetNext = new(Encoding.ASCII.GetBytes(SampleRequests.CurlGetNext));
        _goGetNext = new(Encoding.ASCII.GetBytes(SampleRequests.GoGetNext));
        _curlPostResponse = new(Encoding.ASCII.GetBytes(SampleRequests.CurlPostResponse));
        _goPostResponse = new(Encoding.ASCII.GetBytes(SampleRequests.GoPostResponse));
        _frontDoorInvoke = new(Encoding.ASCII.GetBytes(SampleRequests.FrontDoorInvoke));
        _chunkedBody = new(Encoding.ASCII.GetBytes(SampleRequests.ChunkedBody));
    }

    /// <summary>curl: GET /v1/runtime/invocation/request.</summary>
    [Benchmark]
    public ParseStatus ParseCurlGetNext() => Parse(_curlGetNext);

    /// <summary>Go net/http: GET /v1/runtime/invocation/request.</summary>
    [Benchmark]
    public ParseStatus ParseGoGetNext() => Parse(_goGetNext);

    /// <summary>curl: POST /v1/runtime/invocation/response/{id} with Content-Length.</summary>
    [Benchmark]
    public ParseStatus ParseCurlPostResponse() => Parse(_curlPostResponse);

    /// <summary>Go net/http: POST /v1/runtime/invocation/response/{id} with Content-Length.</summary>
    [Benchmark]
    public ParseStatus ParseGoPostResponse() => Parse(_goPostResponse);

    /// <summary>Node.js SDK: POST /v2/{project}/fgs/functions/{urn}/invocations, signed.</summary>
    [Benchmark]
    public ParseStatus ParseFrontDoorInvoke() => Parse(_frontDoorInvoke);

    /// <summary>A two-chunk body decoded into a reused buffer writer.</summary>
    [Benchmark]
    public long DecodeChunkedBody()
    {
        _body.ResetWrittenCount();
        var decoder = default(ChunkedBodyDecoder);
        var buffer = _chunkedBody;
        var status = decoder.Decode(ref buffer, _body, 1 << 20, out _);
        return status == ParseStatus.Complete ? decoder.DecodedBytes : -1;
    }

    private ParseStatus Parse(in ReadOnlySequence<byte> request) =>
        HttpRequestParser.TryParseHead(request, _head, HttpParserLimits.Default, out _, out _, out _);
}
