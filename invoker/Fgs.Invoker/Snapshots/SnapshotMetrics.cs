using System.Collections.Concurrent;
using Fgs.Core.Routing;

namespace Fgs.Invoker.Snapshots;

/// <summary>Restores per function version: how many copies were restored or failed to restore (each
/// failure fell back to a cold start), how long restores took to the end of the restore hook, and
/// how many restored copies serve now. Shown on <c>/metrics</c>.</summary>
internal sealed class SnapshotMetrics
{
    private readonly ConcurrentDictionary<(FunctionKey Function, string Version), Counts> _counts = new();

    /// <summary>One version's restores.</summary>
    public readonly record struct VersionCounts(FunctionKey Function, string Version, long Restored, long Failed, double SecondsSum, double MaxSeconds, int Live);

    /// <summary>A copy was restored and ran its restore hook in <paramref name="elapsed"/>; it serves until <paramref name="exited"/> completes.</summary>
    public void Restored(FunctionKey function, string version, TimeSpan elapsed, Task exited)
    {
        var c = _counts.GetOrAdd((function, version), _ => new Counts());
        lock (c)
        {
            c.Restored++;
            c.SecondsSum += elapsed.TotalSeconds;
            c.MaxSeconds = Math.Max(c.MaxSeconds, elapsed.TotalSeconds);
            c.Live++;
        }
        _ = exited.ContinueWith(_ =>
        {
            lock (c)
            {
                c.Live--;
            }
        }, TaskScheduler.Default);
    }

    /// <summary>A restore failed and the instance cold started instead.</summary>
    public void Failed(FunctionKey function, string version)
    {
        var c = _counts.GetOrAdd((function, version), _ => new Counts());
        lock (c)
        {
            c.Failed++;
        }
    }

    /// <summary>Every version that had a restore, in no particular order.</summary>
    public List<VersionCounts> All()
    {
        var result = new List<VersionCounts>(_counts.Count);
        foreach (var (key, c) in _counts)
        {
            lock (c)
            {
                result.Add(new VersionCounts(key.Function, key.Version, c.Restored, c.Failed, c.SecondsSum, c.MaxSeconds, c.Live));
            }
        }
        return result;
    }

    /// <summary>Forgets a deleted function's counts.</summary>
    public void Forget(FunctionKey function)
    {
        foreach (var key in _counts.Keys)
        {
            if (key.Function == function)
            {
                _counts.TryRemove(key, out _);
            }
        }
    }

    private sealed class Counts
    {
        public long Restored;
        public long Failed;
        public double SecondsSum;
        public double MaxSeconds;
        public int Live;
    }
}
