using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Fgs.Core.Functions;

/// <summary>
/// Maps between the API models and <see cref="FunctionDefinition"/>: request bodies (validated
/// first with <see cref="FunctionValidator"/>) plus per-runtime defaults into definitions, and
/// definitions into the SDK's response views. Pure: the caller supplies the time.
/// </summary>
public static class FunctionMapper
{
    // The user_data string is itself embedded in a JSON response (escaped again there), so keep it
    // readable: quotes as \" and non-ASCII text as is.
    private static readonly JsonWriterOptions UserDataWriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// CPU for a memory size, in millicores, as <c>RUNTIME_CPU</c> and the <c>cpu</c> field report
    /// it. FunctionGraph gives CPU in proportion to memory; this platform uses
    /// <c>round(memory_size_mb * 300 / 1024)</c> (midpoints away from zero): 128 MB -> 38,
    /// 1024 MB -> 300, 10240 MB -> 3000.
    /// </summary>
    public static int CpuMillicores(int memoryMb) => (int)Math.Round(memoryMb * 300 / 1024.0, MidpointRounding.AwayFromZero);

    /// <summary>The <c>digest</c> of a code package: its SHA-512 as lowercase hex (as FunctionGraph).</summary>
    public static string ComputeDigest(ReadOnlySpan<byte> code) => Convert.ToHexStringLower(SHA512.HashData(code));

    /// <summary>
    /// Builds the definition of a new function from a create body that
    /// <see cref="FunctionValidator.ValidateCreate"/> accepted, applying FunctionGraph's defaults:
    /// package <c>default</c>; memory 128 MB (Java 512 MB); timeout 3 s (Java 15 s); handler
    /// <c>bootstrap</c> for Custom and http; concurrency 1; 400 max instances; type v2; code file name
    /// <c>{func_name}.zip</c> for zip code.
    /// </summary>
    /// <param name="body">The validated body.</param>
    /// <param name="projectId">The owning project.</param>
    /// <param name="codeSize">Size of the decoded code package, bytes.</param>
    /// <param name="digest">Its <see cref="ComputeDigest"/>.</param>
    /// <param name="now">The creation time (from the caller's <see cref="TimeProvider"/>); kept to the second.</param>
    /// <exception cref="ArgumentException">The body was not valid.</exception>
    public static FunctionDefinition ToDefinition(CreateFunctionRequestBody body, string projectId, long codeSize, string digest,
        DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentException.ThrowIfNullOrEmpty(projectId);
        ArgumentException.ThrowIfNullOrEmpty(body.FuncName, nameof(body));
        ArgumentException.ThrowIfNullOrEmpty(body.Runtime, nameof(body));
        var runtime = body.Runtime;
        var at = TruncateToSeconds(now);
        var codeType = string.IsNullOrEmpty(body.CodeType) ? CodeTypes.Zip : body.CodeType;
        var hasInitializer = !string.IsNullOrEmpty(body.InitializerHandler);
        var hasPreStop = !string.IsNullOrEmpty(body.PreStopHandler);
        return new FunctionDefinition
        {
            ProjectId = projectId,
            Package = string.IsNullOrEmpty(body.Package) ? FunctionLimits.DefaultPackage : body.Package,
            Name = body.FuncName,
            Runtime = runtime,
            Handler = string.IsNullOrEmpty(body.Handler)
                ? FunctionRuntimes.DefaultHandler(runtime) ?? throw new ArgumentException($"handler is required for runtime {runtime}", nameof(body))
                : body.Handler,
            MemorySize = body.MemorySize ?? FunctionRuntimes.DefaultMemorySize(runtime),
            Timeout = body.Timeout ?? FunctionRuntimes.DefaultTimeout(runtime),
            CodeType = codeType,
            CodeFilename = string.IsNullOrEmpty(body.CodeFilename)
                ? codeType == CodeTypes.Zip ? body.FuncName + ".zip" : null
                : body.CodeFilename,
            CodeSize = codeSize,
            Digest = digest,
            UserData = ParseUserData(body.UserData, "user_data"),
            EncryptedUserData = ParseUserData(body.EncryptedUserData, "encrypted_user_data"),
            Description = body.Description ?? string.Empty,
            InitializerHandler = hasInitializer ? body.InitializerHandler : null,
            InitializerTimeout = hasInitializer ? body.InitializerTimeout : null,
            PreStopHandler = hasPreStop ? body.PreStopHandler : null,
            PreStopTimeout = hasPreStop ? body.PreStopTimeout : null,
            Tags = FunctionValidator.TryParseTags(body.Tags, out var tags, out var tagError)
                ? tags
                : throw new ArgumentException(tagError.ErrorMessage, nameof(body)),
            EnableDynamicMemory = body.EnableDynamicMemory ?? false,
            IsStatefulFunction = body.IsStatefulFunction ?? false,
            GpuMemory = body.GpuMemory,
            GpuType = body.GpuMemory is null ? null : NullIfEmpty(body.GpuType),
            Type = string.IsNullOrEmpty(body.Type) ? FunctionLimits.DefaultType : body.Type,
            Xrole = NullIfEmpty(body.Xrole),
            AppXrole = NullIfEmpty(body.AppXrole),
            EnterpriseProjectId = NullIfEmpty(body.EnterpriseProjectId),
            Version = FunctionLimits.LatestVersion,
            Created = at,
            LastModified = at,
            Revision = 1,
        };
    }

