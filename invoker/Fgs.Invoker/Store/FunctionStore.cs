using System.Text.Json;
using Fgs.Core.Functions;
using Fgs.Core.Json;
using Fgs.Core.Reserved;
using Fgs.Core.Versions;

namespace Fgs.Invoker.Store;

/// <summary>
/// The embedded durable store: one <c>function.json</c> per function under
/// <c>DATA/functions/{project}/{package}/{name}/</c>, with its published versions in
/// <c>versions/{version}.json</c>, its aliases in <c>aliases.json</c> and its reserved-instance
/// configurations in <c>reserved.json</c> beside it, and code packages by digest under
/// <c>DATA/packages/{digest}.zip</c>. Every write is fsync'd and renamed into place, so a
/// <c>kill -9</c> at any moment leaves the previous or the next state, never a torn one.
/// A package is written before the definition that points at it.
/// </summary>
internal sealed class FunctionStore
{
    private const string DefinitionFile = "function.json";
    private const string VersionsFolder = "versions";
    private const string VersionSuffix = ".json";
    private const string AliasesFile = "aliases.json";
    private const string ReservedFile = "reserved.json";
    private const string SnapshotFile = "snapshot.json";

    private readonly string _functionsRoot;
    private readonly string _packagesRoot;

    public FunctionStore(string dataDir)
    {
        _functionsRoot = Path.Combine(dataDir, "functions");
        _packagesRoot = Path.Combine(dataDir, "packages");
        Directory.CreateDirectory(_functionsRoot);
        Directory.CreateDirectory(_packagesRoot);
        DurableFile.CleanLeftovers(_functionsRoot);
        DurableFile.CleanLeftovers(_packagesRoot);
    }

    /// <summary>Every stored function. Unreadable definitions are reported through <paramref name="onError"/> and skipped.</summary>
    public List<FunctionDefinition> LoadAll(Action<string>? onError = null)
    {
        var result = new List<FunctionDefinition>();
        // Exactly functions/{project}/{package}/{name}/function.json: files deeper down (versions/)
        // are not definitions of latest.
        foreach (var file in Directory.EnumerateDirectories(_functionsRoot)
                     .SelectMany(Directory.EnumerateDirectories)
                     .SelectMany(Directory.EnumerateDirectories)
                     .Select(dir => Path.Combine(dir, DefinitionFile))
                     .Where(File.Exists))
        {
            try
            {
                var def = JsonSerializer.Deserialize(File.ReadAllBytes(file), FgsJsonContext.Default.FunctionDefinition);
                if (def is not null)
                {
                    result.Add(def);
                }
            }
            catch (Exception e) when (e is JsonException or IOException)
            {
                onError?.Invoke($"skipping unreadable function definition {file}: {e.Message}");
            }
        }
        return result;
    }

    /// <summary>The published versions of a function (<c>versions/{version}.json</c> in its folder).
    /// Unreadable or mismatched files are reported through <paramref name="onError"/> and skipped.</summary>
    public List<FunctionVersion> LoadVersions(FunctionDefinition latest, Action<string>? onError = null)
    {
        ArgumentNullException.ThrowIfNull(latest);
        var result = new List<FunctionVersion>();
        var dir = Path.Combine(FunctionDir(latest.ProjectId, latest.Package, latest.Name), VersionsFolder);
        if (!Directory.Exists(dir))
        {
            return result;
        }
        foreach (var file in Directory.EnumerateFiles(dir, "*" + VersionSuffix))
        {
            try
            {
                var version = JsonSerializer.Deserialize(File.ReadAllBytes(file), FgsJsonContext.Default.FunctionVersion);
                var def = version?.Definition;
                if (version is null || def is null || def.ProjectId != latest.ProjectId || def.Package != latest.Package || def.Name != latest.Name
                    || def.Version + VersionSuffix != Path.GetFileName(file))
                {
                    onError?.Invoke($"skipping version file {file}: it does not hold a version of {latest.Package}/{latest.Name} named as the file");
                    continue;
                }
                result.Add(version);
            }
            catch (Exception e) when (e is JsonException or IOException)
            {
                onError?.Invoke($"skipping unreadable version {file}: {e.Message}");
            }
        }
        return result;
    }

