using System.Diagnostics;
using System.Globalization;
using System.Net;
using Fgs.Harness.E2e;
using Fgs.Harness.Load;

namespace Fgs.LoadTests;

/// <summary>
/// The bounded load scenarios: warm steady load, a burst from zero (cold starts), overload past
/// the maximum instances (every request answered 200 or 429 FSS.0429, none lost), and a mix of
/// many functions. Each creates its own functions in project <c>loadtest</c> and deletes them.
/// </summary>
public sealed class Scenarios(IPEndPoint endPoint, InvokerAdmin admin, string bootstrapZip)
{
    private const string Project = "loadtest";
    private static readonly byte[] Event = """{"hello":"load"}"""u8.ToArray();

    /// <summary>Open loop at a constant rate on one warm function.</summary>
    public async Task<ScenarioOutcome> SteadyAsync(double rate, TimeSpan duration, CancellationToken cancellationToken)
    {
        var requests = await CreateAsync(["steady"], cancellationToken).ConfigureAwait(false);
        // Warm the instances the rate needs; not recorded.
        await ClosedLoopRunner.RunAsync(endPoint, requests, 8, TimeSpan.Zero, TimeSpan.FromSeconds(1), null, cancellationToken).ConfigureAwait(false);
        var run = await OpenLoopRunner.RunAsync(endPoint, requests, rate, 16, TimeSpan.FromSeconds(1), duration, null, cancellationToken).ConfigureAwait(false);
        var problems = new List<string>();
        if (run.Tally.StatusCount(200) != run.Tally.Count)
        {
            problems.Add((run.Tally.Count - run.Tally.StatusCount(200)) + " answers were not 200");
        }
        await DeleteAsync(["steady"], cancellationToken).ConfigureAwait(false);
        return new ScenarioOutcome("steady", run, problems,
            string.Create(CultureInfo.InvariantCulture, $"open loop {rate}/s on 16 connections for {duration.TotalSeconds} s, one warm function"));
    }

