using System.Text.Json.Serialization;
using Fgs.Harness.E2e;

namespace Fgs.Harness;

/// <summary>Source-generated JSON for the admin calls (snake_case) and the reports.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CreateFunctionBody))]
[JsonSerializable(typeof(MaxInstanceBody))]
[JsonSerializable(typeof(E2eReport))]
[JsonSerializable(typeof(Dictionary<string, object>))]
[JsonSerializable(typeof(Dictionary<string, long>))]
[JsonSerializable(typeof(double))]
[JsonSerializable(typeof(string))]
public sealed partial class HarnessJsonContext : JsonSerializerContext;
