namespace Fgs.Invoker.Instances;

/// <summary>The unprivileged user and group instances run as (FunctionGraph runs them as 1003:1003).</summary>
/// <param name="Uid">User id.</param>
/// <param name="Gid">Group id.</param>
internal sealed record InstanceUser(int Uid, int Gid);
