using Fgs.Snapshot.Criu;

namespace Fgs.Snapshot.Tests.Support;

/// <summary>The host's CRIU, detected once; tests that need it are skipped with the reason when it does not work.</summary>
internal static class TestCriu
{
    private static readonly Lazy<Task<(CriuDriver? Driver, CheckpointCapability Capability)>> s_detect =
        new(() => CriuDriver.DetectAsync(CriuLocator.FindCandidates(prefix: LocalPrefix())));

    public static Task<(CriuDriver? Driver, CheckpointCapability Capability)> DetectAsync() => s_detect.Value;

    public static async Task<CriuDriver> RequireAsync()
    {
        var (driver, capability) = await DetectAsync();
        if (driver is null)
            Assert.Skip("CRIU cannot checkpoint on this host: " + capability.Reason);
        return driver;
    }

    /// <summary>The detected driver with the launcher that starts restore workers ahead of time
    /// (<c>fgs-spawn</c>, built with the invoker); skipped with the reason when either is missing.</summary>
    public static async Task<CriuDriver> RequireWithWorkersAsync()
    {
        var driver = await RequireAsync();
        var helper = Path.Combine(RepoPaths.Root, "invoker", "Fgs.Invoker", "obj", "native", "fgs-spawn");
        if (!File.Exists(helper))
            Assert.Skip($"fgs-spawn is not built (expected at {helper}; build the solution first)");
        return new CriuDriver(driver.Command) { SpawnHelper = helper, LazyPagesSupported = driver.LazyPagesSupported };
    }

    private static string? LocalPrefix() =>
        Environment.GetEnvironmentVariable("FGS_CRIU_PREFIX") ?? CriuLocator.FindLocalPrefix(RepoPaths.Root);
}
