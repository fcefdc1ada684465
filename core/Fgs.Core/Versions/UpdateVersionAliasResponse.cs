namespace Fgs.Core.Versions;

/// <summary>Response of <c>PUT /v2/{project_id}/fgs/functions/{function_urn}/aliases/{alias_name}</c> (the SDK's <c>UpdateVersionAliasResponse</c>).</summary>
public sealed class UpdateVersionAliasResponse : VersionAliasView;
