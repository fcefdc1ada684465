namespace Fgs.Invoker.Http;

/// <summary>The request methods the data plane distinguishes; anything else is <see cref="Other"/>.</summary>
/// <remarks>Methods are case-sensitive (RFC 9110 9.1): <c>get</c> is <see cref="Other"/>.</remarks>
public enum HttpMethodKind
{
    /// <summary>A method token that is none of the named ones (see <see cref="HttpRequestHead.MethodBytes"/>).</summary>
    Other = 0,

    /// <summary><c>GET</c>.</summary>
    Get,

    /// <summary><c>HEAD</c>.</summary>
    Head,

    /// <summary><c>POST</c>.</summary>
    Post,

    /// <summary><c>PUT</c>.</summary>
    Put,

    /// <summary><c>DELETE</c>.</summary>
    Delete,

    /// <summary><c>PATCH</c>.</summary>
    Patch,

    /// <summary><c>OPTIONS</c>.</summary>
    Options,
}
