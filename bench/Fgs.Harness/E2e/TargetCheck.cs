namespace Fgs.Harness.E2e;

/// <summary>One target of the performance issue, as measured.</summary>
/// <param name="Goal">What is asked, in words.</param>
/// <param name="Measured">The measured value, formatted with its unit.</param>
/// <param name="Ratio">The ratio the goal is stated in, formatted (or empty).</param>
/// <param name="Pass">Whether the goal is met.</param>
public sealed record TargetCheck(string Goal, string Measured, string Ratio, bool Pass);
