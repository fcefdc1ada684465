namespace Fgs.Core.Functions;

/// <summary>Response of <c>PUT /v2/{project_id}/fgs/functions/{function_urn}/config-max-instance</c> (the SDK's <c>UpdateFunctionMaxInstanceConfigResponse</c>).</summary>
public sealed class UpdateFunctionMaxInstanceConfigResponse : FunctionConfigView;
