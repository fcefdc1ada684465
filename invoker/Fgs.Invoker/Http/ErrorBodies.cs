using System.Buffers;
using System.Text.Json;

namespace Fgs.Invoker.Http;

/// <summary>FunctionGraph's error shape <c>{"error_code","error_msg"}</c>, written without reflection.</summary>
internal static class ErrorBodies
{
    public static byte[] Utf8(string code, string message)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("error_code"u8, code);
            w.WriteString("error_msg"u8, message);
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}
