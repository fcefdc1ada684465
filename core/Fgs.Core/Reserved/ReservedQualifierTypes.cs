namespace Fgs.Core.Reserved;

/// <summary>The values of <c>qualifier_type</c> in <see cref="ReservedInstanceConfigs"/>.</summary>
public static class ReservedQualifierTypes
{
    /// <summary>The reserved instances belong to a version (<c>latest</c> or a published one).</summary>
    public const string Version = "version";

    /// <summary>The reserved instances belong to an alias.</summary>
    public const string Alias = "alias";
}
