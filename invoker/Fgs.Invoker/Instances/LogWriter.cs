using System.Collections.Concurrent;

namespace Fgs.Invoker.Instances;

/// <summary>
/// The one background thread that writes every function log: sinks with pending bytes queue
/// themselves once and are written in a batch each. Writers never block on the disk; a burst of
/// output costs one write per function per pass, however many lines it has.
/// </summary>
internal sealed class LogWriter
{
    private readonly ConcurrentQueue<InstanceOutputSink> _queue = new();
    private readonly SemaphoreSlim _signal = new(0);
    private int _signaled;

    /// <summary>Longest a log line waits for its write (also the shortest gap between passes).</summary>
    internal static readonly TimeSpan BatchInterval = TimeSpan.FromMilliseconds(5);

    private LogWriter()
    {
        new Thread(Loop) { IsBackground = true, Name = "function log writer" }.Start();
    }

    /// <summary>The process-wide writer.</summary>
    public static LogWriter Shared { get; } = new();

    /// <summary>Queues a sink that has pending bytes (it queues itself once until written).</summary>
    public void Enqueue(InstanceOutputSink sink)
    {
        _queue.Enqueue(sink);
        // Wake the writer only if it is not already awake: under load one wake serves many writes.
        if (Interlocked.Exchange(ref _signaled, 1) == 0)
        {
            _signal.Release();
        }
    }

    private void Loop()
    {
        while (true)
        {
            _signal.Wait();
            Volatile.Write(ref _signaled, 0);
            while (_queue.TryDequeue(out var sink))
            {
                sink.Flush();
            }
            // At most one pass every few milliseconds: under load each pass writes many lines
            // per function in one write, instead of one write (and a thread wake-up) per line.
            Thread.Sleep(BatchInterval);
        }
    }
}