    /// <summary>The aliases of a function (<c>aliases.json</c> in its folder); none when the file is
    /// missing or unreadable (reported through <paramref name="onError"/>).</summary>
    public List<FunctionAlias> LoadAliases(FunctionDefinition latest, Action<string>? onError = null)
    {
        ArgumentNullException.ThrowIfNull(latest);
        var file = Path.Combine(FunctionDir(latest.ProjectId, latest.Package, latest.Name), AliasesFile);
        if (!File.Exists(file))
        {
            return [];
        }
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllBytes(file), FgsJsonContext.Default.ListFunctionAlias) ?? [];
        }
        catch (Exception e) when (e is JsonException or IOException)
        {
            onError?.Invoke($"skipping unreadable aliases {file}: {e.Message}");
            return [];
        }
    }

    /// <summary>The reserved-instance configurations of a function (<c>reserved.json</c> in its
    /// folder); none when the file is missing or unreadable (reported through <paramref name="onError"/>).</summary>
    public List<ReservedInstanceConfigs> LoadReserved(string projectId, string package, string name, Action<string>? onError = null)
    {
        var file = Path.Combine(FunctionDir(projectId, package, name), ReservedFile);
        if (!File.Exists(file))
        {
            return [];
        }
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllBytes(file), FgsJsonContext.Default.ListReservedInstanceConfigsResponse)?.ReservedInstances ?? [];
        }
        catch (Exception e) when (e is JsonException or IOException)
        {
            onError?.Invoke($"skipping unreadable reserved-instance configurations {file}: {e.Message}");
            return [];
        }
    }

    /// <summary>Durably replaces a function's reserved-instance configurations (<c>reserved.json</c>
    /// in its folder); an empty list removes the file.</summary>
    public void SaveReserved(string projectId, string package, string name, IReadOnlyCollection<ReservedInstanceConfigs> configs)
    {
        ArgumentNullException.ThrowIfNull(configs);
        var path = Path.Combine(FunctionDir(projectId, package, name), ReservedFile);
        if (configs.Count == 0)
        {
            if (File.Exists(path))
            {
                File.Delete(path);
                DurableFile.SyncDirectory(Path.GetDirectoryName(path)!);
            }
            return;
        }
        var file = new ListReservedInstanceConfigsResponse { ReservedInstances = [.. configs], Count = configs.Count };
        DurableFile.WriteAtomic(path, JsonSerializer.SerializeToUtf8Bytes(file, FgsJsonContext.Default.ListReservedInstanceConfigsResponse));
    }

    /// <summary>A function's snapshot setting (<c>snapshot.json</c> in its folder): off, with no
    /// versions, when the file is missing or unreadable (reported through <paramref name="onError"/>).</summary>
    public Fgs.Core.Snapshots.SnapshotSettings LoadSnapshotSettings(string projectId, string package, string name, Action<string>? onError = null)
    {
        var file = Path.Combine(FunctionDir(projectId, package, name), SnapshotFile);
        if (!File.Exists(file))
        {
            return new Fgs.Core.Snapshots.SnapshotSettings();
        }
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllBytes(file), FgsJsonContext.Default.SnapshotSettings) ?? new Fgs.Core.Snapshots.SnapshotSettings();
        }
        catch (Exception e) when (e is JsonException or IOException)
        {
            onError?.Invoke($"ignoring unreadable snapshot setting {file}: {e.Message}");
            return new Fgs.Core.Snapshots.SnapshotSettings();
        }
    }

    /// <summary>Durably records a function's snapshot setting (<c>snapshot.json</c> in its folder).
    /// Nothing is written when the function's folder is gone (the function was deleted).</summary>
    public void SaveSnapshotSettings(string projectId, string package, string name, Fgs.Core.Snapshots.SnapshotSettings settings)
    {
        var dir = FunctionDir(projectId, package, name);
        if (!Directory.Exists(dir))
        {
            return;
        }
        DurableFile.WriteAtomic(Path.Combine(dir, SnapshotFile), JsonSerializer.SerializeToUtf8Bytes(settings, FgsJsonContext.Default.SnapshotSettings));
    }

    /// <summary>Durably writes a function's definition (its package must already be stored).</summary>
    public void Save(FunctionDefinition definition)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(definition, FgsJsonContext.Default.FunctionDefinition);
        DurableFile.WriteAtomic(Path.Combine(FunctionDir(definition.ProjectId, definition.Package, definition.Name), DefinitionFile), bytes);
    }

    /// <summary>Durably writes a published version (<c>versions/{version}.json</c> in its function's folder).</summary>
    public void SaveVersion(FunctionVersion version)
    {
        ArgumentNullException.ThrowIfNull(version);
        var def = version.Definition;
        var bytes = JsonSerializer.SerializeToUtf8Bytes(version, FgsJsonContext.Default.FunctionVersion);
        DurableFile.WriteAtomic(VersionPath(def.ProjectId, def.Package, def.Name, def.Version), bytes);
    }

    /// <summary>Durably removes a published version's file.</summary>
    public void DeleteVersion(string projectId, string package, string name, string version)
    {
        var path = VersionPath(projectId, package, name, version);
        if (File.Exists(path))
        {
            File.Delete(path);
            DurableFile.SyncDirectory(Path.GetDirectoryName(path)!);
        }
    }

    /// <summary>Durably replaces a function's aliases (<c>aliases.json</c> in its folder).</summary>
    public void SaveAliases(string projectId, string package, string name, IReadOnlyCollection<FunctionAlias> aliases)
    {
        ArgumentNullException.ThrowIfNull(aliases);
        var bytes = JsonSerializer.SerializeToUtf8Bytes([.. aliases], FgsJsonContext.Default.ListFunctionAlias);
        DurableFile.WriteAtomic(Path.Combine(FunctionDir(projectId, package, name), AliasesFile), bytes);
    }

    /// <summary>Durably removes a function with its versions and aliases (its packages are
    /// collected by <see cref="CollectPackages"/>).</summary>
    public void Delete(string projectId, string package, string name)
        => DurableFile.DeleteDirectory(FunctionDir(projectId, package, name));

    /// <summary>Durably stores a code package under its digest (idempotent).</summary>
    public void SavePackage(string digest, ReadOnlySpan<byte> zip)
    {
        var path = PackagePath(digest);
        if (!File.Exists(path))
        {
            DurableFile.WriteAtomic(path, zip);
        }
    }

    /// <summary>Path of a stored package.</summary>
    public string PackagePath(string digest) => Path.Combine(_packagesRoot, SafeSegment(digest) + ".zip");

    /// <summary>Deletes packages that no definition references.</summary>
    public void CollectPackages(IReadOnlySet<string> referenced)
    {
        foreach (var file in Directory.EnumerateFiles(_packagesRoot, "*.zip"))
        {
            if (!referenced.Contains(Path.GetFileNameWithoutExtension(file)))
            {
                try { File.Delete(file); } catch (IOException) { }
            }
        }
    }

    private string VersionPath(string projectId, string package, string name, string version)
        => Path.Combine(FunctionDir(projectId, package, name), VersionsFolder, SafeSegment(version + VersionSuffix));

    private string FunctionDir(string projectId, string package, string name)
        => Path.Combine(_functionsRoot, SafeSegment(projectId), SafeSegment(package), SafeSegment(name));

    private static string SafeSegment(string s)
    {
        // Names are validated before they get here; this is a second line of defence against
        // anything that would escape the store folder.
        if (s.Length == 0 || s is "." or ".." || s.IndexOfAny(['/', '\\', '\0']) >= 0)
        {
            throw new ArgumentException($"'{s}' cannot be used as a store path segment");
        }
        return s;
    }
}
