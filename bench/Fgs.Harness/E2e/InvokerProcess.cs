using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Fgs.Harness.E2e;

/// <summary>
/// A fresh <c>fgs-invoker serve</c> on a free loopback port with a private data folder, started by
/// the harness for the scenarios that need a clean invoker (cold starts, memory). Stopped with
/// SIGTERM so it stops its instances; killed if it does not exit.
/// </summary>
public sealed partial class InvokerProcess : IAsyncDisposable
{
    private const int Sigterm = 15;
    private readonly Process _process;
    private readonly string _dataDir;

    private InvokerProcess(Process process, string dataDir, IPEndPoint endPoint)
    {
        _process = process;
        _dataDir = dataDir;
        EndPoint = endPoint;
    }

    /// <summary>The front door.</summary>
    public IPEndPoint EndPoint { get; }

    /// <summary>The invoker's pid.</summary>
    public int Pid => _process.Id;

    /// <summary>Base address for <see cref="InvokerAdmin"/>.</summary>
    public Uri BaseAddress => new("http://" + EndPoint);

    /// <summary>Starts the invoker; its output goes to <paramref name="logPath"/>.</summary>
    public static InvokerProcess Start(string binary, string logPath, string? pidFile)
    {
        var port = FreePort();
        var dataDir = Directory.CreateTempSubdirectory("fgs-harness-").FullName;
        var info = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "serve", "--listen", "127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture), "--data", dataDir, "--keep-alive", "600" })
        {
            info.ArgumentList.Add(argument);
        }
        var process = Process.Start(info) ?? throw new InvalidOperationException("cannot start " + binary);
        if (pidFile is not null)
        {
            File.AppendAllText(pidFile, process.Id.ToString(CultureInfo.InvariantCulture) + "\n");
        }
        var log = new StreamWriter(logPath, append: true) { AutoFlush = true };
        var gate = new Lock();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (gate) { log.WriteLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (gate) { log.WriteLine(e.Data); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new InvokerProcess(process, dataDir, new IPEndPoint(IPAddress.Loopback, port));
    }

    /// <summary>SIGTERM, wait up to 30 s, then kill; removes the data folder.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _ = Kill(_process.Id, Sigterm);
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await _process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        _process.Dispose();
        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    /// <summary>
    /// Stops a server this harness did not start (a target): SIGTERM, then waits up to
    /// <paramref name="timeout"/> for it to be gone (or a zombie, left for its parent to reap).
    /// True when it stopped.
    /// </summary>
    public static async Task<bool> TerminateAsync(int pid, TimeSpan timeout, CancellationToken cancellationToken)
    {
        _ = Kill(pid, Sigterm);
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (Load.ProcessMeter.HasExited(pid))
            {
                return true;
            }
            await Task.Delay(20, cancellationToken).ConfigureAwait(false);
        }
        return false;
    }

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int Kill(int pid, int signal);
}
