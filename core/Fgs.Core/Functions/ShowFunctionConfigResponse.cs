namespace Fgs.Core.Functions;

/// <summary>Response of <c>GET /v2/{project_id}/fgs/functions/{function_urn}/config</c> (the SDK's <c>ShowFunctionConfigResponse</c>).</summary>
public sealed class ShowFunctionConfigResponse : FunctionConfigView;
