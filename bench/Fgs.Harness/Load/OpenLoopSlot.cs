namespace Fgs.Harness.Load;

/// <summary>One connection of the open loop with its own tally (used by one exchange at a time).</summary>
/// <param name="Connection">The keep-alive connection.</param>
/// <param name="Tally">Latencies of the exchanges it carried.</param>
internal sealed record OpenLoopSlot(LoadConnection Connection, LoadTally Tally);
