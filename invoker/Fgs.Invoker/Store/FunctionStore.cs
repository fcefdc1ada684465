using System.Text.Json;
using Fgs.Core.Functions;
using Fgs.Core.Json;

namespace Fgs.Invoker.Store;

/// <summary>
/// The embedded durable store: one <c>function.json</c> per function under
/// <c>DATA/functions/{project}/{package}/{name}/</c>, and code packages by digest under
/// <c>DATA/packages/{digest}.zip</c>. Every write is fsync'd and renamed into place, so a
/// <c>kill -9</c> at any moment leaves the previous or the next state, never a torn one.
/// A package is written before the definition that points at it.
/// </summary>
internal sealed class FunctionStore
{
    private const string DefinitionFile = "function.json";

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
        foreach (var file in Directory.EnumerateFiles(_functionsRoot, DefinitionFile, SearchOption.AllDirectories))
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

    /// <summary>Durably writes a function's definition (its package must already be stored).</summary>
    public void Save(FunctionDefinition definition)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(definition, FgsJsonContext.Default.FunctionDefinition);
        DurableFile.WriteAtomic(Path.Combine(FunctionDir(definition.ProjectId, definition.Package, definition.Name), DefinitionFile), bytes);
    }

    /// <summary>Durably removes a function (its packages are collected by <see cref="CollectPackages"/>).</summary>
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
