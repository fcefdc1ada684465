namespace Fgs.Core.Functions;

/// <summary>
/// The runtime names of the FunctionGraph v2 API, exactly as the official SDK's
/// <c>CreateFunctionRequestBodyRuntimeEnum</c> spells them, and their families.
/// </summary>
public static class FunctionRuntimes
{
    /// <summary><c>Custom</c>: bootstrap speaking the runtime API.</summary>
    public const string Custom = "Custom";

    /// <summary><c>http</c>: an HTTP function.</summary>
    public const string Http = "http";

    /// <summary><c>Custom Image</c>: container-image function (rejected by this platform).</summary>
    public const string CustomImage = "Custom Image";

    /// <summary>Every runtime name the SDK knows, in the SDK's order.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        "Java8", "Java11", "Java17",
        "Python2.7", "Python3.6", "Python3.9", "Python3.10",
        "Go1.8", "Go1.x",
        "Node.js6.10", "Node.js8.10", "Node.js10.16", "Node.js12.13", "Node.js14.18", "Node.js16.17", "Node.js18.15",
        "C#(.NET Core 2.0)", "C#(.NET Core 2.1)", "C#(.NET Core 3.1)", "C#(.NET Core 6.0)",
        Custom,
        "PHP7.3", "PHP8.3",
        "Cangjie1.0",
        Http,
        CustomImage,
    ];

    /// <summary>The family of a runtime name (case-sensitive, as FunctionGraph), or
    /// <see cref="RuntimeFamily.Unknown"/>.</summary>
    public static RuntimeFamily GetFamily(string? runtime) => runtime switch
    {
        Custom => RuntimeFamily.Custom,
        Http => RuntimeFamily.Http,
        CustomImage => RuntimeFamily.CustomImage,
        "Java8" or "Java11" or "Java17" => RuntimeFamily.Java,
        "Python2.7" or "Python3.6" or "Python3.9" or "Python3.10" => RuntimeFamily.Python,
        "Go1.8" or "Go1.x" => RuntimeFamily.Go,
        "Node.js6.10" or "Node.js8.10" or "Node.js10.16" or "Node.js12.13" or "Node.js14.18" or "Node.js16.17"
            or "Node.js18.15" => RuntimeFamily.NodeJs,
        "C#(.NET Core 2.0)" or "C#(.NET Core 2.1)" or "C#(.NET Core 3.1)" or "C#(.NET Core 6.0)" => RuntimeFamily.CSharp,
        "PHP7.3" or "PHP8.3" => RuntimeFamily.Php,
        "Cangjie1.0" => RuntimeFamily.Cangjie,
        _ => RuntimeFamily.Unknown,
    };

    /// <summary>True when the SDK knows the runtime name.</summary>
    public static bool IsKnown(string? runtime) => GetFamily(runtime) != RuntimeFamily.Unknown;

    /// <summary>True when this platform runs functions of the runtime: every SDK runtime except
    /// <c>Custom Image</c> (language runtimes are mapped onto bootstrap launchers).</summary>
    public static bool IsSupported(string? runtime) => GetFamily(runtime) is not (RuntimeFamily.Unknown or RuntimeFamily.CustomImage);

    /// <summary>True for <c>Custom</c> and <c>http</c>, whose zip must hold a <c>bootstrap</c> at its root.</summary>
    public static bool RequiresBootstrap(string? runtime) => GetFamily(runtime) is RuntimeFamily.Custom or RuntimeFamily.Http;

    /// <summary>The default memory size (MB): 512 for Java, else 128.</summary>
    public static int DefaultMemorySize(string? runtime) =>
        GetFamily(runtime) == RuntimeFamily.Java ? FunctionLimits.DefaultJavaMemorySize : FunctionLimits.DefaultMemorySize;

    /// <summary>The default timeout (s): 15 for Java, else 3.</summary>
    public static int DefaultTimeout(string? runtime) =>
        GetFamily(runtime) == RuntimeFamily.Java ? FunctionLimits.DefaultJavaTimeout : FunctionLimits.DefaultTimeout;

    /// <summary>The handler used when a request gives none: <c>bootstrap</c> for <c>Custom</c> and
    /// <c>http</c>; null (a handler is required) for the others.</summary>
    public static string? DefaultHandler(string? runtime) => RequiresBootstrap(runtime) ? "bootstrap" : null;
}
