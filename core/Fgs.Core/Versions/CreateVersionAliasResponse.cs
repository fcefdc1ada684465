namespace Fgs.Core.Versions;

/// <summary>Response of <c>POST /v2/{project_id}/fgs/functions/{function_urn}/aliases</c> (the SDK's <c>CreateVersionAliasResponse</c>).</summary>
public sealed class CreateVersionAliasResponse : VersionAliasView;
