using System.Globalization;
using System.Runtime.InteropServices;
using Fgs.Harness.E2e;

// End-to-end harness: the same raw-socket load generator against the floor (nginx), the peer
// (bench/Fgs.KestrelPeer) and the invoker, in interleaved rounds; then cold starts and memory on
// fresh invokers. Normally run by bench/run-e2e.sh, which starts the servers:
//   Fgs.Harness e2e --out DIR --path /v2/demo/fgs/functions/URN/invocations
//       --target floor=127.0.0.1:PORT:PID --target peer=127.0.0.1:PORT:PID --target invoker=127.0.0.1:PORT:PID
//       [--invoker-bin PATH --demo-dir DIR] [--duration 4] [--rounds 3] [--concurrency 64]
//       [--rate 2000] [--open-connections 32] [--cold-count 20] [--memory-functions 1000]
//       [--memory-instances 100] [--pid-file FILE] [--log-dir DIR] [--scenarios warm,cold,memory]
//   Fgs.Harness startup [--rounds 100] NAME=PATH ...   (start-up of runtime executables, side by side)
if (args is ["startup", ..])
{
    var rounds = 100;
    var executables = new List<(string Name, string Path)>();
    for (var i = 1; i < args.Length; i++)
    {
        if (args[i] == "--rounds" && i + 1 < args.Length)
        {
            rounds = int.Parse(args[++i], CultureInfo.InvariantCulture);
        }
        else if (args[i].IndexOf('=', StringComparison.Ordinal) is > 0 and var eq)
        {
            executables.Add((args[i][..eq], Path.GetFullPath(args[i][(eq + 1)..])));
        }
        else
        {
            Console.Error.WriteLine("bad argument: " + args[i] + " (NAME=PATH or --rounds N)");
            return 2;
        }
    }
    if (executables.Count == 0 || rounds < 1)
    {
        Console.Error.WriteLine("usage: Fgs.Harness startup [--rounds N] NAME=PATH ...");
        return 2;
    }
    Console.Out.Write(await Fgs.Harness.Startup.StartupRunner.RunAsync(executables, rounds, CancellationToken.None).ConfigureAwait(false));
    return 0;
}
if (args.Length == 0 || args[0] != "e2e")
{
    Console.Error.WriteLine("usage: Fgs.Harness e2e --out DIR --path PATH --target name=HOST:PORT:PID ... (see Program.cs)");
    return 2;
}

var targets = new List<TargetSpec>();
var values = new Dictionary<string, string>(StringComparer.Ordinal);
for (var i = 1; i < args.Length; i++)
{
    if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
    {
        Console.Error.WriteLine("bad option: " + args[i]);
        return 2;
    }
    if (args[i] == "--target")
    {
        targets.Add(TargetSpec.Parse(args[++i]));
    }
    else
    {
        values[args[i][2..]] = args[++i];
    }
}

string? Value(string name) => values.GetValueOrDefault(name);
double Number(string name, double fallback) => values.TryGetValue(name, out var v) ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;

var options = new E2eOptions
{
    OutDir = Value("out") ?? "bench/results/e2e",
    Targets = targets,
    Path = Value("path") ?? throw new ArgumentException("--path is required"),
    DurationSeconds = Number("duration", 4),
    Rounds = (int)Number("rounds", 3),
    Concurrency = (int)Number("concurrency", 64),
    Rate = Number("rate", 2000),
    OpenConnections = (int)Number("open-connections", 32),
    InvokerBinary = Value("invoker-bin"),
    DemoDir = Value("demo-dir"),
    ColdCount = (int)Number("cold-count", 20),
    Scenarios = (Value("scenarios") ?? "warm,cold,memory").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal),
    MemoryFunctions = (int)Number("memory-functions", 1000),
    MemoryInstances = (int)Number("memory-instances", 100),
    PidFile = Value("pid-file"),
    LogDir = Value("log-dir"),
};

if (options.Scenarios.FirstOrDefault(s => s is not ("warm" or "cold" or "memory")) is { } unknown)
{
    Console.Error.WriteLine("unknown scenario: " + unknown + " (warm, cold, memory)");
    return 2;
}

var machine = new Dictionary<string, string>(StringComparer.Ordinal)
{
    ["processors"] = Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture),
    ["cpu"] = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?",
    ["kernel"] = File.ReadAllText("/proc/sys/kernel/osrelease").Trim(),
    ["runtime"] = RuntimeInformation.FrameworkDescription,
    ["loadavg_start"] = File.ReadAllText("/proc/loadavg").Trim(),
};
var settings = new Dictionary<string, string>(StringComparer.Ordinal)
{
    ["duration_s"] = options.DurationSeconds.ToString(CultureInfo.InvariantCulture),
    ["rounds"] = options.Rounds.ToString(CultureInfo.InvariantCulture),
    ["concurrency"] = options.Concurrency.ToString(CultureInfo.InvariantCulture),
    ["open_rate_per_s"] = options.Rate.ToString(CultureInfo.InvariantCulture),
    ["open_connections"] = options.OpenConnections.ToString(CultureInfo.InvariantCulture),
    ["event"] = options.Body,
};
var report = new E2eReport
{
    StartedUtc = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
    Command = Environment.GetEnvironmentVariable("FGS_HARNESS_COMMAND") ?? "Fgs.Harness " + string.Join(' ', args),
    Machine = machine,
    Settings = settings,
};

using var stop = new CancellationTokenSource();
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => { context.Cancel = true; stop.Cancel(); });
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => { context.Cancel = true; stop.Cancel(); });
try
{
    await new E2eRunner(options, report).RunAsync(stop.Token).ConfigureAwait(false);
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
    Console.Error.WriteLine("stopped");
    return 1;
}
Console.Out.Write(Fgs.Harness.Report.ReportWriter.Markdown(report));
return 0;
