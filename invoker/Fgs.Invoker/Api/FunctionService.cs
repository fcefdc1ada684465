using System.Buffers;
using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using Fgs.Core.Errors;
using Fgs.Core.Functions;
using Fgs.Core.Json;
using Fgs.Core.Reserved;
using Fgs.Core.Routing;
using Fgs.Core.Versions;
using Fgs.Invoker.Hosting;
using Fgs.Invoker.Store;

namespace Fgs.Invoker.Api;

/// <summary>
/// Function management (create, get config and code, update config and code, delete, list), versions
/// (publish, list, delete), aliases (create, show, list, update, delete) and reserved instances
/// (update a version's or alias's configuration, list configurations and counts): the operations behind the
/// HTTP API, and the resolution of a URN's qualifier to the definition that serves it. Validates
/// every rule before anything is written; writes the store first, then the in-memory catalogs, so
/// what is acknowledged is durable.
/// </summary>
internal sealed class FunctionService
{
    private readonly FunctionStore _store;
    private readonly FunctionCatalog _catalog;
    private readonly InstanceManager _instances;
    private readonly InvokerOptions _options;
    private readonly TimeProvider _time;
    private readonly VersionCatalog _versions = new();
    // Reserved-instance configurations per function (under _writeGate).
    private readonly Dictionary<FunctionKey, ReservedTargets> _reservedTargets = [];
    private readonly Lock _writeGate = new();

    public FunctionService(FunctionStore store, FunctionCatalog catalog, InstanceManager instances, InvokerOptions options, TimeProvider time)
    {
        _store = store;
        _catalog = catalog;
        _instances = instances;
        _options = options;
        _time = time;
        // A function's maximum instances is one figure for all its versions: the latest definition's.
        instances.MaxInstancesOf = key => catalog.TryGet(key.ProjectId, key.Package, key.Name, out var latest) ? latest.MaxInstanceNum : null;
    }

    /// <summary>The region written in (and required of) function URNs.</summary>
    public string Region => _options.Region;

    /// <summary>The node's function metrics, forgotten for deleted functions.</summary>
    internal Fgs.Core.Metrics.FunctionMetrics? Metrics { get; init; }

    /// <summary>Snapshots: versions of functions with snapshots enabled are snapshotted when published.</summary>
    internal Snapshots.SnapshotCoordinator? Snapshots { get; init; }

    /// <summary>The random source of weighted aliases (thread-safe).</summary>
    internal Random Random { get; init; } = Random.Shared;

    /// <summary>Finds the definition a URN names: <c>latest</c>, a published version, or an alias's
    /// version (its main version: the additional version needs the request, see the overload).</summary>
    public bool TryResolve(FunctionUrn urn, out FunctionDefinition definition, out FgsError error)
        => TryResolve(urn, null, out definition, out error);

    /// <summary>Finds the definition that serves one request to a URN: <c>latest</c> (no
    /// qualifier), a published version, or, through an alias, the version the alias routes this
    /// request to (by its header rules or weight). A bare qualifier is a version first, then an alias.</summary>
    /// <param name="urn">The URN.</param>
    /// <param name="header">The request's header by name, or null to route an alias to its own version.</param>
    /// <param name="definition">The definition, when found.</param>
    /// <param name="error">404 <c>FSS.1051</c>, <c>FSS.1052</c> or <c>FSS.1053</c>, when not.</param>
    public bool TryResolve(FunctionUrn urn, Func<string, string?>? header, out FunctionDefinition definition, out FgsError error)
    {
        if (!_catalog.TryGet(urn.ProjectId, urn.Package, urn.Name, out var latest))
        {
            definition = latest;
            error = FgsErrors.FunctionNotFound(urn.WithoutQualifier().ToString());
            return false;
        }
        if (urn.IsLatest)
        {
            definition = latest;
            error = default;
            return true;
        }
        return _versions.Get(Key(urn)).TryResolve(latest, urn, header, Random, out definition, out error);
    }

    /// <summary>Finds <c>latest</c> for an operation that changes it: a URN naming a published
    /// version or an alias is refused (versions are immutable).</summary>
    private bool TryResolveLatest(FunctionUrn urn, out FunctionDefinition definition, out FgsError error)
    {
        if (!TryResolve(urn, out definition, out error))
        {
            return false;
        }
        if (!urn.IsLatest)
        {
            error = FgsErrors.Forbidden(
                $"'{urn.Qualifier}' is a published version or an alias, and a published version's code and configuration are frozen: "
                + "change latest (the URN without a qualifier, or with ':latest') and publish a new version");
            return false;
        }
        return true;
    }

