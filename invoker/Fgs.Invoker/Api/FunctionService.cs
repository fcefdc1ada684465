using System.Buffers;
using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using Fgs.Core.Errors;
using Fgs.Core.Functions;
using Fgs.Core.Json;
using Fgs.Core.Routing;
using Fgs.Invoker.Hosting;
using Fgs.Invoker.Store;

namespace Fgs.Invoker.Api;

/// <summary>
/// Function management (create, get config and code, update config and code, delete, list): the
/// operations behind the HTTP API. Validates every rule before anything is
/// written; writes the store first, then the in-memory catalog, so what is acknowledged is durable.
/// </summary>
internal sealed class FunctionService
{
    private readonly FunctionStore _store;
    private readonly FunctionCatalog _catalog;
    private readonly InstanceManager _instances;
    private readonly InvokerOptions _options;
    private readonly TimeProvider _time;
    private readonly Lock _writeGate = new();

    public FunctionService(FunctionStore store, FunctionCatalog catalog, InstanceManager instances, InvokerOptions options, TimeProvider time)
    {
        _store = store;
        _catalog = catalog;
        _instances = instances;
        _options = options;
        _time = time;
    }

    /// <summary>Finds the function (and, later, version or alias) a URN names.</summary>
    public bool TryResolve(FunctionUrn urn, out FunctionDefinition definition, out FgsError error)
    {
        if (!_catalog.TryGet(urn.ProjectId, urn.Package, urn.Name, out definition))
        {
            error = FgsErrors.FunctionNotFound(urn.WithoutQualifier().ToString());
            return false;
        }
        if (!urn.IsLatest)
        {
            error = urn.IsAliasQualifier ? FgsErrors.AliasNotFound(urn.AliasName!) : FgsErrors.VersionNotFound(urn.Qualifier!);
            return false;
        }
        error = default;
        return true;
    }

    public ApiResult Create(string projectId, ReadOnlySequence<byte> body)
    {
        if (!TryRead(body, FgsJsonContext.Default.CreateFunctionRequestBody, out var request, out var parseError))
        {
            return parseError;
        }
        if (FunctionValidator.ValidateCreate(request) is { } invalid)
        {
            return invalid;
        }
        if (RunnableRuntime(request!.Runtime) is { } notRunnable)
        {
            return notRunnable;
        }
        if (ValidateProjectId(projectId) is { } badProject)
        {
            return badProject;
        }
        if (!TryLoadCode(request!.Runtime!, request.Handler, request.CodeType, request.FuncCode?.File, out var zip, out var codeError))
        {
            return codeError;
        }
        var digest = FunctionMapper.ComputeDigest(zip);
        var def = FunctionMapper.ToDefinition(request, projectId, zip.Length, digest, _time.GetUtcNow());
        lock (_writeGate)
        {
            if (_catalog.TryGet(def.ProjectId, def.Package, def.Name, out _))
            {
                return FgsErrors.FunctionAlreadyExists(def.Name);
            }
            if (_catalog.CountIn(projectId) >= _options.MaxFunctionsPerProject)
            {
                return FgsErrors.QuotaExceeded("functions per project", _options.MaxFunctionsPerProject);
            }
            _store.SavePackage(digest, zip);
            _store.Save(def);
            _catalog.Set(def);
        }
        return Json(FunctionMapper.ToConfigView<CreateFunctionResponse>(def, _options.Region), FgsJsonContext.Default.CreateFunctionResponse);
    }

    public ApiResult GetConfig(FunctionUrn urn)
    {
        if (!TryResolve(urn, out var def, out var error))
        {
            return error;
        }
        return Json(FunctionMapper.ToConfigView<ShowFunctionConfigResponse>(def, _options.Region), FgsJsonContext.Default.ShowFunctionConfigResponse);
    }

    public ApiResult GetCode(FunctionUrn urn)
    {
        if (!TryResolve(urn, out var def, out var error))
        {
            return error;
        }
        return Json(FunctionMapper.ToCodeView<ShowFunctionCodeResponse>(def, _options.Region), FgsJsonContext.Default.ShowFunctionCodeResponse);
    }

