using System.Buffers.Text;
using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using Fgs.Core.Errors;

namespace Fgs.Core.Functions;

/// <summary>
/// Validates management-API requests against FunctionGraph's rules (reference section 1). Every
/// check answers null when the input is valid, or the first rule it breaks as an
/// <see cref="FgsError"/> whose message names the field and the rule.
/// </summary>
/// <remarks>
/// Settings this platform accepts for SDK compatibility but does not apply (VPC, mounts, log
/// configuration, network controls, KMS keys, dependencies, LTS tags) are not validated.
/// </remarks>
public static class FunctionValidator
{
    private const int MaxEchoedLength = 64;
    private const int MaxCodeFilenameLength = 255;

    private static readonly string RuntimeList = string.Join(", ", FunctionRuntimes.All.Where(FunctionRuntimes.IsSupported));
    private static readonly string MemoryList = string.Join(", ", FunctionLimits.MemorySizes);

    /// <summary>Validates a create-function body: every field it carries, including that
    /// <c>func_code.file</c> is base64 of at most 40 MB. The zip's content is checked separately, once
    /// decoded, with <see cref="ValidateZipArchive"/>.</summary>
    public static FgsError? ValidateCreate(CreateFunctionRequestBody? body)
    {
        if (body is null)
        {
            return FgsErrors.BadRequest("the request body is required");
        }

        if (ValidateFunctionName(body.FuncName) is { } nameError)
        {
            return nameError;
        }

        if (!string.IsNullOrEmpty(body.Package) && ValidatePackage(body.Package) is { } packageError)
        {
            return packageError;
        }

        if (ValidateRuntime(body.Runtime) is { } runtimeError)
        {
            return runtimeError;
        }

        var runtime = body.Runtime!;
        if (string.IsNullOrEmpty(body.Handler))
        {
            if (FunctionRuntimes.DefaultHandler(runtime) is null)
            {
                return FgsErrors.InvalidHandler($"handler is required for runtime {runtime}: {HandlerRule(runtime, "handler")}");
            }
        }
        else if (ValidateHandler(body.Handler, runtime) is { } handlerError)
        {
            return handlerError;
        }

        return ValidateCommonSettings(runtime, body.MemorySize, body.Timeout, body.Description, body.UserData, body.EncryptedUserData,
                   body.GpuMemory)
               ?? ValidateHook(runtime, "initializer_handler", body.InitializerHandler, "initializer_timeout", body.InitializerTimeout,
                   FunctionLimits.MinInitializerTimeout, FunctionLimits.MaxInitializerTimeout)
               ?? ValidateHook(runtime, "pre_stop_handler", body.PreStopHandler, "pre_stop_timeout", body.PreStopTimeout,
                   FunctionLimits.MinPreStopTimeout, FunctionLimits.MaxPreStopTimeout)
               ?? ValidateType(body.Type)
               ?? (TryParseTags(body.Tags, out _, out var tagError) ? null : (FgsError?)tagError)
               ?? ValidateCode(runtime, body.CodeType, body.CodeFilename, body.FuncCode);
    }

