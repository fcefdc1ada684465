using System.IO.Compression;

namespace Fgs.Invoker.Store;

/// <summary>
/// Unpacked code packages, one folder per package digest under <c>DATA/code</c>, shared by every
/// instance of every function using that package. Unpacking goes to a temporary folder renamed into
/// place, so a folder that exists is complete.
/// </summary>
internal sealed class CodeCache
{
    private readonly string _root;
    private readonly object _gate = new();
    private readonly Dictionary<string, Task<string>> _unpacking = [];

    public CodeCache(string root)
    {
        _root = root;
        Directory.CreateDirectory(root);
        foreach (var tmp in Directory.EnumerateDirectories(root, "*.unpacking-*"))
        {
            try { Directory.Delete(tmp, true); } catch (IOException) { }
        }
    }

    /// <summary>Returns the folder holding the unpacked package, unpacking it once if needed.</summary>
    public Task<string> GetOrUnpackAsync(string digest, string zipPath)
    {
        var dir = Path.Combine(_root, digest);
        if (Directory.Exists(dir))
        {
            return Task.FromResult(dir);
        }
        lock (_gate)
        {
            if (!_unpacking.TryGetValue(digest, out var task) || task.IsFaulted)
            {
                task = Task.Run(() => Unpack(zipPath, dir));
                _unpacking[digest] = task;
            }
            return task;
        }
    }

    /// <summary>Removes unpacked packages no longer referenced.</summary>
    public void Retain(IReadOnlySet<string> digests)
    {
        foreach (var dir in Directory.EnumerateDirectories(_root))
        {
            var name = Path.GetFileName(dir);
            if (!digests.Contains(name) && !name.Contains(".unpacking-", StringComparison.Ordinal))
            {
                try { Directory.Delete(dir, true); } catch (IOException) { }
                lock (_gate)
                {
                    _unpacking.Remove(name);
                }
            }
        }
    }

    private static string Unpack(string zipPath, string dir)
    {
        var tmp = dir + ".unpacking-" + Guid.NewGuid().ToString("N")[..8];
        Directory.CreateDirectory(tmp);
        try
        {
            using (var zip = ZipFile.OpenRead(zipPath))
            {
                var fullTmp = Path.GetFullPath(tmp) + Path.DirectorySeparatorChar;
                foreach (var entry in zip.Entries)
                {
                    var target = Path.GetFullPath(Path.Combine(tmp, entry.FullName));
                    if (!target.StartsWith(fullTmp, StringComparison.Ordinal))
                    {
                        throw new InvalidDataException($"zip entry '{entry.FullName}' points outside the package");
                    }
                    if (entry.FullName.EndsWith('/'))
                    {
                        Directory.CreateDirectory(target);
                        continue;
                    }
                    Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                    entry.ExtractToFile(target, overwrite: true);
                    var mode = (entry.ExternalAttributes >> 16) & 0x1FF;
                    if (mode != 0)
                    {
                        // Instances run as another user than the invoker (uid 1003): code is
                        // readable by all, and what its owner may execute, all may execute.
                        var unixMode = (UnixFileMode)mode | UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
                        if ((unixMode & UnixFileMode.UserExecute) != 0)
                        {
                            unixMode |= UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
                        }
                        File.SetUnixFileMode(target, unixMode);
                    }
                    else if (entry.FullName is "bootstrap")
                    {
                        // Archives made on systems without Unix modes (e.g. Windows) carry no
                        // permission bits: the bootstrap is made executable as the platform does.
                        File.SetUnixFileMode(target, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
                    }
                }
            }
            Directory.Move(tmp, dir);
            return dir;
        }
        catch
        {
            try { Directory.Delete(tmp, true); } catch (IOException) { }
            if (Directory.Exists(dir))
            {
                return dir; // another unpack of the same digest won the race
            }
            throw;
        }
    }
}