    /// <summary>Loads every function's published versions and aliases from the store (at start,
    /// after the functions are in the catalog). Aliases that point at a missing version are dropped.</summary>
    public void LoadVersions(Action<string> log)
    {
        lock (_writeGate)
        {
            foreach (var latest in _catalog.All)
            {
                var versions = _store.LoadVersions(latest, log);
                var set = FunctionVersionSet.Create(versions, []);
                var aliases = new List<FunctionAlias>();
                foreach (var alias in _store.LoadAliases(latest, log))
                {
                    if (set.HasVersion(alias.Version) && (alias.AdditionalVersion is null || set.Versions.ContainsKey(alias.AdditionalVersion)))
                    {
                        aliases.Add(alias);
                    }
                    else
                    {
                        log($"{latest.GetUrn(_options.Region).WithoutQualifier()}: dropping alias '{alias.Name}': it points at a version that no longer exists");
                    }
                }
                _versions.Set(Key(latest), FunctionVersionSet.Create(versions, aliases));
                LoadReserved(latest, log);
            }
        }
    }

    /// <summary>Loads a function's reserved-instance configurations and applies them (under the write gate).</summary>
    private void LoadReserved(FunctionDefinition latest, Action<string> log)
    {
        var key = Key(latest);
        var targets = TargetsOf(key);
        foreach (var config in _store.LoadReserved(latest.ProjectId, latest.Package, latest.Name, log))
        {
            var target = new ReservedQualifier(config.QualifierType ?? ReservedQualifierTypes.Version, config.QualifierName ?? FunctionLimits.LatestVersion);
            var body = new UpdateFunctionReservedInstancesCountRequestBody
            {
                Count = config.MinCount,
                IdleMode = config.IdleMode,
                TacticsConfig = config.TacticsConfig,
            };
            if (!ReservedInstanceValidator.TryValidate(body, out var settings, out var invalid)
                || !targets.TrySet(target, settings, out invalid))
            {
                log($"{latest.GetUrn(_options.Region).WithoutQualifier()}: dropping the reserved instances of {target}: {invalid.ErrorMessage}");
                continue;
            }
            ApplyReserved(key, target, settings);
        }
    }

    /// <summary>The digests of every package in use: latest's and every published version's.</summary>
    public HashSet<string> ReferencedDigests()
    {
        lock (_writeGate)
        {
            return [.. _catalog.All.Select(f => f.Digest).Concat(_versions.AllVersions.Select(v => v.Definition.Digest))];
        }
    }

