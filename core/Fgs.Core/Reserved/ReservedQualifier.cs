using Fgs.Core.Functions;

namespace Fgs.Core.Reserved;

/// <summary>The target of a reserved-instance configuration: one version or one alias of a function.</summary>
/// <param name="Type"><see cref="ReservedQualifierTypes.Version"/> or <see cref="ReservedQualifierTypes.Alias"/>.</param>
/// <param name="Name">The version (<c>latest</c> or a published one) or alias name.</param>
public readonly record struct ReservedQualifier(string Type, string Name)
{
    /// <summary>True for an alias target.</summary>
    public bool IsAlias => Type == ReservedQualifierTypes.Alias;

    /// <summary>A version target.</summary>
    /// <param name="version">The version, <c>latest</c> or a published one.</param>
    public static ReservedQualifier Version(string version) => new(ReservedQualifierTypes.Version, version);

    /// <summary>An alias target.</summary>
    /// <param name="alias">The alias name.</param>
    public static ReservedQualifier Alias(string alias) => new(ReservedQualifierTypes.Alias, alias);

    /// <summary><c>latest</c>, the target of a URN without a qualifier.</summary>
    public static ReservedQualifier Latest => Version(FunctionLimits.LatestVersion);

    /// <inheritdoc />
    public override string ToString() => $"{Type} '{Name}'";
}
