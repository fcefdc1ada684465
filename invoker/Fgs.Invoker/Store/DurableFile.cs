using Microsoft.Win32.SafeHandles;
using System.Runtime.InteropServices;

namespace Fgs.Invoker.Store;

/// <summary>
/// Crash-safe file replacement: write a temporary file, fsync it, rename it over the target, fsync
/// the directory. After a <c>kill -9</c> (or power loss) a reader sees either the old or the new
/// content, never a torn file.
/// </summary>
internal static partial class DurableFile
{
    public static void WriteAtomic(string path, ReadOnlySpan<byte> content)
    {
        var dir = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(dir);
        var tmp = path + ".tmp-" + Environment.ProcessId + "-" + Environment.CurrentManagedThreadId;
        using (var handle = File.OpenHandle(tmp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            RandomAccess.Write(handle, content, 0);
            FlushToDisk(handle);
        }
        File.Move(tmp, path, overwrite: true);
        SyncDirectory(dir);
    }

    /// <summary>Copies a stream into a new file durably (temp + fsync + rename + directory fsync).</summary>
    public static async Task WriteAtomicAsync(string path, Stream content, CancellationToken cancellationToken = default)
    {
        var dir = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(dir);
        var tmp = path + ".tmp-" + Environment.ProcessId + "-" + Guid.NewGuid().ToString("N")[..8];
        await using (var fs = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None, 81920, useAsync: false))
        {
            await content.CopyToAsync(fs, cancellationToken).ConfigureAwait(false);
            fs.Flush(flushToDisk: true);
        }
        File.Move(tmp, path, overwrite: true);
        SyncDirectory(dir);
    }

    /// <summary>Deletes a directory tree durably enough: renamed away first (one atomic step), then removed.</summary>
    public static void DeleteDirectory(string path)
    {
        if (!Directory.Exists(path))
        {
            return;
        }
        var parent = Path.GetDirectoryName(path)!;
        var trash = Path.Combine(parent, ".deleted-" + Guid.NewGuid().ToString("N"));
        Directory.Move(path, trash);
        SyncDirectory(parent);
        Directory.Delete(trash, recursive: true);
    }

    /// <summary>Removes leftovers of interrupted writes and deletes under <paramref name="root"/>.</summary>
    public static void CleanLeftovers(string root)
    {
        if (!Directory.Exists(root))
        {
            return;
        }
        foreach (var d in Directory.EnumerateDirectories(root, ".deleted-*", SearchOption.AllDirectories).ToList())
        {
            try { Directory.Delete(d, true); } catch (IOException) { }
        }
        foreach (var f in Directory.EnumerateFiles(root, "*.tmp-*", SearchOption.AllDirectories).ToList())
        {
            try { File.Delete(f); } catch (IOException) { }
        }
    }

    public static void SyncDirectory(string dir)
    {
        var fd = Open(dir, 0 /* O_RDONLY */ | 0x10000 /* O_DIRECTORY */ | 0x80000 /* O_CLOEXEC: never inherited by an instance spawned meanwhile */);
        if (fd < 0)
        {
            return;
        }
        try
        {
            _ = Fsync(fd);
        }
        finally
        {
            _ = Close(fd);
        }
    }

    private static void FlushToDisk(SafeFileHandle handle)
    {
        if (Fsync((int)handle.DangerousGetHandle()) != 0)
        {
            throw new IOException($"fsync failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
