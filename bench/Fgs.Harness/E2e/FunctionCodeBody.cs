namespace Fgs.Harness.E2e;

/// <summary><c>func_code</c> of CreateFunction.</summary>
/// <param name="File">The package (zip) or source file (inline), base64.</param>
public sealed record FunctionCodeBody(string File);
