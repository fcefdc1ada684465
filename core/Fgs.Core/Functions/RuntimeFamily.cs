namespace Fgs.Core.Functions;

/// <summary>The language family of a FunctionGraph runtime; decides handler shape, defaults and the
/// launcher the platform puts in front of the code.</summary>
public enum RuntimeFamily
{
    /// <summary>Not a runtime the SDK knows.</summary>
    Unknown,
    /// <summary><c>Custom</c>: the package's executable <c>bootstrap</c> speaks the runtime API.</summary>
    Custom,
    /// <summary><c>http</c>: the package's <c>bootstrap</c> starts a web server on 127.0.0.1:8000.</summary>
    Http,
    /// <summary><c>Custom Image</c>: a container image (not supported by this platform).</summary>
    CustomImage,
    /// <summary><c>Java8</c>, <c>Java11</c>, <c>Java17</c>.</summary>
    Java,
    /// <summary><c>Python2.7</c> ... <c>Python3.10</c>.</summary>
    Python,
    /// <summary><c>Node.js6.10</c> ... <c>Node.js18.15</c>.</summary>
    NodeJs,
    /// <summary><c>Go1.8</c>, <c>Go1.x</c>.</summary>
    Go,
    /// <summary><c>C#(.NET Core 2.0)</c> ... <c>C#(.NET Core 6.0)</c>.</summary>
    CSharp,
    /// <summary><c>PHP7.3</c>, <c>PHP8.3</c>.</summary>
    Php,
    /// <summary><c>Cangjie1.0</c>.</summary>
    Cangjie,
}