    /// <summary>
    /// Applies an update-config body that <see cref="FunctionValidator.ValidateUpdateConfig"/>
    /// accepted. A field left out (null) keeps its value; an empty string clears an optional text
    /// field (description, xrole, hooks, user data); an empty handler resets Custom/http to
    /// <c>bootstrap</c>. The name, package, code and tags do not change here. Bumps the revision.
    /// </summary>
    /// <exception cref="ArgumentException">The body was not valid.</exception>
    public static FunctionDefinition ApplyUpdateConfig(FunctionDefinition current, UpdateFunctionConfigRequestBody body, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(body);
        var runtime = string.IsNullOrEmpty(body.Runtime) ? current.Runtime : body.Runtime;
        var handler = body.Handler switch
        {
            null => current.Handler,
            "" => FunctionRuntimes.DefaultHandler(runtime) ?? throw new ArgumentException($"handler is required for runtime {runtime}", nameof(body)),
            _ => body.Handler,
        };
        var initializer = Effective(body.InitializerHandler, current.InitializerHandler);
        var preStop = Effective(body.PreStopHandler, current.PreStopHandler);
        var restoreHook = Effective(body.RestoreHookHandler, current.RestoreHookHandler);
        var gpuMemory = body.GpuMemory ?? current.GpuMemory;
        return current with
        {
            Runtime = runtime,
            Handler = handler,
            MemorySize = body.MemorySize ?? current.MemorySize,
            Timeout = body.Timeout ?? current.Timeout,
            UserData = body.UserData is null ? current.UserData : ParseUserData(body.UserData, "user_data"),
            EncryptedUserData = body.EncryptedUserData is null
                ? current.EncryptedUserData
                : ParseUserData(body.EncryptedUserData, "encrypted_user_data"),
            Description = body.Description ?? current.Description,
            InitializerHandler = initializer,
            InitializerTimeout = initializer is null ? null : body.InitializerTimeout ?? current.InitializerTimeout,
            PreStopHandler = preStop,
            PreStopTimeout = preStop is null ? null : body.PreStopTimeout ?? current.PreStopTimeout,
            RestoreHookHandler = restoreHook,
            RestoreHookTimeout = restoreHook is null ? null : body.RestoreHookTimeout ?? current.RestoreHookTimeout,
            HeartbeatHandler = Effective(body.HeartbeatHandler, current.HeartbeatHandler),
            ConcurrentNum = body.StrategyConfig?.ConcurrentNum ?? current.ConcurrentNum,
            MaxInstanceNum = body.StrategyConfig?.Concurrency ?? current.MaxInstanceNum,
            EnableDynamicMemory = body.EnableDynamicMemory ?? current.EnableDynamicMemory,
            IsStatefulFunction = body.IsStatefulFunction ?? current.IsStatefulFunction,
            GpuMemory = gpuMemory,
            GpuType = gpuMemory is null ? null : body.GpuType is null ? current.GpuType : NullIfEmpty(body.GpuType),
            Xrole = body.Xrole is null ? current.Xrole : NullIfEmpty(body.Xrole),
            AppXrole = body.AppXrole is null ? current.AppXrole : NullIfEmpty(body.AppXrole),
            EnterpriseProjectId = body.EnterpriseProjectId is null ? current.EnterpriseProjectId : NullIfEmpty(body.EnterpriseProjectId),
            LastModified = TruncateToSeconds(now),
            Revision = current.Revision + 1,
        };
    }

