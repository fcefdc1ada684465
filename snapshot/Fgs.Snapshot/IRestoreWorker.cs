namespace Fgs.Snapshot;

/// <summary>A checkpoint tool started ahead of one restore, holding the files its copy will get
/// (<see cref="ICheckpointer.StartRestoreWorkerAsync"/>). Passed in <see cref="RestoreOptions.Worker"/>;
/// disposing it stops the tool if it was not used.</summary>
public interface IRestoreWorker : IAsyncDisposable
{
    /// <summary>The files it holds, in the order <see cref="RestoreOptions.Files"/> must name them.</summary>
    IReadOnlyList<PreparedFile> Files { get; }

    /// <summary>Whether it has served its restore or died (a spent worker cannot restore).</summary>
    bool IsSpent { get; }

    /// <summary>Called with the process id of each helper process it starts from now on (a lazy-pages
    /// daemon), so that the owner can record it and clean it up after a crash.</summary>
    Action<int>? HelperStarted { get; set; }
}
