using System.Globalization;
using Fgs.Core.Errors;
using Fgs.Core.Functions;

namespace Fgs.Core.Versions;

/// <summary>
/// FunctionGraph's rules for publishing versions and for aliases (reference section 1): at most
/// <see cref="FunctionLimits.MaxVersions"/> published versions, names per
/// <see cref="FunctionValidator.ValidateVersionName"/> and <see cref="FunctionValidator.ValidateAliasName"/>,
/// at most <see cref="FunctionLimits.MaxAliases"/> aliases, one additional version per alias chosen
/// by weight or by header rules. Each <c>Try*</c> checks every rule before building the result.
/// Pure: the caller supplies the time and the function's current versions.
/// </summary>
public static class VersionValidator
{
    /// <summary>
    /// Publishes <paramref name="latest"/> as a new version: a frozen copy of its definition whose
    /// <see cref="FunctionDefinition.Version"/> is the version name (default
    /// <see cref="FunctionNames.DefaultVersionName"/> of <paramref name="now"/>).
    /// </summary>
    /// <param name="body">The publish body, or null for all defaults.</param>
    /// <param name="latest">The function's <c>latest</c> definition.</param>
    /// <param name="set">The function's versions and aliases.</param>
    /// <param name="now">The publication time.</param>
    /// <param name="version">The new version, when valid.</param>
    /// <param name="error">400 <c>FSS.1015</c> (name), 400 <c>FSS.0400</c> (description, digest),
    /// 409 <c>FSS.1062</c> (exists) or 403 <c>FSS.0403</c> (quota), when not.</param>
    public static bool TryPublish(CreateFunctionVersionRequestBody? body, FunctionDefinition latest, FunctionVersionSet set,
        DateTimeOffset now, out FunctionVersion version, out FgsError error)
    {
        ArgumentNullException.ThrowIfNull(latest);
        ArgumentNullException.ThrowIfNull(set);
        version = null!;
        var name = string.IsNullOrEmpty(body?.Version) ? FunctionNames.DefaultVersionName(now) : body.Version;
        if (FunctionValidator.ValidateVersionName(name) is { } badName)
        {
            error = badName;
            return false;
        }
        if (name == FunctionLimits.LatestVersion)
        {
            error = FgsErrors.InvalidVersion("'latest' is the function's mutable version and cannot be published as a version name");
            return false;
        }
        if (DescriptionError(body?.Description) is { } badDescription)
        {
            error = badDescription;
            return false;
        }
        if (!string.IsNullOrEmpty(body?.Digest) && !string.Equals(body.Digest, latest.Digest, StringComparison.OrdinalIgnoreCase))
        {
            error = FgsErrors.BadRequest(
                $"digest '{Echo(body.Digest)}' does not match the digest of latest's code ({latest.Digest}): the code changed since it was read");
            return false;
        }
        if (set.Versions.ContainsKey(name))
        {
            error = FgsErrors.VersionAlreadyExists(name);
            return false;
        }
        if (set.Versions.Count >= FunctionLimits.MaxVersions)
        {
            error = FgsErrors.QuotaExceeded("published versions per function (delete a version first)", FunctionLimits.MaxVersions);
            return false;
        }
        var at = TruncateToSeconds(now);
        version = new FunctionVersion
        {
            Definition = latest with { Version = name, LastModified = at },
            Description = body?.Description ?? string.Empty,
            Published = at,
        };
        error = default;
        return true;
    }

