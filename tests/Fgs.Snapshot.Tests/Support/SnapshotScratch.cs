using Fgs.Snapshot.Criu;
using Fgs.Snapshot.Images;
using Fgs.Snapshot.Lifecycle;

namespace Fgs.Snapshot.Tests.Support;

/// <summary>A fresh image store (on tmpfs) and instance folder for one test, deleted afterwards.</summary>
internal sealed class SnapshotScratch : IDisposable
{
    public SnapshotScratch(CriuDriver driver, CheckpointCapability capability, long budgetBytes = 1L << 30)
    {
        var id = Guid.NewGuid().ToString("N")[..10];
        Folder = Path.Combine(Path.GetTempPath(), "fgs-snap-test-" + id);
        Directory.CreateDirectory(Folder);
        Images = new SnapshotImageStore(Path.Combine(SnapshotImageStore.DefaultRoot, "test-" + id), budgetBytes);
        Service = new SnapshotService(driver, capability, Images, new SnapshotRegistry(TimeProvider.System));
    }

    public string Folder { get; }

    public SnapshotImageStore Images { get; }

    public SnapshotService Service { get; }

    public string Sub(string name) => Path.Combine(Folder, name);

    public void Dispose()
    {
        if (Environment.GetEnvironmentVariable("FGS_KEEP_SCRATCH") == "1")
            return;
        Images.Clear();
        try
        {
            Directory.Delete(Images.Root, recursive: true);
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
