using Fgs.Snapshot.Images;

namespace Fgs.Snapshot.Tests.Images;

public sealed class SnapshotImageStoreTests : IDisposable
{
    private readonly SnapshotImageStore _store = new(Path.Combine(Path.GetTempPath(), "fgs-store-" + Guid.NewGuid().ToString("N")[..8]), budgetBytes: 100);

    [Fact]
    public void Adding_over_the_budget_evicts_the_least_recently_used()
    {
        var a = Image("a", 40);
        var b = Image("b", 40);
        Assert.True(_store.TryAdd("a", a, out _));
        Assert.True(_store.TryAdd("b", b, out _));
        Assert.True(_store.TryGet("a", out _)); // a is now more recent than b

        Assert.True(_store.TryAdd("c", Image("c", 40), out var evicted));
        Assert.Equal(["b"], evicted);
        Assert.False(Directory.Exists(b.Directory));
        Assert.True(_store.TryGet("a", out _));
        Assert.Equal(80, _store.UsedBytes);
    }

    [Fact]
    public void An_image_larger_than_the_budget_is_refused_and_deleted()
    {
        var big = Image("big", 101);
        Assert.False(_store.TryAdd("big", big, out _));
        Assert.False(Directory.Exists(big.Directory));
        Assert.Equal(0, _store.Count);
    }

    [Fact]
    public void A_new_image_replaces_the_keys_old_one()
    {
        var first = Image("k", 30);
        Assert.True(_store.TryAdd("k", first, out _));
        Assert.True(_store.TryAdd("k", Image("k", 50), out var evicted));
        Assert.Empty(evicted);
        Assert.False(Directory.Exists(first.Directory));
        Assert.Equal(50, _store.UsedBytes);
        Assert.True(_store.Remove("k"));
        Assert.Equal(0, _store.UsedBytes);
    }

    [Fact]
    public void Images_with_a_matching_manifest_are_taken_up_again_and_others_are_deleted()
    {
        var t0 = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var kept = Image("p/d/f:1", 30);
        new ImageManifest("p/d/f:1", "code-a", kept.SizeBytes, t0, TimeSpan.FromMilliseconds(40), "/i/a", "/i/o").Write(kept.Directory);
        var stale = Image("p/d/f:2", 10);
        new ImageManifest("p/d/f:2", "code-old", stale.SizeBytes, t0, TimeSpan.Zero, null, null).Write(stale.Directory);
        var interrupted = Image("p/d/f:3", 10); // no manifest: the dump never finished
        var truncated = Image("p/d/f:4", 10);
        new ImageManifest("p/d/f:4", "code-d", 20, t0, TimeSpan.Zero, null, null).Write(truncated.Directory);
        var forgotten = Image("p/d/g:1", 10);
        new ImageManifest("p/d/g:1", "code-g", forgotten.SizeBytes, t0, TimeSpan.Zero, null, null).Write(forgotten.Directory);

        // A later run of the store on the same folder.
        var later = new SnapshotImageStore(_store.Root, budgetBytes: 100);
        var dumping = later.PrepareDirectory("p/d/f:5"); // a dump of the later run, still without its manifest
        var wanted = new Dictionary<string, string> { ["p/d/f:1"] = "code-a", ["p/d/f:2"] = "code-b", ["p/d/f:3"] = "code-c", ["p/d/f:4"] = "code-d" };
        var found = later.Recover(m => wanted.TryGetValue(m.Key, out var identity) && identity == m.Identity);

        var image = Assert.Single(found).Value;
        Assert.Equal(kept.Directory, image.Directory);
        Assert.Equal(30, image.SizeBytes);
        Assert.Equal("/i/a", image.AddressFile);
        Assert.Equal("/i/o", image.OutputFile);
        Assert.Equal(TimeSpan.FromMilliseconds(40), image.CheckpointTime);
        Assert.True(later.TryGet("p/d/f:1", out _));
        Assert.Equal(30, later.UsedBytes);
        foreach (var gone in new[] { stale, interrupted, truncated, forgotten })
            Assert.False(Directory.Exists(gone.Directory), gone.Directory);
        Assert.True(Directory.Exists(dumping));
    }

    [Fact]
    public void Images_taken_up_again_count_against_the_budget_and_the_oldest_made_are_evicted_first()
    {
        var t0 = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var images = new List<SnapshotImage>();
        foreach (var (key, minutes) in new[] { ("b", 2), ("a", 1), ("c", 3) })
        {
            var image = Image(key, 40);
            new ImageManifest(key, "id", image.SizeBytes, t0.AddMinutes(minutes), TimeSpan.Zero, null, null).Write(image.Directory);
            images.Add(image);
        }
        var later = new SnapshotImageStore(_store.Root, budgetBytes: 100);
        var found = later.Recover(_ => true);

        Assert.Equal(["b", "c"], found.Keys.Order());
        Assert.Equal(80, later.UsedBytes);
        Assert.False(Directory.Exists(images[1].Directory)); // "a", made first, was evicted
        // The store goes on evicting as before.
        Assert.True(later.TryAdd("d", Image("d", 40), out var evicted));
        Assert.Equal(["b"], evicted);
    }

    public void Dispose()
    {
        _store.Clear();
        Directory.Delete(_store.Root, recursive: true);
    }

    private SnapshotImage Image(string key, long size)
    {
        var dir = _store.PrepareDirectory(key);
        File.WriteAllBytes(Path.Combine(dir, "pages-1.img"), new byte[size]);
        return new SnapshotImage(dir, SnapshotImage.MeasureSize(dir), TimeSpan.FromMilliseconds(5));
    }
}
