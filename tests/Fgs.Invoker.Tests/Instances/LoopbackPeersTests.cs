using System.Net;
using System.Net.Sockets;
using Fgs.Invoker.Instances;

namespace Fgs.Invoker.Tests.Instances;

/// <summary>Finding the client socket of a loopback connection: netlink sock_diag and the /proc
/// fallback agree, for IPv4, IPv6 and dual-stack clients.</summary>
public sealed class LoopbackPeersTests
{
    private static async Task<(IPEndPoint Client, IPEndPoint Server, ulong ProcInode)> ConnectAsync(IPAddress listenOn, Socket client)
    {
        using var listener = new TcpListener(listenOn, 0);
        listener.Start();
        var server = (IPEndPoint)listener.LocalEndpoint;
        await client.ConnectAsync(server);
        using var accepted = await listener.AcceptSocketAsync();
        var remote = (IPEndPoint)accepted.RemoteEndPoint!;
        var local = (IPEndPoint)accepted.LocalEndPoint!;
        return (remote, local, LoopbackPeers.FindInProc(remote, local));
    }

    [Fact]
    public async Task Sock_diag_finds_the_same_ipv4_socket_as_proc()
    {
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var (remote, local, procInode) = await ConnectAsync(IPAddress.Loopback, client);
        Assert.NotEqual(0UL, procInode);
        if (SockDiag.FindInode(remote, local) is not { } diag)
        {
            Assert.Skip("netlink sock_diag is not available on this host");
            return;
        }
        Assert.Equal(procInode, diag);
        Assert.Equal(procInode, LoopbackPeers.FindClientInode(remote, local));
    }

    [Fact]
    public async Task A_dual_stack_client_is_found_through_its_ipv4_mapped_socket()
    {
        using var client = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp) { DualMode = true };
        var (remote, local, procInode) = await ConnectAsync(IPAddress.Loopback, client);
        var inode = LoopbackPeers.FindClientInode(remote, local);
        Assert.NotEqual(0UL, inode);
        Assert.Equal(procInode, inode);
    }

    [Fact]
    public async Task A_connection_that_does_not_exist_is_not_found()
    {
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var (remote, local, _) = await ConnectAsync(IPAddress.Loopback, client);
        var wrongPort = new IPEndPoint(remote.Address, remote.Port == 65535 ? 65534 : remote.Port + 1);
        Assert.Equal(0UL, LoopbackPeers.FindClientInode(wrongPort, local));
    }
}
