using System.Diagnostics;
using System.Globalization;

namespace Fgs.KestrelPeer;

/// <summary>Starts the runtime bootstraps and drains their output; kills them on dispose (idempotent).</summary>
public sealed class RuntimeProcesses : IDisposable
{
    private readonly List<Process> _processes = [];
    private long _outputLines;

    /// <summary>Lines the runtimes wrote to stdout and stderr.</summary>
    public long OutputLines => Interlocked.Read(ref _outputLines);

    /// <summary>Starts <paramref name="count"/> copies of <paramref name="bootstrap"/> against <paramref name="runtimeApi"/>.</summary>
    public void Start(string bootstrap, int count, string runtimeApi)
    {
        var codeRoot = Path.GetDirectoryName(Path.GetFullPath(bootstrap))!;
        for (var i = 0; i < count; i++)
        {
            var info = new ProcessStartInfo(bootstrap)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true,
                UseShellExecute = false,
                WorkingDirectory = codeRoot,
            };
            info.Environment["RUNTIME_API_ADDR"] = runtimeApi;
            info.Environment["RUNTIME_PROJECT_ID"] = "peer";
            info.Environment["RUNTIME_FUNC_NAME"] = "echo-csharp";
            info.Environment["RUNTIME_FUNC_VERSION"] = "latest";
            info.Environment["RUNTIME_PACKAGE"] = "default";
            info.Environment["RUNTIME_HANDLER"] = "bootstrap";
            info.Environment["RUNTIME_TIMEOUT"] = "30";
            info.Environment["RUNTIME_MEMORY"] = "128";
            info.Environment["RUNTIME_CODE_ROOT"] = codeRoot;
            info.Environment["RUNTIME_ROOT"] = codeRoot;
            info.Environment["RUNTIME_INSTANCE"] = i.ToString(CultureInfo.InvariantCulture);
            var process = Process.Start(info) ?? throw new InvalidOperationException("cannot start " + bootstrap);
            process.StandardInput.Close();
            process.OutputDataReceived += (_, e) => Interlocked.Increment(ref _outputLines);
            process.ErrorDataReceived += (_, e) => Interlocked.Increment(ref _outputLines);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            _processes.Add(process);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var process in _processes)
        {
            try
            {
                process.Kill();
            }
            catch (InvalidOperationException)
            {
            }
            process.Dispose();
        }
        _processes.Clear();
    }
}
