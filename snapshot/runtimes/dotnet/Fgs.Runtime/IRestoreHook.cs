namespace Fgs.Runtime;

/// <summary>Runs in every copy restored from a snapshot, before its first request: refresh what
/// must not be shared between copies (unique ids, random seeds, clocks, connections, configuration).</summary>
public interface IRestoreHook
{
    /// <summary>Refreshes the copy's state.</summary>
    ValueTask AfterRestoreAsync(FunctionContext context);
}
