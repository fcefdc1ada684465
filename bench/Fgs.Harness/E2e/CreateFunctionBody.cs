namespace Fgs.Harness.E2e;

/// <summary>The CreateFunction request fields the harness sets (snake_case on the wire).</summary>
public sealed record CreateFunctionBody
{
    /// <summary>Function name.</summary>
    public required string FuncName { get; init; }

    /// <summary>Always Custom here.</summary>
    public string Runtime { get; init; } = "Custom";

    /// <summary>Always bootstrap here.</summary>
    public string Handler { get; init; } = "bootstrap";

    /// <summary>zip or inline.</summary>
    public required string CodeType { get; init; }

    /// <summary>Timeout in seconds.</summary>
    public int Timeout { get; init; } = 30;

    /// <summary>Memory in MB.</summary>
    public int MemorySize { get; init; } = 128;

    /// <summary>The code, base64.</summary>
    public required FunctionCodeBody FuncCode { get; init; }
}