    /// <summary>Applies new code (an update-code body that
    /// <see cref="FunctionValidator.ValidateUpdateCode"/> accepted, and the decoded package's size and
    /// digest). Bumps the revision.</summary>
    public static FunctionDefinition ApplyUpdateCode(FunctionDefinition current, UpdateFunctionCodeRequestBody body, long codeSize,
        string digest, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(body);
        var codeType = string.IsNullOrEmpty(body.CodeType) ? current.CodeType : body.CodeType;
        return current with
        {
            CodeType = codeType,
            CodeFilename = string.IsNullOrEmpty(body.CodeFilename)
                ? codeType == CodeTypes.Zip ? current.CodeFilename ?? current.Name + ".zip" : current.CodeFilename
                : body.CodeFilename,
            CodeSize = codeSize,
            Digest = digest,
            LastModified = TruncateToSeconds(now),
            Revision = current.Revision + 1,
        };
    }

    /// <summary>Applies an update-max-instances body that
    /// <see cref="FunctionValidator.ValidateMaxInstanceConfig"/> accepted. Bumps the revision.</summary>
    public static FunctionDefinition ApplyMaxInstanceConfig(FunctionDefinition current, UpdateFunctionMaxInstanceConfigRequestBody body,
        DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(body);
        return current with
        {
            MaxInstanceNum = body.MaxInstanceNum ?? current.MaxInstanceNum,
            LastModified = TruncateToSeconds(now),
            Revision = current.Revision + 1,
        };
    }

    /// <summary>Fills a configuration view (<see cref="ShowFunctionConfigResponse"/>,
    /// <see cref="CreateFunctionResponse"/>, <see cref="UpdateFunctionConfigResponse"/> or
    /// <see cref="UpdateFunctionMaxInstanceConfigResponse"/>) from a definition.</summary>
    /// <param name="function">The definition.</param>
    /// <param name="region">The region, for <c>func_urn</c> and <c>project_name</c>.</param>
    public static T ToConfigView<T>(FunctionDefinition function, string region)
        where T : FunctionConfigView, new()
    {
        var view = Summarize(new T(), function, function.GetUrn(region).ToString(), region);
        view.GpuType = function.GpuType;
        view.EnableDynamicMemory = function.EnableDynamicMemory;
        view.IsStatefulFunction = function.IsStatefulFunction;
        view.HeartbeatHandler = function.HeartbeatHandler;
        return view;
    }

    /// <summary>The function as one item of <see cref="ListFunctionsResponse.Functions"/>; its
    /// <c>func_urn</c> carries no qualifier, as FunctionGraph's list.</summary>
    public static ListFunctionResult ToListResult(FunctionDefinition function, string region)
    {
        ArgumentNullException.ThrowIfNull(function);
        return Summarize(new ListFunctionResult(), function, function.GetUrn(region).WithoutQualifier().ToString(), region);
    }

