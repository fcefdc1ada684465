using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Threading.Channels;
using Fgs.KestrelPeer;

// BASELINE for bench/run-e2e.sh (see README.md): the invoke + runtime API path on ASP.NET Core
// minimal APIs, Kestrel on both sides. Usage:
//   Fgs.KestrelPeer --listen HOST:PORT --runtime-listen HOST:PORT --bootstrap PATH [--instances N]
var options = new Dictionary<string, string>(StringComparer.Ordinal);
for (var i = 0; i + 1 < args.Length; i += 2)
{
    options[args[i].TrimStart('-')] = args[i + 1];
}
var frontAddress = options.GetValueOrDefault("listen", "127.0.0.1:18081");
var runtimeAddress = options.GetValueOrDefault("runtime-listen", "127.0.0.1:18082");
var bootstrap = options.GetValueOrDefault("bootstrap");
var instances = int.Parse(options.GetValueOrDefault("instances", "1"), CultureInfo.InvariantCulture);

var queue = Channel.CreateUnbounded<Invocation>();
var pending = new ConcurrentDictionary<string, Invocation>(StringComparer.Ordinal);

// Runtime API: the bootstraps long-poll for events and post outcomes.
var runtimeBuilder = WebApplication.CreateSlimBuilder();
runtimeBuilder.Logging.ClearProviders();
// Parked long-polls never finish by themselves: do not wait the default 30 s for them at stop.
runtimeBuilder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
runtimeBuilder.WebHost.UseUrls("http://" + runtimeAddress);
var runtimeApi = runtimeBuilder.Build();
runtimeApi.MapGet("/v1/runtime/invocation/request", async (HttpContext context, CancellationToken cancellationToken) =>
{
    var invocation = await queue.Reader.ReadAsync(cancellationToken);
    context.Response.Headers["X-Cff-Request-Id"] = invocation.Id;
    context.Response.Headers["X-CFF-Invoke-Type"] = "sync";
    return Results.Bytes(invocation.Event, "application/json");
});
runtimeApi.MapPost("/v1/runtime/invocation/{kind}/{id}", async (string kind, string id, HttpRequest request) =>
{
    if (kind is not ("response" or "error"))
    {
        return Results.NotFound();
    }
    using var body = new MemoryStream();
    await request.Body.CopyToAsync(body);
    if (!pending.TryRemove(id, out var invocation))
    {
        return Results.NotFound();
    }
    invocation.Outcome.TrySetResult(new InvocationOutcome(body.ToArray(), kind == "error"));
    return Results.Json(new StatusBody("OK"), PeerJsonContext.Default.StatusBody, statusCode: StatusCodes.Status202Accepted);
});

// Front door: the FunctionGraph sync invoke route.
var frontBuilder = WebApplication.CreateSlimBuilder();
frontBuilder.Logging.ClearProviders();
frontBuilder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
frontBuilder.WebHost.UseUrls("http://" + frontAddress);
var front = frontBuilder.Build();
front.MapPost("/v2/{project}/fgs/functions/{urn}/invocations", async (string project, string urn, HttpContext context, CancellationToken cancellationToken) =>
{
    using var body = new MemoryStream();
    await context.Request.Body.CopyToAsync(body, cancellationToken);
    var invocation = new Invocation(Guid.NewGuid().ToString(), body.ToArray());
    pending[invocation.Id] = invocation;
    await queue.Writer.WriteAsync(invocation, cancellationToken);
    InvocationOutcome outcome;
    try
    {
        outcome = await invocation.Outcome.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
    }
    catch (TimeoutException)
    {
        pending.TryRemove(invocation.Id, out _);
        return Results.Json(new InvokeEnvelope(invocation.Id, "", "", 500, "FSS.4102"), PeerJsonContext.Default.InvokeEnvelope);
    }
    context.Response.Headers["X-Cff-Request-Id"] = invocation.Id;
    var envelope = new InvokeEnvelope(invocation.Id, Encoding.UTF8.GetString(outcome.Body), "",
        outcome.IsError ? 500 : 200, outcome.IsError ? "FSS.4101" : null);
    return Results.Json(envelope, PeerJsonContext.Default.InvokeEnvelope);
});

await runtimeApi.StartAsync();
using var runtimes = new RuntimeProcesses();
if (bootstrap is not null)
{
    runtimes.Start(bootstrap, instances, runtimeAddress);
}
await front.StartAsync();
Console.Out.WriteLine("kestrel peer (baseline) on http://" + frontAddress + ", runtime API " + runtimeAddress + ", " + instances + " runtime processes");
await front.WaitForShutdownAsync();
// Runtimes first: their parked GETs end with their connections, then the runtime API stops.
runtimes.Dispose();
await runtimeApi.StopAsync();
