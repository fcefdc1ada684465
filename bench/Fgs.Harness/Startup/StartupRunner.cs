using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Fgs.Harness.Load;
using Fgs.Harness.Report;

namespace Fgs.Harness.Startup;

/// <summary>
/// Start-up of runtime executables, side by side: each round starts every executable once, in
/// turn, with <c>RUNTIME_API_ADDR</c> pointing at a listener here, and measures from the start
/// until the runtime's first connection (what an invoker waits for before it can hand over the
/// first event), then kills it. The CPU time of each start is its process's user and system time
/// (the schedstat of its threads, read just before the kill).
/// </summary>
public static class StartupRunner
{
    /// <summary>Runs <paramref name="rounds"/> rounds and returns the Markdown table.</summary>
    public static async Task<string> RunAsync(IReadOnlyList<(string Name, string Path)> executables, int rounds, CancellationToken cancellationToken)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(16);
        var address = listener.LocalEndPoint!.ToString()!;
        var wall = executables.ToDictionary(e => e.Name, _ => new List<double>());
        var cpu = executables.ToDictionary(e => e.Name, _ => new List<double>());
        for (var round = 0; round < rounds; round++)
        {
            foreach (var (name, path) in executables)
            {
                var info = new ProcessStartInfo(path)
                {
                    UseShellExecute = false,
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                    WorkingDirectory = System.IO.Path.GetDirectoryName(path)!,
                };
                info.Environment.Clear();
                info.Environment["RUNTIME_API_ADDR"] = address;
                var started = Stopwatch.GetTimestamp();
                using var process = Process.Start(info) ?? throw new InvalidOperationException("cannot start " + path);
                using var accepted = await listener.AcceptAsync(cancellationToken).ConfigureAwait(false);
                wall[name].Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                cpu[name].Add(ProcessMeter.OnCpuSeconds(process.Id) * 1000);
                process.Kill();
                await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        var md = new StringBuilder();
        md.Append(CultureInfo.InvariantCulture, $"Start to first connection, {rounds} starts each, interleaved; ratio against the first row.\n\n");
        md.Append("| executable | size KB | p25 ms | p50 ms | p75 ms | p50 / first | CPU p50 ms |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        var first = Stats.Percentile(wall[executables[0].Name], 50);
        foreach (var (name, path) in executables)
        {
            var p50 = Stats.Percentile(wall[name], 50);
            md.Append(CultureInfo.InvariantCulture,
                $"| {name} | {new FileInfo(path).Length / 1024} | {Stats.Percentile(wall[name], 25):F2} | {p50:F2} | {Stats.Percentile(wall[name], 75):F2} | {p50 / first:F2} | {Stats.Percentile(cpu[name], 50):F2} |\n");
        }
        md.Append("\nCPU is the time on a CPU of the process's threads until its first connection (/proc/PID/task/*/schedstat).\n");
        return md.ToString();
    }

}
