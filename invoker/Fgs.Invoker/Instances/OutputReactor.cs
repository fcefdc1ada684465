using System.Runtime.InteropServices;

namespace Fgs.Invoker.Instances;

/// <summary>
/// Reads every instance's stdout and stderr pipes on one thread with epoll, instead of a pending
/// read per pipe. Each pipe is read non-blocking under its own lock, so <see cref="Pipe.Drain"/> can take
/// - synchronously and exactly - whatever a process wrote before it posted its response: nothing
/// is ever "read but not yet delivered", and output lands in the right invocation's log.
/// </summary>
internal sealed partial class OutputReactor
{
    private const int EPOLLIN = 0x001;
    private const int EPOLLHUP = 0x010;
    private const int EPOLLERR = 0x008;
    private const int EPOLL_CTL_ADD = 1;
    private const int EPOLL_CTL_DEL = 2;
    private const int F_GETFL = 3;
    private const int F_SETFL = 4;
    private const int O_NONBLOCK = 0x800;
    private const int O_CLOEXEC = 0x80000;
    private const int EAGAIN = 11;
    private const int EINTR = 4;

    private static readonly Lazy<OutputReactor> s_shared = new(() => new OutputReactor());

    private readonly int _epoll;
    private readonly Dictionary<long, Pipe> _pipes = [];
    private long _nextId;

    private OutputReactor()
    {
        _epoll = EpollCreate1(O_CLOEXEC);
        if (_epoll < 0)
        {
            throw new InvalidOperationException($"epoll_create1 failed: errno {Marshal.GetLastPInvokeError()}");
        }
        new Thread(Loop) { IsBackground = true, Name = "instance output" }.Start();
    }

    /// <summary>The reactor shared by all instances.</summary>
    public static OutputReactor Shared => s_shared.Value;

    /// <summary>Starts reading a pipe. <paramref name="onData"/> runs under the pipe's lock, on the
    /// reactor thread or on a <see cref="Pipe.Drain"/> caller; <paramref name="onEnd"/> runs once at EOF.</summary>
    /// <param name="fd">The read end; it is duplicated, so the caller may close its own copy.</param>
    /// <param name="onData">Receives the bytes read.</param>
    /// <param name="onEnd">Called once at end of file.</param>
    public Pipe Register(int fd, SpanAction onData, Action onEnd)
    {
        // F_DUPFD_CLOEXEC: a private, close-on-exec copy in one step (no child may inherit it).
        var own = Fcntl(fd, F_DUPFD_CLOEXEC, 0);
        if (own < 0)
        {
            throw new InvalidOperationException($"dup failed: errno {Marshal.GetLastPInvokeError()}");
        }
        _ = Fcntl(own, F_SETFL, Fcntl(own, F_GETFL, 0) | O_NONBLOCK);
        var pipe = new Pipe(this, own, onData, onEnd);
        long id;
        lock (_pipes)
        {
            id = ++_nextId;
            _pipes[id] = pipe;
        }
        pipe.Id = id;
        var ev = new EpollEvent { Events = EPOLLIN, Data = (ulong)id };
        if (EpollCtl(_epoll, EPOLL_CTL_ADD, own, ref ev) != 0)
        {
            lock (_pipes)
            {
                _pipes.Remove(id);
            }
            _ = Libc.Close(own);
            throw new InvalidOperationException($"epoll_ctl failed: errno {Marshal.GetLastPInvokeError()}");
        }
        return pipe;
    }

    private const int F_DUPFD_CLOEXEC = 1030;

    private void Loop()
    {
        var events = new EpollEvent[64];
        while (true)
        {
            int n;
            unsafe
            {
                fixed (EpollEvent* p = events)
                {
                    n = EpollWait(_epoll, p, events.Length, -1);
                }
            }
            if (n < 0)
            {
                if (Marshal.GetLastPInvokeError() == EINTR)
                {
                    continue;
                }
                Thread.Sleep(10);
                continue;
            }
            for (var i = 0; i < n; i++)
            {
                Pipe? pipe;
                lock (_pipes)
                {
                    _pipes.TryGetValue((long)events[i].Data, out pipe);
                }
                pipe?.ReadAvailable();
            }
            // Coalesce wake-ups: output is read in batches at most about every millisecond. Exact
            // attribution does not depend on it (a runtime's POST drains its pipes first), and a
            // busy node is spared a thread wake-up per line of function output.
            Thread.Sleep(1);
        }
    }

