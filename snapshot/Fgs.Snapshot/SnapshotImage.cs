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

    /// <summary>Sums the sizes of the files in <paramref name="directory"/> (not recursive: CRIU writes a
    /// flat folder), leaving out the image's manifest.</summary>
    public static long MeasureSize(string directory)
    {
        long total = 0;
        foreach (var file in new DirectoryInfo(directory).EnumerateFiles())
        {
            if (!file.Name.StartsWith(Images.ImageManifest.FileName, StringComparison.Ordinal))
                total += file.Length;
        }
        return total;
    }
}
