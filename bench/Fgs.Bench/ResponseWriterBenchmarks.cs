using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;
using Fgs.Core.Invocations;
using Fgs.Invoker.Http;

namespace Fgs.Bench;

/// <summary>
/// The runtime API's answer to <c>GET /v1/runtime/invocation/request</c>: the response head
/// <c>ProcessInstance</c> writes before the event (status line, Content-Length, Content-Type,
/// X-Cff-Request-Id, X-CFF-Invoke-Type, end of head) with <see cref="HttpResponseHeadWriter"/>
/// into a reused <see cref="ArrayBufferWriter{T}"/>.
/// </summary>
[MemoryDiagnoser]
public class ResponseWriterBenchmarks
{
    private readonly ArrayBufferWriter<byte> _output = new(512);
    private readonly byte[] _requestIdUtf8 = Encoding.UTF8.GetBytes(SampleRequests.InvocationId);
    private readonly int _eventLength = 17;

    /// <summary>Writes the GET response head for a 17-byte sync event.</summary>
    [Benchmark]
    public int WriteRuntimeGetResponseHead()
    {
        var w = _output;
        w.ResetWrittenCount();
        HttpResponseHeadWriter.WriteStatusLine(w, 200);
        HttpResponseHeadWriter.WriteHeader(w, "Content-Length"u8, _eventLength);
        HttpResponseHeadWriter.WriteHeader(w, "Content-Type"u8, "application/json"u8);
        HttpResponseHeadWriter.WriteHeader(w, "X-Cff-Request-Id"u8, _requestIdUtf8);
        HttpResponseHeadWriter.WriteHeader(w, "X-CFF-Invoke-Type"u8, InvokeTypeNames.Utf8(InvokeType.Sync));
        HttpResponseHeadWriter.WriteEndOfHead(w);
        return w.WrittenCount;
    }
}
