namespace Fgs.Invoker.Tests.Auth;

/// <summary>The output of <c>tests/sdk-client/sign-vector.mjs</c>: credentials, the frozen signing time and the requests.</summary>
internal sealed record SdkVectorSet(string Ak, string Sk, string Date, IReadOnlyList<SdkVectorRequest> Requests);
