namespace Fgs.Harness.E2e;

/// <summary>UpdateFunctionMaxInstanceConfig body.</summary>
/// <param name="MaxInstanceNum">−1 for unlimited, or 0–1000.</param>
public sealed record MaxInstanceBody(int MaxInstanceNum);
