using System.Text.Json.Serialization;
using Fgs.Core.Errors;
using Fgs.Core.Functions;

namespace Fgs.Core.Json;

/// <summary>
/// The source-generated JSON context for every API model and persisted record of Fgs.Core (no
/// reflection, Native-AOT safe). Property names are the ones declared with
/// <see cref="JsonPropertyNameAttribute"/> (the SDK's snake_case names); null properties are not
/// written; numbers may also be read from JSON strings. Use e.g.
/// <c>JsonSerializer.Serialize(body, FgsJsonContext.Default.ErrorBody)</c>.
/// </summary>
[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(ErrorBody))]
[JsonSerializable(typeof(Fgs.Core.Quotas.ListQuotasResponse))]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(OrderedDictionary<string, string>))]
[JsonSerializable(typeof(List<KvItem>))]
[JsonSerializable(typeof(CreateFunctionRequestBody))]
[JsonSerializable(typeof(UpdateFunctionConfigRequestBody))]
[JsonSerializable(typeof(UpdateFunctionCodeRequestBody))]
[JsonSerializable(typeof(UpdateFunctionMaxInstanceConfigRequestBody))]
[JsonSerializable(typeof(ShowFunctionConfigResponse))]
[JsonSerializable(typeof(CreateFunctionResponse))]
[JsonSerializable(typeof(UpdateFunctionConfigResponse))]
[JsonSerializable(typeof(UpdateFunctionMaxInstanceConfigResponse))]
[JsonSerializable(typeof(ShowFunctionCodeResponse))]
[JsonSerializable(typeof(UpdateFunctionCodeResponse))]
[JsonSerializable(typeof(ListFunctionsResponse))]
[JsonSerializable(typeof(ListFunctionResult))]
[JsonSerializable(typeof(FunctionDefinition))]
[JsonSerializable(typeof(FuncCode))]
[JsonSerializable(typeof(StrategyConfig))]
[JsonSerializable(typeof(Fgs.Core.Versions.CreateFunctionVersionRequestBody))]
[JsonSerializable(typeof(Fgs.Core.Versions.CreateFunctionVersionResponse))]
[JsonSerializable(typeof(Fgs.Core.Versions.ListFunctionVersionsResponse))]
[JsonSerializable(typeof(Fgs.Core.Versions.FunctionVersion))]
[JsonSerializable(typeof(List<Fgs.Core.Versions.FunctionAlias>))]
[JsonSerializable(typeof(Fgs.Core.Versions.CreateVersionAliasRequestBody))]
[JsonSerializable(typeof(Fgs.Core.Versions.UpdateVersionAliasRequestBody))]
[JsonSerializable(typeof(Fgs.Core.Versions.CreateVersionAliasResponse))]
[JsonSerializable(typeof(Fgs.Core.Versions.ShowVersionAliasResponse))]
[JsonSerializable(typeof(Fgs.Core.Versions.UpdateVersionAliasResponse))]
[JsonSerializable(typeof(List<Fgs.Core.Versions.ListVersionAliasResult>))]
[JsonSerializable(typeof(Fgs.Core.Reserved.UpdateFunctionReservedInstancesCountRequestBody))]
[JsonSerializable(typeof(Fgs.Core.Reserved.UpdateFunctionReservedInstancesCountResponse))]
[JsonSerializable(typeof(Fgs.Core.Reserved.ListReservedInstanceConfigsResponse))]
[JsonSerializable(typeof(Fgs.Core.Reserved.ListFunctionReservedInstancesResponse))]
[JsonSerializable(typeof(Fgs.Core.Metrics.ListFunctionStatisticsResponse))]
[JsonSerializable(typeof(Fgs.Core.Snapshots.FuncSnapshotState))]
[JsonSerializable(typeof(Fgs.Core.Snapshots.SnapshotSettings))]
public sealed partial class FgsJsonContext : JsonSerializerContext;
