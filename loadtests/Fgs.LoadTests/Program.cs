using System.Globalization;
using System.Net;
using System.Text;
using Fgs.Harness.E2e;
using Fgs.Harness.Load;
using Fgs.Harness.Report;
using Fgs.LoadTests;

// Bounded load scenarios against a running invoker (loadtests/run.sh starts a fresh one):
//   Fgs.LoadTests --endpoint 127.0.0.1:PORT --bootstrap artifacts/demo/echo-csharp/bootstrap --out DIR
//       [--only steady,burst,overload,mix] [--rate 1000] [--seconds 10]
// Prints a summary per scenario, writes DIR/<scenario>.hgrm and DIR/summary.md; exits 1 when an
// invariant breaks (an answer lost, a 429 without FSS.0429, a non-200 under steady load).
var options = new Dictionary<string, string>(StringComparer.Ordinal);
for (var i = 0; i + 1 < args.Length; i += 2)
{
    options[args[i].TrimStart('-')] = args[i + 1];
}
var endPoint = IPEndPoint.Parse(options.GetValueOrDefault("endpoint", "127.0.0.1:8080"));
var bootstrap = options.GetValueOrDefault("bootstrap", "artifacts/demo/echo-csharp/bootstrap");
var outDir = options.GetValueOrDefault("out", "loadtests/results");
var only = options.GetValueOrDefault("only", "steady,burst,overload,mix").Split(',');
var rate = double.Parse(options.GetValueOrDefault("rate", "1000"), CultureInfo.InvariantCulture);
var seconds = TimeSpan.FromSeconds(double.Parse(options.GetValueOrDefault("seconds", "10"), CultureInfo.InvariantCulture));
Directory.CreateDirectory(outDir);

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
using var admin = new InvokerAdmin(new Uri("http://" + endPoint));
await admin.WaitReadyAsync(TimeSpan.FromSeconds(30), stop.Token);
var scenarios = new Scenarios(endPoint, admin, InvokerAdmin.ZipBootstrap(bootstrap));

var outcomes = new List<ScenarioOutcome>();
foreach (var name in only)
{
    var outcome = name switch
    {
        "steady" => await scenarios.SteadyAsync(rate, seconds, stop.Token),
        "burst" => await scenarios.BurstAsync(32, stop.Token),
        "overload" => await scenarios.OverloadAsync(4, 32, seconds / 2, stop.Token),
        "mix" => await scenarios.MixAsync(50, 16, seconds, stop.Token),
        _ => throw new ArgumentException("unknown scenario " + name),
    };
    ReportWriter.WriteHistogram(Path.Combine(outDir, outcome.Name + ".hgrm"), outcome.Run.Tally);
    outcomes.Add(outcome);
    Console.Out.WriteLine(Line(outcome));
}

var md = new StringBuilder("# Load tests\n\n| scenario | what | n | inv/s | p50 us | p99 us | p99.9 us | max us | statuses | result |\n| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |\n");
foreach (var o in outcomes)
{
    var t = o.Run.Tally;
    md.Append(CultureInfo.InvariantCulture,
        $"| {o.Name} | {o.Note} | {t.Count} | {o.Run.Throughput:F0} | {t.PercentileMicros(50):F0} | {t.PercentileMicros(99):F0} | {t.PercentileMicros(99.9):F0} | {t.MaxMicros:F0} | {Statuses(t)} | {(o.Problems.Count == 0 ? "pass" : "FAIL: " + string.Join("; ", o.Problems))} |\n");
}
File.WriteAllText(Path.Combine(outDir, "summary.md"), md.ToString());
return outcomes.All(o => o.Problems.Count == 0) ? 0 : 1;

static string Statuses(LoadTally tally) => string.Join(" ", tally.ByStatus.OrderBy(kv => kv.Key).Select(kv => kv.Key + ":" + kv.Value));

static string Line(ScenarioOutcome o) => string.Create(CultureInfo.InvariantCulture,
    $"{o.Name,-9} {(o.Problems.Count == 0 ? "pass" : "FAIL")}  n {o.Run.Tally.Count}  {o.Run.Throughput:F0}/s  p50 {o.Run.Tally.PercentileMicros(50):F0} us  p99 {o.Run.Tally.PercentileMicros(99):F0} us  max {o.Run.Tally.MaxMicros:F0} us  [{Statuses(o.Run.Tally)}]  {o.Note}{(o.Problems.Count == 0 ? "" : "\n          " + string.Join("\n          ", o.Problems))}");
