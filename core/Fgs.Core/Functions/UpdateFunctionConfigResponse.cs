namespace Fgs.Core.Functions;

/// <summary>Response of <c>PUT /v2/{project_id}/fgs/functions/{function_urn}/config</c> (the SDK's <c>UpdateFunctionConfigResponse</c>).</summary>
public sealed class UpdateFunctionConfigResponse : FunctionConfigView;
