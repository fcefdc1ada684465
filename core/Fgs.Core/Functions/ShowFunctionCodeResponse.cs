namespace Fgs.Core.Functions;

/// <summary>Response of <c>GET /v2/{project_id}/fgs/functions/{function_urn}/code</c> (the SDK's <c>ShowFunctionCodeResponse</c>).</summary>
public sealed class ShowFunctionCodeResponse : FunctionCodeView;
