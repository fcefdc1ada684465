namespace Fgs.Core.Instances;

/// <summary>
/// A count of instances held against a limit, chained to a wider one: a function's maximum
/// instances (shared by all its versions and memory sizes) under its tenant's instance quota under
/// the node's capacity. An instance slot is taken from every level at once or from none, before the
/// instance is started, and given back when the instance is gone.
/// </summary>
public sealed class InstanceQuota
{
    // One lock for a whole chain keeps acquire-all-or-nothing simple; contention is per cold start,
    // never per warm invocation.
    private readonly object _gate;
    private int _limit;
    private int _used;

    /// <summary>Creates a quota.</summary>
    /// <param name="scope">What it limits, for messages ("function f", "tenant p", "node").</param>
    /// <param name="limit">Most instances at once; negative means unlimited.</param>
    /// <param name="parent">The wider quota this one is part of, or null.</param>
    public InstanceQuota(string scope, int limit, InstanceQuota? parent = null)
    {
        Scope = scope;
        _limit = limit;
        Parent = parent;
        _gate = parent?._gate ?? new object();
    }

    /// <summary>What the quota limits.</summary>
    public string Scope { get; }

    /// <summary>The wider quota, or null.</summary>
    public InstanceQuota? Parent { get; }

    /// <summary>Most instances at once; negative means unlimited.</summary>
    public int Limit
    {
        get { lock (_gate) { return _limit; } }
        set { lock (_gate) { _limit = value; } }
    }

    /// <summary>Instances held now (started or starting).</summary>
    public int Used { get { lock (_gate) { return _used; } } }

    /// <summary>Takes one slot at this level and every wider one, or none. Returns null on success,
    /// else the quota that is used up.</summary>
    public InstanceQuota? TryAcquire()
    {
        lock (_gate)
        {
            for (var q = this; q is not null; q = q.Parent)
            {
                if (q._limit >= 0 && q._used >= q._limit)
                {
                    return q;
                }
            }
            for (var q = this; q is not null; q = q.Parent)
            {
                q._used++;
            }
            return null;
        }
    }

    /// <summary>Gives one slot back at this level and every wider one.</summary>
    public void Release()
    {
        lock (_gate)
        {
            for (var q = this; q is not null; q = q.Parent)
            {
                if (q._used > 0)
                {
                    q._used--;
                }
            }
        }
    }

    /// <summary>Whether a slot is free at every level now (a hint: another caller may take it first).</summary>
    public bool HasRoom
    {
        get
        {
            lock (_gate)
            {
                for (var q = this; q is not null; q = q.Parent)
                {
                    if (q._limit >= 0 && q._used >= q._limit)
                    {
                        return false;
                    }
                }
                return true;
            }
        }
    }
}