    public ApiResult UpdateConfig(FunctionUrn urn, ReadOnlySequence<byte> body)
    {
        if (!TryRead(body, FgsJsonContext.Default.UpdateFunctionConfigRequestBody, out var request, out var parseError))
        {
            return parseError;
        }
        FunctionDefinition updated;
        lock (_writeGate)
        {
            if (!TryResolve(urn, out var current, out var error))
            {
                return error;
            }
            if (FunctionValidator.ValidateUpdateConfig(request, current) is { } invalid)
            {
                return invalid;
            }
            if (request!.Runtime is { Length: > 0 } runtime && RunnableRuntime(runtime) is { } notRunnable)
            {
                return notRunnable;
            }
            updated = FunctionMapper.ApplyUpdateConfig(current, request!, _time.GetUtcNow());
            _store.Save(updated);
            _catalog.Set(updated);
        }
        return Json(FunctionMapper.ToConfigView<UpdateFunctionConfigResponse>(updated, _options.Region), FgsJsonContext.Default.UpdateFunctionConfigResponse);
    }

    public ApiResult UpdateMaxInstances(FunctionUrn urn, ReadOnlySequence<byte> body)
    {
        if (!TryRead(body, FgsJsonContext.Default.UpdateFunctionMaxInstanceConfigRequestBody, out var request, out var parseError))
        {
            return parseError;
        }
        if (FunctionValidator.ValidateMaxInstanceConfig(request) is { } invalid)
        {
            return invalid;
        }
        FunctionDefinition updated;
        lock (_writeGate)
        {
            if (!TryResolve(urn, out var current, out var error))
            {
                return error;
            }
            updated = FunctionMapper.ApplyMaxInstanceConfig(current, request!, _time.GetUtcNow());
            _store.Save(updated);
            _catalog.Set(updated);
        }
        return Json(FunctionMapper.ToConfigView<UpdateFunctionMaxInstanceConfigResponse>(updated, _options.Region),
            FgsJsonContext.Default.UpdateFunctionMaxInstanceConfigResponse);
    }

    public ApiResult UpdateCode(FunctionUrn urn, ReadOnlySequence<byte> body)
    {
        if (!TryRead(body, FgsJsonContext.Default.UpdateFunctionCodeRequestBody, out var request, out var parseError))
        {
            return parseError;
        }
        if (!TryResolve(urn, out var snapshot, out var notFound))
        {
            return notFound;
        }
        if (FunctionValidator.ValidateUpdateCode(request, snapshot) is { } invalid)
        {
            return invalid;
        }
        if (!TryLoadCode(snapshot.Runtime, snapshot.Handler, request!.CodeType ?? snapshot.CodeType, request.FuncCode?.File, out var zip, out var codeError))
        {
            return codeError;
        }
        var digest = FunctionMapper.ComputeDigest(zip);
        FunctionDefinition updated;
        string oldDigest;
        lock (_writeGate)
        {
            if (!TryResolve(urn, out var current, out var error))
            {
                return error;
            }
            oldDigest = current.Digest;
            updated = FunctionMapper.ApplyUpdateCode(current, request, zip.Length, digest, _time.GetUtcNow());
            _store.SavePackage(digest, zip);
            _store.Save(updated);
            _catalog.Set(updated);
        }
        if (oldDigest != digest)
        {
            CollectPackages();
        }
        return Json(FunctionMapper.ToCodeView<UpdateFunctionCodeResponse>(updated, _options.Region), FgsJsonContext.Default.UpdateFunctionCodeResponse);
    }

    public ApiResult Delete(FunctionUrn urn)
    {
        if (!urn.IsLatest)
        {
            // Versions and aliases are not published on this node yet: nothing but latest exists.
            return urn.IsAliasQualifier ? FgsErrors.AliasNotFound(urn.AliasName!) : FgsErrors.VersionNotFound(urn.Qualifier!);
        }
        lock (_writeGate)
        {
            if (!_catalog.TryGet(urn.ProjectId, urn.Package, urn.Name, out _))
            {
                return FgsErrors.FunctionNotFound(urn.WithoutQualifier().ToString());
            }
            _store.Delete(urn.ProjectId, urn.Package, urn.Name);
            _catalog.TryRemove(urn.ProjectId, urn.Package, urn.Name, out _);
        }
        _instances.Retire(new FunctionKey(urn.ProjectId, urn.Package, urn.Name));
        CollectPackages();
        return ApiResult.Ok(null);
    }

