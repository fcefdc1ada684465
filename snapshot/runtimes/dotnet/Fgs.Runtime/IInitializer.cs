namespace Fgs.Runtime;

/// <summary>The function's initializer: runs once per instance before its first request, and
/// before a snapshot is taken.</summary>
public interface IInitializer
{
    /// <summary>Initializes the function.</summary>
    ValueTask InitializeAsync(FunctionContext context);
}
