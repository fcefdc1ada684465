namespace Fgs.Invoker.Instances;

/// <summary>The cgroup interface instances are placed with.</summary>
internal enum CgroupMode
{
    /// <summary>No cgroups: instances run without memory or CPU limits.</summary>
    None,

    /// <summary>cgroup v1: one hierarchy per controller.</summary>
    V1,

    /// <summary>cgroup v2: the unified hierarchy.</summary>
    V2,
}