    public ApiResult List(string projectId, string query)
    {
        var args = ParseQuery(query);
        long marker = 0;
        var maxItems = 400;
        if (args.TryGetValue("marker", out var m) && m.Length > 0
            && (!long.TryParse(m, NumberStyles.None, CultureInfo.InvariantCulture, out marker)))
        {
            return FgsErrors.InvalidQueryParameter("marker must be a non-negative integer");
        }
        if (args.TryGetValue("maxitems", out var mi) && mi.Length > 0
            && (!int.TryParse(mi, NumberStyles.None, CultureInfo.InvariantCulture, out maxItems) || maxItems is < 1 or > 400))
        {
            return FgsErrors.InvalidQueryParameter("maxitems must be an integer from 1 to 400");
        }
        args.TryGetValue("package_name", out var package);
        args.TryGetValue("func_name", out var nameFilter);
        var all = _catalog.List(projectId, string.IsNullOrEmpty(package) ? null : package);
        if (!string.IsNullOrEmpty(nameFilter))
        {
            // FunctionGraph filters the list by a fragment of the name.
            all = [.. all.Where(f => f.Name.Contains(nameFilter, StringComparison.Ordinal))];
        }
        var page = all.Skip((int)Math.Min(marker, int.MaxValue)).Take(maxItems).ToList();
        var next = marker + page.Count;
        var response = new ListFunctionsResponse
        {
            Functions = [.. page.Select(f => FunctionMapper.ToListResult(f, _options.Region))],
            Count = all.Count,
            NextMarker = next >= all.Count ? all.Count : next,
        };
        return Json(response, FgsJsonContext.Default.ListFunctionsResponse);
    }

    /// <summary>The quotas this node enforces, with their use (<c>GET /v2/{project_id}/fgs/quotas</c>).</summary>
    public ApiResult ListQuotas(string projectId)
    {
        var response = new Fgs.Core.Quotas.ListQuotasResponse();
        response.Quotas.Resources.Add(new() { Type = "fgs_func_num", Quota = _options.MaxFunctionsPerProject, Used = _catalog.CountIn(projectId) });
        response.Quotas.Resources.Add(new() { Type = "fgs_on_demand_instance_limit", Quota = _options.MaxInstancesTotal, Used = _instances.LiveInstances });
        return Json(response, FgsJsonContext.Default.ListQuotasResponse);
    }

    /// <summary>Loads the demo functions shipped with the product: each sub-folder of
    /// <paramref name="demoDir"/> holding a <c>bootstrap</c> becomes a Custom function of the same
    /// name (created, or its code refreshed when it changed).</summary>
    public IReadOnlyList<string> PreloadDemos(string demoDir, string projectId, Action<string> log)
    {
        var loaded = new List<string>();
        foreach (var dir in Directory.EnumerateDirectories(demoDir).Order(StringComparer.Ordinal))
        {
            var bootstrap = Path.Combine(dir, "bootstrap");
            if (!File.Exists(bootstrap))
            {
                continue;
            }
            var name = Path.GetFileName(dir);
            var zip = ZipFolder(dir);
            var digest = FunctionMapper.ComputeDigest(zip);
            var urn = new FunctionUrn(_options.Region, projectId, FunctionLimits.DefaultPackage, name, null);
            if (_catalog.TryGet(projectId, FunctionLimits.DefaultPackage, name, out var existing))
            {
                if (existing.Digest != digest)
                {
                    var update = new UpdateFunctionCodeRequestBody { CodeType = CodeTypes.Zip, FuncCode = new FuncCode { File = Convert.ToBase64String(zip) } };
                    var r = UpdateCode(urn, new ReadOnlySequence<byte>(JsonSerializer.SerializeToUtf8Bytes(update, FgsJsonContext.Default.UpdateFunctionCodeRequestBody)));
                    if (r.Error is { } e)
                    {
                        log($"demo {name}: {e.ErrorMessage}");
                        continue;
                    }
                }
                loaded.Add(urn.ToString());
                continue;
            }
            var create = new CreateFunctionRequestBody
            {
                FuncName = name,
                Package = FunctionLimits.DefaultPackage,
                Runtime = FunctionRuntimes.Custom,
                Handler = "bootstrap",
                MemorySize = 128,
                Timeout = 30,
                CodeType = CodeTypes.Zip,
                Description = "demo function shipped with the invoker",
                FuncCode = new FuncCode { File = Convert.ToBase64String(zip) },
            };
            var result = Create(projectId, new ReadOnlySequence<byte>(JsonSerializer.SerializeToUtf8Bytes(create, FgsJsonContext.Default.CreateFunctionRequestBody)));
            if (result.Error is { } err)
            {
                log($"demo {name}: {err.ErrorMessage}");
                continue;
            }
            loaded.Add(urn.ToString());
        }
        return loaded;
    }

