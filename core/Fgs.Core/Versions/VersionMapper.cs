using Fgs.Core.Functions;

namespace Fgs.Core.Versions;

/// <summary>Maps published versions and aliases to the SDK's response views.</summary>
public static class VersionMapper
{
    /// <summary>The response to a publish: the version's configuration, <c>func_urn</c> qualified
    /// with the version, and its <c>version_description</c>.</summary>
    public static CreateFunctionVersionResponse ToPublishResponse(FunctionVersion version, string region)
    {
        ArgumentNullException.ThrowIfNull(version);
        var view = FunctionMapper.ToConfigView<CreateFunctionVersionResponse>(version.Definition, region);
        view.VersionDescription = version.Description;
        return view;
    }

    /// <summary>One item of <see cref="ListFunctionVersionsResponse.Versions"/>.</summary>
    /// <param name="definition"><c>latest</c>'s or a version's definition.</param>
    /// <param name="versionDescription">The version's description, or null for <c>latest</c>.</param>
    /// <param name="region">The region, for <c>func_urn</c>.</param>
    public static ListFunctionVersionResult ToListResult(FunctionDefinition definition, string? versionDescription, string region)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var view = FunctionMapper.ToConfigView<ListFunctionVersionResult>(definition, region);
        view.VersionDescription = versionDescription;
        return view;
    }

    /// <summary>Fills an alias view (<see cref="CreateVersionAliasResponse"/>,
    /// <see cref="ShowVersionAliasResponse"/>, <see cref="UpdateVersionAliasResponse"/> or
    /// <see cref="ListVersionAliasResult"/>).</summary>
    /// <param name="alias">The alias.</param>
    /// <param name="function">The function's URN (any qualifier), for <c>alias_urn</c>.</param>
    public static T ToAliasView<T>(FunctionAlias alias, FunctionUrn function)
        where T : VersionAliasView, new()
    {
        ArgumentNullException.ThrowIfNull(alias);
        var view = new T
        {
            Name = alias.Name,
            Version = alias.Version,
            Description = alias.Description,
            LastModified = alias.LastModified,
            AliasUrn = function.WithQualifier("!" + alias.Name).ToString(),
        };
        if (alias.AdditionalVersion is { } additional)
        {
            if (alias.AdditionalStrategy is { } strategy)
            {
                view.AdditionalVersionStrategy = new(StringComparer.Ordinal) { [additional] = strategy };
            }
            else
            {
                view.AdditionalVersionWeights = new(StringComparer.Ordinal) { [additional] = alias.AdditionalWeight ?? 0 };
            }
        }
        return view;
    }
}
