using System.Globalization;
using Fgs.Runtime;

namespace Fgs.Runtime.Examples;

/// <summary>An initializer over a second (a sleep standing in for loading a framework, and a
/// table), a restore hook giving each copy a fresh identity, and a handler reporting what it sees.
/// <c>INIT_RETAIN_MB</c> makes the initializer also keep that many megabytes of filled arrays (a
/// bigger heap, so a bigger snapshot image).</summary>
public sealed class SlowInitFunction : IHandler, IInitializer, IRestoreHook
{
    private long[]? _table;
    private byte[][] _retained = [];
    private int _restores;
    private string _copyId = "original-" + Guid.NewGuid().ToString("N");
    private string _initializedBy = "none";

    /// <inheritdoc />
    public async ValueTask InitializeAsync(FunctionContext context)
    {
        var ms = int.Parse(Environment.GetEnvironmentVariable("INIT_MILLIS") ?? "1000", CultureInfo.InvariantCulture);
        await Task.Delay(ms).ConfigureAwait(false);
        _table = new long[1 << 16];
        for (var i = 0; i < _table.Length; i++)
            _table[i] = (long)i * i;
        var retainMb = int.Parse(Environment.GetEnvironmentVariable("INIT_RETAIN_MB") ?? "0", CultureInfo.InvariantCulture);
        _retained = new byte[retainMb][];
        for (var i = 0; i < retainMb; i++)
        {
            _retained[i] = new byte[1 << 20];
            Array.Fill(_retained[i], (byte)(i + 1));
        }
        _initializedBy = context.RequestId;
        // A compacted heap makes a smaller image.
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
    }

    /// <inheritdoc />
    public ValueTask AfterRestoreAsync(FunctionContext context)
    {
        _restores++;
        _copyId = "restored-" + Guid.NewGuid().ToString("N");
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<string> HandleAsync(string body, FunctionContext context)
    {
        Console.WriteLine($"slow-init handled {context.RequestId} on {_copyId}");
        return ValueTask.FromResult(string.Create(CultureInfo.InvariantCulture,
            $$"""{"runtime":"dotnet","initialized":{{(_table is not null ? "true" : "false")}},"retainedMb":{{_retained.Length}},"retainedLast":{{(_retained.Length == 0 ? 0 : _retained[^1][12345])}},"initializedBy":"{{_initializedBy}}","restores":{{_restores}},"copyId":"{{_copyId}}","pid":{{Environment.ProcessId}},"event":{{(body.Length == 0 ? "null" : body)}}}"""));
    }
}
