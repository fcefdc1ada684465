namespace Fgs.Core.Functions;

/// <summary>The <c>code_type</c> values of the FunctionGraph API (the SDK's <c>CodeTypeEnum</c>).</summary>
public static class CodeTypes
{
    /// <summary>Source edited online: <c>func_code.file</c> is the base64 of one source file.</summary>
    public const string Inline = "inline";

    /// <summary>A zip package: <c>func_code.file</c> is its base64.</summary>
    public const string Zip = "zip";

    /// <summary>Code in object storage at <c>code_url</c> (not supported by this platform).</summary>
    public const string Obs = "obs";

    /// <summary>A Java jar (not supported by this platform).</summary>
    public const string Jar = "jar";

    /// <summary>A container image (not supported by this platform).</summary>
    public const string CustomImageSwr = "Custom-Image-Swr";

    /// <summary>True for a value the SDK knows.</summary>
    public static bool IsKnown(string? codeType) => codeType is Inline or Zip or Obs or Jar or CustomImageSwr;

    /// <summary>True for a value this platform accepts: <c>inline</c> and <c>zip</c>.</summary>
    public static bool IsSupported(string? codeType) => codeType is Inline or Zip;
}
