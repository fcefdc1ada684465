using System.Text.Json;
using Fgs.Core.Errors;
using Fgs.Core.Functions;
using Fgs.Core.Json;
using Fgs.Core.Routing;
using Fgs.Core.Snapshots;
using Fgs.Invoker.Snapshots;

namespace Fgs.Invoker.Api;

/// <summary>
/// The SDK's snapshot operations: <c>POST .../{function_urn}/snapshots/{enable|disable}</c>
/// (<c>UpdateFuncSnapshot</c>) and <c>GET .../{function_urn}/snapshots/{state|enableSnapshot}</c>
/// (<c>ShowFuncSnapshotState</c>). Both answer <c>{"state","code"}</c>. Enabling is a setting of
/// the function (all its versions); the state is that of the URN's version, or of the newest
/// version published since snapshots were enabled when the URN names none.
/// </summary>
internal sealed class SnapshotApi
{
    private readonly FunctionService _functions;
    private readonly SnapshotCoordinator _snapshots;

    public SnapshotApi(FunctionService functions, SnapshotCoordinator snapshots)
    {
        _functions = functions;
        _snapshots = snapshots;
    }

    /// <summary>Enables or disables snapshots of the function (<c>POST .../snapshots/{action}</c>).</summary>
    public ApiResult Update(FunctionUrn urn, string action)
    {
        if (action is not ("enable" or "disable"))
        {
            return FgsErrors.BadRequest($"unknown snapshot action '{action}': POST .../snapshots/{{action}} takes 'enable' or 'disable'");
        }
        if (!_functions.TryResolve(urn, out var def, out var error))
        {
            return error;
        }
        var function = new FunctionKey(def.ProjectId, def.Package, def.Name);
        _snapshots.SetEnabled(function, action == "enable");
        return Answer(_snapshots.State(function, urn.IsLatest ? null : def.Version));
    }

    /// <summary>Where the snapshot stands (<c>GET .../snapshots/{action}</c>).</summary>
    public ApiResult Show(FunctionUrn urn, string action)
    {
        if (action is not ("state" or "enableSnapshot"))
        {
            return FgsErrors.BadRequest($"unknown snapshot action '{action}': GET .../snapshots/{{action}} takes 'state' or 'enableSnapshot'");
        }
        if (!_functions.TryResolve(urn, out var def, out var error))
        {
            return error;
        }
        return Answer(_snapshots.State(new FunctionKey(def.ProjectId, def.Package, def.Name), urn.IsLatest ? null : def.Version));
    }

    private static ApiResult Answer(FuncSnapshotState state) =>
        ApiResult.Ok(JsonSerializer.SerializeToUtf8Bytes(state, FgsJsonContext.Default.FuncSnapshotState));
}
