using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Fgs.Core.Errors;
using Fgs.Core.Invocations;
using Fgs.Invoker.Http;

namespace Fgs.Invoker.Api;

/// <summary>
/// Writes a sync invocation's answer: the envelope <c>{"request_id","result","log","status"}</c>
/// (plus <c>error_code</c>/<c>error_msg</c> when the invocation failed) with FunctionGraph's
/// response headers. <c>X-CFF-Request-Version: v0</c> returns <c>result</c> as text; <c>v1</c>
/// returns it as JSON when the function's output is JSON.
/// </summary>
internal static class InvokeResponseWriter
{
    /// <summary>FunctionGraph's <c>X-Cff-Function-Log</c> header carries the last 2000 bytes, base64.</summary>
    private const int LogHeaderBytes = 2000;

    public static ValueTask<System.IO.Pipelines.FlushResult> WriteAsync(HttpExchange exchange, Invocation inv, bool jsonResult,
        TimeProvider time, long maxResultBytes)
    {
        FgsError? failure = inv.Status switch
        {
            InvocationStatus.Success => null,
            InvocationStatus.FunctionError => FgsErrors.FunctionError("the function returned an error"),
            InvocationStatus.TimedOut => FgsErrors.FunctionTimedOut((int)inv.Timeout.TotalSeconds),
            InvocationStatus.InitFailed => FgsErrors.InitializationFailed(inv.FailureDetail ?? "initialization failed"),
            InvocationStatus.ResponseTooLarge => FgsErrors.ResponseTooLarge(inv.ResultLength, maxResultBytes),
            InvocationStatus.InstanceExited => FgsErrors.InstanceCrashed(inv.FailureDetail ?? "the instance exited"),
            InvocationStatus.MemoryLimitExceeded => FgsErrors.MemoryLimitExceeded(inv.FailureDetail ?? "memory limit exceeded"),
            _ => FgsErrors.InternalError(inv.FailureDetail ?? "system error"),
        };
        if (inv.Status is InvocationStatus.InitFailed && inv.FailureDetail is { } d && d.StartsWith("load failed", StringComparison.Ordinal))
        {
            failure = FgsErrors.LoadFailed(d);
        }

        // The envelope is built and copied out synchronously, so one buffer and one JSON writer
        // per thread serve every response (no allocation per invocation in the steady state).
        var body = t_body ??= new ArrayBufferWriter<byte>(1024);
        body.ResetWrittenCount();
        var w = t_json;
        if (w is null)
        {
            w = t_json = new Utf8JsonWriter(body, EnvelopeOptions);
        }
        else
        {
            w.Reset(body);
        }
        {
            w.WriteStartObject();
            w.WriteString("request_id"u8, inv.RequestId);
            w.WritePropertyName("result"u8);
            if (failure is { } f && inv.Status != InvocationStatus.FunctionError)
            {
                // A platform-side failure: the result is an error object the caller can parse.
                var detail = inv.FailureDetail ?? f.ErrorMessage;
                if (jsonResult)
                {
                    WriteErrorObject(w, detail, ErrorType(inv.Status));
                }
                else
                {
                    var inner = new ArrayBufferWriter<byte>(128);
                    using (var iw = new Utf8JsonWriter(inner, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
                    {
                        WriteErrorObject(iw, detail, ErrorType(inv.Status));
                    }
                    w.WriteStringValue(inner.WrittenSpan);
                }
            }
            else if (jsonResult && IsJson(inv.Result))
            {
                w.WriteRawValue(inv.Result, skipInputValidation: true);
            }
            else
            {
                WriteUtf8String(w, inv.Result);
            }
            w.WriteString("log"u8, inv.Log is { } log ? log.ToString() : "");
            w.WriteNumber("status"u8, failure?.HttpStatus ?? 200);
            if (failure is { } ff)
            {
                w.WriteString("error_code"u8, ff.ErrorCode);
                w.WriteString("error_msg"u8, inv.FailureDetail ?? ff.ErrorMessage);
            }
            w.WriteEndObject();
            w.Flush();
        }

        var output = exchange.Output;
        exchange.StartResponse(200, body.WrittenCount);
        HttpResponseHeadWriter.WriteHeader(output, "Content-Type"u8, "application/json;charset=utf-8"u8);
        HttpResponseHeadWriter.WriteHeader(output, "X-Cff-Request-Id"u8, inv.RequestIdUtf8);
        HttpResponseHeadWriter.WriteHeader(output, "X-Cff-Response-Version"u8, jsonResult ? "v1"u8 : "v0"u8);
        var ms = inv.DeliveredTimestamp == 0 ? 0 : time.GetElapsedTime(inv.DeliveredTimestamp, inv.CompletedTimestamp).TotalMilliseconds;
        HttpResponseHeadWriter.WriteHeader(output, "X-CFF-Billing-Duration"u8, (long)Math.Ceiling(ms));
        HttpResponseHeadWriter.WriteHeader(output, "X-Is-Func-Err"u8, failure is null ? "false"u8 : "true"u8);
        HttpResponseHeadWriter.WriteHeader(output, "X-Func-Err-Code"u8, failure is { } fc ? Encoding.ASCII.GetBytes(fc.ErrorCode) : "0"u8);
        if (inv.ColdStart)
        {
            HttpResponseHeadWriter.WriteHeader(output, "X-Cff-Cold-Start"u8, "true"u8);
        }
        if (inv.Log is { } tail)
        {
            var bytes = tail.ToArray();
            var last = bytes.AsSpan(Math.Max(0, bytes.Length - LogHeaderBytes));
            HttpResponseHeadWriter.WriteHeader(output, "X-Cff-Function-Log"u8, Encoding.ASCII.GetBytes(Convert.ToBase64String(last)));
        }
        HttpResponseHeadWriter.WriteEndOfHead(output);
        output.Write(body.WrittenSpan);
        if (body.Capacity > MaxRetainedEnvelopeBytes)
        {
            // A large result: do not keep its buffer alive for the thread's lifetime.
            t_body = null;
            t_json = null;
        }
        return output.FlushAsync();
    }

    private const int MaxRetainedEnvelopeBytes = 64 * 1024;

    private static readonly JsonWriterOptions EnvelopeOptions = new()
    {
        SkipValidation = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_body;

    [ThreadStatic]
    private static Utf8JsonWriter? t_json;

    private static string ErrorType(InvocationStatus status) => status switch
    {
        InvocationStatus.TimedOut => "TimeoutError",
        InvocationStatus.InitFailed => "InitializationError",
        InvocationStatus.ResponseTooLarge => "ResponseTooLargeError",
        InvocationStatus.InstanceExited => "InstanceExitedError",
        InvocationStatus.MemoryLimitExceeded => "MemoryLimitExceededError",
        _ => "SystemError",
    };

    private static void WriteErrorObject(Utf8JsonWriter w, string message, string type)
    {
        w.WriteStartObject();
        w.WriteString("errorMessage"u8, message);
        w.WriteString("errorType"u8, type);
        w.WriteEndObject();
    }

    private static void WriteUtf8String(Utf8JsonWriter w, ReadOnlySpan<byte> utf8)
    {
        if (System.Text.Unicode.Utf8.IsValid(utf8))
        {
            w.WriteStringValue(utf8);
        }
        else
        {
            w.WriteStringValue(Encoding.UTF8.GetString(utf8));
        }
    }

    private static bool IsJson(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return false;
        }
        try
        {
            var reader = new Utf8JsonReader(data, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
            if (!reader.Read())
            {
                return false;
            }
            reader.Skip();
            return !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }

    internal static string FormatMs(double ms) => ms.ToString("0.###", CultureInfo.InvariantCulture);
}
