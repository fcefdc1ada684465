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
    private long _clock;
    private long _usedBytes;
    private int _sequence;

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

    /// <summary>A fresh, empty folder for dumping <paramref name="key"/>'s image into.</summary>
    public string PrepareDirectory(string key)
    {
        var n = Interlocked.Increment(ref _sequence);
        var dir = Path.Combine(Root, $"{Sanitize(key)}-{Environment.ProcessId}-{n}");
        if (Directory.Exists(dir))
            Directory.Delete(dir, recursive: true);
        Directory.CreateDirectory(dir);
        return dir;
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
