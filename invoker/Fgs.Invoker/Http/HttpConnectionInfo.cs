using System.Net;

namespace Fgs.Invoker.Http;

/// <summary>What is known about a connection: its endpoints, and state a handler attaches to it
/// (the runtime API attaches the instance the connection was proven to come from).</summary>
internal sealed class HttpConnectionInfo(long id, IPEndPoint? remote, IPEndPoint? local)
{
    public long Id { get; } = id;

    public IPEndPoint? Remote { get; } = remote;

    public IPEndPoint? Local { get; } = local;

    /// <summary>Handler-owned state for the connection.</summary>
    public object? State { get; set; }

    /// <summary>Cancelled when the connection ends.</summary>
    public CancellationToken Closed { get; set; }
}
