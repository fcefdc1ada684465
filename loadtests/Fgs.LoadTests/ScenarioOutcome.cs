using Fgs.Harness.Load;

namespace Fgs.LoadTests;

/// <summary>One scenario's result and the invariants it checked.</summary>
/// <param name="Name">Scenario name.</param>
/// <param name="Run">The load run.</param>
/// <param name="Problems">Broken invariants; empty when the scenario passed.</param>
/// <param name="Note">What the scenario did, in one line.</param>
public sealed record ScenarioOutcome(string Name, LoadRun Run, List<string> Problems, string Note);
