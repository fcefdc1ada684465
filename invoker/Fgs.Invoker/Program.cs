using System.Globalization;
using System.Runtime.InteropServices;
using Fgs.Invoker.Hosting;

static void Log(string message) =>
    Console.Error.WriteLine($"{DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture)} {message}");

var command = args.Length > 0 ? args[0] : "help";
switch (command)
{
    case "serve":
        break;
    case "version" or "--version":
        Console.WriteLine(typeof(InvokerHost).Assembly.GetName().Version?.ToString() ?? "0.0.0");
        return 0;
    case "help" or "--help" or "-h":
        Console.WriteLine(CommandLine.Usage);
        return 0;
    default:
        Console.Error.WriteLine($"unknown command '{command}'\n\n{CommandLine.Usage}");
        return 2;
}

var options = CommandLine.ParseServe(args[1..], Environment.GetEnvironmentVariable, out var error);
if (options is null)
{
    Console.Error.WriteLine($"fgs-invoker: {error}");
    return 2;
}

// Socket completions run on the I/O thread rather than hopping to the thread pool: the invocation
// path (front door, dispatch, runtime API) never blocks, and the blocking work (store writes,
// process starts, /proc reads) moves to the pool explicitly. Measured: about twice the warm
// throughput at concurrency 64 (bench/results). Must be set before the first socket exists.
if (Environment.GetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS") is null)
{
    Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");
}

// The data plane runs ahead of the functions it serves: its threads (created from this one,
// which they inherit it from) at options.Nice, instances back at 0 (fgs-spawn resets it).
var niceLine = Fgs.Invoker.Instances.Libc.SetPriority(0, 0, options.Nice) == 0
    ? $"scheduling: invoker at nice {options.Nice}, instances at nice 0"
    : $"scheduling: invoker and instances at the same priority (nice {options.Nice} not allowed: errno {Marshal.GetLastPInvokeError()})";

await using var host = new InvokerHost(options, TimeProvider.System, Log);
try
{
    await host.StartAsync();
    Log(niceLine);
}
catch (System.Net.Sockets.SocketException e)
{
    Console.Error.WriteLine($"fgs-invoker: cannot listen on {options.Listen}: {e.Message}");
    return 1;
}

var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
void OnSignal(PosixSignalContext context)
{
    context.Cancel = true; // stop gracefully instead of dying
    Log($"received {context.Signal}, stopping");
    stop.TrySetResult();
}
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);

var endpoint = host.Endpoint!;
Console.WriteLine($"fgs-invoker listening on http://{endpoint}");
foreach (var urn in host.DemoFunctions)
{
    var project = urn.Split(':')[3];
    Console.WriteLine($"  demo function {urn}");
    Console.WriteLine($"    curl -s -X POST -H 'Content-Type: application/json' -H 'X-Cff-Log-Type: tail' \\");
    Console.WriteLine($"      http://{endpoint}/v2/{project}/fgs/functions/{urn}/invocations -d '{{\"hello\":\"world\"}}'");
    if (urn.Split(':').Length == 8)
    {
        // A demo with snapshots, listed by its published version: where its snapshot stands.
        Console.WriteLine($"    curl -s http://{endpoint}/v2/{project}/fgs/functions/{urn}/snapshots/state");
    }
}

await stop.Task;
await host.StopAsync();
return 0;