    /// <summary>Validates an update-config body against the function it changes: fields left out
    /// keep their current values, so the result (e.g. a new runtime with the current handler) is what
    /// is checked.</summary>
    public static FgsError? ValidateUpdateConfig(UpdateFunctionConfigRequestBody? body, FunctionDefinition current)
    {
        ArgumentNullException.ThrowIfNull(current);
        if (body is null)
        {
            return FgsErrors.BadRequest("the request body is required");
        }

        if (body.FuncName is not null && ValidateFunctionName(body.FuncName) is { } nameError)
        {
            return nameError;
        }

        if (body.Runtime is not null && ValidateRuntime(body.Runtime) is { } runtimeError)
        {
            return runtimeError;
        }

        var runtime = body.Runtime ?? current.Runtime;
        // Inline code of a language runtime is one module file, not a bootstrap.
        if (current.CodeType == CodeTypes.Inline && FunctionRuntimes.RequiresBootstrap(runtime) && !FunctionRuntimes.RequiresBootstrap(current.Runtime))
        {
            return FgsErrors.InvalidCodeType(
                $"runtime {runtime} needs a zip whose root holds an executable 'bootstrap', but the function's code_type is inline: update the code first");
        }

        if (body.Handler is null)
        {
            if (body.Runtime is not null && ValidateHandler(current.Handler, runtime) is { } currentHandlerError)
            {
                return currentHandlerError;
            }
        }
        else if (body.Handler.Length == 0)
        {
            if (FunctionRuntimes.DefaultHandler(runtime) is null)
            {
                return FgsErrors.InvalidHandler($"handler is required for runtime {runtime}: {HandlerRule(runtime, "handler")}");
            }
        }
        else if (ValidateHandler(body.Handler, runtime) is { } handlerError)
        {
            return handlerError;
        }

        return ValidateCommonSettings(runtime, body.MemorySize, body.Timeout, body.Description, body.UserData, body.EncryptedUserData,
                   body.GpuMemory ?? current.GpuMemory)
               ?? ValidateHook(runtime, "initializer_handler", Effective(body.InitializerHandler, current.InitializerHandler),
                   "initializer_timeout", body.InitializerTimeout ?? current.InitializerTimeout,
                   FunctionLimits.MinInitializerTimeout, FunctionLimits.MaxInitializerTimeout)
               ?? ValidateHook(runtime, "pre_stop_handler", Effective(body.PreStopHandler, current.PreStopHandler),
                   "pre_stop_timeout", body.PreStopTimeout ?? current.PreStopTimeout,
                   FunctionLimits.MinPreStopTimeout, FunctionLimits.MaxPreStopTimeout)
               ?? ValidateHook(runtime, "restore_hook_handler", Effective(body.RestoreHookHandler, current.RestoreHookHandler),
                   "restore_hook_timeout", body.RestoreHookTimeout ?? current.RestoreHookTimeout,
                   FunctionLimits.MinRestoreHookTimeout, FunctionLimits.MaxRestoreHookTimeout)
               ?? (string.IsNullOrEmpty(body.HeartbeatHandler) ? null : ValidateHandler(body.HeartbeatHandler, runtime, "heartbeat_handler"))
               ?? ValidateStrategy(body.StrategyConfig);
    }

    /// <summary>Validates an update-code body (<c>code_type</c> defaults to the function's current
    /// one). The zip's content is checked separately with <see cref="ValidateZipArchive"/>.</summary>
    public static FgsError? ValidateUpdateCode(UpdateFunctionCodeRequestBody? body, FunctionDefinition current)
    {
        ArgumentNullException.ThrowIfNull(current);
        return body is null
            ? FgsErrors.BadRequest("the request body is required")
            : ValidateCode(current.Runtime, body.CodeType ?? current.CodeType, body.CodeFilename, body.FuncCode);
    }

    /// <summary>Validates an update-max-instances body: <c>max_instance_num</c> is required, -1
    /// (unlimited) or 0-1000.</summary>
    public static FgsError? ValidateMaxInstanceConfig(UpdateFunctionMaxInstanceConfigRequestBody? body) =>
        body?.MaxInstanceNum is { } max
            ? ValidateMaxInstanceNum(max, "max_instance_num")
            : FgsErrors.BadRequest("max_instance_num is required: -1 (unlimited) or 0-1000");

    /// <summary>Checks a function name: 1-60 letters, digits, <c>_</c> or <c>-</c>, first a letter,
    /// last a letter or digit.</summary>
    public static FgsError? ValidateFunctionName(string? name) => name switch
    {
        null or "" => FgsErrors.InvalidFunctionName("func_name is required: " + FunctionNames.FunctionNameRule),
        _ when FunctionNames.IsValidFunctionName(name) => null,
        _ => FgsErrors.InvalidFunctionName(FunctionNames.FunctionNameRule),
    };

    /// <summary>Checks a package name: 1-64 letters, digits, <c>_</c> or <c>-</c>.</summary>
    public static FgsError? ValidatePackage(string? package) =>
        package is not null && FunctionNames.IsValidPackage(package) ? null : FgsErrors.InvalidPackage(FunctionNames.PackageRule);

