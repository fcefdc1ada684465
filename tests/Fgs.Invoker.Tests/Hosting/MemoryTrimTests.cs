using Fgs.Invoker.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Fgs.Invoker.Tests.Hosting;

/// <summary>The collection after code uploads runs once they have been quiet for a second, once
/// per burst, and never for small bodies.</summary>
public sealed class MemoryTrimTests
{
    [Fact]
    public void A_burst_of_uploads_is_trimmed_once_after_a_quiet_second()
    {
        var clock = new FakeTimeProvider();
        var trim = new MemoryTrim(clock);
        trim.NoteUpload(MemoryTrim.MinimumBytes - 1);
        clock.Advance(TimeSpan.FromSeconds(5));
        trim.MaybeTrim();
        Assert.Equal(0, trim.Trims);

        for (var i = 0; i < 10; i++)
        {
            trim.NoteUpload(1024 * 1024);
            clock.Advance(TimeSpan.FromMilliseconds(300));
            trim.MaybeTrim();
        }
        Assert.Equal(0, trim.Trims); // still uploading
        clock.Advance(TimeSpan.FromSeconds(1));
        trim.MaybeTrim();
        Assert.Equal(1, trim.Trims);
        clock.Advance(TimeSpan.FromSeconds(10));
        trim.MaybeTrim();
        Assert.Equal(1, trim.Trims);
    }
}
