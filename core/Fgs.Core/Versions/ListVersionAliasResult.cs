namespace Fgs.Core.Versions;

/// <summary>One alias of <c>GET /v2/{project_id}/fgs/functions/{function_urn}/aliases</c>, whose
/// response is a JSON array of them (the SDK's <c>ListVersionAliasResult</c>).</summary>
public sealed class ListVersionAliasResult : VersionAliasView;
