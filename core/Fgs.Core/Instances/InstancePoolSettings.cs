namespace Fgs.Core.Instances;

/// <summary>Limits of one pool.</summary>
/// <param name="MaxInstances">Most instances at once; -1 means unlimited.</param>
/// <param name="Concurrency">Invocations one instance takes at once (<c>concurrent_num</c>, 1-1000).</param>
/// <param name="KeepAlive">How long an idle on-demand instance is kept before it is reclaimed.</param>
public readonly record struct InstancePoolSettings(int MaxInstances, int Concurrency, TimeSpan KeepAlive);
