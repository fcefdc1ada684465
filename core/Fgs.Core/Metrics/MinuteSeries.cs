namespace Fgs.Core.Metrics;

/// <summary>
/// One function version's invocation figures minute by minute over the last day (what the
/// statistics API answers): only minutes with activity are kept, oldest first, so an idle function
/// costs nothing and a busy one at most <see cref="Retention"/> buckets.
/// </summary>
public sealed class MinuteSeries
{
    /// <summary>How many minutes are kept (a day).</summary>
    public const int Retention = 1440;

    private readonly Lock _gate = new();
    private readonly Queue<MinuteBucket> _closed = new();
    private MinuteBucket _current = new(long.MinValue);

    /// <summary>Counts an ended (or rejected) invocation in minute <paramref name="minute"/>
    /// (Unix minutes).</summary>
    /// <param name="minute">The minute it ended in.</param>
    /// <param name="outcome">How it ended.</param>
    /// <param name="durationMicros">Its run time, or -1 when it never ran.</param>
    /// <param name="concurrency">Invocations in flight when it ended, itself included.</param>
    public void Record(long minute, InvocationOutcome outcome, long durationMicros, long concurrency)
    {
        lock (_gate)
        {
            var b = BucketFor(minute);
            b.Count++;
            switch (outcome)
            {
                case InvocationOutcome.FunctionError:
                    b.FunctionErrors++;
                    break;
                case InvocationOutcome.SystemError:
                    b.SystemErrors++;
                    break;
                case InvocationOutcome.Rejected:
                    b.Rejected++;
                    break;
            }
            if (durationMicros >= 0)
            {
                b.Timed++;
                b.DurationMicrosSum += durationMicros;
                b.MaxMicros = Math.Max(b.MaxMicros, durationMicros);
                b.MinMicros = Math.Min(b.MinMicros, durationMicros);
            }
            b.MaxConcurrency = Math.Max(b.MaxConcurrency, concurrency);
        }
    }

    /// <summary>Copies of the buckets from minute <paramref name="fromMinute"/> on, oldest first.</summary>
    public List<MinuteBucket> Since(long fromMinute)
    {
        lock (_gate)
        {
            var result = new List<MinuteBucket>();
            foreach (var b in _closed)
            {
                if (b.Minute >= fromMinute)
                {
                    result.Add(b.Clone());
                }
            }
            if (_current.Minute >= fromMinute)
            {
                result.Add(_current.Clone());
            }
            return result;
        }
    }

    private MinuteBucket BucketFor(long minute)
    {
        if (minute == _current.Minute)
        {
            return _current;
        }
        if (minute < _current.Minute)
        {
            // A late finisher (clock step or a race between threads): counted in the newest minute.
            return _current;
        }
        if (_current.Minute != long.MinValue)
        {
            _closed.Enqueue(_current);
        }
        while (_closed.Count > 0 && _closed.Peek().Minute <= minute - Retention)
        {
            _closed.Dequeue();
        }
        _current = new MinuteBucket(minute);
        return _current;
    }
}
