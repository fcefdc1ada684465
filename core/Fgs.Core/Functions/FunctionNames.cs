using System.Globalization;

namespace Fgs.Core.Functions;

/// <summary>
/// Naming rules for functions, packages, versions and aliases, and the human-readable statement
/// of each rule (used in error messages).
/// </summary>
public static class FunctionNames
{
    /// <summary>The function name rule, as stated in error messages.</summary>
    public const string FunctionNameRule =
        "func_name must be 1-60 characters: letters, digits, '_' or '-', starting with a letter and ending with a letter or digit";

    /// <summary>The package rule, as stated in error messages.</summary>
    public const string PackageRule = "package must be 1-64 characters: letters, digits, '_' or '-'";

    /// <summary>The version name rule, as stated in error messages.</summary>
    public const string VersionRule = "a version name must be 1-42 characters: letters, digits, '-', '_' or '.'";

    /// <summary>The alias name rule, as stated in error messages.</summary>
    public const string AliasRule = "an alias name must be 1-63 characters: letters, digits, '_' or '-', starting with a letter";

    /// <summary>True for a valid function name: 1-60 of <c>[A-Za-z0-9_-]</c>, first a letter,
    /// last a letter or digit.</summary>
    public static bool IsValidFunctionName(ReadOnlySpan<char> name)
    {
        if (name.Length is 0 or > FunctionLimits.MaxNameLength || !char.IsAsciiLetter(name[0]) || !char.IsAsciiLetterOrDigit(name[^1]))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!IsWordChar(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>True for a valid package name: 1-64 of <c>[A-Za-z0-9_-]</c>.</summary>
    public static bool IsValidPackage(ReadOnlySpan<char> package)
    {
        if (package.Length is 0 or > FunctionLimits.MaxPackageLength)
        {
            return false;
        }

        foreach (var c in package)
        {
            if (!IsWordChar(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>True for a valid version name: 1-42 of <c>[A-Za-z0-9._-]</c> (<c>latest</c> included).</summary>
    public static bool IsValidVersionName(ReadOnlySpan<char> version)
    {
        if (version.Length is 0 or > FunctionLimits.MaxVersionNameLength)
        {
            return false;
        }

        foreach (var c in version)
        {
            if (!IsWordChar(c) && c != '.')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>True for a valid alias name: 1-63 of <c>[A-Za-z0-9_-]</c>, first a letter.</summary>
    public static bool IsValidAliasName(ReadOnlySpan<char> alias)
    {
        if (alias.Length is 0 or > FunctionLimits.MaxAliasNameLength || !char.IsAsciiLetter(alias[0]))
        {
            return false;
        }

        foreach (var c in alias)
        {
            if (!IsWordChar(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>True for a URN qualifier: a version name, an alias name, or <c>!</c> followed by an
    /// alias name (FunctionGraph's alias URNs are written <c>...:{name}:!{alias}</c>).</summary>
    public static bool IsValidQualifier(ReadOnlySpan<char> qualifier) =>
        qualifier.Length > 0 && qualifier[0] == '!'
            ? IsValidAliasName(qualifier[1..])
            : IsValidVersionName(qualifier) || IsValidAliasName(qualifier);

    /// <summary>The default name of a version published at <paramref name="at"/>:
    /// <c>vYYYYMMDD-HHMMSS</c>, in the offset of <paramref name="at"/>.</summary>
    public static string DefaultVersionName(DateTimeOffset at) =>
        at.ToString("'v'yyyyMMdd'-'HHmmss", CultureInfo.InvariantCulture);

    private static bool IsWordChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '-';
}
