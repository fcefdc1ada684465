using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Fgs.Invoker.Instances;

/// <summary>
/// Looks up one TCP socket by its exact address pair through netlink <c>NETLINK_SOCK_DIAG</c>
/// (the interface <c>ss</c> uses): one request and one answer, whatever the number of sockets on
/// the host, where reading <c>/proc/net/tcp</c> costs time in proportion to all of them.
/// </summary>
internal static partial class SockDiag
{
    private const int AF_NETLINK = 16;
    private const int SOCK_DGRAM = 2;
    private const int SOCK_CLOEXEC = 0x80000;
    private const int NETLINK_SOCK_DIAG = 4;
    private const ushort SOCK_DIAG_BY_FAMILY = 20;
    private const ushort NLMSG_ERROR = 2;
    private const ushort NLM_F_REQUEST = 1;
    private const int RequestLength = 16 + 56;    // nlmsghdr + inet_diag_req_v2
    private const int InodeOffset = 16 + 4 + 48 + 16; // nlmsghdr, inet_diag_msg head, sockid, expires/rqueue/wqueue/uid

    private static readonly Lock s_gate = new();
    private static int s_fd = -1;
    private static bool s_unavailable;
    private static uint s_sequence;

    /// <summary>Whether the kernel answered the lookup (false: the caller falls back to /proc).</summary>
    public static bool Available => !s_unavailable;

    /// <summary>The inode of the socket whose local end is <paramref name="local"/> and remote end
    /// <paramref name="remote"/>; 0 when there is none; null when netlink cannot be used here.</summary>
    public static ulong? FindInode(IPEndPoint local, IPEndPoint remote)
    {
        var family = local.AddressFamily == AddressFamily.InterNetworkV6 ? (byte)10 : (byte)2;
        Span<byte> request = stackalloc byte[RequestLength];
        request.Clear();
        Span<byte> answer = stackalloc byte[512];
        lock (s_gate)
        {
            if (s_unavailable)
            {
                return null;
            }
            if (s_fd < 0)
            {
                s_fd = Socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
                if (s_fd < 0)
                {
                    s_unavailable = true;
                    return null;
                }
            }
            var seq = ++s_sequence;
            BinaryPrimitives.WriteUInt32LittleEndian(request, RequestLength);
            BinaryPrimitives.WriteUInt16LittleEndian(request[4..], SOCK_DIAG_BY_FAMILY);
            BinaryPrimitives.WriteUInt16LittleEndian(request[6..], NLM_F_REQUEST);
            BinaryPrimitives.WriteUInt32LittleEndian(request[8..], seq);
            var req = request[16..];
            req[0] = family;
            req[1] = (byte)ProtocolType.Tcp;
            BinaryPrimitives.WriteUInt32LittleEndian(req[4..], uint.MaxValue); // every state
            var id = req[8..];
            BinaryPrimitives.WriteUInt16BigEndian(id, (ushort)local.Port);
            BinaryPrimitives.WriteUInt16BigEndian(id[2..], (ushort)remote.Port);
            local.Address.GetAddressBytes().CopyTo(id[4..]);
            remote.Address.GetAddressBytes().CopyTo(id[20..]);
            // No cookie: INET_DIAG_NOCOOKIE, so the kernel matches on the address pair.
            BinaryPrimitives.WriteUInt32LittleEndian(id[40..], uint.MaxValue);
            BinaryPrimitives.WriteUInt32LittleEndian(id[44..], uint.MaxValue);
            nint sent;
            unsafe
            {
                fixed (byte* p = request)
                {
                    sent = Send(s_fd, p, RequestLength, 0);
                }
            }
            if (sent != RequestLength)
            {
                Reset();
                return null;
            }
            while (true)
            {
                nint n;
                unsafe
                {
                    fixed (byte* p = answer)
                    {
                        n = Recv(s_fd, p, answer.Length, 0);
                    }
                }
                if (n < 16)
                {
                    Reset();
                    return null;
                }
                if (BinaryPrimitives.ReadUInt32LittleEndian(answer[8..]) != seq)
                {
                    continue; // an answer to an earlier request that timed out: skip it
                }
                var type = BinaryPrimitives.ReadUInt16LittleEndian(answer[4..]);
                if (type == NLMSG_ERROR)
                {
                    // ENOENT: no such socket. Anything else: this kernel cannot answer (no inet_diag).
                    var errno = -BinaryPrimitives.ReadInt32LittleEndian(answer[16..]);
                    if (errno == 2)
                    {
                        return 0;
                    }
                    s_unavailable = true;
                    return null;
                }
                if (type == SOCK_DIAG_BY_FAMILY && n >= InodeOffset + 4)
                {
                    return BinaryPrimitives.ReadUInt32LittleEndian(answer[InodeOffset..]);
                }
                return 0;
            }
        }
    }

    private static void Reset()
    {
        if (s_fd >= 0)
        {
            _ = Libc.Close(s_fd);
            s_fd = -1;
        }
    }

    [LibraryImport("libc", EntryPoint = "socket", SetLastError = true)]
    private static partial int Socket(int domain, int type, int protocol);

    [LibraryImport("libc", EntryPoint = "send", SetLastError = true)]
    private static unsafe partial nint Send(int fd, byte* buffer, nint length, int flags);

    [LibraryImport("libc", EntryPoint = "recv", SetLastError = true)]
    private static unsafe partial nint Recv(int fd, byte* buffer, nint length, int flags);
}
