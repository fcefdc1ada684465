namespace Fgs.Core.Functions;

/// <summary>Response of <c>PUT /v2/{project_id}/fgs/functions/{function_urn}/code</c> (the SDK's <c>UpdateFunctionCodeResponse</c>).</summary>
public sealed class UpdateFunctionCodeResponse : FunctionCodeView;
