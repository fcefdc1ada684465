using System.Net;
using Fgs.Core.Metrics;
using Fgs.Core.Routing;
using Fgs.Invoker.Api;
using Fgs.Invoker.Auth;
using Fgs.Invoker.Http;
using Fgs.Invoker.Instances;
using Fgs.Invoker.Snapshots;
using Fgs.Invoker.Store;

namespace Fgs.Invoker.Hosting;

/// <summary>
/// One invoker: the embedded store, the instance manager and the front door, wired together.
/// Stops in phases: stop accepting, let in-flight invocations finish (bounded), stop every
/// instance process, close connections.
/// </summary>
internal sealed class InvokerHost : IAsyncDisposable
{
    private readonly InvokerOptions _options;
    private readonly TimeProvider _time;
    private readonly Action<string> _log;
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private HttpServer? _server;
    private FrontDoor? _frontDoor;
    private InstanceManager? _instances;
    private SnapshotCoordinator? _snapshots;
    private volatile bool _ready;
    private int _stopping;

    public InvokerHost(InvokerOptions options, TimeProvider time, Action<string> log)
    {
        _options = options;
        _time = time;
        _log = log;
        Metrics = new FunctionMetrics(time);
    }

    /// <summary>The bound front door address.</summary>
    public IPEndPoint? Endpoint => _server?.LocalEndPoint;

    /// <summary>Management operations.</summary>
    public FunctionService? Functions { get; private set; }

    /// <summary>The instance manager.</summary>
    public InstanceManager? Instances => _instances;

    /// <summary>Function metrics of this node (also published on the <c>Fgs.Invoker</c> meter).</summary>
    public FunctionMetrics Metrics { get; }

    /// <summary>URNs of the preloaded demo functions.</summary>
    public IReadOnlyList<string> DemoFunctions { get; private set; } = [];

    /// <summary>Completes once <see cref="StopAsync"/> has finished.</summary>
    public Task Stopped => _stopped.Task;

    public Task StartAsync()
    {
        var data = Path.GetFullPath(_options.DataDir);
        _options.DataDir = data;
        Directory.CreateDirectory(data);
        var store = new FunctionStore(data);
        var catalog = new FunctionCatalog();
        foreach (var def in store.LoadAll(_log))
        {
            catalog.Set(def);
        }
        var code = new CodeCache(Path.Combine(data, "code"));
        LauncherPool.EnsureShared(_options.PrestartLaunchers);
        _instances = new InstanceManager(_options, store, code, _time, _log) { Thawed = Metrics.RecordThaw, StartPhaseEnded = Metrics.RecordStartPhase };
        // CRIU is detected in the background; its capability line is logged once known.
        _snapshots = new SnapshotCoordinator(store, _instances.PrepareSpecAsync, _time, _log, dataDir: data,
            processStarted: _instances.ProcessRecord.Add);
        _instances.Snapshots = _snapshots;
        Functions = new FunctionService(store, catalog, _instances, _options, _time) { Metrics = Metrics, Snapshots = _snapshots };
        Functions.LoadVersions(_log);
        // The snapshots of published versions kept from the previous run (or made again).
        _snapshots.Resume();
        Functions.CollectPackages();
        code.Retain(Functions.ReferencedDigests());
        if (_options.DemoDir is { } demos && Directory.Exists(demos))
        {
            DemoFunctions = Functions.PreloadDemos(demos, _options.DemoProjectId, _log);
        }
        var verifier = _options.AccessKeys.Count > 0 ? new SignatureVerifier(_options.AccessKeys, _time) : null;
        _frontDoor = new FrontDoor(Functions, _instances, verifier, _time, () => _ready, Metrics)
        {
            Snapshots = new SnapshotApi(Functions, _snapshots),
        };
        _server = new HttpServer(_options.Listen, _frontDoor);
        _server.Start();
        _log($"{Supervisor.Describe()}");
        _log(_instances.Capabilities);
        _log($"serving FunctionGraph v2 API on http://{_server.LocalEndPoint} ({catalog.Count} functions, data in {data}, " +
             (verifier is null ? "no request signing: loopback only" : "SDK-HMAC-SHA256 signing required") + ")");
        _ready = true;
        return Task.CompletedTask;
    }

    /// <summary>Graceful stop. Idempotent; concurrent callers wait for the same stop.</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopping, 1) != 0)
        {
            await _stopped.Task.ConfigureAwait(false);
            return;
        }
        try
        {
            _ready = false;
            _server?.StopAccepting();
            if (_instances is not null)
            {
                using var grace = new CancellationTokenSource(_options.ShutdownTimeout, _time);
                await _instances.ShutdownAsync(grace.Token).ConfigureAwait(false);
            }
            // In-flight requests now have their outcome; give them a moment to write it.
            var deadline = _time.GetTimestamp();
            while (_frontDoor is { InFlight: > 0 } && _time.GetElapsedTime(deadline) < TimeSpan.FromSeconds(5))
            {
                await Task.Delay(10).ConfigureAwait(false);
            }
            if (_snapshots is not null)
            {
                await _snapshots.DisposeAsync().ConfigureAwait(false);
            }
            if (_server is not null)
            {
                await _server.DisposeAsync().ConfigureAwait(false);
            }
            if (_instances is not null)
            {
                await _instances.DisposeAsync().ConfigureAwait(false);
            }
            Metrics.Dispose();
            _log("stopped");
        }
        finally
        {
            _stopped.TrySetResult();
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);
}
