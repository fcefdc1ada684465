using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Threading.Channels;
using Fgs.Invoker.Http;
using Fgs.Invoker.Instances;

namespace Fgs.Invoker.Snapshots;

/// <summary>
/// The runtime API of one snapshot instance: the instance a snapshot is made from, or one restored
/// copy. Each has its own listener, and its address is the content of the instance's fd 3 file.
/// The API hands out events in order (<c>GET /v1/runtime/invocation/request</c>) and takes their
/// outcomes (<c>POST .../response/{id}</c> or <c>.../error/{id}</c>). Only processes of the instance's
/// own tree may connect (the <c>/proc</c> peer check, as for process instances).
/// </summary>
internal sealed class SnapshotRuntimeApi : IHttpHandler, IAsyncDisposable
{
    private const int MaxResponseBytes = 6 * 1024 * 1024;

    private readonly HttpServer _server;
    private readonly Channel<(string Id, string Type, byte[] Body)> _events =
        Channel.CreateUnbounded<(string, string, byte[])>(new UnboundedChannelOptions { SingleReader = false });
    private readonly ConcurrentDictionary<string, TaskCompletionSource<(bool Error, byte[] Body)>> _pending = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource<int> _root = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public SnapshotRuntimeApi()
    {
        _server = new HttpServer(new IPEndPoint(IPAddress.Loopback, 0), this);
        _server.Start();
        Address = "127.0.0.1:" + _server.LocalEndPoint.Port.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>The address the instance reaches this API on (<c>HOST:PORT</c>).</summary>
    public string Address { get; }

    /// <summary>Names the instance's namespace init. Connections wait for it, then only its tree may connect.</summary>
    public void SetRoot(int rootPid) => _root.TrySetResult(rootPid);

    /// <summary>Queues an event of <paramref name="invokeType"/> and waits for its outcome.</summary>
    /// <exception cref="TimeoutException">No outcome within <paramref name="timeout"/>.</exception>
    public async Task<(bool Error, byte[] Body)> InvokeAsync(string invokeType, byte[] body, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var id = Guid.NewGuid().ToString();
        var outcome = new TaskCompletionSource<(bool, byte[])>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = outcome;
        try
        {
            await _events.Writer.WriteAsync((id, invokeType, body), cancellationToken).ConfigureAwait(false);
            return await outcome.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    async ValueTask<bool> IHttpHandler.OnConnectedAsync(HttpConnectionInfo connection)
    {
        int root;
        try
        {
            root = await _root.Task.WaitAsync(TimeSpan.FromSeconds(5), _stop.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            return false;
        }
        if (connection.Remote is null || connection.Local is null)
            return false;
        var inode = LoopbackPeers.FindClientInode(connection.Remote, connection.Local);
        return inode != 0 && ProcessTree.AnyOwnsSocket(ProcessTree.Collect(root), inode);
    }

    long IHttpHandler.MaxBodyBytes(HttpRequestHead head) => MaxResponseBytes;

    async ValueTask IHttpHandler.HandleAsync(HttpExchange exchange)
    {
        var head = exchange.Head;
        var path = head.Path;
        if (head.Method == HttpMethodKind.Get && path.SequenceEqual("/v1/runtime/invocation/request"u8))
        {
            (string Id, string Type, byte[] Body) ev;
            try
            {
                ev = await _events.Reader.ReadAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            if (exchange.Connection.Closed.IsCancellationRequested)
            {
                // The runtime went away while it waited (a checkpoint or a restart): the next GET gets it.
                await _events.Writer.WriteAsync(ev).ConfigureAwait(false);
                return;
            }
            exchange.StartResponse(200, ev.Body.Length);
            HttpResponseHeadWriter.WriteHeader(exchange.Output, "Content-Type"u8, "application/json"u8);
            HttpResponseHeadWriter.WriteHeader(exchange.Output, "X-Cff-Request-Id"u8, ev.Id.AsSpan());
            HttpResponseHeadWriter.WriteHeader(exchange.Output, "X-CFF-Invoke-Type"u8, ev.Type.AsSpan());
            HttpResponseHeadWriter.WriteEndOfHead(exchange.Output);
            exchange.Output.Write(ev.Body);
            await exchange.Output.FlushAsync().ConfigureAwait(false);
            return;
        }
        if (head.Method == HttpMethodKind.Post && TryMatchOutcome(path, out var isError, out var id))
        {
            var known = _pending.TryGetValue(id, out var outcome);
            var body = exchange.Body.ToArray();
            if (!known)
            {
                await exchange.RespondAsync(404, "application/json"u8,
                    ErrorBodies.Utf8("FSS.0404", "no event with this request id is in flight on this instance")).ConfigureAwait(false);
                return;
            }
            await exchange.RespondAsync(202, "application/json"u8, "{\"status\":\"OK\"}"u8).ConfigureAwait(false);
            outcome!.TrySetResult((isError, body));
            return;
        }
        await exchange.RespondAsync(404, "application/json"u8, ErrorBodies.Utf8("FSS.0404", "unknown runtime API path")).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _server.DisposeAsync().ConfigureAwait(false);
        foreach (var (_, outcome) in _pending)
            outcome.TrySetCanceled();
        _stop.Dispose();
    }

    private static bool TryMatchOutcome(ReadOnlySpan<byte> path, out bool isError, out string id)
    {
        ReadOnlySpan<byte> response = "/v1/runtime/invocation/response/"u8;
        ReadOnlySpan<byte> error = "/v1/runtime/invocation/error/"u8;
        isError = path.StartsWith(error);
        var prefix = isError ? error : path.StartsWith(response) ? response : default;
        if (prefix.IsEmpty || path.Length == prefix.Length)
        {
            id = "";
            return false;
        }
        id = Encoding.ASCII.GetString(path[prefix.Length..]);
        return true;
    }
}
