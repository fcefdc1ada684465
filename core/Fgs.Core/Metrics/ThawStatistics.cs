namespace Fgs.Core.Metrics;

/// <summary>Resumes of instances paused by idle mode.</summary>
/// <param name="Count">How many.</param>
/// <param name="TotalSeconds">Their total time.</param>
/// <param name="MaxSeconds">The longest one.</param>
public readonly record struct ThawStatistics(long Count, double TotalSeconds, double MaxSeconds);
