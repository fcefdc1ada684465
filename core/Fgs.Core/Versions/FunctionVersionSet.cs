using System.Collections.Immutable;
using Fgs.Core.Errors;
using Fgs.Core.Functions;

namespace Fgs.Core.Versions;

/// <summary>
/// The published versions and the aliases of one function: an immutable snapshot, read without
/// locks on every invocation and replaced whole by writers (<c>With*</c>/<c>Without*</c> return a
/// new set). <c>latest</c> is not part of it: it is the function's own definition.
/// </summary>
public sealed class FunctionVersionSet
{
    private FunctionVersionSet(ImmutableDictionary<string, FunctionVersion> versions, ImmutableDictionary<string, FunctionAlias> aliases)
    {
        Versions = versions;
        Aliases = aliases;
    }

    /// <summary>No published versions and no aliases.</summary>
    public static FunctionVersionSet Empty { get; } = new(
        ImmutableDictionary.Create<string, FunctionVersion>(StringComparer.Ordinal),
        ImmutableDictionary.Create<string, FunctionAlias>(StringComparer.Ordinal));

    /// <summary>The published versions by name.</summary>
    public ImmutableDictionary<string, FunctionVersion> Versions { get; }

    /// <summary>The aliases by name.</summary>
    public ImmutableDictionary<string, FunctionAlias> Aliases { get; }

    /// <summary>A set holding these versions and aliases.</summary>
    public static FunctionVersionSet Create(IEnumerable<FunctionVersion> versions, IEnumerable<FunctionAlias> aliases)
    {
        ArgumentNullException.ThrowIfNull(versions);
        ArgumentNullException.ThrowIfNull(aliases);
        return new(
            Empty.Versions.SetItems(versions.Select(v => KeyValuePair.Create(v.Name, v))),
            Empty.Aliases.SetItems(aliases.Select(a => KeyValuePair.Create(a.Name, a))));
    }

    /// <summary>The published versions, oldest first (then by name).</summary>
    public List<FunctionVersion> VersionsInOrder() =>
        [.. Versions.Values.OrderBy(v => v.Published).ThenBy(v => v.Name, StringComparer.Ordinal)];

    /// <summary>The aliases ordered by name.</summary>
    public List<FunctionAlias> AliasesInOrder() => [.. Aliases.Values.OrderBy(a => a.Name, StringComparer.Ordinal)];

    /// <summary>True for <c>latest</c> and for a published version's name.</summary>
    public bool HasVersion(string version) => version == FunctionLimits.LatestVersion || Versions.ContainsKey(version);

    /// <summary>This set plus (or with a replaced) version.</summary>
    public FunctionVersionSet WithVersion(FunctionVersion version)
    {
        ArgumentNullException.ThrowIfNull(version);
        return new(Versions.SetItem(version.Name, version), Aliases);
    }

    /// <summary>This set without a version and without every alias that points at it (as its
    /// version or its additional version); <paramref name="removedAliases"/> lists those.</summary>
    public FunctionVersionSet WithoutVersion(string version, out List<FunctionAlias> removedAliases)
    {
        removedAliases = [.. Aliases.Values.Where(a => a.Targets(version)).OrderBy(a => a.Name, StringComparer.Ordinal)];
        return new(Versions.Remove(version), Aliases.RemoveRange(removedAliases.Select(a => a.Name)));
    }

    /// <summary>This set plus (or with a replaced) alias.</summary>
    public FunctionVersionSet WithAlias(FunctionAlias alias)
    {
        ArgumentNullException.ThrowIfNull(alias);
        return new(Versions, Aliases.SetItem(alias.Name, alias));
    }

    /// <summary>This set without an alias.</summary>
    public FunctionVersionSet WithoutAlias(string alias) => new(Versions, Aliases.Remove(alias));

    /// <summary>
    /// Resolves a URN's qualifier to the definition that serves it: none or <c>latest</c> is
    /// <paramref name="latest"/>; <c>!alias</c> is an alias; a bare qualifier is a published version
    /// first, then an alias. An alias resolves through <see cref="AliasRouter"/> when
    /// <paramref name="header"/> is given, else to its own version (no canary).
    /// </summary>
    /// <param name="latest">The function's <c>latest</c> definition.</param>
    /// <param name="urn">The URN (its function must be <paramref name="latest"/>'s).</param>
    /// <param name="header">The request's headers, for an alias's rules and weights; null to ignore the additional version.</param>
    /// <param name="random">The random source for weighted aliases.</param>
    /// <param name="definition">The definition to use, when found.</param>
    /// <param name="error">404 <c>FSS.1052</c> (version) or <c>FSS.1053</c> (<c>!alias</c>), when not.</param>
    public bool TryResolve(FunctionDefinition latest, FunctionUrn urn, Func<string, string?>? header, Random random,
        out FunctionDefinition definition, out FgsError error)
    {
        ArgumentNullException.ThrowIfNull(latest);
        ArgumentNullException.ThrowIfNull(random);
        error = default;
        definition = latest;
        if (urn.IsLatest)
        {
            return true;
        }
        FunctionAlias? alias;
        if (urn.IsAliasQualifier)
        {
            if (!Aliases.TryGetValue(urn.AliasName!, out alias))
            {
                error = FgsErrors.AliasNotFound(urn.AliasName!);
                return false;
            }
        }
        else if (Versions.TryGetValue(urn.Qualifier!, out var version))
        {
            definition = version.Definition;
            return true;
        }
        else if (!Aliases.TryGetValue(urn.Qualifier!, out alias))
        {
            error = FgsErrors.VersionNotFound(urn.Qualifier!);
            return false;
        }
        var target = header is null ? alias.Version : AliasRouter.Route(alias, header, random);
        if (target == FunctionLimits.LatestVersion)
        {
            return true;
        }
        if (Versions.TryGetValue(target, out var targetVersion))
        {
            definition = targetVersion.Definition;
            return true;
        }
        error = FgsErrors.VersionNotFound(target);
        return false;
    }
}
