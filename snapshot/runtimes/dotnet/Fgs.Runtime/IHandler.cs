namespace Fgs.Runtime;

/// <summary>The function's handler: the event body in, the result body out.</summary>
public interface IHandler
{
    /// <summary>Handles one event.</summary>
    ValueTask<string> HandleAsync(string body, FunctionContext context);
}