    /// <summary><paramref name="burst"/> requests at once on a function with no instance.</summary>
    public async Task<ScenarioOutcome> BurstAsync(int burst, CancellationToken cancellationToken)
    {
        var requests = await CreateAsync(["burst"], cancellationToken).ConfigureAwait(false);
        var connections = new LoadConnection[burst];
        for (var i = 0; i < burst; i++)
        {
            connections[i] = new LoadConnection(endPoint);
            await connections[i].ConnectAsync(cancellationToken).ConfigureAwait(false);
        }
        var tallies = Enumerable.Range(0, burst).Select(_ => new LoadTally()).ToArray();
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, burst).Select(async i =>
        {
            var result = await connections[i].ExchangeAsync(requests[0], cancellationToken).ConfigureAwait(false);
            tallies[i].Record(result, Stopwatch.GetTimestamp() - started);
        })).ConfigureAwait(false);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        foreach (var connection in connections)
        {
            connection.Dispose();
        }
        var total = new LoadTally();
        foreach (var tally in tallies)
        {
            total.Add(tally);
        }
        var problems = new List<string>();
        if (total.StatusCount(200) != burst)
        {
            problems.Add((burst - total.StatusCount(200)) + " of " + burst + " answers were not 200");
        }
        if (total.ColdStarts == 0)
        {
            problems.Add("no answer carried X-Cff-Cold-Start");
        }
        await DeleteAsync(["burst"], cancellationToken).ConfigureAwait(false);
        return new ScenarioOutcome("burst", new LoadRun(total, seconds, burst, 0), problems,
            burst + " simultaneous requests on a function with no instance; " + total.ColdStarts + " cold starts");
    }

    /// <summary>Closed loop well past a small maximum of instances.</summary>
    public async Task<ScenarioOutcome> OverloadAsync(int maxInstances, int concurrency, TimeSpan duration, CancellationToken cancellationToken)
    {
        var requests = await CreateAsync(["overload"], cancellationToken).ConfigureAwait(false);
        await admin.SetMaxInstancesAsync(Project, "overload", maxInstances, cancellationToken).ConfigureAwait(false);
        var run = await ClosedLoopRunner.RunAsync(endPoint, requests, concurrency, TimeSpan.Zero, duration, "FSS.0429", cancellationToken).ConfigureAwait(false);
        var tally = run.Tally;
        var ok = tally.StatusCount(200);
        var rejected = tally.StatusCount(429);
        var problems = new List<string>();
        if (ok + rejected != tally.Count)
        {
            problems.Add((tally.Count - ok - rejected) + " answers were neither 200 nor 429 (status 0 = connection lost): "
                + string.Join(", ", tally.ByStatus.Select(kv => kv.Key + "x" + kv.Value)));
        }
        if (tally.ErrorCodeMatches != rejected)
        {
            problems.Add((rejected - tally.ErrorCodeMatches) + " 429 answers without FSS.0429 in the body");
        }
        if (rejected == 0)
        {
            problems.Add("no 429 at " + concurrency + " connections over " + maxInstances + " instances");
        }
        await DeleteAsync(["overload"], cancellationToken).ConfigureAwait(false);
        return new ScenarioOutcome("overload", run, problems, string.Create(CultureInfo.InvariantCulture,
            $"closed loop {concurrency} connections, max_instance_num {maxInstances}: {ok} x 200, {rejected} x 429 (FSS.0429 in {tally.ErrorCodeMatches}), sent {tally.Count}"));
    }

    /// <summary>Closed loop spread round-robin over many functions.</summary>
    public async Task<ScenarioOutcome> MixAsync(int functions, int concurrency, TimeSpan duration, CancellationToken cancellationToken)
    {
        var names = Enumerable.Range(0, functions).Select(i => "mix" + i.ToString(CultureInfo.InvariantCulture)).ToList();
        var requests = await CreateAsync(names, cancellationToken).ConfigureAwait(false);
        // Each connection owns a share of the functions (many functions, each at low concurrency),
        // so a function's instance is free when its connection comes back to it. The first lap
        // starts the instances (cold starts, hundreds of ms each on 2 cores): a 5 s unrecorded
        // lead-in, so the measured window is the warm mix.
        var run = await ClosedLoopRunner.RunAsync(endPoint, requests, concurrency, TimeSpan.FromSeconds(5), duration, null,
            cancellationToken, partition: true).ConfigureAwait(false);
        var problems = new List<string>();
        if (run.Tally.StatusCount(200) != run.Tally.Count)
        {
            problems.Add((run.Tally.Count - run.Tally.StatusCount(200)) + " answers were not 200: "
                + string.Join(", ", run.Tally.ByStatus.Select(kv => kv.Key + "x" + kv.Value)));
        }
        await DeleteAsync(names, cancellationToken).ConfigureAwait(false);
        return new ScenarioOutcome("mix", run, problems, string.Create(CultureInfo.InvariantCulture,
            $"closed loop {concurrency} connections, each cycling over its share of {functions} functions, after a 5 s lead-in ({run.Tally.ColdStarts} cold starts in the measured window)"));
    }

    private async Task<IReadOnlyList<byte[]>> CreateAsync(IReadOnlyList<string> names, CancellationToken cancellationToken)
    {
        var requests = new List<byte[]>();
        foreach (var name in names)
        {
            await admin.CreateFunctionAsync(Project, name, "zip", bootstrapZip, cancellationToken).ConfigureAwait(false);
            requests.Add(HttpRequestBytes.Post(endPoint.ToString(), HttpRequestBytes.InvokePath(Project, admin.Urn(Project, name)), Event));
        }
        return requests;
    }

    private async Task DeleteAsync(IReadOnlyList<string> names, CancellationToken cancellationToken)
    {
        foreach (var name in names)
        {
            await admin.DeleteFunctionAsync(Project, name, cancellationToken).ConfigureAwait(false);
        }
    }
}
