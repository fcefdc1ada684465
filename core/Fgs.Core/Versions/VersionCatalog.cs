using System.Collections.Concurrent;
using Fgs.Core.Routing;

namespace Fgs.Core.Versions;

/// <summary>
/// The published versions and aliases of every function on this node, by function: the in-memory
/// view the router reads on every qualified invocation (the durable copy lives in the store). A
/// function without versions or aliases has no entry and reads as <see cref="FunctionVersionSet.Empty"/>.
/// </summary>
public sealed class VersionCatalog
{
    private readonly ConcurrentDictionary<FunctionKey, FunctionVersionSet> _sets = new();

    /// <summary>The versions and aliases of a function (<see cref="FunctionVersionSet.Empty"/> when none).</summary>
    public FunctionVersionSet Get(FunctionKey function) =>
        _sets.TryGetValue(function, out var set) ? set : FunctionVersionSet.Empty;

    /// <summary>Replaces a function's versions and aliases (an empty set removes the entry).</summary>
    public void Set(FunctionKey function, FunctionVersionSet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        if (set.Versions.IsEmpty && set.Aliases.IsEmpty)
        {
            _sets.TryRemove(function, out _);
        }
        else
        {
            _sets[function] = set;
        }
    }

    /// <summary>Forgets a function's versions and aliases (the function was deleted).</summary>
    public void Remove(FunctionKey function) => _sets.TryRemove(function, out _);

    /// <summary>Every published version of every function.</summary>
    public IEnumerable<FunctionVersion> AllVersions => _sets.Values.SelectMany(s => s.Versions.Values);
}
