using System.Runtime.InteropServices;

namespace Fgs.Harness.Load;

/// <summary>POSIX <c>struct timespec</c> on 64-bit Linux.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct Timespec
{
    public long Seconds;
    public long Nanoseconds;
}
