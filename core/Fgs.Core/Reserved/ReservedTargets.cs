using Fgs.Core.Errors;

namespace Fgs.Core.Reserved;

/// <summary>
/// The reserved-instance configurations of one function, per version or per alias, never both
/// for the same target: a version cannot get a configuration while an alias pointing at it has
/// one, and an alias cannot get one while the version it points at has one (FunctionGraph's
/// constraint). Several aliases pointing at the same version may each have one. Thread-safe.
/// </summary>
/// <remarks>
/// The alias → version mapping is read through the delegate at each check, so it follows alias
/// updates; <see cref="CheckAliasRepoint"/> tells an alias update whether it would break the rule.
/// Setting a configuration that reserves nothing (count 0, no policies) removes the target's
/// configuration.
/// </remarks>
public sealed class ReservedTargets
{
    private readonly Func<string, string?> _aliasVersion;
    private readonly Lock _gate = new();
    private readonly Dictionary<ReservedQualifier, ReservedInstanceSettings> _configs = [];

    /// <summary>Creates an empty registry.</summary>
    /// <param name="aliasVersion">The version an alias points at (its main version, not its
    /// canary), or null for an unknown alias.</param>
    public ReservedTargets(Func<string, string?> aliasVersion)
    {
        ArgumentNullException.ThrowIfNull(aliasVersion);
        _aliasVersion = aliasVersion;
    }

    /// <summary>How many targets have a configuration.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _configs.Count;
            }
        }
    }

    /// <summary>Sets (or, for settings that reserve nothing, removes) a target's configuration.</summary>
    /// <param name="target">The version or alias.</param>
    /// <param name="settings">The validated settings.</param>
    /// <param name="error">409 <c>FSS.0409</c> when the other kind of target already has a
    /// configuration for the same version; 404 <c>FSS.1053</c> for an alias the lookup does not know.</param>
    public bool TrySet(ReservedQualifier target, ReservedInstanceSettings settings, out FgsError error)
    {
        ArgumentNullException.ThrowIfNull(settings);
        lock (_gate)
        {
            if (settings.ReservesNothing)
            {
                _configs.Remove(target);
                error = default;
                return true;
            }
            if (target.IsAlias)
            {
                if (_aliasVersion(target.Name) is not { } version)
                {
                    error = FgsErrors.AliasNotFound(target.Name);
                    return false;
                }
                if (_configs.ContainsKey(ReservedQualifier.Version(version)))
                {
                    error = FgsErrors.Conflict(
                        $"reserved instances are already configured for version '{version}', which alias '{target.Name}' points at; configure the version or the alias, not both");
                    return false;
                }
            }
            else if (AliasWithConfigFor(target.Name) is { } alias)
            {
                error = FgsErrors.Conflict(
                    $"reserved instances are already configured for alias '{alias}', which points at version '{target.Name}'; configure the version or the alias, not both");
                return false;
            }
            _configs[target] = settings;
            error = default;
            return true;
        }
    }

    /// <summary>Checks whether alias <paramref name="alias"/> may be pointed at
    /// <paramref name="version"/>: not when the alias has a configuration and so has the version.</summary>
    /// <param name="alias">The alias being created or updated.</param>
    /// <param name="version">The version it would point at.</param>
    /// <returns>409 <c>FSS.0409</c>, or null when allowed.</returns>
    public FgsError? CheckAliasRepoint(string alias, string version)
    {
        lock (_gate)
        {
            return _configs.ContainsKey(ReservedQualifier.Alias(alias)) && _configs.ContainsKey(ReservedQualifier.Version(version))
                ? FgsErrors.Conflict(
                    $"alias '{alias}' has reserved instances and so has version '{version}'; remove one configuration before pointing the alias at the version")
                : null;
        }
    }

    /// <summary>Removes a target's configuration.</summary>
    /// <param name="target">The version or alias.</param>
    /// <returns>True when it had one.</returns>
    public bool Remove(ReservedQualifier target)
    {
        lock (_gate)
        {
            return _configs.Remove(target);
        }
    }

    /// <summary>A target's configuration, or null.</summary>
    /// <param name="target">The version or alias.</param>
    public ReservedInstanceSettings? Get(ReservedQualifier target)
    {
        lock (_gate)
        {
            return _configs.GetValueOrDefault(target);
        }
    }

    /// <summary>Every configured target, versions first, then aliases, each by name (ordinal).</summary>
    public List<KeyValuePair<ReservedQualifier, ReservedInstanceSettings>> All()
    {
        lock (_gate)
        {
            return [.. _configs.OrderBy(p => p.Key.IsAlias).ThenBy(p => p.Key.Name, StringComparer.Ordinal)];
        }
    }

    private string? AliasWithConfigFor(string version)
    {
        foreach (var target in _configs.Keys)
        {
            if (target.IsAlias && _aliasVersion(target.Name) == version)
            {
                return target.Name;
            }
        }
        return null;
    }
}
