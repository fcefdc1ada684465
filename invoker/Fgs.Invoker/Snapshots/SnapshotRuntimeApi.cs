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
    private readonly Channel<SentEvent> _events =
        Channel.CreateUnbounded<SentEvent>(new UnboundedChannelOptions { SingleReader = false });
    private readonly ConcurrentDictionary<string, SentEvent> _pending = new();
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
        var ev = Send(invokeType, body);
        try
        {
            return await ev.Outcome.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Abandon(ev);
        }
    }

    /// <summary>Queues an event of <paramref name="invokeType"/>. The caller waits on the returned
    /// event's <see cref="SentEvent.Taken"/> and <see cref="SentEvent.Outcome"/>, and calls
    /// <see cref="Abandon"/> once it no longer waits. The runtime sees <paramref name="requestId"/>
    /// (an invocation's own request id), else a new one.</summary>
    public SentEvent Send(string invokeType, byte[] body, string? requestId = null)
    {
        var ev = new SentEvent(requestId ?? Guid.NewGuid().ToString(), invokeType, body);
        _pending[ev.Id] = ev;
        if (!_events.Writer.TryWrite(ev))
        {
            _pending.TryRemove(ev.Id, out _);
            ev.Cancel();
        }
        return ev;
    }

    /// <summary>Forgets <paramref name="ev"/>: a runtime that has not taken it yet never gets it, and
    /// an outcome posted for it later is refused (404).</summary>
    public void Abandon(SentEvent ev) => _pending.TryRemove(ev.Id, out _);

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
            SentEvent ev;
            try
            {
                do
                {
                    ev = await _events.Reader.ReadAsync(_stop.Token).ConfigureAwait(false);
                }
                while (!_pending.ContainsKey(ev.Id)); // abandoned before it was taken
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
            ev.MarkTaken();
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
            outcome!.Complete(isError, body);
            return;
        }
        await exchange.RespondAsync(404, "application/json"u8, ErrorBodies.Utf8("FSS.0404", "unknown runtime API path")).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _server.DisposeAsync().ConfigureAwait(false);
        foreach (var (_, ev) in _pending)
            ev.Cancel();
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

/// <summary>An event queued on a <see cref="SnapshotRuntimeApi"/>.</summary>
internal sealed class SentEvent
{
    private readonly TaskCompletionSource _taken = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<(bool Error, byte[] Body)> _outcome = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public SentEvent(string id, string type, byte[] body)
    {
        Id = id;
        Type = type;
        Body = body;
    }

    /// <summary>The request id (<c>X-Cff-Request-Id</c>).</summary>
    public string Id { get; }

    /// <summary>The invoke type (<c>X-CFF-Invoke-Type</c>).</summary>
    public string Type { get; }

    /// <summary>The event body.</summary>
    public byte[] Body { get; }

    /// <summary>Completes once the runtime has been handed the event.</summary>
    public Task Taken => _taken.Task;

    /// <summary>Completes with the runtime's outcome; cancelled when the API stops first.</summary>
    public Task<(bool Error, byte[] Body)> Outcome => _outcome.Task;

    internal void MarkTaken() => _taken.TrySetResult();

    internal void Complete(bool error, byte[] body)
    {
        // An outcome implies the event was taken.
        _taken.TrySetResult();
        _outcome.TrySetResult((error, body));
    }

    internal void Cancel()
    {
        _taken.TrySetCanceled();
        _outcome.TrySetCanceled();
    }
}
