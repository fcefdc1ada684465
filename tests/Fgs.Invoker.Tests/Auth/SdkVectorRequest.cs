namespace Fgs.Invoker.Tests.Auth;

/// <summary>One request signed by the official Node SDK, as a server receives it.</summary>
internal sealed record SdkVectorRequest(
    string Name,
    string Method,
    string Target,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    byte[] Body);