    /// <summary>Checks a runtime: required, one of the SDK's runtime names, not <c>Custom Image</c>.</summary>
    public static FgsError? ValidateRuntime(string? runtime)
    {
        if (string.IsNullOrEmpty(runtime))
        {
            return FgsErrors.InvalidRuntime("runtime is required: one of " + RuntimeList);
        }

        if (!FunctionRuntimes.IsKnown(runtime))
        {
            return FgsErrors.InvalidRuntime($"runtime '{Echo(runtime)}' is not a FunctionGraph runtime: expected one of {RuntimeList}");
        }

        return FunctionRuntimes.IsSupported(runtime)
            ? null
            : FgsErrors.InvalidRuntime($"runtime '{runtime}' is not supported: container-image functions cannot run here; use Custom or http");
    }

    /// <summary>
    /// Checks a handler's shape for a runtime: Custom, http, Go and Cangjie take any 1-128
    /// characters without whitespace; Node.js, Python and PHP <c>file.function</c>; Java
    /// <c>pkg.Class.method</c> or <c>pkg.Class::method</c>; C# <c>Assembly::Namespace.Class::Method</c>.
    /// </summary>
    /// <param name="handler">The handler.</param>
    /// <param name="runtime">A known runtime name.</param>
    /// <param name="field">The field name used in the message (handler, initializer_handler, ...).</param>
    public static FgsError? ValidateHandler(string? handler, string runtime, string field = "handler")
    {
        var ok = !string.IsNullOrEmpty(handler) && handler.Length <= FunctionLimits.MaxHandlerLength && !HasWhitespaceOrControl(handler)
            && FunctionRuntimes.GetFamily(runtime) switch
            {
                RuntimeFamily.NodeJs or RuntimeFamily.Python or RuntimeFamily.Php => IsFileFunctionHandler(handler),
                RuntimeFamily.Java => IsJavaHandler(handler),
                RuntimeFamily.CSharp => IsCSharpHandler(handler),
                _ => true,
            };
        return ok ? null : FgsErrors.InvalidHandler(HandlerRule(runtime, field));
    }

    /// <summary>Checks a memory size against the memory list.</summary>
    public static FgsError? ValidateMemorySize(int memorySize) => FunctionLimits.MemorySizes.Contains(memorySize)
        ? null
        : FgsErrors.InvalidMemorySize(string.Create(CultureInfo.InvariantCulture,
            $"memory_size {memorySize} is invalid: it must be one of {MemoryList} (MB)"));

    /// <summary>Checks a function timeout: 3-259200 seconds.</summary>
    public static FgsError? ValidateTimeout(int timeout) => timeout is >= FunctionLimits.MinTimeout and <= FunctionLimits.MaxTimeout
        ? null
        : FgsErrors.InvalidTimeout(string.Create(CultureInfo.InvariantCulture,
            $"timeout {timeout} is invalid: it must be between {FunctionLimits.MinTimeout} and {FunctionLimits.MaxTimeout} seconds"));

    /// <summary>Checks a description: at most 512 characters.</summary>
    public static FgsError? ValidateDescription(string? description) =>
        description is null || description.Length <= FunctionLimits.MaxDescriptionLength
            ? null
            : FgsErrors.BadRequest(string.Create(CultureInfo.InvariantCulture,
                $"description is {description.Length} characters long: at most {FunctionLimits.MaxDescriptionLength} are allowed"));

    /// <summary>Checks a single-instance concurrency: 1-1000.</summary>
    public static FgsError? ValidateConcurrentNum(int concurrentNum, string field = "concurrent_num") =>
        concurrentNum is >= FunctionLimits.MinConcurrentNum and <= FunctionLimits.MaxConcurrentNum
            ? null
            : FgsErrors.BadRequest(string.Create(CultureInfo.InvariantCulture,
                $"{field} {concurrentNum} is invalid: it must be between {FunctionLimits.MinConcurrentNum} and {FunctionLimits.MaxConcurrentNum}"));

