using System.Buffers;
using System.Globalization;
using System.Text;
using Fgs.Core.Errors;
using Fgs.Core.Functions;
using Fgs.Core.Instances;
using Fgs.Core.Invocations;
using Fgs.Core.Json;
using Fgs.Core.Metrics;
using Fgs.Invoker.Auth;
using Fgs.Invoker.Hosting;
using Fgs.Invoker.Http;

namespace Fgs.Invoker.Api;

/// <summary>
/// The client-facing HTTP API: FunctionGraph v2 function management and sync invocation, plus
/// <c>/healthz</c>. Checks the SDK's AK/SK signature when keys are configured, then routes.
/// </summary>
internal sealed class FrontDoor : IHttpHandler
{
    /// <summary>Sync request payloads are limited to 6 MB, like responses.</summary>
    public const int MaxInvokeBodyBytes = 6 * 1024 * 1024;

    /// <summary>A 40 MB zip is about 53.4 MB in base64, plus the JSON around it.</summary>
    private const long MaxManagementBodyBytes = 56L * 1024 * 1024;

    private const long MaxSmallBodyBytes = 1024 * 1024;

    private readonly FunctionService _functions;
    private readonly InstanceManager _instances;
    private readonly SignatureVerifier? _verifier;
    private readonly TimeProvider _time;
    private readonly Func<bool> _ready;
    private readonly FunctionMetrics _metrics;

    // Invocation paths already parsed and checked, by path: the per-request path split, unescaping
    // and URN parse (a dozen strings) happen once per function rather than once per request.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, InvokeRoute> _invokeRoutes = new(StringComparer.Ordinal);
    private const int MaxInvokeRoutes = 16_384;
    private const int MaxCachedPathLength = 512;

    /// <summary>A checked invocation path: its URN and the URN the function's statistics go under.</summary>
    private sealed record InvokeRoute(FunctionUrn Urn, string StatisticsUrn);
    private int _inFlight;

    public FrontDoor(FunctionService functions, InstanceManager instances, SignatureVerifier? verifier, TimeProvider time, Func<bool> ready,
        FunctionMetrics metrics)
    {
        _metrics = metrics;
        _functions = functions;
        _instances = instances;
        _verifier = verifier;
        _time = time;
        _ready = ready;
    }

    /// <summary>The snapshot operations (<c>.../{function_urn}/snapshots/{action}</c>), or null when the invoker has none.</summary>
    internal SnapshotApi? Snapshots { get; init; }

    /// <summary>Requests being handled right now.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    public long MaxBodyBytes(HttpRequestHead head)
    {
        var path = head.Path;
        if (path.EndsWith("/invocations"u8))
        {
            return MaxInvokeBodyBytes;
        }
        if (path.EndsWith("/fgs/functions"u8) || path.EndsWith("/code"u8))
        {
            return MaxManagementBodyBytes;
        }
        return MaxSmallBodyBytes;
    }

