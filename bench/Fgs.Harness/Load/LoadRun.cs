namespace Fgs.Harness.Load;

/// <summary>The outcome of one closed- or open-loop run over its measured window.</summary>
/// <param name="Tally">Merged latencies and counts of the measured window.</param>
/// <param name="MeasuredSeconds">Length of the measured window.</param>
/// <param name="Connections">Connections used.</param>
/// <param name="OfferedRate">Open loop: the intended arrival rate per second; closed loop: 0.</param>
public sealed record LoadRun(LoadTally Tally, double MeasuredSeconds, int Connections, double OfferedRate)
{
    /// <summary>Completed exchanges per second in the measured window.</summary>
    public double Throughput => MeasuredSeconds > 0 ? Tally.Count / MeasuredSeconds : 0;
}
