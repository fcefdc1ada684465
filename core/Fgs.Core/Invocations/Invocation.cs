using System.Text;
using System.Threading.Tasks.Sources;

namespace Fgs.Core.Invocations;

/// <summary>
/// One request to a function instance: the event, its deadline, and - once finished - its outcome.
/// The caller awaits <see cref="WaitAsync"/>; exactly one party completes it (the runtime API on a
/// posted response or error, the deadline sweep on a timeout, the supervisor on an instance exit).
/// </summary>
public sealed class Invocation : IValueTaskSource<InvocationStatus>
{
    private ManualResetValueTaskSourceCore<InvocationStatus> _completion;
    private int _completed;
    private readonly byte[] _eventBuffer;
    private byte[]? _resultBuffer;

    /// <summary>Creates an invocation owning a copy of <paramref name="payload"/>.</summary>
    public Invocation(string requestId, InvokeType type, ReadOnlySpan<byte> payload, TimeSpan timeout)
    {
        RequestId = requestId;
        RequestIdUtf8 = Encoding.UTF8.GetBytes(requestId);
        Type = type;
        Timeout = timeout;
        // Plain arrays, not pooled: a timed-out invocation's event may still be read by a runtime
        // connection after the caller has gone, so its lifetime is left to the GC.
        _eventBuffer = payload.ToArray();
        
        // Continuations run where the result is set: the waiting front door writes its response
        // without a thread hop. Completers never hold locks while completing.
        _completion.RunContinuationsAsynchronously = false;
    }

    /// <summary>The request id (<c>X-Cff-Request-Id</c>).</summary>
    public string RequestId { get; }

    /// <summary>The request id as UTF-8, for matching runtime API paths without allocating.</summary>
    public byte[] RequestIdUtf8 { get; }

    /// <summary>What the event is for.</summary>
    public InvokeType Type { get; }

    /// <summary>The function's timeout for this invocation.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>Length of the event payload.</summary>
    public int EventLength => _eventBuffer.Length;

    /// <summary>The event payload passed unchanged to the function.</summary>
    public ReadOnlySpan<byte> Event => _eventBuffer;

    /// <summary>The event payload as memory.</summary>
    public ReadOnlyMemory<byte> EventMemory => _eventBuffer;

    /// <summary>Timestamp (of the instance's <see cref="TimeProvider"/>) when the runtime took the event; 0 before.</summary>
    public long DeliveredTimestamp { get; set; }

    /// <summary>Timestamp after which the invocation has timed out; <see cref="long.MaxValue"/> until delivered.</summary>
    public long DeadlineTimestamp { get; set; } = long.MaxValue;

    /// <summary>Timestamp of completion.</summary>
    public long CompletedTimestamp { get; private set; }

    /// <summary>The tail of this invocation's log, when the caller asked for it (or always, cheap enough).</summary>
    public LogTail? Log { get; init; }

    /// <summary>The function version label used in the log framing lines.</summary>
    public string VersionLabel { get; init; } = "latest";

    /// <summary>Set by the instance that runs it (for logs and metrics).</summary>
    public string? InstanceId { get; set; }

    /// <summary>Resident memory of the instance's process tree when it finished, in MB (0 if unknown).</summary>
    public int MemoryUsedMb { get; set; }

    /// <summary>True when this invocation started a new instance.</summary>
    public bool ColdStart { get; set; }

    /// <summary>How it ended; <see cref="InvocationStatus.Pending"/> until completed.</summary>
    public InvocationStatus Status { get; private set; }

    /// <summary>The response or error body posted by the runtime.</summary>
    public ReadOnlySpan<byte> Result => _resultBuffer;

    /// <summary>Length of <see cref="Result"/>.</summary>
    public int ResultLength => _resultBuffer?.Length ?? 0;

    /// <summary>A platform-side description of a failure (timeout, exit status, stderr tail).</summary>
    public string? FailureDetail { get; private set; }

    /// <summary>True once completed.</summary>
    public bool IsCompleted => Volatile.Read(ref _completed) != 0;

    /// <summary>Awaits the outcome.</summary>
    public ValueTask<InvocationStatus> WaitAsync() => new(this, _completion.Version);

    /// <summary>Completes with a body posted by the runtime. Returns false if already completed.</summary>
    public bool TryComplete(InvocationStatus status, ReadOnlySpan<byte> body, long timestamp)
    {
        if (!TryClaim())
        {
            return false;
        }
        CompleteClaimed(status, body, timestamp);
        return true;
    }

    /// <summary>Completes with a platform-side failure. Returns false if already completed.</summary>
    public bool TryFail(InvocationStatus status, string detail, long timestamp)
    {
        if (!TryClaim())
        {
            return false;
        }
        FailClaimed(status, detail, timestamp);
        return true;
    }

    /// <summary>
    /// Claims the right to complete this invocation (true once). The claimer then calls
    /// <see cref="CompleteClaimed"/> or <see cref="FailClaimed"/>; in between it can release the
    /// instance slot, so the caller - who may send its next request the moment it has the answer -
    /// finds the instance free.
    /// </summary>
    public bool TryClaim() => Interlocked.Exchange(ref _completed, 1) == 0;

    /// <summary>Sets the outcome after a successful <see cref="TryClaim"/>.</summary>
    public void CompleteClaimed(InvocationStatus status, ReadOnlySpan<byte> body, long timestamp)
    {
        if (!body.IsEmpty)
        {
            _resultBuffer = body.ToArray();
        }
        Finish(status, null, timestamp);
    }

    /// <summary>Sets a platform-side failure after a successful <see cref="TryClaim"/>.</summary>
    public void FailClaimed(InvocationStatus status, string detail, long timestamp) => Finish(status, detail, timestamp);

    private void Finish(InvocationStatus status, string? detail, long timestamp)
    {
        Status = status;
        FailureDetail = detail;
        CompletedTimestamp = timestamp;
        _completion.SetResult(status);
    }

    InvocationStatus IValueTaskSource<InvocationStatus>.GetResult(short token) => _completion.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<InvocationStatus>.GetStatus(short token) => _completion.GetStatus(token);

    void IValueTaskSource<InvocationStatus>.OnCompleted(Action<object?> continuation, object? state, short token,
        ValueTaskSourceOnCompletedFlags flags) => _completion.OnCompleted(continuation, state, token, flags);
}
