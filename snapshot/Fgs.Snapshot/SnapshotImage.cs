namespace Fgs.Snapshot;

/// <summary>A checkpoint image on disk, made from one function version's initialized instance.</summary>
/// <param name="Directory">Where the image files are.</param>
/// <param name="SizeBytes">Total size of the image files.</param>
/// <param name="CheckpointTime">How long the dump took.</param>
public sealed record SnapshotImage(string Directory, long SizeBytes, TimeSpan CheckpointTime)
{
    /// <summary>The runtime API address file the dumped instance had open as fd 3 (each copy gets its own).</summary>
    public string? AddressFile { get; init; }

    /// <summary>The output file the dumped instance wrote stdout and stderr to (each copy gets its own).</summary>
    public string? OutputFile { get; init; }

    /// <summary>Sums the sizes of the image files (<c>*.img</c>) in <paramref name="directory"/> (not
    /// recursive: CRIU writes a flat folder). Its logs, its statistics (a restore adds
    /// <c>stats-restore</c>) and the manifest are left out, so the size stays the same over restores.</summary>
    public static long MeasureSize(string directory)
    {
        long total = 0;
        foreach (var file in new DirectoryInfo(directory).EnumerateFiles("*.img"))
            total += file.Length;
        return total;
    }
}
