namespace Fgs.Core.Invocations;

/// <summary>Wire names of <see cref="InvokeType"/> values, as UTF-8 constants.</summary>
public static class InvokeTypeNames
{
    /// <summary>The UTF-8 header value for an invoke type.</summary>
    public static ReadOnlySpan<byte> Utf8(InvokeType type) => type switch
    {
        InvokeType.Sync => "sync"u8,
        InvokeType.Async => "async"u8,
        InvokeType.Init => "init"u8,
        InvokeType.Restore => "restore"u8,
        InvokeType.Heartbeat => "heartbeat"u8,
        InvokeType.PreStop => "prestop"u8,
        _ => "sync"u8,
    };
}
