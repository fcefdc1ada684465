using Fgs.Snapshot.Lifecycle;
using Microsoft.Extensions.Time.Testing;

namespace Fgs.Snapshot.Tests.Lifecycle;

public sealed class SnapshotRegistryTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Making_then_ready_keeps_the_image()
    {
        var registry = new SnapshotRegistry(_time);
        Assert.NotNull(registry.TryBeginMaking("v1"));
        Assert.Null(registry.TryBeginMaking("v1"));
        Assert.Equal(SnapshotState.Making, registry.Get("v1")!.State);
        var image = new SnapshotImage("/x", 10, TimeSpan.Zero);
        Assert.True(registry.MarkReady("v1", image));
        Assert.Equal(SnapshotState.Ready, registry.Get("v1")!.State);
        Assert.Same(image, registry.Get("v1")!.Image);
    }

    [Fact]
    public void Making_past_five_minutes_fails_and_cancels_its_token()
    {
        var registry = new SnapshotRegistry(_time);
        var token = registry.TryBeginMaking("v1")!.Value;
        _time.Advance(TimeSpan.FromMinutes(4.9));
        Assert.Equal(SnapshotState.Making, registry.Get("v1")!.State);
        Assert.False(token.IsCancellationRequested);

        _time.Advance(TimeSpan.FromMinutes(0.2));
        Assert.True(token.IsCancellationRequested);
        var status = registry.Get("v1")!;
        Assert.Equal(SnapshotState.Failed, status.State);
        Assert.Equal("making took longer than 5 minutes", status.Reason);
        Assert.False(registry.MarkReady("v1", new SnapshotImage("/x", 1, TimeSpan.Zero)));
        Assert.NotNull(registry.TryBeginMaking("v1"));
    }

    [Fact]
    public void Failed_and_unsupported_carry_their_reason()
    {
        var registry = new SnapshotRegistry(_time);
        registry.MarkUnsupported("a", "no criu found");
        registry.MarkFailed("b", "criu restore failed (exit 1): bad image");
        Assert.Equal((SnapshotState.Unsupported, "no criu found"), (registry.Get("a")!.State, registry.Get("a")!.Reason));
        Assert.Equal(SnapshotState.Failed, registry.Get("b")!.State);
        Assert.True(registry.Remove("a"));
        Assert.Null(registry.Get("a"));
        Assert.Single(registry.All());
    }
}
