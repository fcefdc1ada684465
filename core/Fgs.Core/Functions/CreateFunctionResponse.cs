namespace Fgs.Core.Functions;

/// <summary>Response of <c>POST /v2/{project_id}/fgs/functions</c> (the SDK's <c>CreateFunctionResponse</c>).</summary>
public sealed class CreateFunctionResponse : FunctionConfigView;