    /// <summary>Builds a new alias from a create body.</summary>
    /// <param name="body">The body.</param>
    /// <param name="set">The function's versions and aliases.</param>
    /// <param name="now">The creation time.</param>
    /// <param name="alias">The alias, when valid.</param>
    /// <param name="error">400 <c>FSS.1014</c> (name, additional version), 400 <c>FSS.1015</c>
    /// (missing version), 404 <c>FSS.1052</c> (unknown version), 409 <c>FSS.1063</c> (exists) or 403
    /// <c>FSS.1043</c> (quota), when not.</param>
    public static bool TryCreateAlias(CreateVersionAliasRequestBody? body, FunctionVersionSet set, DateTimeOffset now,
        out FunctionAlias alias, out FgsError error)
    {
        ArgumentNullException.ThrowIfNull(set);
        alias = null!;
        if (body is null)
        {
            error = FgsErrors.BadRequest("the request body must be a JSON object");
            return false;
        }
        if (FunctionValidator.ValidateAliasName(body.Name) is { } badName)
        {
            error = badName;
            return false;
        }
        if (body.Name == FunctionLimits.LatestVersion)
        {
            error = FgsErrors.InvalidAlias("'latest' names the function's mutable version and cannot be an alias name");
            return false;
        }
        if (string.IsNullOrEmpty(body.Version))
        {
            error = FgsErrors.InvalidVersion("version is required: 'latest' or a published version");
            return false;
        }
        if (VersionExistsError(body.Version, set) is { } missing)
        {
            error = missing;
            return false;
        }
        if (DescriptionError(body.Description) is { } badDescription)
        {
            error = badDescription;
            return false;
        }
        if (!TryReadAdditional(body.AdditionalVersionWeights, body.AdditionalVersionStrategy, body.Version, set,
                out var additional, out var weight, out var strategy, out error))
        {
            return false;
        }
        if (set.Aliases.ContainsKey(body.Name!))
        {
            error = FgsErrors.AliasAlreadyExists(body.Name!);
            return false;
        }
        if (set.Aliases.Count >= FunctionLimits.MaxAliases)
        {
            error = FgsErrors.AliasQuotaExceeded();
            return false;
        }
        alias = new FunctionAlias
        {
            Name = body.Name!,
            Version = body.Version,
            Description = body.Description ?? string.Empty,
            LastModified = TruncateToSeconds(now),
            AdditionalVersion = additional,
            AdditionalWeight = weight,
            AdditionalStrategy = strategy,
        };
        return true;
    }

