using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Fgs.Harness.Load;

/// <summary>
/// Sleeps until an absolute <see cref="Stopwatch"/> timestamp with <c>clock_nanosleep</c> on
/// CLOCK_MONOTONIC (the clock Stopwatch reads on Linux), so the open-loop pacer wakes within the
/// kernel's timer slack (about 50 us) instead of the 1 ms granularity of managed timers.
/// </summary>
internal static partial class PreciseSleep
{
    private const int ClockMonotonic = 1;
    private const int TimerAbsTime = 1;
    private static readonly bool Native = OperatingSystem.IsLinux() && Stopwatch.Frequency == 1_000_000_000;

    /// <summary>Blocks the calling thread until <paramref name="timestamp"/>.</summary>
    public static void Until(long timestamp)
    {
        if (Native)
        {
            var when = new Timespec { Seconds = timestamp / 1_000_000_000, Nanoseconds = timestamp % 1_000_000_000 };
            while (ClockNanosleep(ClockMonotonic, TimerAbsTime, in when, IntPtr.Zero) == 4)
            {
                // EINTR: sleep again.
            }
            return;
        }
        var remaining = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), timestamp);
        if (remaining > TimeSpan.Zero)
        {
            Thread.Sleep(remaining);
        }
    }

    [LibraryImport("libc", EntryPoint = "clock_nanosleep")]
    private static partial int ClockNanosleep(int clockId, int flags, in Timespec request, IntPtr remain);
}
