using System.Globalization;
using System.Net;

namespace Fgs.Harness.E2e;

/// <summary>A server under test: a name, its loopback address and the pid whose CPU is metered.</summary>
/// <param name="Name">floor, peer or invoker.</param>
/// <param name="EndPoint">Where requests go.</param>
/// <param name="Pid">The server process; its descendants (nginx workers, runtime processes) are metered apart.</param>
public sealed record TargetSpec(string Name, IPEndPoint EndPoint, int Pid)
{
    /// <summary>Parses <c>name=HOST:PORT:PID</c>.</summary>
    public static TargetSpec Parse(string text)
    {
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        var parts = text[(equals + 1)..].Split(':');
        if (equals <= 0 || parts.Length != 3)
        {
            throw new ArgumentException("--target takes name=HOST:PORT:PID, not '" + text + "'");
        }
        return new TargetSpec(
            text[..equals],
            new IPEndPoint(IPAddress.Parse(parts[0]), int.Parse(parts[1], CultureInfo.InvariantCulture)),
            int.Parse(parts[2], CultureInfo.InvariantCulture));
    }

    /// <summary>The Host header value.</summary>
    public string HostHeader => EndPoint.ToString();
}
