using System.Text;

namespace Fgs.Harness.Load;

/// <summary>Builds request bytes once, before a run, so the send path only copies them to the socket.</summary>
public static class HttpRequestBytes
{
    /// <summary>A <c>POST</c> with a JSON body, kept alive.</summary>
    /// <param name="hostPort">Value of the Host header.</param>
    /// <param name="path">Request target (already percent-encoded where needed).</param>
    /// <param name="body">Request body.</param>
    /// <param name="extraHeaders">Further header lines, each ending with CRLF.</param>
    public static byte[] Post(string hostPort, string path, ReadOnlySpan<byte> body, string extraHeaders = "")
    {
        var head = Encoding.ASCII.GetBytes(
            "POST " + path + " HTTP/1.1\r\nHost: " + hostPort + "\r\nContent-Type: application/json\r\nContent-Length: "
            + body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\r\n" + extraHeaders + "\r\n");
        var bytes = new byte[head.Length + body.Length];
        head.CopyTo(bytes, 0);
        body.CopyTo(bytes.AsSpan(head.Length));
        return bytes;
    }

    /// <summary>The invoke path of a function URN: <c>/v2/{project}/fgs/functions/{urn}/invocations</c>.</summary>
    public static string InvokePath(string project, string urn) => "/v2/" + project + "/fgs/functions/" + urn + "/invocations";
}