    /// <summary>Checks a maximum-instances value: -1 (unlimited) or 0-1000.</summary>
    public static FgsError? ValidateMaxInstanceNum(int maxInstanceNum, string field = "max_instance_num") =>
        maxInstanceNum is >= FunctionLimits.UnlimitedInstances and <= FunctionLimits.MaxMaxInstanceNum
            ? null
            : FgsErrors.BadRequest(string.Create(CultureInfo.InvariantCulture,
                $"{field} {maxInstanceNum} is invalid: it must be -1 (unlimited) or between 0 and {FunctionLimits.MaxMaxInstanceNum}"));

    /// <summary>Checks a version name: 1-42 letters, digits, <c>-</c>, <c>_</c> or <c>.</c>.</summary>
    public static FgsError? ValidateVersionName(string? version) =>
        version is not null && FunctionNames.IsValidVersionName(version) ? null : FgsErrors.InvalidVersion(FunctionNames.VersionRule);

    /// <summary>Checks an alias name: 1-63 letters, digits, <c>_</c> or <c>-</c>, first a letter.</summary>
    public static FgsError? ValidateAliasName(string? alias) =>
        alias is not null && FunctionNames.IsValidAliasName(alias) ? null : FgsErrors.InvalidAlias(FunctionNames.AliasRule);

    /// <summary>
    /// Parses and checks environment variables as FunctionGraph carries them: a string holding a
    /// JSON object of string values (null, empty or blank means none). Keys: a letter, then letters,
    /// digits or <c>_</c>; not starting with <c>RUNTIME_</c>; unique. Keys plus values: at most 4096
    /// characters in total.
    /// </summary>
    /// <param name="json">The <c>user_data</c> (or <c>encrypted_user_data</c>) string.</param>
    /// <param name="values">The variables in the order given, when valid (empty otherwise).</param>
    /// <param name="error">The first problem, when not.</param>
    /// <param name="field">The field name used in messages.</param>
    public static bool TryParseUserData(string? json, out OrderedDictionary<string, string> values, out FgsError error,
        string field = "user_data")
    {
        values = new OrderedDictionary<string, string>(StringComparer.Ordinal);
        error = default;
        if (string.IsNullOrWhiteSpace(json))
        {
            return true;
        }

        var shape = $"{field} must be a string holding a JSON object of string values, e.g. {{\"KEY\":\"value\"}}";
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                error = FgsErrors.InvalidUserData(shape);
                return false;
            }

            var total = 0;
            foreach (var property in document.RootElement.EnumerateObject())
            {
                var key = property.Name;
                if (!IsEnvironmentKey(key))
                {
                    error = FgsErrors.InvalidUserData(
                        $"{field}: key '{Echo(key)}' is invalid: a key must start with a letter and hold only letters, digits and '_'");
                    return false;
                }

                if (key.StartsWith(FunctionLimits.ReservedUserDataPrefix, StringComparison.Ordinal))
                {
                    error = FgsErrors.InvalidUserData(
                        $"{field}: key '{Echo(key)}' is reserved: names starting with {FunctionLimits.ReservedUserDataPrefix} are set by the platform");
                    return false;
                }

                if (property.Value.ValueKind != JsonValueKind.String)
                {
                    error = FgsErrors.InvalidUserData($"{field}: the value of '{Echo(key)}' must be a string");
                    return false;
                }

                var value = property.Value.GetString()!;
                if (!values.TryAdd(key, value))
                {
                    error = FgsErrors.InvalidUserData($"{field}: key '{Echo(key)}' appears more than once");
                    return false;
                }

                total += key.Length + value.Length;
            }

            if (total > FunctionLimits.MaxUserDataLength)
            {
                values.Clear();
                error = FgsErrors.UserDataTooLarge(field, total);
                return false;
            }

