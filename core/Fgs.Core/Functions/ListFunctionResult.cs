namespace Fgs.Core.Functions;

/// <summary>One function in a list (<c>functions</c> item of <c>GET /v2/{project_id}/fgs/functions</c>), as the SDK's <c>ListFunctionResult</c>.</summary>
public sealed class ListFunctionResult : FunctionSummaryView
{
}
