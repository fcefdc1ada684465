using System.Globalization;
using Fgs.Core.Errors;

namespace Fgs.Core.Functions;

/// <summary>
/// A FunctionGraph function URN: <c>urn:fss:{region}:{project_id}:function:{package}:{name}</c>,
/// optionally followed by <c>:{version-or-alias}</c>. No qualifier means <c>latest</c>.
/// </summary>
/// <remarks>
/// FunctionGraph writes alias URNs with a <c>!</c> before the alias (<c>...:{name}:!{alias}</c>);
/// such a qualifier is kept verbatim (<see cref="IsAliasQualifier"/>, <see cref="AliasName"/>). A
/// qualifier without <c>!</c> may name a version or an alias; resolving it is the store's job
/// (versions first, then aliases).
/// </remarks>
/// <param name="Region">The region, e.g. <c>cn-north-4</c>.</param>
/// <param name="ProjectId">The project id.</param>
/// <param name="Package">The package (function app).</param>
/// <param name="Name">The function name.</param>
/// <param name="Qualifier">The version or alias, or null for <c>latest</c>.</param>
public readonly record struct FunctionUrn(string Region, string ProjectId, string Package, string Name, string? Qualifier)
{
    /// <summary>The text every function URN starts with.</summary>
    public const string Prefix = "urn:fss:";

    private const int MaxPartLength = 64;
    private const int MaxEchoedLength = 256;

    /// <summary>The qualifier, or <c>latest</c> when there is none.</summary>
    public string QualifierOrLatest => Qualifier ?? FunctionLimits.LatestVersion;

    /// <summary>True when the URN addresses <c>latest</c> (no qualifier, or <c>latest</c>).</summary>
    public bool IsLatest => Qualifier is null || Qualifier == FunctionLimits.LatestVersion;

    /// <summary>True when the qualifier is an alias written FunctionGraph's way, <c>!{alias}</c>.</summary>
    public bool IsAliasQualifier => Qualifier is { Length: > 1 } q && q[0] == '!';

    /// <summary>The alias name of a <c>!{alias}</c> qualifier, else null.</summary>
    public string? AliasName => IsAliasQualifier ? Qualifier![1..] : null;

    /// <summary>This URN with another qualifier (null for none).</summary>
    public FunctionUrn WithQualifier(string? qualifier) => this with { Qualifier = qualifier };

    /// <summary>This URN without a qualifier.</summary>
    public FunctionUrn WithoutQualifier() => this with { Qualifier = null };

    /// <summary>Formats the URN: <c>urn:fss:{region}:{project_id}:function:{package}:{name}[:{qualifier}]</c>.</summary>
    public override string ToString() => Qualifier is null
        ? $"{Prefix}{Region}:{ProjectId}:function:{Package}:{Name}"
        : $"{Prefix}{Region}:{ProjectId}:function:{Package}:{Name}:{Qualifier}";

    /// <summary>
    /// Parses a URN, validating every part (region and project id: 1-64 letters, digits, <c>_</c>,
    /// <c>-</c>; package and name: the function rules; qualifier: a version name, an alias name or
    /// <c>!</c> + alias name). A percent-encoded URN (<c>%3A</c> for <c>:</c>, as a path segment may
    /// carry it) is decoded first.
    /// </summary>
    /// <param name="s">The URN text.</param>
    /// <param name="urn">The URN, when valid.</param>
    /// <param name="error">A 400 <c>FSS.0400</c> naming the broken part, when not.</param>
    /// <returns>True when <paramref name="s"/> is a valid function URN.</returns>
    public static bool TryParse(string? s, out FunctionUrn urn, out FgsError error)
    {
        var text = s ?? string.Empty;
        if (text.Contains('%', StringComparison.Ordinal))
        {
            try
            {
                text = Uri.UnescapeDataString(text);
            }
            catch (UriFormatException)
            {
                // Keep the raw text; the checks below report what is wrong with it.
            }
        }

        var failure = ParseCore(text, out var ranges, out var detail);
        if (failure == UrnParseFailure.None)
        {
            urn = ranges.ToUrn(text);
            error = default;
            return true;
        }

        urn = default;
        error = FgsErrors.InvalidUrn(Echo(text), Describe(failure, detail));
        return false;
    }

    /// <summary>
    /// Parses a URN without allocating: the same rules as <see cref="TryParse(string?, out FunctionUrn, out FgsError)"/>
    /// (but no percent-decoding), answering where each part lies in <paramref name="s"/>.
    /// </summary>
    /// <param name="s">The URN text.</param>
    /// <param name="ranges">The parts' positions, when valid.</param>
    /// <returns>True when <paramref name="s"/> is a valid function URN.</returns>
    public static bool TryParse(ReadOnlySpan<char> s, out FunctionUrnRanges ranges) =>
        ParseCore(s, out ranges, out _) == UrnParseFailure.None;

    /// <summary>Parses a URN, throwing on invalid input.</summary>
    /// <exception cref="FormatException">The text is not a valid function URN.</exception>
    public static FunctionUrn Parse(string s) =>
        TryParse(s, out var urn, out var error) ? urn : throw new FormatException(error.ErrorMessage);

    private static UrnParseFailure ParseCore(ReadOnlySpan<char> s, out FunctionUrnRanges ranges, out int detail)
    {
        ranges = default;
        detail = 0;
        if (s.IsEmpty)
        {
            return UrnParseFailure.Empty;
        }

        Span<Range> parts = stackalloc Range[9];
        var count = s.Split(parts, ':');
        if (count < 2 || !s[parts[0]].SequenceEqual("urn") || !s[parts[1]].SequenceEqual("fss"))
        {
            return UrnParseFailure.BadPrefix;
        }

        if (count is < 7 or > 8)
        {
            detail = count;
            return UrnParseFailure.WrongPartCount;
        }

        for (var i = 2; i < count; i++)
        {
            if (s[parts[i]].IsEmpty)
            {
                detail = i + 1;
                return UrnParseFailure.EmptyPart;
            }
        }

        if (!s[parts[4]].SequenceEqual("function"))
        {
            return UrnParseFailure.NotFunction;
        }

        if (!IsIdPart(s[parts[2]]))
        {
            return UrnParseFailure.BadRegion;
        }

        if (!IsIdPart(s[parts[3]]))
        {
            return UrnParseFailure.BadProjectId;
        }

        if (!FunctionNames.IsValidPackage(s[parts[5]]))
        {
            return UrnParseFailure.BadPackage;
        }

        if (!FunctionNames.IsValidFunctionName(s[parts[6]]))
        {
            return UrnParseFailure.BadName;
        }

        var hasQualifier = count == 8;
        if (hasQualifier && !FunctionNames.IsValidQualifier(s[parts[7]]))
        {
            return UrnParseFailure.BadQualifier;
        }

        ranges = new FunctionUrnRanges(parts[2], parts[3], parts[5], parts[6], hasQualifier ? parts[7] : default, hasQualifier);
        return UrnParseFailure.None;
    }

    private static bool IsIdPart(ReadOnlySpan<char> part)
    {
        if (part.Length > MaxPartLength)
        {
            return false;
        }

        foreach (var c in part)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('_' or '-'))
            {
                return false;
            }
        }

        return true;
    }

    private static string Describe(UrnParseFailure failure, int detail) => failure switch
    {
        UrnParseFailure.Empty => "the URN is empty",
        UrnParseFailure.BadPrefix => "it must start with 'urn:fss:'",
        UrnParseFailure.WrongPartCount => string.Create(CultureInfo.InvariantCulture,
            $"it has {(detail > 8 ? "more than 8" : detail.ToString(CultureInfo.InvariantCulture))} ':'-separated parts where 7 or 8 are expected"),
        UrnParseFailure.EmptyPart => string.Create(CultureInfo.InvariantCulture, $"part {detail} is empty"),
        UrnParseFailure.NotFunction => "the fifth part must be 'function'",
        UrnParseFailure.BadRegion => "region must be 1-64 characters: letters, digits, '_' or '-'",
        UrnParseFailure.BadProjectId => "project_id must be 1-64 characters: letters, digits, '_' or '-'",
        UrnParseFailure.BadPackage => FunctionNames.PackageRule,
        UrnParseFailure.BadName => FunctionNames.FunctionNameRule,
        UrnParseFailure.BadQualifier =>
            "the qualifier must be a version name (1-42 characters: letters, digits, '-', '_' or '.') or an alias name "
            + "(1-63 characters: letters, digits, '_' or '-', starting with a letter, optionally written '!alias')",
        _ => "it is malformed",
    };

    private static string Echo(string text) => text.Length <= MaxEchoedLength ? text : string.Concat(text.AsSpan(0, MaxEchoedLength), "...");
}