    /// <summary>Applies an update body to an alias. A field left out keeps its value; giving either
    /// additional-version field replaces the additional version (an empty object removes it).</summary>
    /// <param name="body">The body.</param>
    /// <param name="current">The alias as it is.</param>
    /// <param name="set">The function's versions and aliases.</param>
    /// <param name="now">The update time.</param>
    /// <param name="alias">The updated alias, when valid.</param>
    /// <param name="error">As <see cref="TryCreateAlias"/>, when not.</param>
    public static bool TryUpdateAlias(UpdateVersionAliasRequestBody? body, FunctionAlias current, FunctionVersionSet set,
        DateTimeOffset now, out FunctionAlias alias, out FgsError error)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(set);
        alias = null!;
        if (body is null)
        {
            error = FgsErrors.BadRequest("the request body must be a JSON object");
            return false;
        }
        var version = string.IsNullOrEmpty(body.Version) ? current.Version : body.Version;
        if (VersionExistsError(version, set) is { } missing)
        {
            error = missing;
            return false;
        }
        if (DescriptionError(body.Description) is { } badDescription)
        {
            error = badDescription;
            return false;
        }
        string? additional;
        int? weight;
        VersionStrategy? strategy;
        if (body.AdditionalVersionWeights is null && body.AdditionalVersionStrategy is null)
        {
            (additional, weight, strategy) = (current.AdditionalVersion, current.AdditionalWeight, current.AdditionalStrategy);
            if (additional == version)
            {
                error = FgsErrors.InvalidAlias(
                    $"version '{version}' is already the alias's additional version; give additional_version_weights or additional_version_strategy ({{}} removes it)");
                return false;
            }
        }
        else if (!TryReadAdditional(body.AdditionalVersionWeights, body.AdditionalVersionStrategy, version, set,
                     out additional, out weight, out strategy, out error))
        {
            return false;
        }
        alias = current with
        {
            Version = version,
            Description = body.Description ?? current.Description,
            LastModified = TruncateToSeconds(now),
            AdditionalVersion = additional,
            AdditionalWeight = weight,
            AdditionalStrategy = strategy,
        };
        error = default;
        return true;
    }

    private static bool TryReadAdditional(Dictionary<string, int>? weights, Dictionary<string, VersionStrategy>? strategies,
        string mainVersion, FunctionVersionSet set, out string? additional, out int? weight, out VersionStrategy? strategy, out FgsError error)
    {
        additional = null;
        weight = null;
        strategy = null;
        error = default;
        var hasWeights = weights is { Count: > 0 };
        var hasStrategy = strategies is { Count: > 0 };
        if (hasWeights && hasStrategy)
        {
            error = FgsErrors.InvalidAlias(
                "give additional_version_weights or additional_version_strategy, not both: the additional version is chosen by weight or by header rules");
            return false;
        }
        if (!hasWeights && !hasStrategy)
        {
            return true;
        }
        if ((hasWeights ? weights!.Count : strategies!.Count) > 1)
        {
            error = FgsErrors.InvalidAlias("an alias has at most one additional version");
            return false;
        }
        var name = hasWeights ? weights!.Keys.First() : strategies!.Keys.First();
        if (name == FunctionLimits.LatestVersion)
        {
            error = FgsErrors.InvalidAlias("the additional version must be a published version, not 'latest'");
            return false;
        }
        if (name == mainVersion)
        {
            error = FgsErrors.InvalidAlias($"the additional version '{name}' must differ from the alias's version");
            return false;
        }
        if (!set.Versions.ContainsKey(name))
        {
            error = FgsErrors.VersionNotFound(name);
            return false;
        }
        additional = name;
        if (hasWeights)
        {
            var w = weights![name];
            if (w is < 0 or > 100)
            {
                error = FgsErrors.InvalidAlias(string.Create(CultureInfo.InvariantCulture,
                    $"additional_version_weights: the weight of '{name}' is {w}; it must be a percentage from 0 to 100"));
                return false;
            }
            weight = w;
            return true;
        }
        return TryNormalize(strategies![name], out strategy, out error);
    }

    private static bool TryNormalize(VersionStrategy? given, out VersionStrategy? strategy, out FgsError error)
    {
        strategy = null;
        error = default;
        if (given?.Rules is not { Count: > 0 } rules)
        {
            error = FgsErrors.InvalidAlias("additional_version_strategy: rules must hold at least one rule");
            return false;
        }
        var combine = string.IsNullOrEmpty(given.CombineType) ? VersionStrategyTerms.And : given.CombineType.ToLowerInvariant();
        if (combine is not (VersionStrategyTerms.And or VersionStrategyTerms.Or))
        {
            error = FgsErrors.InvalidAlias($"additional_version_strategy: combine_type '{Echo(given.CombineType!)}' must be 'and' or 'or'");
            return false;
        }
        var normalized = new List<VersionStrategyRule>(rules.Count);
        for (var i = 0; i < rules.Count; i++)
        {
            var rule = rules[i];
            var where = string.Create(CultureInfo.InvariantCulture, $"additional_version_strategy: rules[{i}]");
            var type = rule?.RuleType?.ToLowerInvariant();
            if (type is not (VersionStrategyTerms.Header or VersionStrategyTerms.Cookie))
            {
                error = FgsErrors.InvalidAlias($"{where}.rule_type must be 'header' or 'cookie'");
                return false;
            }
            var param = rule!.Param?.Trim();
            if (string.IsNullOrEmpty(param) || !param.All(c => c > ' ' && c < 127 && c is not (':' or ';' or '=' or ',')))
            {
                error = FgsErrors.InvalidAlias($"{where}.param must name a header or cookie: printable ASCII without spaces, ':', ';', '=' or ','");
                return false;
            }
            var op = rule.Op?.ToLowerInvariant();
            if (op is not (VersionStrategyTerms.EqualsOp or VersionStrategyTerms.In))
            {
                error = FgsErrors.InvalidAlias($"{where}.op must be '=' or 'in'");
                return false;
            }
            var value = rule.Value?.Trim();
            if (string.IsNullOrEmpty(value))
            {
                error = FgsErrors.InvalidAlias($"{where}.value is required ('in' takes a comma-separated list)");
                return false;
            }
            normalized.Add(new VersionStrategyRule { RuleType = type, Param = param, Op = op, Value = value });
        }
        strategy = new VersionStrategy { CombineType = combine, Rules = normalized };
        return true;
    }

    private static FgsError? VersionExistsError(string version, FunctionVersionSet set)
    {
        if (FunctionValidator.ValidateVersionName(version) is { } bad)
        {
            return bad;
        }
        return set.HasVersion(version) ? null : FgsErrors.VersionNotFound(version);
    }

    private static FgsError? DescriptionError(string? description) =>
        description is { Length: > FunctionLimits.MaxDescriptionLength }
            ? FgsErrors.BadRequest(string.Create(CultureInfo.InvariantCulture,
                $"description has {description.Length} characters; at most {FunctionLimits.MaxDescriptionLength} are allowed"))
            : null;

    private static string Echo(string text) => text.Length <= 140 ? text : string.Concat(text.AsSpan(0, 140), "...");

    private static DateTimeOffset TruncateToSeconds(DateTimeOffset time) =>
        new(time.Ticks - (time.Ticks % TimeSpan.TicksPerSecond), time.Offset);
}
