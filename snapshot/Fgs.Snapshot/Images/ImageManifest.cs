using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Fgs.Snapshot.Images;

/// <summary>
/// What a ready image belongs to, kept in the image's folder (<see cref="FileName"/>) so that a later
/// invoker on the same data folder can use the image without making it again: the function version,
/// the identity of the version's code and definition (an image whose identity differs is stale and
/// never used), the image's size (a folder whose files do not add up to it is incomplete), and when
/// and how fast it was made. It is written once the dump has succeeded, fsync'd and renamed into
/// place, so a folder without it is an interrupted dump. Plain <c>name=value</c> lines.
/// </summary>
/// <param name="Key">The function version.</param>
/// <param name="Identity">The version's code identity (digest, revision, times), compared at start.</param>
/// <param name="SizeBytes">The size of the image files (the manifest not counted).</param>
/// <param name="Made">When the dump finished.</param>
/// <param name="CheckpointTime">How long the dump took.</param>
/// <param name="AddressFile">The address file the dumped instance had at fd 3.</param>
/// <param name="OutputFile">The output file the dumped instance wrote to.</param>
public sealed partial record ImageManifest(string Key, string Identity, long SizeBytes, DateTimeOffset Made, TimeSpan CheckpointTime,
    string? AddressFile, string? OutputFile)
{
    /// <summary>The manifest's file name inside an image folder.</summary>
    public const string FileName = "fgs-manifest";

    /// <summary>The image this manifest describes, in <paramref name="directory"/>.</summary>
    public SnapshotImage ToImage(string directory) =>
        new(directory, SizeBytes, CheckpointTime) { AddressFile = AddressFile, OutputFile = OutputFile };

    /// <summary>Writes the manifest into <paramref name="directory"/>: a temporary file, fsync'd,
    /// renamed into place, and the folder fsync'd.</summary>
    public void Write(string directory)
    {
        var text = new StringBuilder()
            .Append("key=").Append(Key).Append('\n')
            .Append("identity=").Append(Identity).Append('\n')
            .Append("size=").Append(SizeBytes.ToString(CultureInfo.InvariantCulture)).Append('\n')
            .Append("made=").Append(Made.ToString("O", CultureInfo.InvariantCulture)).Append('\n')
            .Append("checkpoint_ms=").Append(((long)CheckpointTime.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)).Append('\n')
            .Append("address_file=").Append(AddressFile ?? "").Append('\n')
            .Append("output_file=").Append(OutputFile ?? "").Append('\n')
            .ToString();
        if (text.Count(c => c == '\n') != 7)
            throw new ArgumentException("a manifest value holds a line break");
        var tmp = Path.Combine(directory, FileName + ".tmp");
        using (var fs = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            fs.Write(Encoding.UTF8.GetBytes(text));
            fs.Flush(flushToDisk: true);
        }
        File.Move(tmp, Path.Combine(directory, FileName), overwrite: true);
        SyncDirectory(directory);
    }

    /// <summary>Reads the manifest of <paramref name="directory"/>; null when it is missing or unreadable.</summary>
    public static ImageManifest? TryRead(string directory)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(Path.Combine(directory, FileName));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in lines)
        {
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
                values[line[..eq]] = line[(eq + 1)..];
        }
        if (!values.TryGetValue("key", out var key) || key.Length == 0
            || !values.TryGetValue("identity", out var identity)
            || !values.TryGetValue("size", out var size) || !long.TryParse(size, NumberStyles.None, CultureInfo.InvariantCulture, out var sizeBytes)
            || !values.TryGetValue("made", out var made) || !DateTimeOffset.TryParseExact(made, "O", CultureInfo.InvariantCulture, DateTimeStyles.None, out var madeAt)
            || !values.TryGetValue("checkpoint_ms", out var ms) || !long.TryParse(ms, NumberStyles.None, CultureInfo.InvariantCulture, out var checkpointMs))
        {
            return null;
        }
        var address = values.GetValueOrDefault("address_file", "");
        var output = values.GetValueOrDefault("output_file", "");
        return new ImageManifest(key, identity, sizeBytes, madeAt, TimeSpan.FromMilliseconds(checkpointMs),
            address.Length == 0 ? null : address, output.Length == 0 ? null : output);
    }

    private static void SyncDirectory(string directory)
    {
        var fd = Open(directory, 0 /* O_RDONLY */ | 0x10000 /* O_DIRECTORY */ | 0x80000 /* O_CLOEXEC: never inherited by an instance spawned meanwhile */);
        if (fd < 0)
            return;
        _ = Fsync(fd);
        _ = Close(fd);
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