            return true;
        }
        catch (JsonException e)
        {
            values.Clear();
            error = FgsErrors.InvalidUserData($"{shape}: {e.Message}");
            return false;
        }
    }

    /// <summary>
    /// Parses and checks the create body's <c>tags</c> string: JSON, either an array of
    /// <c>{"key","value"}</c> objects (the SDK's <c>KvItem</c>) or an object of string values (null,
    /// empty or blank means none). At most 20 tags; keys 1-128 characters of letters, digits, spaces
    /// and <c>_ . : = + - @</c>, not starting with <c>_sys_</c>, not starting or ending with a space,
    /// unique; values at most 255 characters of letters, digits, spaces and <c>_ . : / = + - @</c>.
    /// </summary>
    public static bool TryParseTags(string? tags, out OrderedDictionary<string, string> values, out FgsError error)
    {
        values = new OrderedDictionary<string, string>(StringComparer.Ordinal);
        error = default;
        if (string.IsNullOrWhiteSpace(tags))
        {
            return true;
        }

        const string shape = "tags must be a string holding JSON: an array of {\"key\":\"...\",\"value\":\"...\"} objects or an object of string values";
        var pairs = new List<KeyValuePair<string, string>>();
        try
        {
            using var document = JsonDocument.Parse(tags);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in root.EnumerateObject())
                {
                    if (property.Value.ValueKind != JsonValueKind.String)
                    {
                        error = FgsErrors.BadRequest(shape);
                        return false;
                    }

                    pairs.Add(new(property.Name, property.Value.GetString()!));
                }
            }
            else if (root.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in root.EnumerateArray())
                {
                    if (item.ValueKind != JsonValueKind.Object
                        || !item.TryGetProperty("key", out var key) || key.ValueKind != JsonValueKind.String
                        || (item.TryGetProperty("value", out var value) && value.ValueKind is not (JsonValueKind.String or JsonValueKind.Null)))
                    {
                        error = FgsErrors.BadRequest(shape);
                        return false;
                    }

                    pairs.Add(new(key.GetString()!, value.ValueKind == JsonValueKind.String ? value.GetString()! : string.Empty));
                }
            }
            else
            {
                error = FgsErrors.BadRequest(shape);
                return false;
            }
        }
        catch (JsonException e)
        {
            error = FgsErrors.BadRequest($"{shape}: {e.Message}");
            return false;
        }

        if (pairs.Count > FunctionLimits.MaxTags)
        {
            error = FgsErrors.BadRequest(string.Create(CultureInfo.InvariantCulture,
                $"tags: {pairs.Count} tags given; at most {FunctionLimits.MaxTags} are allowed per function"));
            return false;
        }

        foreach (var (key, value) in pairs)
        {
            if (!IsTagKey(key))
            {
                error = FgsErrors.BadRequest(
                    $"tags: key '{Echo(key)}' is invalid: 1-128 characters of letters, digits, spaces and _ . : = + - @, not starting with _sys_, not starting or ending with a space");
                return false;
            }

            if (!IsTagValue(value))
            {
                error = FgsErrors.BadRequest(
                    $"tags: the value of '{Echo(key)}' is invalid: at most 255 characters of letters, digits, spaces and _ . : / = + - @");
                return false;
            }

            if (!values.TryAdd(key, value))
            {
                values.Clear();
                error = FgsErrors.BadRequest($"tags: key '{Echo(key)}' appears more than once");
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Decodes <c>func_code.file</c>: required, valid base64, at most <paramref name="maxBytes"/>
    /// (40 MB) once decoded. The size is known before decoding, so an oversized upload is refused
    /// without being decoded.
    /// </summary>
    /// <param name="base64">The base64 text.</param>
    /// <param name="bytes">The decoded bytes, when valid (empty otherwise).</param>
    /// <param name="error">400 <c>FSS.1012</c> (missing), 400 <c>FSS.1011</c> (not base64) or 413
    /// <c>FSS.1071</c> (too large), when not.</param>
    /// <param name="maxBytes">The decoded size limit.</param>
    public static bool TryDecodeCode(string? base64, out byte[] bytes, out FgsError error, long maxBytes = FunctionLimits.MaxZipBytes)
    {
        bytes = [];
        if (CheckBase64Code(base64, maxBytes) is { } problem)
        {
            error = problem;
            return false;
        }

        bytes = Convert.FromBase64String(base64!);
        error = default;
        return true;
    }

    /// <summary>
    /// Checks a code zip: it must be a zip archive; no entry may have an absolute path or a
    /// <c>..</c> segment; the entries' declared uncompressed sizes must total at most
    /// <paramref name="maxUnpacked"/> (1.5 GB); and when <paramref name="requireBootstrap"/> (Custom and
    /// http, see <see cref="FunctionRuntimes.RequiresBootstrap"/>) a <c>bootstrap</c> file must sit at
    /// the root. The stream is read but not disposed.
    /// </summary>
    /// <remarks>Declared sizes can lie: the code that extracts the archive must still stop at the limit.</remarks>
    public static FgsError? ValidateZipArchive(Stream zip, bool requireBootstrap, long maxUnpacked = FunctionLimits.MaxUnpackedCodeBytes)
    {
        ArgumentNullException.ThrowIfNull(zip);
        try
        {
            using var archive = new ZipArchive(zip, ZipArchiveMode.Read, leaveOpen: true);
            long total = 0;
            var hasBootstrap = false;
            string? nestedBootstrap = null;
            foreach (var entry in archive.Entries)
            {
                var name = entry.FullName.Replace('\\', '/');
                if (!IsSafeEntryName(name))
                {
                    return FgsErrors.InvalidCode(
                        $"zip entry '{Echo(entry.FullName)}' is not allowed: entry names must be relative paths without '..' segments");
                }

                total += entry.Length;
                if (total > maxUnpacked)
                {
                    return FgsErrors.InvalidCode(string.Create(CultureInfo.InvariantCulture,
                        $"the zip package unpacks to more than {maxUnpacked} bytes: at most {maxUnpacked} bytes unpacked are allowed"));
                }

                while (name.StartsWith("./", StringComparison.Ordinal))
                {
                    name = name[2..];
                }

                if (name == "bootstrap")
                {
                    hasBootstrap = true;
                }
                else if (nestedBootstrap is null && name.EndsWith("/bootstrap", StringComparison.Ordinal))
                {
                    nestedBootstrap = name;
                }
            }

            if (requireBootstrap && !hasBootstrap)
            {
                return FgsErrors.InvalidCode(nestedBootstrap is null
                    ? "the zip package has no 'bootstrap' file at its root: Custom and http functions need an executable 'bootstrap' there"
                    : $"the zip package has no 'bootstrap' file at its root (found '{Echo(nestedBootstrap)}'): Custom and http functions need an executable 'bootstrap' at the root");
            }

            return null;
        }
        catch (InvalidDataException)
        {
            return FgsErrors.InvalidCode("func_code.file is not a valid zip archive");
        }
    }

    /// <summary>
    /// Picks the memory size an invocation runs with. With dynamic memory on, an
    /// <c>X-Cff-Instance-Memory</c> header value from the memory list picks the size and any other
    /// value is refused (400 <c>FSS.0406</c>); with no header, or dynamic memory off, the configured
    /// size applies.
    /// </summary>
    public static bool TryResolveInstanceMemory(string? headerValue, FunctionDefinition function, out int memoryMb, out FgsError error)
    {
        ArgumentNullException.ThrowIfNull(function);
        memoryMb = function.MemorySize;
        error = default;
        if (!function.EnableDynamicMemory || string.IsNullOrWhiteSpace(headerValue))
        {
            return true;
        }

        if (int.TryParse(headerValue.AsSpan().Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var requested)
            && FunctionLimits.MemorySizes.Contains(requested))
        {
            memoryMb = requested;
            return true;
        }

        error = FgsErrors.DynamicMemoryNotInList();
        return false;
    }

    private static FgsError? ValidateCommonSettings(string runtime, int? memorySize, int? timeout, string? description, string? userData,
        string? encryptedUserData, int? gpuMemory) =>
        (memorySize is { } memory ? ValidateMemorySize(memory) : null)
        ?? (timeout is { } seconds ? ValidateTimeout(seconds) : null)
        ?? ValidateDescription(description)
        ?? (TryParseUserData(userData, out _, out var userDataError) ? null : (FgsError?)userDataError)
        ?? (TryParseUserData(encryptedUserData, out _, out var encryptedError, "encrypted_user_data") ? null : (FgsError?)encryptedError)
        ?? (gpuMemory is { } gpu ? ValidateGpuMemory(gpu, runtime) : null);

    private static FgsError? ValidateGpuMemory(int gpuMemory, string runtime)
    {
        if (gpuMemory is < FunctionLimits.MinGpuMemory or > FunctionLimits.MaxGpuMemory || gpuMemory % 1024 != 0)
        {
            return FgsErrors.InvalidMemorySize(string.Create(CultureInfo.InvariantCulture,
                $"gpu_memory {gpuMemory} is invalid: it must be a multiple of 1024 between {FunctionLimits.MinGpuMemory} and {FunctionLimits.MaxGpuMemory} (MB)"));
        }

        return FunctionRuntimes.RequiresBootstrap(runtime)
            ? null
            : FgsErrors.InvalidMemorySize($"gpu_memory is only available to the Custom and http runtimes, not {runtime}");
    }

    private static FgsError? ValidateHook(string runtime, string handlerField, string? handler, string timeoutField, int? timeout,
        int min, int max)
    {
        if (string.IsNullOrEmpty(handler))
        {
            return null;
        }

        if (ValidateHandler(handler, runtime, handlerField) is { } handlerError)
        {
            return handlerError;
        }

        return timeout switch
        {
            null => FgsErrors.InvalidTimeout(string.Create(CultureInfo.InvariantCulture,
                $"{timeoutField} is required when {handlerField} is set: {min}-{max} seconds")),
            { } seconds when seconds < min || seconds > max => FgsErrors.InvalidTimeout(string.Create(CultureInfo.InvariantCulture,
                $"{timeoutField} {seconds} is invalid: it must be between {min} and {max} seconds")),
            _ => null,
        };
    }

    private static FgsError? ValidateType(string? type) => type is null or "" or "v1" or "v2"
        ? null
        : FgsErrors.BadRequest($"type '{Echo(type)}' is invalid: it must be v1 or v2");

    private static FgsError? ValidateStrategy(StrategyConfig? strategy) =>
        strategy is null
            ? null
            : (strategy.Concurrency is { } max ? ValidateMaxInstanceNum(max, "strategy_config.concurrency") : null)
              ?? (strategy.ConcurrentNum is { } num ? ValidateConcurrentNum(num, "strategy_config.concurrent_num") : null);

    private static FgsError? ValidateCode(string runtime, string? codeType, string? codeFilename, FuncCode? code)
    {
        if (string.IsNullOrEmpty(codeType))
        {
            return FgsErrors.InvalidCodeType("code_type is required: inline or zip");
        }

        if (!CodeTypes.IsKnown(codeType))
        {
            return FgsErrors.InvalidCodeType($"code_type '{Echo(codeType)}' is invalid: it must be inline or zip");
        }

        if (!CodeTypes.IsSupported(codeType))
        {
            return FgsErrors.InvalidCodeType(
                $"code_type '{codeType}' is not supported: upload the code as a base64 zip in func_code.file with code_type zip");
        }

        if (!string.IsNullOrEmpty(codeFilename) && !IsCodeFilename(codeFilename))
        {
            return FgsErrors.BadRequest("code_filename must be a file name of 1-255 characters without '/', '\\' or control characters");
        }

        return CheckBase64Code(code?.File, FunctionLimits.MaxZipBytes);
    }

    private static FgsError? CheckBase64Code(string? base64, long maxBytes)
    {
        if (string.IsNullOrEmpty(base64))
        {
            return FgsErrors.CodeRequired("func_code.file is required: the base64 of the code package");
        }

        if (!Base64.IsValid(base64.AsSpan(), out var decodedLength))
        {
            return FgsErrors.InvalidCode("func_code.file is not valid base64");
        }

        return decodedLength > maxBytes ? FgsErrors.CodePackageTooLarge(decodedLength, maxBytes) : null;
    }

    private static string? Effective(string? requested, string? current) => requested is null ? current : requested.Length == 0 ? null : requested;

    private static string HandlerRule(string runtime, string field) => FunctionRuntimes.GetFamily(runtime) switch
    {
        RuntimeFamily.NodeJs or RuntimeFamily.Python or RuntimeFamily.Php =>
            $"{field} must have the form file.function for runtime {runtime} (e.g. index.handler), at most 128 characters",
        RuntimeFamily.Java =>
            $"{field} must have the form package.Class.method or package.Class::method for runtime {runtime}, at most 128 characters",
        RuntimeFamily.CSharp =>
            $"{field} must have the form Assembly::Namespace.Class::Method for runtime {runtime}, at most 128 characters",
        _ => $"{field} must be 1-128 characters without whitespace for runtime {runtime}",
    };

    private static bool IsFileFunctionHandler(string handler)
    {
        var dot = handler.LastIndexOf('.');
        if (dot <= 0 || !IsIdentifier(handler.AsSpan(dot + 1)))
        {
            return false;
        }

        var file = handler.AsSpan(0, dot);
        if (file[0] == '/')
        {
            return false;
        }

        foreach (var segment in file.Split('/'))
        {
            var part = file[segment];
            if (part.IsEmpty || part.SequenceEqual(".."))
            {
                return false;
            }

            foreach (var c in part)
            {
                if (!char.IsAsciiLetterOrDigit(c) && c is not ('_' or '-' or '.'))
                {
                    return false;
                }
            }
        }

        return true;
    }

    private static bool IsJavaHandler(string handler)
    {
        var separator = handler.IndexOf("::", StringComparison.Ordinal);
        if (separator >= 0)
        {
            return IsDottedIdentifiers(handler.AsSpan(0, separator), 1) && IsIdentifier(handler.AsSpan(separator + 2));
        }

        return IsDottedIdentifiers(handler, 2);
    }

    private static bool IsCSharpHandler(string handler)
    {
        var first = handler.IndexOf("::", StringComparison.Ordinal);
        var last = handler.LastIndexOf("::", StringComparison.Ordinal);
        if (first <= 0 || last <= first + 2 || last + 2 >= handler.Length)
        {
            return false;
        }

        return !handler.AsSpan(first + 2, last - first - 2).Contains(':') && !handler.AsSpan(0, first).Contains(':');
    }

    private static bool IsDottedIdentifiers(ReadOnlySpan<char> text, int minParts)
    {
        var parts = 0;
        foreach (var range in text.Split('.'))
        {
            if (!IsIdentifier(text[range]))
            {
                return false;
            }

            parts++;
        }

        return parts >= minParts;
    }

    private static bool IsIdentifier(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty || char.IsAsciiDigit(text[0]))
        {
            return false;
        }

        foreach (var c in text)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('_' or '$'))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsEnvironmentKey(string key)
    {
        if (key.Length == 0 || !char.IsAsciiLetter(key[0]))
        {
            return false;
        }

        foreach (var c in key)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_')
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsTagKey(string key)
    {
        if (key.Length is 0 or > FunctionLimits.MaxTagKeyLength || key[0] == ' ' || key[^1] == ' '
            || key.StartsWith("_sys_", StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var c in key)
        {
            if (!char.IsLetterOrDigit(c) && c is not (' ' or '_' or '.' or ':' or '=' or '+' or '-' or '@'))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsTagValue(string value)
    {
        if (value.Length > FunctionLimits.MaxTagValueLength)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!char.IsLetterOrDigit(c) && c is not (' ' or '_' or '.' or ':' or '/' or '=' or '+' or '-' or '@'))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsCodeFilename(string name)
    {
        if (name.Length > MaxCodeFilenameLength || name is "." or "..")
        {
            return false;
        }

        foreach (var c in name)
        {
            if (c is '/' or '\\' || char.IsControl(c))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsSafeEntryName(string name)
    {
        if (name.Length == 0 || name[0] == '/' || name.Contains('\0', StringComparison.Ordinal)
            || (name.Length >= 2 && name[1] == ':' && char.IsAsciiLetter(name[0])))
        {
            return false;
        }

        foreach (var range in name.AsSpan().Split('/'))
        {
            if (name.AsSpan()[range].SequenceEqual(".."))
            {
                return false;
            }
        }

        return true;
    }

    private static bool HasWhitespaceOrControl(string text)
    {
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                return true;
            }
        }

        return false;
    }

    private static string Echo(string text) => text.Length <= MaxEchoedLength ? text : string.Concat(text.AsSpan(0, MaxEchoedLength), "...");
}
