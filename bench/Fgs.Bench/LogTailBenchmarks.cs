using BenchmarkDotNet.Attributes;
using Fgs.Core.Invocations;

namespace Fgs.Bench;

/// <summary><see cref="LogTail.Append"/> of one 100-byte log line into a 4 KB tail.</summary>
[MemoryDiagnoser]
public class LogTailBenchmarks
{
    /// <summary>A 100-byte line (99 characters and a newline).</summary>
    public static readonly byte[] Line = [.. System.Text.Encoding.ASCII.GetBytes(new string('x', 99)), (byte)'\n'];

    private readonly LogTail _tail = new();

    /// <summary>Appends one line.</summary>
    [Benchmark]
    public long Append100ByteLine()
    {
        _tail.Append(Line);
        return _tail.Capacity;
    }
}