    public ApiResult Create(string projectId, ReadOnlySequence<byte> body)
    {
        _instances.MemoryTrim.NoteUpload(body.Length);
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
            _versions.Remove(Key(def));
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
            if (!TryResolveLatest(urn, out var current, out var error))
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
            if (!TryResolveLatest(urn, out var current, out var error))
            {
                return error;
            }
            updated = FunctionMapper.ApplyMaxInstanceConfig(current, request!, _time.GetUtcNow());
            _store.Save(updated);
            _catalog.Set(updated);
            _instances.SetMaxInstances(new FunctionKey(updated.ProjectId, updated.Package, updated.Name), updated.MaxInstanceNum);
        }
        return Json(FunctionMapper.ToConfigView<UpdateFunctionMaxInstanceConfigResponse>(updated, _options.Region),
            FgsJsonContext.Default.UpdateFunctionMaxInstanceConfigResponse);
    }

    public ApiResult UpdateCode(FunctionUrn urn, ReadOnlySequence<byte> body)
    {
        _instances.MemoryTrim.NoteUpload(body.Length);
        if (!TryRead(body, FgsJsonContext.Default.UpdateFunctionCodeRequestBody, out var request, out var parseError))
        {
            return parseError;
        }
        if (!TryResolveLatest(urn, out var snapshot, out var notFound))
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
            if (!TryResolveLatest(urn, out var current, out var error))
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

    /// <summary>Deletes a function with its versions and aliases (no qualifier, or <c>latest</c>), or
    /// one published version with the aliases that point at it (a version qualifier).</summary>
    public ApiResult Delete(FunctionUrn urn)
    {
        if (!urn.IsLatest)
        {
            return DeleteVersion(urn);
        }
        lock (_writeGate)
        {
            if (!_catalog.TryGet(urn.ProjectId, urn.Package, urn.Name, out _))
            {
                return FgsErrors.FunctionNotFound(urn.WithoutQualifier().ToString());
            }
            _store.Delete(urn.ProjectId, urn.Package, urn.Name);
            _catalog.TryRemove(urn.ProjectId, urn.Package, urn.Name, out _);
            _versions.Remove(Key(urn));
            _reservedTargets.Remove(Key(urn));
        }
        _instances.Retire(Key(urn));
        Snapshots?.ForgetFunction(Key(urn));
        // A deleted function's numbers leave /metrics with it (the same name may be created again).
        Metrics?.Forget(new FunctionUrn(_options.Region, urn.ProjectId, urn.Package, urn.Name, null).ToString());
        CollectPackages();
        return ApiResult.Ok(null);
    }

    private ApiResult DeleteVersion(FunctionUrn urn)
    {
        var version = urn.Qualifier!;
        lock (_writeGate)
        {
            if (!_catalog.TryGet(urn.ProjectId, urn.Package, urn.Name, out _))
            {
                return FgsErrors.FunctionNotFound(urn.WithoutQualifier().ToString());
            }
            var set = _versions.Get(Key(urn));
            if (urn.IsAliasQualifier || !set.Versions.ContainsKey(version))
            {
                var alias = urn.AliasName ?? version;
                return set.Aliases.ContainsKey(alias)
                    ? FgsErrors.BadRequest($"'{urn.Qualifier}' is an alias: delete it with DELETE .../{{function_urn}}/aliases/{alias}")
                    : urn.IsAliasQualifier ? FgsErrors.AliasNotFound(alias) : FgsErrors.VersionNotFound(version);
            }
            var updated = set.WithoutVersion(version, out var removedAliases);
            if (removedAliases.Count > 0)
            {
                _store.SaveAliases(urn.ProjectId, urn.Package, urn.Name, updated.AliasesInOrder());
            }
            _store.DeleteVersion(urn.ProjectId, urn.Package, urn.Name, version);
            _versions.Set(Key(urn), updated);
            RemoveReservedTargets(Key(urn), [ReservedQualifier.Version(version), .. removedAliases.Select(a => ReservedQualifier.Alias(a.Name))]);
        }
        _instances.Retire(new FunctionVersionKey(Key(urn), version));
        Snapshots?.ForgetVersion(Key(urn), version);
        CollectPackages();
        return ApiResult.Ok(null);
    }

    /// <summary>Publishes latest as a new version (<c>POST .../{function_urn}/versions</c>).</summary>
    public ApiResult PublishVersion(FunctionUrn urn, ReadOnlySequence<byte> body)
    {
        CreateFunctionVersionRequestBody? request = null;
        if (!IsBlank(body) && !TryRead(body, FgsJsonContext.Default.CreateFunctionVersionRequestBody, out request, out var parseError))
        {
            return parseError;
        }
        if (UnqualifiedOnly(urn) is { } qualified)
        {
            return qualified;
        }
        if (request?.Version is { } name && name.Contains(".tmp-", StringComparison.Ordinal))
        {
            // The store removes files named *.tmp-* at start as leftovers of interrupted writes.
            return FgsErrors.InvalidVersion("a version name cannot contain '.tmp-' on this node (reserved by its store)");
        }
        FunctionVersion version;
        lock (_writeGate)
        {
            if (!_catalog.TryGet(urn.ProjectId, urn.Package, urn.Name, out var latest))
            {
                return FgsErrors.FunctionNotFound(urn.WithoutQualifier().ToString());
            }
            var set = _versions.Get(Key(urn));
            if (!VersionValidator.TryPublish(request, latest, set, _time.GetUtcNow(), out version, out var invalid))
            {
                return invalid;
            }
            _store.SaveVersion(version);
            _versions.Set(Key(urn), set.WithVersion(version));
        }
        Snapshots?.OnPublished(version.Definition);
        return Json(VersionMapper.ToPublishResponse(version, _options.Region), FgsJsonContext.Default.CreateFunctionVersionResponse);
    }

    /// <summary>Lists latest and the published versions (<c>GET .../{function_urn}/versions?marker=&amp;maxitems=</c>).</summary>
    public ApiResult ListVersions(FunctionUrn urn, string query)
    {
        if (!TryParsePaging(query, out var marker, out var maxItems, out var badQuery))
        {
            return badQuery;
        }
        if (UnqualifiedOnly(urn) is { } qualified)
        {
            return qualified;
        }
        if (!_catalog.TryGet(urn.ProjectId, urn.Package, urn.Name, out var latest))
        {
            return FgsErrors.FunctionNotFound(urn.WithoutQualifier().ToString());
        }
        var all = new List<ListFunctionVersionResult> { VersionMapper.ToListResult(latest, null, _options.Region) };
        all.AddRange(_versions.Get(Key(urn)).VersionsInOrder().Select(v => VersionMapper.ToListResult(v.Definition, v.Description, _options.Region)));
        var page = all.Skip((int)Math.Min(marker, int.MaxValue)).Take(maxItems).ToList();
        var next = marker + page.Count;
        var response = new ListFunctionVersionsResponse
        {
            Versions = page,
            Count = all.Count,
            NextMarker = next >= all.Count ? all.Count : next,
        };
        return Json(response, FgsJsonContext.Default.ListFunctionVersionsResponse);
    }

    /// <summary>Creates an alias (<c>POST .../{function_urn}/aliases</c>).</summary>
    public ApiResult CreateAlias(FunctionUrn urn, ReadOnlySequence<byte> body)
    {
        if (!TryRead(body, FgsJsonContext.Default.CreateVersionAliasRequestBody, out var request, out var parseError))
        {
            return parseError;
        }
        if (UnqualifiedOnly(urn) is { } qualified)
        {
            return qualified;
        }
        FunctionAlias alias;
        lock (_writeGate)
        {
            if (!_catalog.TryGet(urn.ProjectId, urn.Package, urn.Name, out _))
            {
                return FgsErrors.FunctionNotFound(urn.WithoutQualifier().ToString());
            }
            var set = _versions.Get(Key(urn));
            if (!VersionValidator.TryCreateAlias(request, set, _time.GetUtcNow(), out alias, out var invalid))
            {
                return invalid;
            }
            var updated = set.WithAlias(alias);
            _store.SaveAliases(urn.ProjectId, urn.Package, urn.Name, updated.AliasesInOrder());
            _versions.Set(Key(urn), updated);
        }
        return Json(VersionMapper.ToAliasView<CreateVersionAliasResponse>(alias, FunctionUrnOf(urn)), FgsJsonContext.Default.CreateVersionAliasResponse);
    }

    /// <summary>Lists a function's aliases, ordered by name (<c>GET .../{function_urn}/aliases</c>): a JSON array.</summary>
    public ApiResult ListAliases(FunctionUrn urn)
    {
        if (UnqualifiedOnly(urn) is { } qualified)
        {
            return qualified;
        }
        if (!_catalog.TryGet(urn.ProjectId, urn.Package, urn.Name, out _))
        {
            return FgsErrors.FunctionNotFound(urn.WithoutQualifier().ToString());
        }
        var list = _versions.Get(Key(urn)).AliasesInOrder().Select(a => VersionMapper.ToAliasView<ListVersionAliasResult>(a, FunctionUrnOf(urn))).ToList();
        return Json(list, FgsJsonContext.Default.ListListVersionAliasResult);
    }

    /// <summary>Shows an alias (<c>GET .../{function_urn}/aliases/{alias_name}</c>).</summary>
    public ApiResult GetAlias(FunctionUrn urn, string aliasName)
    {
        if (!TryFindAlias(urn, aliasName, out _, out var alias, out var error))
        {
            return error;
        }
        return Json(VersionMapper.ToAliasView<ShowVersionAliasResponse>(alias, FunctionUrnOf(urn)), FgsJsonContext.Default.ShowVersionAliasResponse);
    }

    /// <summary>Updates an alias (<c>PUT .../{function_urn}/aliases/{alias_name}</c>).</summary>
    public ApiResult UpdateAlias(FunctionUrn urn, string aliasName, ReadOnlySequence<byte> body)
    {
        if (!TryRead(body, FgsJsonContext.Default.UpdateVersionAliasRequestBody, out var request, out var parseError))
        {
            return parseError;
        }
        FunctionAlias updated;
        lock (_writeGate)
        {
            if (!TryFindAlias(urn, aliasName, out var set, out var current, out var error))
            {
                return error;
            }
            if (!VersionValidator.TryUpdateAlias(request, current, set, _time.GetUtcNow(), out updated, out var invalid))
            {
                return invalid;
            }
            if (_reservedTargets.TryGetValue(Key(urn), out var reserved) && reserved.CheckAliasRepoint(aliasName, updated.Version) is { } conflict)
            {
                return conflict;
            }
            var next = set.WithAlias(updated);
            _store.SaveAliases(urn.ProjectId, urn.Package, urn.Name, next.AliasesInOrder());
            _versions.Set(Key(urn), next);
        }
        return Json(VersionMapper.ToAliasView<UpdateVersionAliasResponse>(updated, FunctionUrnOf(urn)), FgsJsonContext.Default.UpdateVersionAliasResponse);
    }

    /// <summary>Deletes an alias (<c>DELETE .../{function_urn}/aliases/{alias_name}</c>).</summary>
    public ApiResult DeleteAlias(FunctionUrn urn, string aliasName)
    {
        lock (_writeGate)
        {
            if (!TryFindAlias(urn, aliasName, out var set, out _, out var error))
            {
                return error;
            }
            var next = set.WithoutAlias(aliasName);
            _store.SaveAliases(urn.ProjectId, urn.Package, urn.Name, next.AliasesInOrder());
            _versions.Set(Key(urn), next);
            RemoveReservedTargets(Key(urn), [ReservedQualifier.Alias(aliasName)]);
        }
        return ApiResult.Ok(null);
    }

    /// <summary>Sets the reserved instances of the version or alias the URN's qualifier names
    /// (<c>PUT .../{function_urn}/reservedinstances</c>): none or <c>latest</c>, a published version,
    /// an alias (<c>!name</c>, or a bare name that is not a version). Count 0 without policies
    /// removes the configuration.</summary>
    public ApiResult UpdateReservedInstances(FunctionUrn urn, ReadOnlySequence<byte> body)
    {
        if (!TryRead(body, FgsJsonContext.Default.UpdateFunctionReservedInstancesCountRequestBody, out var request, out var parseError))
        {
            return parseError;
        }
        var key = Key(urn);
        ReservedQualifier target;
        ReservedInstanceSettings settings;
        lock (_writeGate)
        {
            if (!_catalog.TryGet(urn.ProjectId, urn.Package, urn.Name, out _))
            {
                return FgsErrors.FunctionNotFound(urn.WithoutQualifier().ToString());
            }
            if (!TryReservedTarget(urn, _versions.Get(key), out target, out var badTarget))
            {
                return badTarget;
            }
            var def = ReservedResolver(key, target)();
            if (!ReservedInstanceValidator.TryValidate(request, out settings, out var invalid, def?.MaxInstanceNum ?? FunctionLimits.UnlimitedInstances))
            {
                return invalid;
            }
            var targets = TargetsOf(key);
            var previous = targets.Get(target);
            if (!targets.TrySet(target, settings, out var conflict))
            {
                return conflict;
            }
            try
            {
                SaveReserved(key, targets);
            }
            catch
            {
                // Not durable: not acknowledged, and not applied.
                targets.Remove(target);
                if (previous is not null)
                {
                    targets.TrySet(target, previous, out _);
                }
                throw;
            }
            ApplyReserved(key, target, settings);
        }
        return Json(settings.ToResponse(), FgsJsonContext.Default.UpdateFunctionReservedInstancesCountResponse);
    }

    /// <summary>Lists reserved-instance configurations (<c>GET /v2/{project_id}/fgs/functions/reservedinstanceconfigs?function_urn=&amp;marker=&amp;limit=</c>):
    /// the function's, or every function's in the project; versions before aliases, by name.</summary>
    public ApiResult ListReservedInstanceConfigs(string projectId, string query)
    {
        if (!TryReservedListQuery(projectId, query, "function_urn", out var functions, out var marker, out var limit, out var error))
        {
            return error;
        }
        var all = new List<ReservedInstanceConfigs>();
        lock (_writeGate)
        {
            foreach (var key in functions)
            {
                if (_reservedTargets.TryGetValue(key, out var targets))
                {
                    var functionUrn = UrnOf(key, null);
                    all.AddRange(targets.All().Select(p => p.Value.ToConfigs(functionUrn, p.Key)));
                }
            }
        }
        var page = all.Skip((int)Math.Min(marker, int.MaxValue)).Take(limit).ToList();
        var response = new ListReservedInstanceConfigsResponse
        {
            ReservedInstances = page,
            Count = all.Count,
            PageInfo = new ReservedPageInfo { NextMarker = marker + page.Count, PreviousMarker = marker, CurrentCount = page.Count },
        };
        return Json(response, FgsJsonContext.Default.ListReservedInstanceConfigsResponse);
    }

    /// <summary>Lists the reserved counts of versions and aliases (<c>GET /v2/{project_id}/fgs/functions/reservedinstances?urn=&amp;marker=&amp;limit=</c>):
    /// the function's, or every function's in the project.</summary>
    public ApiResult ListFunctionReservedInstances(string projectId, string query)
    {
        if (!TryReservedListQuery(projectId, query, "urn", out var functions, out var marker, out var limit, out var error))
        {
            return error;
        }
        var all = new List<FuncReservedInstance>();
        lock (_writeGate)
        {
            foreach (var key in functions)
            {
                if (_reservedTargets.TryGetValue(key, out var targets))
                {
                    all.AddRange(targets.All().Select(p => new FuncReservedInstance
                    {
                        FuncUrn = UrnOf(key, p.Key.IsAlias ? "!" + p.Key.Name : p.Key.Name),
                        Count = p.Value.Count,
                    }));
                }
            }
        }
        var page = all.Skip((int)Math.Min(marker, int.MaxValue)).Take(limit).ToList();
        var response = new ListFunctionReservedInstancesResponse
        {
            ReservedInstances = page,
            Count = all.Count,
            PageInfo = new ReservedPageInfo { NextMarker = marker + page.Count, PreviousMarker = marker, CurrentCount = page.Count },
        };
        return Json(response, FgsJsonContext.Default.ListFunctionReservedInstancesResponse);
    }

    /// <summary>The query of the reserved lists: the function (<paramref name="urnParameter"/>, optional;
    /// every function of the project without it), <c>marker</c> (offset, default 0) and <c>limit</c> (1-500, default 100).</summary>
    private bool TryReservedListQuery(string projectId, string query, string urnParameter, out List<FunctionKey> functions,
        out long marker, out int limit, out FgsError error)
    {
        functions = [];
        marker = 0;
        limit = 100;
        if (ValidateProjectId(projectId) is { } badProject)
        {
            error = badProject;
            return false;
        }
        var args = ParseQuery(query);
        if (args.TryGetValue("marker", out var m) && m.Length > 0
            && !long.TryParse(m, NumberStyles.None, CultureInfo.InvariantCulture, out marker))
        {
            error = FgsErrors.InvalidQueryParameter("marker must be a non-negative integer");
            return false;
        }
        if (args.TryGetValue("limit", out var l) && l.Length > 0
            && (!int.TryParse(l, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > 500))
        {
            error = FgsErrors.InvalidQueryParameter("limit must be an integer from 1 to 500");
            return false;
        }
        if (args.TryGetValue(urnParameter, out var urnText) && urnText.Length > 0)
        {
            if (!FunctionUrn.TryParse(urnText, out var urn, out error))
            {
                return false;
            }
            if (urn.ProjectId != projectId)
            {
                error = FgsErrors.BadRequest($"the URN's project '{urn.ProjectId}' does not match the path's project '{projectId}'");
                return false;
            }
            if (!_catalog.TryGet(urn.ProjectId, urn.Package, urn.Name, out _))
            {
                error = FgsErrors.FunctionNotFound(urn.WithoutQualifier().ToString());
                return false;
            }
            functions.Add(Key(urn));
        }
        else
        {
            functions.AddRange(_catalog.All.Where(f => f.ProjectId == projectId)
                .OrderBy(f => f.Package, StringComparer.Ordinal).ThenBy(f => f.Name, StringComparer.Ordinal).Select(Key));
        }
        error = default;
        return true;
    }

    /// <summary>The target a URN's qualifier names: <c>latest</c>, a published version, an alias
    /// (<c>!name</c>), or a bare name that is a version first, then an alias.</summary>
    private static bool TryReservedTarget(FunctionUrn urn, FunctionVersionSet set, out ReservedQualifier target, out FgsError error)
    {
        error = default;
        target = ReservedQualifier.Latest;
        if (urn.IsLatest)
        {
            return true;
        }
        var qualifier = urn.Qualifier!;
        if (urn.AliasName is { } alias)
        {
            target = ReservedQualifier.Alias(alias);
            if (set.Aliases.ContainsKey(alias))
            {
                return true;
            }
            error = FgsErrors.AliasNotFound(alias);
            return false;
        }
        if (set.Versions.ContainsKey(qualifier))
        {
            target = ReservedQualifier.Version(qualifier);
            return true;
        }
        if (set.Aliases.ContainsKey(qualifier))
        {
            target = ReservedQualifier.Alias(qualifier);
            return true;
        }
        error = FgsErrors.VersionNotFound(qualifier);
        return false;
    }

    /// <summary>A function's reserved-instance registry, created on first use (under the write gate).</summary>
    private ReservedTargets TargetsOf(FunctionKey key)
    {
        if (!_reservedTargets.TryGetValue(key, out var targets))
        {
            targets = new ReservedTargets(alias => _versions.Get(key).Aliases.TryGetValue(alias, out var a) ? a.Version : null);
            _reservedTargets[key] = targets;
        }
        return targets;
    }

    /// <summary>The definition a target serves now: an alias's main version, or null when gone.</summary>
    private Func<FunctionDefinition?> ReservedResolver(FunctionKey key, ReservedQualifier target)
    {
        var urn = new FunctionUrn(_options.Region, key.ProjectId, key.Package, key.Name, target.IsAlias ? "!" + target.Name : target.Name);
        return () => TryResolve(urn, out var def, out _) ? def : null;
    }

    /// <summary>Hands a target's settings to the instance manager (a configuration that reserves nothing removes it).</summary>
    private void ApplyReserved(FunctionKey key, ReservedQualifier target, ReservedInstanceSettings settings)
    {
        if (settings.ReservesNothing)
        {
            _instances.RemoveReserved(key, target);
        }
        else
        {
            _instances.SetReserved(key, target, settings.CreatePolicy(), ReservedResolver(key, target));
        }
    }

    /// <summary>Durably writes a function's reserved-instance configurations (under the write gate).</summary>
    private void SaveReserved(FunctionKey key, ReservedTargets targets)
    {
        var functionUrn = UrnOf(key, null);
        _store.SaveReserved(key.ProjectId, key.Package, key.Name, [.. targets.All().Select(p => p.Value.ToConfigs(functionUrn, p.Key))]);
    }

    /// <summary>Drops the configurations of deleted versions or aliases (under the write gate).</summary>
    private void RemoveReservedTargets(FunctionKey key, IEnumerable<ReservedQualifier> removed)
    {
        if (!_reservedTargets.TryGetValue(key, out var targets))
        {
            return;
        }
        var any = false;
        foreach (var target in removed)
        {
            if (targets.Remove(target))
            {
                any = true;
                _instances.RemoveReserved(key, target);
            }
        }
        if (any)
        {
            SaveReserved(key, targets);
        }
    }

    private string UrnOf(FunctionKey key, string? qualifier) => new FunctionUrn(_options.Region, key.ProjectId, key.Package, key.Name, qualifier).ToString();

    private bool TryFindAlias(FunctionUrn urn, string aliasName, out FunctionVersionSet set, out FunctionAlias alias, out FgsError error)
    {
        set = FunctionVersionSet.Empty;
        alias = null!;
        if (UnqualifiedOnly(urn) is { } qualified)
        {
            error = qualified;
            return false;
        }
        if (!_catalog.TryGet(urn.ProjectId, urn.Package, urn.Name, out _))
        {
            error = FgsErrors.FunctionNotFound(urn.WithoutQualifier().ToString());
            return false;
        }
        set = _versions.Get(Key(urn));
        if (!set.Aliases.TryGetValue(aliasName, out alias!))
        {
            error = FgsErrors.AliasNotFound(aliasName);
            return false;
        }
        error = default;
        return true;
    }

    /// <summary>Versions and aliases belong to the function: their routes take its URN without a
    /// qualifier (or with <c>latest</c>).</summary>
    private static FgsError? UnqualifiedOnly(FunctionUrn urn) =>
        urn.IsLatest
            ? null
            : FgsErrors.BadRequest($"versions and aliases are managed through the function's URN without a qualifier (or with ':latest'), not ':{urn.Qualifier}'");

    private FunctionUrn FunctionUrnOf(FunctionUrn urn) => urn.WithoutQualifier() with { Region = _options.Region };

    private static FunctionKey Key(FunctionUrn urn) => new(urn.ProjectId, urn.Package, urn.Name);

    private static FunctionKey Key(FunctionDefinition def) => new(def.ProjectId, def.Package, def.Name);

    private static bool IsBlank(ReadOnlySequence<byte> body)
    {
        foreach (var segment in body)
        {
            foreach (var b in segment.Span)
            {
                if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
                {
                    return false;
                }
            }
        }
        return true;
    }

    public ApiResult List(string projectId, string query)
    {
        var args = ParseQuery(query);
        if (!TryParsePaging(query, out var marker, out var maxItems, out var badQuery))
        {
            return badQuery;
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
    /// <summary>
    /// <c>GET .../{func_urn}/statistics/{period}</c>: the function's figures over the last
    /// <paramref name="period"/> minutes (1 to 1440). A URN without a qualifier covers every
    /// version; a version, that version; an alias, the versions it routes to.
    /// </summary>
    public ApiResult GetStatistics(FunctionUrn urn, string period)
    {
        if (!int.TryParse(period, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var minutes)
            || minutes < 1 || minutes > Fgs.Core.Metrics.MinuteSeries.Retention)
        {
            return FgsErrors.BadRequest($"period must be a whole number of minutes from 1 to {Fgs.Core.Metrics.MinuteSeries.Retention}, not '{period}'");
        }
        if (!TryResolve(urn, out var def, out var error))
        {
            return error;
        }
        HashSet<string>? versions = null; // null: every version
        if (urn.Qualifier is not null)
        {
            versions = [def.Version];
            var aliasName = urn.AliasName ?? urn.Qualifier;
            if (_versions.Get(Key(urn)).Aliases.TryGetValue(aliasName, out var alias) && !_versions.Get(Key(urn)).HasVersion(urn.Qualifier))
            {
                versions.Add(alias.Version);
                if (alias.AdditionalVersion is { } extra)
                {
                    versions.Add(extra);
                }
            }
        }
        var functionUrn = urn.WithoutQualifier().ToString();
        var metrics = Metrics ?? throw new InvalidOperationException("no metrics");
        var series = metrics.All.Where(s => s.FunctionUrn == functionUrn && (versions is null || versions.Contains(s.Version))).Select(s => s.Series);
        var reserved = _instances.PoolCounts()
            .Where(p => p.Kind == "reserved" && p.FunctionUrn == functionUrn && (versions is null || versions.Contains(p.Version)))
            .Sum(p => p.Starting + p.Idle + p.Busy + p.Frozen);
        var response = Fgs.Core.Metrics.ListFunctionStatisticsResponse.Build(series, metrics.CurrentMinute, minutes, reserved);
        return Json(response, FgsJsonContext.Default.ListFunctionStatisticsResponse);
    }

    public ApiResult ListQuotas(string projectId)
    {
        var response = new Fgs.Core.Quotas.ListQuotasResponse();
        response.Quotas.Resources.Add(new() { Type = "fgs_func_num", Quota = _options.MaxFunctionsPerProject, Used = _catalog.CountIn(projectId) });
        response.Quotas.Resources.Add(new() { Type = "fgs_on_demand_instance_limit", Quota = _options.MaxInstancesPerTenant, Used = _instances.TenantInstances(projectId) });
        return Json(response, FgsJsonContext.Default.ListQuotasResponse);
    }

    /// <summary>Name of a demo folder's optional settings file (not part of its code package).</summary>
    internal const string DemoManifest = "demo.json";

    /// <summary>Loads the demo functions shipped with the product: each sub-folder of
    /// <paramref name="demoDir"/> holding a <c>bootstrap</c> becomes a Custom function of the same
    /// name (created, or its code refreshed when it changed). A <c>demo.json</c> beside the bootstrap
    /// may set the function's settings as in a create request (<c>handler</c>, <c>memory_size</c>,
    /// <c>timeout</c>, <c>initializer_handler</c>, <c>initializer_timeout</c>, <c>user_data</c>), and
    /// <c>"snapshots": true</c> enables snapshots and publishes version 1, whose snapshot is then made
    /// in the background. Such a demo is listed by its version 1 URN.</summary>
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
            CreateFunctionRequestBody? manifest = null;
            var snapshots = false;
            var manifestPath = Path.Combine(dir, DemoManifest);
            if (File.Exists(manifestPath))
            {
                try
                {
                    var bytes = File.ReadAllBytes(manifestPath);
                    manifest = JsonSerializer.Deserialize(bytes, FgsJsonContext.Default.CreateFunctionRequestBody);
                    using var doc = JsonDocument.Parse(bytes);
                    snapshots = doc.RootElement.TryGetProperty("snapshots", out var flag) && flag.ValueKind == JsonValueKind.True;
                }
                catch (JsonException e)
                {
                    log($"demo {name}: {DemoManifest} is not valid: {e.Message}");
                    continue;
                }
            }
            var zip = ZipFolder(dir, skip: DemoManifest);
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
            }
            else
            {
                var create = new CreateFunctionRequestBody
                {
                    FuncName = name,
                    Package = FunctionLimits.DefaultPackage,
                    Runtime = FunctionRuntimes.Custom,
                    Handler = manifest?.Handler ?? "bootstrap",
                    MemorySize = manifest?.MemorySize ?? 128,
                    Timeout = manifest?.Timeout ?? 30,
                    InitializerHandler = manifest?.InitializerHandler,
                    InitializerTimeout = manifest?.InitializerTimeout,
                    UserData = manifest?.UserData,
                    CodeType = CodeTypes.Zip,
                    Description = manifest?.Description ?? "demo function shipped with the invoker",
                    FuncCode = new FuncCode { File = Convert.ToBase64String(zip) },
                };
                var result = Create(projectId, new ReadOnlySequence<byte>(JsonSerializer.SerializeToUtf8Bytes(create, FgsJsonContext.Default.CreateFunctionRequestBody)));
                if (result.Error is { } err)
                {
                    log($"demo {name}: {err.ErrorMessage}");
                    continue;
                }
            }
            if (!snapshots)
            {
                loaded.Add(urn.ToString());
                continue;
            }
            if (PreloadSnapshotDemo(urn, log) is { } version)
            {
                loaded.Add(version.ToString());
            }
        }
        return loaded;
    }

    /// <summary>Enables snapshots of a demo and makes version 1 match its latest code: published when
    /// missing, published again when its code is older. A version 1 already recorded with a snapshot
    /// is left to the coordinator, which takes up its kept image or makes it again at start.</summary>
    private FunctionUrn? PreloadSnapshotDemo(FunctionUrn urn, Action<string> log)
    {
        const string demoVersion = "1";
        var function = Key(urn);
        var versionUrn = new FunctionUrn(urn.Region, urn.ProjectId, urn.Package, urn.Name, demoVersion);
        if (Snapshots is { } coordinator && !coordinator.IsEnabled(function))
        {
            coordinator.SetEnabled(function, true);
        }
        if (!_catalog.TryGet(urn.ProjectId, urn.Package, urn.Name, out var latest))
        {
            return null;
        }
        if (_versions.Get(function).Versions.TryGetValue(demoVersion, out var published))
        {
            if (published.Definition.Digest == latest.Digest)
            {
                if (Snapshots is { } snapshots && !snapshots.IsRecorded(function, demoVersion))
                {
                    snapshots.OnPublished(published.Definition);
                }
                return versionUrn;
            }
            if (Delete(versionUrn).Error is { } deleteError)
            {
                log($"demo {urn.Name}: version {demoVersion}: {deleteError.ErrorMessage}");
                return null;
            }
        }
        var body = JsonSerializer.SerializeToUtf8Bytes(
            new CreateFunctionVersionRequestBody { Version = demoVersion, Description = "demo version with a snapshot" },
            FgsJsonContext.Default.CreateFunctionVersionRequestBody);
        if (PublishVersion(urn, new ReadOnlySequence<byte>(body)).Error is { } publishError)
        {
            log($"demo {urn.Name}: version {demoVersion}: {publishError.ErrorMessage}");
            return null;
        }
        return versionUrn;
    }

    /// <summary>Deletes stored packages that neither a function's latest nor a published version uses any more.</summary>
    public void CollectPackages()
    {
        lock (_writeGate)
        {
            // Under the gate: a package being stored for a new definition is referenced before the gate opens.
            _store.CollectPackages(ReferencedDigests());
        }
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

    internal static byte[] ZipFolder(string dir, string? skip = null)
    {
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var file in Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                var rel = Path.GetRelativePath(dir, file).Replace('\\', '/');
                if (rel == skip)
                {
                    continue;
                }
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

    /// <summary>FunctionGraph's paging: <c>marker</c>, a non-negative offset (default 0), and
    /// <c>maxitems</c>, 1-400 (default 400); a bad value is 400 <c>FSS.1001</c>.</summary>
    private static bool TryParsePaging(string query, out long marker, out int maxItems, out FgsError error)
    {
        var args = ParseQuery(query);
        marker = 0;
        maxItems = 400;
        error = default;
        if (args.TryGetValue("marker", out var m) && m.Length > 0
            && (!long.TryParse(m, NumberStyles.None, CultureInfo.InvariantCulture, out marker)))
        {
            error = FgsErrors.InvalidQueryParameter("marker must be a non-negative integer");
            return false;
        }
        if (args.TryGetValue("maxitems", out var mi) && mi.Length > 0
            && (!int.TryParse(mi, NumberStyles.None, CultureInfo.InvariantCulture, out maxItems) || maxItems is < 1 or > 400))
        {
            error = FgsErrors.InvalidQueryParameter("maxitems must be an integer from 1 to 400");
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
