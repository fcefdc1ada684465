namespace Fgs.Bench;

/// <summary>
/// The requests the hot paths parse, byte for byte as real clients send them. Shared by the
/// benchmarks and the allocation budget test (which compiles this file in), so both measure the
/// same input.
/// </summary>
internal static class SampleRequests
{
    /// <summary>An invocation id as the runtime API paths carry it.</summary>
    public const string InvocationId = "5f2a8c1e-7b3d-4e9f-a0c6-1d2e3f4a5b6c";

    /// <summary>A 32-hex project id, as FunctionGraph issues them.</summary>
    public const string ProjectId = "0123456789abcdef0123456789abcdef";

    /// <summary>curl's next-event poll (curl/8.5.0 default headers).</summary>
    public const string CurlGetNext =
        "GET /v1/runtime/invocation/request HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\n\r\n";

    /// <summary>Go net/http's next-event poll.</summary>
    public const string GoGetNext =
        "GET /v1/runtime/invocation/request HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: Go-http-client/1.1\r\nAccept-Encoding: gzip\r\n\r\n";

    /// <summary>curl posting a 15-byte JSON response.</summary>
    public const string CurlPostResponse =
        "POST /v1/runtime/invocation/response/" + InvocationId + " HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: curl/8.5.0\r\n"
        + "Accept: */*\r\nContent-Type: application/json\r\nContent-Length: 15\r\n\r\n";

    /// <summary>Go net/http posting a 15-byte JSON response.</summary>
    public const string GoPostResponse =
        "POST /v1/runtime/invocation/response/" + InvocationId + " HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: Go-http-client/1.1\r\n"
        + "Content-Length: 15\r\nContent-Type: application/json\r\nAccept-Encoding: gzip\r\n\r\n";

    /// <summary>A signed synchronous invoke from the official Node.js SDK (headers as it sends them).</summary>
    public const string FrontDoorInvoke =
        "POST /v2/" + ProjectId + "/fgs/functions/urn:fss:cn-north-4:" + ProjectId + ":function:default:echo:latest/invocations HTTP/1.1\r\n"
        + "Accept: application/json\r\n"
        + "Content-Type: application/json\r\n"
        + "X-Project-Id: " + ProjectId + "\r\n"
        + "X-Cff-Log-Type: tail\r\n"
        + "X-Sdk-Date: 20240102T030405Z\r\n"
        + "host: 127.0.0.1:8080\r\n"
        + "Authorization: SDK-HMAC-SHA256 Access=FGSTESTAK0123456789, SignedHeaders=content-type;host;x-cff-log-type;x-project-id;x-sdk-date, "
        + "Signature=a22b893fecc18a4c895015e9196e1737c9026d0fd705fd3102ca3dbdfb1dfa9a\r\n"
        + "User-Agent: huaweicloud-usdk-nodejs/3.0\r\n"
        + "Content-Length: 17\r\n"
        + "Accept-Encoding: gzip, compress, deflate, br\r\n"
        + "Connection: keep-alive\r\n\r\n";

    /// <summary>A response body sent in two chunks, as a streaming runtime client would.</summary>
    public const string ChunkedBody = "7\r\n{\"hello\r\n8\r\n\":\"wor\"}\r\n0\r\n\r\n";
}
