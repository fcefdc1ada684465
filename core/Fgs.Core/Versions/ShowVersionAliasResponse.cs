namespace Fgs.Core.Versions;

/// <summary>Response of <c>GET /v2/{project_id}/fgs/functions/{function_urn}/aliases/{alias_name}</c> (the SDK's <c>ShowVersionAliasResponse</c>).</summary>
public sealed class ShowVersionAliasResponse : VersionAliasView;
