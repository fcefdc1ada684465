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

    [Fact]
    public async Task The_owner_of_a_socket_is_found_among_its_descriptors_and_no_other_process_owns_it()
    {
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var (remote, local, _) = await ConnectAsync(IPAddress.Loopback, client);
        var inode = LoopbackPeers.FindClientInode(remote, local);
        Assert.NotEqual(0UL, inode);
        Assert.True(ProcessTree.OwnsSocket(Environment.ProcessId, inode));
        Assert.False(ProcessTree.OwnsSocket(Environment.ProcessId, inode + 1_000_000_000));
        using var other = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("sleep", "30") { UseShellExecute = false })!;
        try
        {
            Assert.False(ProcessTree.OwnsSocket(other.Id, inode));
            Assert.True(ProcessTree.AnyOwnsSocket([other.Id, Environment.ProcessId], inode));
        }
        finally
        {
            other.Kill();
        }
        // A process that is gone (or never was) owns nothing.
        Assert.False(ProcessTree.OwnsSocket(int.MaxValue - 1, inode));
    }

    [Fact]
    public async Task A_socket_behind_more_descriptors_than_one_listing_buffer_holds_is_found()
    {
        // Hundreds of open descriptors before the socket: the listing takes several getdents64
        // calls and more numbers than the first batch holds.
        var files = new List<FileStream>();
        try
        {
            for (var i = 0; i < 400; i++)
            {
                files.Add(new FileStream("/dev/null", FileMode.Open, FileAccess.Read));
            }
            using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            var (remote, local, _) = await ConnectAsync(IPAddress.Loopback, client);
            var inode = LoopbackPeers.FindClientInode(remote, local);
            Assert.NotEqual(0UL, inode);
            Assert.True((int)client.Handle > 256);
            Assert.True(ProcessTree.OwnsSocket(Environment.ProcessId, inode));
        }
        finally
        {
            foreach (var f in files)
            {
                f.Dispose();
            }
        }
    }
}