    public async ValueTask HandleAsync(HttpExchange exchange)
    {
        Interlocked.Increment(ref _inFlight);
        try
        {
            await RouteAsync(exchange).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not (IOException or OperationCanceledException or ObjectDisposedException))
        {
            if (!exchange.ResponseStarted)
            {
                await RespondErrorAsync(exchange, FgsErrors.InternalError("internal error: " + e.Message)).ConfigureAwait(false);
            }
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private async ValueTask RouteAsync(HttpExchange exchange)
    {
        var head = exchange.Head;
        var path = head.Path;
        if (path.SequenceEqual("/metrics"u8) && exchange.Head.Method == HttpMethodKind.Get)
        {
            // Like /healthz, scraped without a signature (Prometheus cannot sign requests).
            await exchange.RespondAsync(200, "text/plain; version=0.0.4; charset=utf-8"u8,
                PrometheusExporter.Render(_metrics, _instances.PoolCounts(), _instances.SnapshotCounts())).ConfigureAwait(false);
            return;
        }
        if (path.SequenceEqual("/healthz"u8))
        {
            var ok = _ready();
            await exchange.RespondAsync(ok ? 200 : 503, "application/json"u8, ok ? "{\"status\":\"ok\"}"u8 : "{\"status\":\"starting\"}"u8).ConfigureAwait(false);
            return;
        }

        if (_verifier is not null)
        {
            var check = Verify(exchange);
            if (!check.IsValid)
            {
                await RespondErrorAsync(exchange, FgsErrors.Unauthorized("request signature check failed: " + check.Message)).ConfigureAwait(false);
                return;
            }
        }

        if (head.Method == HttpMethodKind.Post && path.Length <= MaxCachedPathLength && path.EndsWith("/invocations"u8)
            && TryCachedRoute(path, out var cached))
        {
            await InvokeAsync(exchange, cached).ConfigureAwait(false);
            return;
        }
        // /v2/{project_id}/fgs/functions[/{function_urn}[/{resource}]] and /v2/{project_id}/fgs/quotas
        var pathText = Encoding.ASCII.GetString(path);
        if (!pathText.EndsWith("/invocations", StringComparison.Ordinal))
        {
            // Management operations write the store (fsync) and may take milliseconds: off the
            // socket I/O thread, which serves every connection (socket completions run inline).
            await Task.Yield();
        }
        var segments = pathText.Split('/');
        if (segments is ["", "v2", { Length: > 0 } quotaProject, "fgs", "quotas"])
        {
            if (head.Method != HttpMethodKind.Get)
            {
                await MethodNotAllowedAsync(exchange).ConfigureAwait(false);
                return;
            }
            await RespondAsync(exchange, _functions.ListQuotas(Uri.UnescapeDataString(quotaProject)), 200).ConfigureAwait(false);
            return;
        }
        if (segments.Length < 5 || segments[0].Length != 0 || segments[1] != "v2" || segments[3] != "fgs" || segments[4] != "functions"
            || segments[2].Length == 0)
        {
            await RespondErrorAsync(exchange, FgsErrors.NotFound($"no API at {pathText}")).ConfigureAwait(false);
            return;
        }
        var projectId = Uri.UnescapeDataString(segments[2]);
        var method = head.Method;
        if (segments.Length == 5 || segments.Length == 6 && segments[5].Length == 0)
        {
            switch (method)
            {
                case HttpMethodKind.Post:
                    await RespondAsync(exchange, _functions.Create(projectId, exchange.Body), 200).ConfigureAwait(false);
                    return;
                case HttpMethodKind.Get:
                    await RespondAsync(exchange, _functions.List(projectId, Encoding.ASCII.GetString(head.Query)), 200).ConfigureAwait(false);
                    return;
                default:
                    await MethodNotAllowedAsync(exchange).ConfigureAwait(false);
                    return;
            }
        }

        if (segments.Length == 6 && segments[5] is "reservedinstanceconfigs" or "reservedinstances")
        {
            if (method != HttpMethodKind.Get)
            {
                await MethodNotAllowedAsync(exchange).ConfigureAwait(false);
                return;
            }
            var query = Encoding.ASCII.GetString(head.Query);
            await RespondAsync(exchange, segments[5] == "reservedinstanceconfigs"
                ? _functions.ListReservedInstanceConfigs(projectId, query)
                : _functions.ListFunctionReservedInstances(projectId, query), 200).ConfigureAwait(false);
            return;
        }

        var urnText = Uri.UnescapeDataString(segments[5]);
        if (!FunctionUrn.TryParse(urnText, out var urn, out var urnError))
        {
            await RespondErrorAsync(exchange, urnError).ConfigureAwait(false);
            return;
        }
        if (urn.Region != _functions.Region)
        {
            await RespondErrorAsync(exchange, FgsErrors.BadRequest($"the URN's region '{urn.Region}' is not this node's region '{_functions.Region}'")).ConfigureAwait(false);
            return;
        }
        if (urn.ProjectId != projectId)
        {
            await RespondErrorAsync(exchange, FgsErrors.BadRequest($"the URN's project '{urn.ProjectId}' does not match the path's project '{projectId}'")).ConfigureAwait(false);
            return;
        }
        var resource = segments.Length > 6 ? string.Join('/', segments[6..]) : "";
        switch (resource, method)
        {
            case ("", HttpMethodKind.Delete):
                await RespondAsync(exchange, _functions.Delete(urn), 204).ConfigureAwait(false);
                return;
            case ("config", HttpMethodKind.Get):
                await RespondAsync(exchange, _functions.GetConfig(urn), 200).ConfigureAwait(false);
                return;
            case ("config", HttpMethodKind.Put):
                await RespondAsync(exchange, _functions.UpdateConfig(urn, exchange.Body), 200).ConfigureAwait(false);
                return;
            case ("code", HttpMethodKind.Get):
                await RespondAsync(exchange, _functions.GetCode(urn), 200).ConfigureAwait(false);
                return;
            case ("code", HttpMethodKind.Put):
                await RespondAsync(exchange, _functions.UpdateCode(urn, exchange.Body), 200).ConfigureAwait(false);
                return;
            case ("config-max-instance", HttpMethodKind.Put):
                await RespondAsync(exchange, _functions.UpdateMaxInstances(urn, exchange.Body), 200).ConfigureAwait(false);
                return;
            case ("reservedinstances", HttpMethodKind.Put):
                await RespondAsync(exchange, _functions.UpdateReservedInstances(urn, exchange.Body), 200).ConfigureAwait(false);
                return;
            case ("invocations", HttpMethodKind.Post):
                var route = new InvokeRoute(urn, urn.WithoutQualifier().ToString());
                if (pathText.Length <= MaxCachedPathLength)
                {
                    if (_invokeRoutes.Count >= MaxInvokeRoutes)
                    {
                        _invokeRoutes.Clear();
                    }
                    _invokeRoutes.TryAdd(pathText, route);
                }
                await InvokeAsync(exchange, route).ConfigureAwait(false);
                return;
            case ("versions", HttpMethodKind.Post):
                await RespondAsync(exchange, _functions.PublishVersion(urn, exchange.Body), 200).ConfigureAwait(false);
                return;
            case ("versions", HttpMethodKind.Get):
                await RespondAsync(exchange, _functions.ListVersions(urn, Encoding.ASCII.GetString(head.Query)), 200).ConfigureAwait(false);
                return;
            case ("aliases", HttpMethodKind.Post):
                await RespondAsync(exchange, _functions.CreateAlias(urn, exchange.Body), 200).ConfigureAwait(false);
                return;
            case ("aliases", HttpMethodKind.Get):
                await RespondAsync(exchange, _functions.ListAliases(urn), 200).ConfigureAwait(false);
                return;
            case (var statistics, HttpMethodKind.Get) when statistics.StartsWith("statistics/", StringComparison.Ordinal)
                                                           && statistics.IndexOf('/', 11) < 0:
                await RespondAsync(exchange, _functions.GetStatistics(urn, statistics[11..]), 200).ConfigureAwait(false);
                return;
            case (var snapshotResource, var snapshotMethod) when snapshotResource.StartsWith("snapshots/", StringComparison.Ordinal)
                                                                 && snapshotResource.Length > 10 && snapshotResource.IndexOf('/', 10) < 0
                                                                 && Snapshots is { } snapshots:
                var action = Uri.UnescapeDataString(snapshotResource[10..]);
                var snapshotResult = snapshotMethod switch
                {
                    HttpMethodKind.Post => snapshots.Update(urn, action),
                    HttpMethodKind.Get => snapshots.Show(urn, action),
                    _ => (ApiResult?)null,
                };
                if (snapshotResult is { } snapshotAnswer)
                {
                    await RespondAsync(exchange, snapshotAnswer, 200).ConfigureAwait(false);
                }
                else
                {
                    await MethodNotAllowedAsync(exchange).ConfigureAwait(false);
                }
                return;
            case (var aliasResource, var aliasMethod) when aliasResource.StartsWith("aliases/", StringComparison.Ordinal)
                                                           && aliasResource.Length > 8 && aliasResource.IndexOf('/', 8) < 0:
                var aliasName = Uri.UnescapeDataString(aliasResource[8..]);
                var aliasResult = aliasMethod switch
                {
                    HttpMethodKind.Get => _functions.GetAlias(urn, aliasName),
                    HttpMethodKind.Put => _functions.UpdateAlias(urn, aliasName, exchange.Body),
                    HttpMethodKind.Delete => _functions.DeleteAlias(urn, aliasName),
                    _ => (ApiResult?)null,
                };
                if (aliasResult is { } aliasAnswer)
                {
                    await RespondAsync(exchange, aliasAnswer, aliasMethod == HttpMethodKind.Delete ? 204 : 200).ConfigureAwait(false);
                }
                else
                {
                    await MethodNotAllowedAsync(exchange).ConfigureAwait(false);
                }
                return;
            case ("", _) or ("config", _) or ("code", _) or ("invocations", _) or ("config-max-instance", _) or ("versions", _) or ("aliases", _)
                or ("reservedinstances", _):
                await MethodNotAllowedAsync(exchange).ConfigureAwait(false);
                return;
            default:
                await RespondErrorAsync(exchange, FgsErrors.NotFound($"no API at {pathText}")).ConfigureAwait(false);
                return;
        }
    }

    /// <summary>The checked route of an invocation path seen before, found without allocating.</summary>
    private bool TryCachedRoute(ReadOnlySpan<byte> path, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out InvokeRoute? route)
    {
        Span<char> chars = stackalloc char[MaxCachedPathLength];
        var n = Encoding.ASCII.GetChars(path, chars);
        return _invokeRoutes.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(chars[..n], out route);
    }

    private async ValueTask InvokeAsync(HttpExchange exchange, InvokeRoute route)
    {
        var head = exchange.Head;
        var urn = route.Urn;
        if (!_functions.TryResolve(urn, exchange.HeaderLookup, out var def, out var error))
        {
            await RespondErrorAsync(exchange, error).ConfigureAwait(false);
            return;
        }
        if (def.EnableDynamicMemory)
        {
            if (!FunctionValidator.TryResolveInstanceMemory(head.GetHeaderString("X-Cff-Instance-Memory"), def, out var memoryMb, out var memoryError))
            {
                await RespondErrorAsync(exchange, memoryError).ConfigureAwait(false);
                return;
            }
            if (memoryMb != def.MemorySize)
            {
                // Same code and config, another instance size: pooled apart, billed at that size.
                def = def with { MemorySize = memoryMb };
            }
        }
        var pool = _instances.GetPool(def);
        if (pool is null)
        {
            await RespondErrorAsync(exchange, FgsErrors.ServiceUnavailable("the invoker is shutting down")).ConfigureAwait(false);
            return;
        }
        var wantTail = head.TryGetHeader("x-cff-log-type"u8, out var logType) && Ascii.EqualsIgnoreCase(logType, "tail"u8);
        var jsonResult = head.TryGetHeader("x-cff-request-version"u8, out var version) && Ascii.EqualsIgnoreCase(version, "v1"u8);
        var body = exchange.Body;
        var payload = body.IsSingleSegment ? body.FirstSpan : BuffersExtensions.ToArray(body);
        var inv = new Invocation(RequestIds.NewGuid().ToString(), InvokeType.Sync, payload, TimeSpan.FromSeconds(def.Timeout))
        {
            Log = wantTail ? new LogTail() : null,
            VersionLabel = def.Version,
        };
        // Not cancelled with the client's connection: an instance being started serves the next request.
        var stats = _metrics.For(route.StatisticsUrn, def.Version);
        _metrics.Started(stats);
        var outcome = await pool.DispatchAsync(inv, CancellationToken.None).ConfigureAwait(false);
        switch (outcome)
        {
            case DispatchOutcome.Rejected:
                _metrics.Finished(stats, InvocationOutcome.Rejected, null, coldStart: false);
                await RespondErrorAsync(exchange, FgsErrors.Overload(),
                    [("Retry-After", pool.EstimateRetryAfterSeconds().ToString(CultureInfo.InvariantCulture))]).ConfigureAwait(false);
                return;
            case DispatchOutcome.ShuttingDown:
                _metrics.Finished(stats, InvocationOutcome.SystemError, null, coldStart: false);
                await RespondErrorAsync(exchange, FgsErrors.ServiceUnavailable("the invoker is shutting down")).ConfigureAwait(false);
                return;
        }
        var status = await inv.WaitAsync().ConfigureAwait(false);
        TimeSpan? ran = inv.DeliveredTimestamp == 0 ? null : _time.GetElapsedTime(inv.DeliveredTimestamp, inv.CompletedTimestamp);
        _metrics.Finished(stats, Classify(status, inv.FailureDetail), ran, inv.ColdStart);
        if (inv.MemoryUsedMb > 0)
        {
            stats.ObservedMemory(inv.MemoryUsedMb);
        }
        await InvokeResponseWriter.WriteAsync(exchange, inv, jsonResult, _time, FunctionLimits.MaxResponseBytes).ConfigureAwait(false);
    }

    /// <summary>Whose failure it was, in FunctionGraph's terms: code that failed, timed out,
    /// crashed or answered too much is a function error; code the platform could not load or
    /// start, or a platform fault, is a system error.</summary>
    private static InvocationOutcome Classify(InvocationStatus status, string? detail) => status switch
    {
        InvocationStatus.Success => InvocationOutcome.Success,
        InvocationStatus.FunctionError or InvocationStatus.TimedOut or InvocationStatus.InstanceExited or InvocationStatus.ResponseTooLarge
            or InvocationStatus.MemoryLimitExceeded => InvocationOutcome.FunctionError,
        InvocationStatus.InitFailed when detail is not null && !detail.StartsWith("load failed", StringComparison.Ordinal)
            => InvocationOutcome.FunctionError,
        _ => InvocationOutcome.SystemError,
    };

    private SignatureCheck Verify(HttpExchange exchange)
    {
        var head = exchange.Head;
        var headers = new List<KeyValuePair<string, string>>(head.HeaderCount);
        for (var i = 0; i < head.HeaderCount; i++)
        {
            headers.Add(new(Encoding.Latin1.GetString(head.HeaderName(i)), Encoding.UTF8.GetString(head.HeaderValue(i))));
        }
        var body = exchange.Body;
        var bytes = body.IsSingleSegment ? body.FirstSpan : BuffersExtensions.ToArray(body);
        return _verifier!.Verify(Encoding.ASCII.GetString(head.MethodBytes), Encoding.UTF8.GetString(head.Target), headers, bytes);
    }

    private static ValueTask MethodNotAllowedAsync(HttpExchange exchange)
        => RespondErrorAsync(exchange, new FgsError(405, FgsErrorCodes.InvalidParameter, "method not allowed on this resource"));

    private static async ValueTask RespondAsync(HttpExchange exchange, ApiResult result, int successStatus)
    {
        if (result.Error is { } e)
        {
            await RespondErrorAsync(exchange, e).ConfigureAwait(false);
            return;
        }
        if (result.Json is null)
        {
            await exchange.RespondAsync(successStatus, default, default).ConfigureAwait(false);
            return;
        }
        await exchange.RespondAsync(successStatus, "application/json;charset=utf-8"u8, result.Json).ConfigureAwait(false);
    }

    internal static async ValueTask RespondErrorAsync(HttpExchange exchange, FgsError error, (string, string)[]? headers = null)
    {
        await exchange.RespondJsonAsync(error.HttpStatus, new ErrorBody { ErrorCode = error.ErrorCode, ErrorMsg = error.ErrorMessage }, FgsJsonContext.Default.ErrorBody,
            headers ?? []).ConfigureAwait(false);
    }
}