    /// <summary>Deletes stored and unpacked packages that no function uses any more.</summary>
    public void CollectPackages()
    {
        HashSet<string> used;
        lock (_writeGate)
        {
            used = [.. _catalog.All.Select(f => f.Digest)];
        }
        _store.CollectPackages(used);
    }

    /// <summary>
    /// Instances start the code package's <c>bootstrap</c>: Custom functions run here. The
    /// language runtimes and HTTP functions are valid FunctionGraph settings but have no launcher
    /// on this node yet, so they are refused up front rather than failing at every invocation.
    /// </summary>
    internal static FgsError? RunnableRuntime(string? runtime)
        => runtime == FunctionRuntimes.Custom
            ? null
            : FgsErrors.InvalidRuntime($"runtime '{runtime}' is not supported by this data plane yet: use 'Custom' with a bootstrap executable at the root of the code package");

    /// <summary>Project ids become store folder names: letters, digits, '-' and '_', 1-64 characters.</summary>
    internal static FgsError? ValidateProjectId(string projectId)
        => projectId.Length is >= 1 and <= 64 && projectId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')
            ? null
            : FgsErrors.BadRequest("project_id must be 1-64 characters: letters, digits, '-' or '_'");

    private static bool TryLoadCode(string runtime, string? handler, string? codeType, string? base64, out byte[] zip, out FgsError error)
    {
        zip = [];
        if (!FunctionValidator.TryDecodeCode(base64, out var bytes, out error))
        {
            return false;
        }
        if (codeType == CodeTypes.Inline)
        {
            zip = InlineToZip(runtime, handler, bytes);
        }
        else
        {
            zip = bytes;
        }
        using var stream = new MemoryStream(zip, writable: false);
        if (FunctionValidator.ValidateZipArchive(stream, FunctionRuntimes.RequiresBootstrap(runtime)) is { } bad)
        {
            error = bad;
            return false;
        }
        return true;
    }

    private static byte[] InlineToZip(string runtime, string? handler, byte[] source)
    {
        // Inline code is one source file: the bootstrap for Custom/http, else the handler's module.
        var family = FunctionRuntimes.GetFamily(runtime);
        string entry;
        if (FunctionRuntimes.RequiresBootstrap(runtime))
        {
            entry = "bootstrap";
        }
        else
        {
            var module = (handler ?? "index.handler").Split('.')[0];
            entry = module + family switch
            {
                RuntimeFamily.Python => ".py",
                RuntimeFamily.NodeJs => ".js",
                RuntimeFamily.Php => ".php",
                _ => "",
            };
        }
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            var e = zip.CreateEntry(entry, CompressionLevel.Fastest);
            e.ExternalAttributes = (entry == "bootstrap" ? 0x1ED /* 0755 */ : 0x1A4 /* 0644 */) << 16;
            using var s = e.Open();
            s.Write(source);
        }
        return ms.ToArray();
    }

    internal static byte[] ZipFolder(string dir)
    {
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var file in Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                var rel = Path.GetRelativePath(dir, file).Replace('\\', '/');
                var e = zip.CreateEntry(rel, CompressionLevel.Fastest);
                e.ExternalAttributes = (int)File.GetUnixFileMode(file) << 16;
                e.LastWriteTime = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero); // stable digest
                using var s = e.Open();
                using var f = File.OpenRead(file);
                f.CopyTo(s);
            }
        }
        return ms.ToArray();
    }

    private static bool TryRead<T>(ReadOnlySequence<byte> body, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> info, out T? value, out FgsError error)
        where T : class
    {
        value = null;
        error = default;
        if (body.IsEmpty)
        {
            error = FgsErrors.BadRequest("the request body is required");
            return false;
        }
        try
        {
            var reader = new Utf8JsonReader(body);
            value = JsonSerializer.Deserialize(ref reader, info);
        }
        catch (JsonException e)
        {
            error = FgsErrors.MalformedBody(e.Message);
            return false;
        }
        if (value is null)
        {
            error = FgsErrors.BadRequest("the request body must be a JSON object");
            return false;
        }
        return true;
    }

    private static Dictionary<string, string> ParseQuery(string query)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=');
            var k = Uri.UnescapeDataString(eq < 0 ? part : part[..eq]);
            var v = eq < 0 ? "" : Uri.UnescapeDataString(part[(eq + 1)..].Replace('+', ' '));
            result.TryAdd(k, v);
        }
        return result;
    }

    private static ApiResult Json<T>(T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> info)
        => ApiResult.Ok(JsonSerializer.SerializeToUtf8Bytes(value, info));
}
