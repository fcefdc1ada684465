namespace Fgs.Core.Functions;

/// <summary>
/// Where the parts of a function URN lie in the text it was parsed from, as returned by the
/// allocation-free <see cref="FunctionUrn.TryParse(ReadOnlySpan{char}, out FunctionUrnRanges)"/>.
/// </summary>
/// <param name="Region">The region part.</param>
/// <param name="ProjectId">The project id part.</param>
/// <param name="Package">The package part.</param>
/// <param name="Name">The function name part.</param>
/// <param name="Qualifier">The version-or-alias part; meaningful only when <paramref name="HasQualifier"/>.</param>
/// <param name="HasQualifier">Whether the URN has a qualifier (none means <c>latest</c>).</param>
public readonly record struct FunctionUrnRanges(Range Region, Range ProjectId, Range Package, Range Name, Range Qualifier, bool HasQualifier)
{
    /// <summary>Materializes the URN from the text the ranges were parsed from.</summary>
    /// <param name="source">The same text given to <c>TryParse</c>.</param>
    public FunctionUrn ToUrn(ReadOnlySpan<char> source) => new(
        source[Region].ToString(),
        source[ProjectId].ToString(),
        source[Package].ToString(),
        source[Name].ToString(),
        HasQualifier ? source[Qualifier].ToString() : null);
}
