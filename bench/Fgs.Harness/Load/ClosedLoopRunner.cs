using System.Diagnostics;
using System.Net;

namespace Fgs.Harness.Load;

/// <summary>
/// Closed loop: a fixed number of keep-alive connections, each sending its next request as soon as
/// the previous answer is in. Latency is send-to-last-byte. Exchanges started during the warm-up
/// are not recorded.
/// </summary>
public static class ClosedLoopRunner
{
    /// <summary>Runs <paramref name="connections"/> workers for warm-up plus duration.</summary>
    /// <param name="endPoint">Server.</param>
    /// <param name="requests">Pre-built requests; worker i starts at request i and goes round-robin.</param>
    /// <param name="connections">Concurrency.</param>
    /// <param name="warmup">Unrecorded lead-in.</param>
    /// <param name="duration">Measured window.</param>
    /// <param name="watchedErrorCode">Error code counted in non-200 bodies, or null.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    /// <param name="partition">Worker i sends only requests i, i + connections, i + 2 connections, ... (each
    /// request, e.g. each function, has one worker); otherwise every worker goes through all of them.</param>
    public static async Task<LoadRun> RunAsync(
        EndPoint endPoint, IReadOnlyList<byte[]> requests, int connections, TimeSpan warmup, TimeSpan duration,
        string? watchedErrorCode, CancellationToken cancellationToken, bool partition = false)
    {
        if (partition && requests.Count < connections)
        {
            throw new ArgumentException("partitioning needs at least one request per connection");
        }
        var clients = new LoadConnection[connections];
        for (var i = 0; i < connections; i++)
        {
            clients[i] = new LoadConnection(endPoint, watchedErrorCode);
            await clients[i].ConnectAsync(cancellationToken).ConfigureAwait(false);
        }
        // A stuck server must not hang the harness: in-flight exchanges are cut 30 s after the end.
        using var hard = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        hard.CancelAfter(warmup + duration + TimeSpan.FromSeconds(30));
        var start = Stopwatch.GetTimestamp();
        var measureStart = start + (long)(warmup.TotalSeconds * Stopwatch.Frequency);
        var measureEnd = measureStart + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var tallies = new LoadTally[connections];
        var workers = new Task[connections];
        for (var i = 0; i < connections; i++)
        {
            tallies[i] = new LoadTally();
            workers[i] = WorkAsync(clients[i], requests, i, partition ? connections : 1, tallies[i], measureStart, measureEnd, hard.Token);
        }
        try
        {
            await Task.WhenAll(workers).ConfigureAwait(false);
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
        var total = new LoadTally();
        foreach (var tally in tallies)
        {
            total.Add(tally);
        }
        return new LoadRun(total, duration.TotalSeconds, connections, 0);
    }

    private static async Task WorkAsync(
        LoadConnection client, IReadOnlyList<byte[]> requests, int first, int step, LoadTally tally, long measureStart, long measureEnd,
        CancellationToken cancellationToken)
    {
        await Task.Yield();
        first %= requests.Count;
        var next = first;
        while (true)
        {
            var sent = Stopwatch.GetTimestamp();
            if (sent >= measureEnd)
            {
                return;
            }
            var result = await client.ExchangeAsync(requests[next], cancellationToken).ConfigureAwait(false);
            var done = Stopwatch.GetTimestamp();
            if (sent >= measureStart)
            {
                tally.Record(result, done - sent);
            }
            next += step;
            if (next >= requests.Count)
            {
                next = step == 1 ? 0 : first;
            }
            if (result.Status == 0)
            {
                // Connection refused or broken: do not spin.
                await Task.Delay(10, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
