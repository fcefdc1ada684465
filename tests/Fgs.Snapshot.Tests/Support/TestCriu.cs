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

    private static string? LocalPrefix() =>
        Environment.GetEnvironmentVariable("FGS_CRIU_PREFIX") ?? CriuLocator.FindLocalPrefix(RepoPaths.Root);
}
