using Fgs.Snapshot.Criu;

namespace Fgs.Snapshot.Tests.Criu;

public sealed class CriuLocatorTests
{
    [Fact]
    public void A_local_prefix_runs_criu_through_its_own_loader()
    {
        var prefix = Path.Combine(Path.GetTempPath(), "fgs-criu-prefix-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            Assert.Null(CriuLocator.FromPrefix(prefix));
            var lib = Path.Combine(prefix, "usr", "lib", "x86_64-linux-gnu");
            Directory.CreateDirectory(lib);
            Directory.CreateDirectory(Path.Combine(prefix, "usr", "sbin"));
            File.WriteAllText(Path.Combine(lib, "ld-linux-x86-64.so.2"), "");
            File.WriteAllText(Path.Combine(prefix, "usr", "sbin", "criu"), "");

            var command = CriuLocator.FromPrefix(prefix)!;
            Assert.Equal(Path.Combine(lib, "ld-linux-x86-64.so.2"), command.FileName);
            Assert.Equal(["--library-path", lib, Path.Combine(prefix, "usr", "sbin", "criu")], command.PrefixArguments);

            var candidates = CriuLocator.FindCandidates(pathVariable: "", prefix: prefix);
            Assert.Single(candidates);
            Assert.Equal(prefix, candidates[0].Origin);
        }
        finally
        {
            Directory.Delete(prefix, recursive: true);
        }
    }

    [Fact]
    public async Task No_criu_anywhere_is_unsupported_with_the_reason()
    {
        var (driver, capability) = await CriuDriver.DetectAsync([], TestContext.Current.CancellationToken);
        Assert.Null(driver);
        Assert.False(capability.Available);
        Assert.Contains("install-criu.sh", capability.Reason, StringComparison.Ordinal);
    }
}
