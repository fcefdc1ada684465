using System.Text;

namespace Fgs.Runtime;

/// <summary>Serves a function's events: <c>init</c> → <see cref="IInitializer"/>, <c>restore</c> →
/// <see cref="IRestoreHook"/>, <c>sync</c>/<c>async</c> → <see cref="IHandler"/>, <c>heartbeat</c>
/// and <c>prestop</c> acknowledged, <c>checkpoint</c> acknowledged and then parked until the snapshot is taken.</summary>
public static class FunctionRuntime
{
    /// <summary>
    /// Waits, holding no socket, for the checkpoint to be taken: a TCP socket cannot be carried
    /// through a checkpoint, so the runtime blocks on stdin (a pipe the invoker holds) instead of a
    /// GET. A restored copy's stdin has no writer and reads end-of-file at once; the original wakes
    /// when the invoker closes the pipe (after the dump, if it keeps running).
    /// </summary>
    private static async Task ParkUntilRestoredAsync()
    {
        using var stdin = Console.OpenStandardInput();
        var one = new byte[1];
        try
        {
            await stdin.ReadAsync(one).ConfigureAwait(false);
        }
        catch (IOException)
        {
            // A closed stdin means the same: go on.
        }
    }

    /// <summary>Runs the event loop for <paramref name="function"/> until the process is killed.</summary>
    public static async Task RunAsync(IHandler function)
    {
        var api = new RuntimeApiClient();
        var initialized = false;
        while (true)
        {
            var ev = await api.NextAsync().ConfigureAwait(false);
            var context = new FunctionContext(ev.RequestId, ev.InvokeType);
            try
            {
                string result;
                switch (ev.InvokeType)
                {
                    case "init":
                        if (function is IInitializer initializer && !initialized)
                            await initializer.InitializeAsync(context).ConfigureAwait(false);
                        initialized = true;
                        result = """{"status":"initialized"}""";
                        break;
                    case "restore":
                        if (function is IRestoreHook hook)
                            await hook.AfterRestoreAsync(context).ConfigureAwait(false);
                        result = """{"status":"restored"}""";
                        break;
                    case "checkpoint":
                        await api.RespondAsync(ev.RequestId, """{"status":"parked"}"""u8.ToArray(), error: false).ConfigureAwait(false);
                        await ParkUntilRestoredAsync().ConfigureAwait(false);
                        continue;
                    case "heartbeat":
                        result = """{"status":"ok"}""";
                        break;
                    case "prestop":
                        // Said on stdout, so the function's log shows the instance was told.
                        Console.WriteLine("fgs-runtime: pre-stop " + Encoding.UTF8.GetString(ev.Body));
                        result = """{"status":"ok"}""";
                        break;
                    default:
                        result = await function.HandleAsync(Encoding.UTF8.GetString(ev.Body), context).ConfigureAwait(false);
                        break;
                }
                await api.RespondAsync(ev.RequestId, Encoding.UTF8.GetBytes(result), error: false).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // A function error of any kind is reported to the caller, and the loop goes on.
            catch (Exception e)
#pragma warning restore CA1031
            {
                await Console.Error.WriteLineAsync(e.ToString()).ConfigureAwait(false);
                var message = e.Message.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
                var error = $$"""{"errorMessage":"{{message}}","errorType":"{{e.GetType().FullName}}"}""";
                await api.RespondAsync(ev.RequestId, Encoding.UTF8.GetBytes(error), error: true).ConfigureAwait(false);
            }
        }
    }
}
