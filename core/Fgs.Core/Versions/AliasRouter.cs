namespace Fgs.Core.Versions;

/// <summary>
/// Picks the version an alias sends one request to. Pure: the request's headers come through a
/// lookup delegate and randomness from the caller's <see cref="Random"/> (seeded in tests,
/// <see cref="Random.Shared"/> live).
/// </summary>
/// <remarks>
/// Without an additional version every request goes to the alias's version. With header rules the
/// choice is deterministic: the additional version when the rules match (all of them for
/// <c>and</c>, one for <c>or</c>), else the alias's version; a missing header or cookie does not
/// match. With a weight <c>w</c>, each request independently goes to the additional version with
/// probability <c>w</c>%: 0 never, 100 always.
/// </remarks>
public static class AliasRouter
{
    /// <summary>The version (name, or <c>latest</c>) that serves one request through <paramref name="alias"/>.</summary>
    /// <param name="alias">The alias.</param>
    /// <param name="header">The request's header by name (case-insensitive), or null when absent.</param>
    /// <param name="random">The random source for weighted routing.</param>
    public static string Route(FunctionAlias alias, Func<string, string?> header, Random random)
    {
        ArgumentNullException.ThrowIfNull(alias);
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(random);
        if (alias.AdditionalVersion is not { } additional)
        {
            return alias.Version;
        }
        if (alias.AdditionalStrategy is { } strategy)
        {
            return Matches(strategy, header) ? additional : alias.Version;
        }
        var weight = alias.AdditionalWeight ?? 0;
        if (weight <= 0)
        {
            return alias.Version;
        }
        if (weight >= 100)
        {
            return additional;
        }
        return random.Next(100) < weight ? additional : alias.Version;
    }

    /// <summary>True when a request with these headers matches <paramref name="strategy"/>.</summary>
    public static bool Matches(VersionStrategy strategy, Func<string, string?> header)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        ArgumentNullException.ThrowIfNull(header);
        if (strategy.Rules is not { Count: > 0 } rules)
        {
            return false;
        }
        var any = string.Equals(strategy.CombineType, VersionStrategyTerms.Or, StringComparison.OrdinalIgnoreCase);
        foreach (var rule in rules)
        {
            var matched = Matches(rule, header);
            if (any && matched)
            {
                return true;
            }
            if (!any && !matched)
            {
                return false;
            }
        }
        return !any;
    }

    /// <summary>True when a request with these headers matches one rule.</summary>
    public static bool Matches(VersionStrategyRule rule, Func<string, string?> header)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(header);
        if (string.IsNullOrEmpty(rule.Param) || rule.Value is null)
        {
            return false;
        }
        var actual = string.Equals(rule.RuleType, VersionStrategyTerms.Cookie, StringComparison.OrdinalIgnoreCase)
            ? CookieValue(header("Cookie"), rule.Param)
            : header(rule.Param);
        if (actual is null)
        {
            return false;
        }
        // Spans throughout: this runs per request through an alias with rules, allocation-free.
        var value = actual.AsSpan().Trim();
        if (string.Equals(rule.Op, VersionStrategyTerms.In, StringComparison.OrdinalIgnoreCase))
        {
            foreach (var item in rule.Value.AsSpan().Split(','))
            {
                if (rule.Value.AsSpan(item).Trim().SequenceEqual(value))
                {
                    return true;
                }
            }
            return false;
        }
        return rule.Value.AsSpan().SequenceEqual(value);
    }

    /// <summary>The value of cookie <paramref name="name"/> in a <c>Cookie</c> header
    /// (<c>a=1; b=2</c>), or null.</summary>
    public static string? CookieValue(string? cookieHeader, string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (string.IsNullOrEmpty(cookieHeader))
        {
            return null;
        }
        foreach (var range in cookieHeader.AsSpan().Split(';'))
        {
            var pair = cookieHeader.AsSpan(range);
            var eq = pair.IndexOf('=');
            if (eq > 0 && pair[..eq].Trim().SequenceEqual(name))
            {
                var value = pair[(eq + 1)..].Trim();
                return (value.Length >= 2 && value[0] == '"' && value[^1] == '"' ? value[1..^1] : value).ToString();
            }
        }
        return null;
    }
}
