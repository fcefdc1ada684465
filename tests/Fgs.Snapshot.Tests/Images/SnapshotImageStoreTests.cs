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
