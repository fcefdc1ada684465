using System.Diagnostics;
using System.Net;

namespace Fgs.Harness.Load;

/// <summary>
/// Open loop: requests are due at a constant rate whatever the server does. A pacer thread wakes
/// at each intended send time and hands the request to an idle keep-alive connection; when none is
/// idle the request waits in a backlog for the next connection that frees up. Latency runs from the
/// <em>intended</em> send time, so time spent waiting behind a slow answer is counted (coordinated
/// omission corrected, as in wrk2).
/// </summary>
public sealed class OpenLoopRunner
{
    private readonly Lock _gate = new();
    private readonly Stack<OpenLoopSlot> _idle = new();
    private readonly Queue<long> _backlog = new();
    private readonly IReadOnlyList<byte[]> _requests;
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _measureStart;
    private int _nextRequest;
    private int _busy;
    private bool _pacerDone;
    private CancellationToken _cancellationToken;

    private OpenLoopRunner(IReadOnlyList<byte[]> requests) => _requests = requests;

    /// <summary>Runs at <paramref name="rate"/> requests per second for warm-up plus duration.</summary>
    /// <param name="endPoint">Server.</param>
    /// <param name="requests">Pre-built requests, used round-robin.</param>
    /// <param name="rate">Intended arrivals per second.</param>
    /// <param name="connections">Keep-alive connections available to carry them.</param>
    /// <param name="warmup">Unrecorded lead-in.</param>
    /// <param name="duration">Measured window (by intended send time).</param>
    /// <param name="watchedErrorCode">Error code counted in non-200 bodies, or null.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    public static async Task<LoadRun> RunAsync(
        EndPoint endPoint, IReadOnlyList<byte[]> requests, double rate, int connections, TimeSpan warmup, TimeSpan duration,
        string? watchedErrorCode, CancellationToken cancellationToken)
    {
        var runner = new OpenLoopRunner(requests);
        var slots = new OpenLoopSlot[connections];
        for (var i = 0; i < connections; i++)
        {
            slots[i] = new OpenLoopSlot(new LoadConnection(endPoint, watchedErrorCode), new LoadTally());
            await slots[i].Connection.ConnectAsync(cancellationToken).ConfigureAwait(false);
            runner._idle.Push(slots[i]);
        }
        using var hard = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        hard.CancelAfter(warmup + duration + TimeSpan.FromSeconds(30));
        runner._cancellationToken = hard.Token;
        try
        {
            var pacer = new Thread(() => runner.Pace(rate, warmup, duration)) { IsBackground = true, Name = "open-loop pacer" };
            pacer.Start();
            await runner._drained.Task.WaitAsync(hard.Token).ConfigureAwait(false);
            pacer.Join();
        }
        finally
        {
            foreach (var slot in slots)
            {
                slot.Connection.Dispose();
            }
        }
        var total = new LoadTally();
        foreach (var slot in slots)
        {
            total.Add(slot.Tally);
        }
        return new LoadRun(total, duration.TotalSeconds, connections, rate);
    }

    private void Pace(double rate, TimeSpan warmup, TimeSpan duration)
    {
        var ticksPerRequest = Stopwatch.Frequency / rate;
        var start = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 100;
        _measureStart = start + (long)(warmup.TotalSeconds * Stopwatch.Frequency);
        var end = _measureStart + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        for (long i = 0; !_cancellationToken.IsCancellationRequested; i++)
        {
            var intended = start + (long)(i * ticksPerRequest);
            if (intended >= end)
            {
                break;
            }
            if (Stopwatch.GetTimestamp() < intended)
            {
                PreciseSleep.Until(intended);
            }
            OpenLoopSlot? slot = null;
            lock (_gate)
            {
                if (_idle.Count > 0)
                {
                    slot = _idle.Pop();
                    _busy++;
                }
                else
                {
                    _backlog.Enqueue(intended);
                }
            }
            if (slot is not null)
            {
                _ = RunAsync(slot, intended);
            }
        }
        lock (_gate)
        {
            _pacerDone = true;
            if (_busy == 0)
            {
                _drained.TrySetResult();
            }
        }
    }

    private async Task RunAsync(OpenLoopSlot slot, long intended)
    {
        while (true)
        {
            var index = (int)((uint)Interlocked.Increment(ref _nextRequest) % (uint)_requests.Count);
            ExchangeResult result;
            try
            {
                result = await slot.Connection.ExchangeAsync(_requests[index], _cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                _drained.TrySetCanceled(_cancellationToken);
                return;
            }
            var done = Stopwatch.GetTimestamp();
            if (intended >= _measureStart)
            {
                slot.Tally.Record(result, done - intended);
            }
            lock (_gate)
            {
                if (_backlog.Count > 0)
                {
                    intended = _backlog.Dequeue();
                    continue;
                }
                _idle.Push(slot);
                _busy--;
                if (_pacerDone && _busy == 0)
                {
                    _drained.TrySetResult();
                }
                return;
            }
        }
    }
}
