using System.Collections.Concurrent;
using Fgs.Core.Functions;

namespace Fgs.Core.Routing;

/// <summary>
/// The functions known to this node, by project, package and name: the in-memory view the router
/// reads on every invocation (the durable copy lives in the store).
/// </summary>
public sealed class FunctionCatalog
{
    private readonly ConcurrentDictionary<FunctionKey, FunctionDefinition> _functions = new();

    /// <summary>Number of functions.</summary>
    public int Count => _functions.Count;

    /// <summary>Looks a function up.</summary>
    public bool TryGet(string projectId, string package, string name, out FunctionDefinition definition)
        => _functions.TryGetValue(new FunctionKey(projectId, package, name), out definition!);

    /// <summary>Adds or replaces a function.</summary>
    public void Set(FunctionDefinition definition)
        => _functions[new FunctionKey(definition.ProjectId, definition.Package, definition.Name)] = definition;

    /// <summary>Adds a function unless one with the same key exists.</summary>
    public bool TryAdd(FunctionDefinition definition)
        => _functions.TryAdd(new FunctionKey(definition.ProjectId, definition.Package, definition.Name), definition);

    /// <summary>Removes a function.</summary>
    public bool TryRemove(string projectId, string package, string name, out FunctionDefinition definition)
        => _functions.TryRemove(new FunctionKey(projectId, package, name), out definition!);

    /// <summary>Functions of a project, ordered by package then name (stable for paging).</summary>
    public List<FunctionDefinition> List(string projectId, string? package = null)
        => [.. _functions.Values
            .Where(f => f.ProjectId == projectId && (package is null || f.Package == package))
            .OrderBy(f => f.Package, StringComparer.Ordinal)
            .ThenBy(f => f.Name, StringComparer.Ordinal)];

    /// <summary>Number of functions in a project.</summary>
    public int CountIn(string projectId) => _functions.Keys.Count(k => k.ProjectId == projectId);

    /// <summary>All functions.</summary>
    public IEnumerable<FunctionDefinition> All => _functions.Values;
}
