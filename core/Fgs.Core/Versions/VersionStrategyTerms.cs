namespace Fgs.Core.Versions;

/// <summary>The words of a <see cref="VersionStrategy"/>: combine types, rule types and operators
/// (as the SDK's enums spell them).</summary>
public static class VersionStrategyTerms
{
    /// <summary>Combine type: every rule must match.</summary>
    public const string And = "and";

    /// <summary>Combine type: one matching rule is enough.</summary>
    public const string Or = "or";

    /// <summary>Rule type: the rule reads a request header.</summary>
    public const string Header = "header";

    /// <summary>Rule type: the rule reads a cookie of the request's <c>Cookie</c> header.</summary>
    public const string Cookie = "cookie";

    /// <summary>Operator: the value equals the rule's value.</summary>
    public const string EqualsOp = "=";

    /// <summary>Operator: the value is one of the rule's comma-separated values.</summary>
    public const string In = "in";
}
