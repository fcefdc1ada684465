using Fgs.Snapshot.Criu;
using Fgs.Snapshot.Tests.Support;

namespace Fgs.Snapshot.Tests.Criu;

public sealed class KerndatCacheTests
{
    [Fact]
    public async Task The_kernel_feature_cache_is_in_place_after_detection()
    {
        var driver = await TestCriu.RequireAsync();
        var result = await KerndatCache.EnsureAsync(driver.Command, TestContext.Current.CancellationToken);
        TestContext.Current.SendDiagnosticMessage(result);
        if (result.Contains("not root", StringComparison.Ordinal) || result.Contains("tmpfs", StringComparison.Ordinal))
            Assert.Skip("criu keeps its own cache here: " + result);
        Assert.Equal("kerndat cache: present", result);
        var cache = new FileInfo(KerndatCache.CachePath);
        Assert.True(cache.Exists && cache.Length > 0, "no cache at " + KerndatCache.CachePath);
    }
}