    private void Unregister(Pipe pipe)
    {
        lock (_pipes)
        {
            _pipes.Remove(pipe.Id);
        }
        var ev = default(EpollEvent);
        _ = EpollCtl(_epoll, EPOLL_CTL_DEL, pipe.Fd, ref ev);
        _ = Libc.Close(pipe.Fd);
    }

    /// <summary>Receives bytes read from a pipe.</summary>
    public delegate void SpanAction(ReadOnlySpan<byte> data);

    /// <summary>One registered pipe.</summary>
    public sealed class Pipe
    {
        private readonly OutputReactor _reactor;
        private readonly SpanAction _onData;
        private readonly Action _onEnd;
        private readonly object _gate = new();
        private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private byte[]? _buffer = new byte[16 * 1024];
        private bool _closed;

        internal Pipe(OutputReactor reactor, int fd, SpanAction onData, Action onEnd)
        {
            _reactor = reactor;
            Fd = fd;
            _onData = onData;
            _onEnd = onEnd;
        }

        internal long Id { get; set; }

        internal int Fd { get; }

        /// <summary>Completes at EOF (every writer closed the pipe).</summary>
        public Task Ended => _ended.Task;

        /// <summary>Delivers everything the writer has written so far, synchronously.</summary>
        public void Drain() => ReadAvailable();

        internal void ReadAvailable()
        {
            var ended = false;
            lock (_gate)
            {
                if (_closed || _buffer is null)
                {
                    return;
                }
                while (true)
                {
                    nint r;
                    unsafe
                    {
                        fixed (byte* p = _buffer)
                        {
                            r = Read(Fd, p, _buffer.Length);
                        }
                    }
                    if (r > 0)
                    {
                        try
                        {
                            _onData(_buffer.AsSpan(0, (int)r));
                        }
                        catch (Exception e) when (e is IOException or ObjectDisposedException or UnauthorizedAccessException)
                        {
                            // A log sink failing (disk full, closed) must not stop the reading of
                            // every instance's output; the bytes are dropped.
                        }
                        if (r < _buffer.Length)
                        {
                            // A short read empties a pipe: no second read just to be told EAGAIN
                            // (this runs on every runtime POST). Later bytes wake the reactor.
                            break;
                        }
                        continue;
                    }
                    if (r == 0)
                    {
                        ended = true;
                        break;
                    }
                    var errno = Marshal.GetLastPInvokeError();
                    if (errno == EINTR)
                    {
                        continue;
                    }
                    if (errno != EAGAIN)
                    {
                        ended = true;
                    }
                    break;
                }
                if (ended)
                {
                    _closed = true;
                    _buffer = null;
                }
            }
            if (ended)
            {
                _reactor.Unregister(this);
                _onEnd();
                _ended.TrySetResult();
            }
        }
    }

    [StructLayout(LayoutKind.Explicit, Size = 12)]
    private struct EpollEvent
    {
        [FieldOffset(0)]
        public int Events;

        [FieldOffset(4)]
        public ulong Data;
    }

    [LibraryImport("libc", EntryPoint = "epoll_create1", SetLastError = true)]
    private static partial int EpollCreate1(int flags);

    [LibraryImport("libc", EntryPoint = "epoll_ctl", SetLastError = true)]
    private static partial int EpollCtl(int epfd, int op, int fd, ref EpollEvent ev);

    [LibraryImport("libc", EntryPoint = "epoll_wait", SetLastError = true)]
    private static unsafe partial int EpollWait(int epfd, EpollEvent* events, int maxEvents, int timeout);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static unsafe partial nint Read(int fd, byte* buffer, nint count);

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static partial int Fcntl(int fd, int cmd, int arg);
}