    private static T Summarize<T>(T view, FunctionDefinition function, string urn, string region)
        where T : FunctionSummaryView
    {
        ArgumentNullException.ThrowIfNull(function);
        view.FuncUrn = urn;
        view.FuncName = function.Name;
        view.Namespace = function.ProjectId;
        view.ProjectName = region;
        view.Package = function.Package;
        view.Runtime = function.Runtime;
        view.Timeout = function.Timeout;
        view.Handler = function.Handler;
        view.MemorySize = function.MemorySize;
        view.GpuMemory = function.GpuMemory;
        view.Cpu = function.CpuMillicores;
        view.CodeType = function.CodeType;
        view.CodeFilename = function.CodeFilename;
        view.CodeSize = function.CodeSize;
        view.UserData = SerializeUserData(function.UserData);
        view.EncryptedUserData = SerializeUserData(function.EncryptedUserData);
        view.Digest = function.Digest;
        view.Version = function.Version;
        view.Xrole = function.Xrole;
        view.AppXrole = function.AppXrole;
        view.Description = function.Description;
        view.LastModified = function.LastModified;
        view.StrategyConfig = new StrategyConfig { Concurrency = function.MaxInstanceNum, ConcurrentNum = function.ConcurrentNum };
        view.InitializerHandler = function.InitializerHandler;
        view.InitializerTimeout = function.InitializerTimeout;
        view.PreStopHandler = function.PreStopHandler;
        view.PreStopTimeout = function.PreStopTimeout;
        view.EnterpriseProjectId = function.EnterpriseProjectId;
        view.Type = function.Type;
        return view;
    }

    /// <summary>Fills a code view (<see cref="ShowFunctionCodeResponse"/> or
    /// <see cref="UpdateFunctionCodeResponse"/>) from a definition.</summary>
    /// <param name="function">The definition.</param>
    /// <param name="region">The region, for <c>func_urn</c>.</param>
    /// <param name="codeLink">Where the package can be downloaded (<c>func_code.link</c>), or null.</param>
    public static T ToCodeView<T>(FunctionDefinition function, string region, string? codeLink = null)
        where T : FunctionCodeView, new()
    {
        ArgumentNullException.ThrowIfNull(function);
        return new T
        {
            FuncUrn = function.GetUrn(region).ToString(),
            FuncName = function.Name,
            Runtime = function.Runtime,
            CodeType = function.CodeType,
            CodeFilename = function.CodeFilename,
            CodeSize = function.CodeSize,
            Digest = function.Digest,
            LastModified = function.LastModified,
            FuncCode = new FuncCode { File = string.Empty, Link = codeLink ?? string.Empty },
            StrategyConfig = new StrategyConfig { Concurrency = function.MaxInstanceNum, ConcurrentNum = function.ConcurrentNum },
        };
    }

    /// <summary>Environment variables as FunctionGraph's <c>user_data</c> string: a JSON object in
    /// the given order (quotes escaped as <c>\"</c>, non-ASCII text kept), or the empty string when
    /// there are none.</summary>
    public static string SerializeUserData(IEnumerable<KeyValuePair<string, string>> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        using var buffer = new MemoryStream();
        var any = false;
        using (var writer = new Utf8JsonWriter(buffer, UserDataWriterOptions))
        {
            writer.WriteStartObject();
            foreach (var (key, value) in values)
            {
                writer.WriteString(key, value);
                any = true;
            }

            writer.WriteEndObject();
        }

        return any ? Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length) : string.Empty;
    }

    private static OrderedDictionary<string, string> ParseUserData(string? json, string field) =>
        FunctionValidator.TryParseUserData(json, out var values, out var error, field)
            ? values
            : throw new ArgumentException(error.ErrorMessage, field);

    private static string? Effective(string? requested, string? current) => requested is null ? current : NullIfEmpty(requested);

    private static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;

    private static DateTimeOffset TruncateToSeconds(DateTimeOffset time) =>
        new(time.Ticks - (time.Ticks % TimeSpan.TicksPerSecond), time.Offset);
}
