using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Fgs.Invoker.Instances;

/// <summary>
/// Finds the socket inode of the client end of an accepted loopback TCP connection from
/// <c>/proc/net/tcp</c> and <c>/proc/net/tcp6</c>, so the runtime API can prove which process
/// opened a connection (SO_PEERCRED does not exist for TCP).
/// </summary>
internal static class LoopbackPeers
{
    /// <summary>The inode of the socket whose local end is <paramref name="client"/> and whose remote
    /// end is <paramref name="server"/>; 0 when not found.</summary>
    public static ulong FindClientInode(IPEndPoint client, IPEndPoint server)
    {
        if (SockDiag.Available && SockDiag.FindInode(client, server) is { } found)
        {
            if (found != 0 || client.AddressFamily == AddressFamily.InterNetworkV6)
            {
                return found;
            }
            // A dual-stack client: its socket is IPv6 with IPv4-mapped addresses.
            if (SockDiag.FindInode(new IPEndPoint(client.Address.MapToIPv6(), client.Port),
                    new IPEndPoint(server.Address.MapToIPv6(), server.Port)) is { } mapped)
            {
                return mapped;
            }
        }
        return FindInProc(client, server);
    }

    /// <summary>The same lookup by reading <c>/proc/net/tcp</c> and <c>/proc/net/tcp6</c> (where
    /// netlink sock_diag is not available).</summary>
    internal static ulong FindInProc(IPEndPoint client, IPEndPoint server)
    {
        if (client.AddressFamily == AddressFamily.InterNetworkV6)
        {
            return Find("/proc/net/tcp6", client, server);
        }
        // A client on a dual-stack IPv6 socket (Java and .NET do this by default) reaching an IPv4
        // listener appears in tcp6 with IPv4-mapped addresses.
        var inode = Find("/proc/net/tcp", client, server);
        return inode != 0 ? inode : Find("/proc/net/tcp6",
            new IPEndPoint(client.Address.MapToIPv6(), client.Port), new IPEndPoint(server.Address.MapToIPv6(), server.Port));
    }

    private static ulong Find(string file, IPEndPoint client, IPEndPoint server)
    {
        var local = Format(client);
        var remote = Format(server);
        try
        {
            foreach (var line in File.ReadLines(file))
            {
                var span = line.AsSpan().TrimStart();
                // "sl  local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode"
                var fields = new Range[12];
                var n = span.Split(fields, ' ', StringSplitOptions.RemoveEmptyEntries);
                if (n < 10)
                {
                    continue;
                }
                if (span[fields[1]].Equals(local, StringComparison.OrdinalIgnoreCase)
                    && span[fields[2]].Equals(remote, StringComparison.OrdinalIgnoreCase)
                    && ulong.TryParse(span[fields[9]], NumberStyles.None, CultureInfo.InvariantCulture, out var inode))
                {
                    return inode;
                }
            }
        }
        catch (IOException)
        {
        }
        return 0;
    }

    private static string Format(IPEndPoint ep)
    {
        // The kernel prints addresses as the raw in-memory words in hex: for IPv4 one 32-bit word
        // in host (little-endian) order; for IPv6 four such words.
        var bytes = ep.Address.GetAddressBytes();
        var sb = new System.Text.StringBuilder(40);
        for (var w = 0; w < bytes.Length; w += 4)
        {
            for (var b = 3; b >= 0; b--)
            {
                sb.Append(bytes[w + b].ToString("X2", CultureInfo.InvariantCulture));
            }
        }
        sb.Append(':').Append(ep.Port.ToString("X4", CultureInfo.InvariantCulture));
        return sb.ToString();
    }
}
