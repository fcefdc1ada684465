namespace Fgs.Snapshot.Images;

/// <summary>
/// Keeps snapshot images in one folder on tmpfs (restores read every page, so the images live in
/// memory), within a size budget: adding an image evicts the least recently used others until the
/// total fits. Keys are function versions; a key holds at most one image. Thread-safe.
/// </summary>
public sealed class SnapshotImageStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Entry> _images = new(StringComparer.Ordinal);
    // Folders this store handed out (dumps of this run, maybe in progress): never an earlier run's.
    private readonly HashSet<string> _prepared = new(StringComparer.Ordinal);
    private long _clock;
    private long _usedBytes;

    /// <summary>Creates a store under <paramref name="root"/> holding at most <paramref name="budgetBytes"/>.</summary>
    public SnapshotImageStore(string root, long budgetBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(budgetBytes);
        Root = root;
        BudgetBytes = budgetBytes;
        Directory.CreateDirectory(root);
    }

    /// <summary>The default root: <c>/dev/shm/fgs-snapshots</c> where /dev/shm exists, else the temp folder.</summary>
    public static string DefaultRoot =>
        Directory.Exists("/dev/shm") ? "/dev/shm/fgs-snapshots" : Path.Combine(Path.GetTempPath(), "fgs-snapshots");

    /// <summary>The folder images are kept under.</summary>
    public string Root { get; }

    /// <summary>The most bytes the images may take together.</summary>
    public long BudgetBytes { get; }

    /// <summary>The bytes the images take now.</summary>
    public long UsedBytes
    {
        get
        {
            lock (_lock)
                return _usedBytes;
        }
    }

    /// <summary>How many images are kept.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
                return _images.Count;
        }
    }

    /// <summary>A fresh, empty folder for dumping <paramref name="key"/>'s image into (a new name each
    /// time, so no image kept from an earlier run is touched).</summary>
    public string PrepareDirectory(string key)
    {
        string dir;
        do
            dir = Path.Combine(Root, $"{Sanitize(key)}-{Guid.NewGuid().ToString("N")[..12]}");
        while (Directory.Exists(dir));
        lock (_lock)
            _prepared.Add(dir);
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>
    /// Takes in the images an earlier run left under <see cref="Root"/>: every folder whose
    /// <see cref="ImageManifest"/> is present, is <paramref name="wanted"/> and whose files add up to
    /// the manifest's size is added (oldest first, within the budget, so the least recently made are
    /// evicted first). Every other folder (no manifest: an interrupted dump; not wanted: a stale or
    /// forgotten image; a size that differs: an incomplete one) is deleted. Folders this store
    /// prepared itself (dumps of this run) are left alone.
    /// </summary>
    /// <param name="wanted">Whether a manifest's image may be used (its key and identity match a version).</param>
    /// <returns>The images now kept, by key.</returns>
    public IReadOnlyDictionary<string, SnapshotImage> Recover(Func<ImageManifest, bool> wanted)
    {
        var found = new List<(string Directory, ImageManifest Manifest)>();
        foreach (var dir in Directory.EnumerateDirectories(Root))
        {
            lock (_lock)
            {
                if (_prepared.Contains(dir) || _images.Values.Any(e => e.Image.Directory == dir))
                    continue;
            }
            var manifest = ImageManifest.TryRead(dir);
            long size;
            try
            {
                size = manifest is null ? -1 : SnapshotImage.MeasureSize(dir);
            }
            catch (IOException)
            {
                size = -1;
            }
            if (manifest is not null && size == manifest.SizeBytes && wanted(manifest))
                found.Add((dir, manifest));
            else
                DeleteDirectory(dir);
        }
        foreach (var (dir, manifest) in found.OrderBy(f => f.Manifest.Made))
            TryAdd(manifest.Key, manifest.ToImage(dir), out _);
        lock (_lock)
        {
            return found.Where(f => _images.TryGetValue(f.Manifest.Key, out var e) && e.Image.Directory == f.Directory)
                .ToDictionary(f => f.Manifest.Key, f => _images[f.Manifest.Key].Image, StringComparer.Ordinal);
        }
    }

    /// <summary>Adds <paramref name="image"/> under <paramref name="key"/>, replacing any older image
    /// of the key, and evicts the least recently used others until the total fits the budget.
    /// An image larger than the whole budget is refused: its folder is deleted and the result is false.</summary>
    /// <param name="key">The function version.</param>
    /// <param name="image">The dumped image (its folder should be under <see cref="Root"/>).</param>
    /// <param name="evicted">The keys whose images were evicted to make room.</param>
    public bool TryAdd(string key, SnapshotImage image, out IReadOnlyList<string> evicted)
    {
        var removedDirs = new List<string>();
        var evictedKeys = new List<string>();
        bool added;
        lock (_lock)
        {
            if (_images.Remove(key, out var old))
            {
                _usedBytes -= old.Image.SizeBytes;
                if (old.Image.Directory != image.Directory)
                    removedDirs.Add(old.Image.Directory);
            }
            if (image.SizeBytes > BudgetBytes)
            {
                added = false;
                removedDirs.Add(image.Directory);
            }
            else
            {
                while (_usedBytes + image.SizeBytes > BudgetBytes)
                {
                    var victim = _images.MinBy(kv => kv.Value.LastUse);
                    _images.Remove(victim.Key);
                    _usedBytes -= victim.Value.Image.SizeBytes;
                    removedDirs.Add(victim.Value.Image.Directory);
                    evictedKeys.Add(victim.Key);
                }
                _images[key] = new Entry(image, ++_clock);
                _usedBytes += image.SizeBytes;
                added = true;
            }
        }
        foreach (var dir in removedDirs)
            DeleteDirectory(dir);
        evicted = evictedKeys;
        return added;
    }

    /// <summary>The image of <paramref name="key"/>, marking it used now (for eviction order).</summary>
    public bool TryGet(string key, out SnapshotImage image)
    {
        lock (_lock)
        {
            if (_images.TryGetValue(key, out var entry))
            {
                entry.LastUse = ++_clock;
                image = entry.Image;
                return true;
            }
        }
        image = null!;
        return false;
    }

    /// <summary>Removes and deletes the image of <paramref name="key"/>; false when there was none.</summary>
    public bool Remove(string key)
    {
        Entry? entry;
        lock (_lock)
        {
            if (!_images.Remove(key, out entry))
                return false;
            _usedBytes -= entry.Image.SizeBytes;
        }
        DeleteDirectory(entry.Image.Directory);
        return true;
    }

    /// <summary>Deletes every image.</summary>
    public void Clear()
    {
        List<Entry> all;
        lock (_lock)
        {
            all = [.. _images.Values];
            _images.Clear();
            _usedBytes = 0;
        }
        foreach (var entry in all)
            DeleteDirectory(entry.Image.Directory);
    }

    private static string Sanitize(string key)
    {
        Span<char> buffer = key.Length <= 200 ? stackalloc char[key.Length] : new char[key.Length];
        for (var i = 0; i < key.Length; i++)
            buffer[i] = char.IsAsciiLetterOrDigit(key[i]) || key[i] is '-' or '.' ? key[i] : '_';
        return new string(buffer);
    }

    private static void DeleteDirectory(string dir)
    {
        try
        {
            if (Directory.Exists(dir))
                Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private sealed class Entry(SnapshotImage image, long lastUse)
    {
        public SnapshotImage Image { get; } = image;

        public long LastUse { get; set; } = lastUse;
    }
}
