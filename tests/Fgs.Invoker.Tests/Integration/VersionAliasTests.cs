using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Fgs.Invoker.Tests.Integration;

/// <summary>Versions and aliases over HTTP: publishing freezes code and configuration, qualifiers
/// route to their version's instances, aliases split traffic by header rules or weight, and all of it
/// survives a restart.</summary>
public sealed partial class VersionAliasTests : IAsyncLifetime
{
    private const string EnvVersion = "{\"env\":\"RUNTIME_FUNC_VERSION\"}";

    private InvokerFixture _fx = null!;

    public async ValueTask InitializeAsync() => _fx = await InvokerFixture.StartAsync();

    public async ValueTask DisposeAsync() => await _fx.DisposeAsync();

    private static byte[] Curl => TestRuntimes.Package("curl");

    private static readonly byte[] NewCode = InvokerFixture.ZipBootstrap("""
        #!/bin/bash
        API="http://${RUNTIME_API_ADDR}/v1/runtime/invocation"
        while true; do
          H=$(mktemp); curl -sS -D "$H" -o /dev/null "$API/request" || { sleep 0.05; continue; }
          ID=$(grep -i '^x-cff-request-id:' "$H" | cut -d: -f2- | tr -d '[:space:]')
          curl -sS -o /dev/null -X POST --data-binary "new code" "$API/response/$ID"; rm -f "$H"
        done
        """);

    private static string FunctionPath(string name, string? qualifier = null) => $"{InvokerFixture.FunctionsPath}/{InvokerFixture.Urn(name, qualifier)}";

    private static StringContent JsonBody(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<(int Status, JsonElement Json)> Read(HttpResponseMessage r)
    {
        var text = await r.Content.ReadAsStringAsync();
        return ((int)r.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement);
    }

    private async Task<(int Status, JsonElement Json)> SendAsync(HttpMethod method, string path, string? body = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonBody(body) };
        using var response = await _fx.Client.SendAsync(request);
        return await Read(response);
    }

    private Task<(int Status, JsonElement Json)> PublishAsync(string function, string body = "{}") =>
        SendAsync(HttpMethod.Post, FunctionPath(function) + "/versions", body);

    private async Task PublishOkAsync(string function, string version, string description = "")
    {
        var (status, json) = await PublishAsync(function, $"{{\"version\":\"{version}\",\"description\":\"{description}\"}}");
        Assert.True(status == 200, $"publish {function}:{version}: {status} {json}");
    }

    private Task<(int Status, JsonElement Json)> CreateAliasAsync(string function, string body) =>
        SendAsync(HttpMethod.Post, FunctionPath(function) + "/aliases", body);

    private async Task CreateAliasOkAsync(string function, string body)
    {
        var (status, json) = await CreateAliasAsync(function, body);
        Assert.True(status == 200, $"create alias on {function}: {status} {json}");
    }

    private async Task<InvokeResult> InvokeWithHeadersAsync(string function, string qualifier, string body, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, FunctionPath(function, qualifier) + "/invocations") { Content = JsonBody(body) };
        foreach (var (name, value) in headers)
        {
            request.Headers.Add(name, value);
        }
        using var response = await _fx.Client.SendAsync(request);
        return new InvokeResult((int)response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers, TimeSpan.Zero);
    }

    private async Task<string?> VersionServingAsync(string function, string qualifier, params (string Name, string Value)[] headers)
    {
        var r = await InvokeWithHeadersAsync(function, qualifier, EnvVersion, headers);
        Assert.True(r.HttpStatus == 200 && r.Status == 200, $"invoke {function}:{qualifier}: {r}");
        return r.Result;
    }

    private static void AssertError((int Status, JsonElement Json) answer, int status, string code)
    {
        Assert.True(answer.Status == status, $"expected {status} {code}, got {answer.Status} {answer.Json}");
        Assert.Equal(code, answer.Json.GetProperty("error_code").GetString());
    }

    [Fact]
    public async Task Publishing_freezes_code_and_config_while_latest_moves_on()
    {
        await _fx.CreateOkAsync("frozen", Curl, "\"user_data\":\"{\\\"MARK\\\":\\\"one\\\"}\"");
        Assert.Equal("latest", await VersionServingAsync("frozen", "latest"));

        var (status, published) = await PublishAsync("frozen", "{\"version\":\"v1\",\"description\":\"first cut\"}");
        Assert.Equal(200, status);
        Assert.Equal(InvokerFixture.Urn("frozen", "v1"), published.GetProperty("func_urn").GetString());
        Assert.Equal("v1", published.GetProperty("version").GetString());
        Assert.Equal("first cut", published.GetProperty("version_description").GetString());
        var frozenDigest = published.GetProperty("digest").GetString()!;

        var code = "{\"code_type\":\"zip\",\"func_code\":{\"file\":\"" + Convert.ToBase64String(NewCode) + "\"}}";
        Assert.Equal(200, (await SendAsync(HttpMethod.Put, FunctionPath("frozen") + "/code", code)).Status);
        Assert.Equal(200, (await SendAsync(HttpMethod.Put, FunctionPath("frozen") + "/config", "{\"user_data\":\"{\\\"MARK\\\":\\\"two\\\"}\"}")).Status);

        Assert.Equal("new code", (await _fx.InvokeAsync("frozen", EnvVersion)).Result);
        Assert.Equal("v1", await VersionServingAsync("frozen", "v1"));
        Assert.Equal("one", (await _fx.InvokeAsync("frozen", "{\"env\":\"MARK\"}", qualifier: "v1")).Result);
        Assert.True(File.Exists(Path.Combine(_fx.DataDir, "packages", frozenDigest + ".zip")), "the version's package was collected");

        var (configStatus, config) = await SendAsync(HttpMethod.Get, FunctionPath("frozen", "v1") + "/config");
        Assert.Equal(200, configStatus);
        Assert.Equal("v1", config.GetProperty("version").GetString());
        Assert.Equal("{\"MARK\":\"one\"}", config.GetProperty("user_data").GetString());
        Assert.Equal(frozenDigest, config.GetProperty("digest").GetString());

        AssertError(await SendAsync(HttpMethod.Put, FunctionPath("frozen", "v1") + "/config", "{\"timeout\":10}"), 403, "FSS.0403");
        AssertError(await SendAsync(HttpMethod.Put, FunctionPath("frozen", "v1") + "/code", code), 403, "FSS.0403");
    }

    [Fact]
    public async Task Each_version_has_its_own_pool_and_publishing_keeps_latest_warm()
    {
        await _fx.CreateOkAsync("pools", Curl);
        var cold = await _fx.InvokeAsync("pools", "{}");
        Assert.True(cold.Headers.Contains("X-Cff-Cold-Start"));

        await PublishOkAsync("pools", "v1");
        var warm = await _fx.InvokeAsync("pools", "{}");
        Assert.False(warm.Headers.Contains("X-Cff-Cold-Start"), "publishing drained latest's warm instance");

        var first = await _fx.InvokeAsync("pools", EnvVersion, qualifier: "v1");
        Assert.True(first.Headers.Contains("X-Cff-Cold-Start"), "v1 must start its own instance");
        Assert.Equal("v1", first.Result);
        Assert.False((await _fx.InvokeAsync("pools", EnvVersion, qualifier: "v1")).Headers.Contains("X-Cff-Cold-Start"));
        Assert.Equal(2, _fx.Host.Instances!.LiveInstances);
    }

    [Fact]
    public async Task Versions_are_listed_latest_first_and_paged()
    {
        await _fx.CreateOkAsync("listed", Curl);
        await PublishOkAsync("listed", "v1", "one");
        var (status, byDefault) = await PublishAsync("listed", "");
        Assert.Equal(200, status);
        Assert.Matches(DefaultVersionName(), byDefault.GetProperty("version").GetString());

        var (listStatus, list) = await SendAsync(HttpMethod.Get, FunctionPath("listed") + "/versions");
        Assert.Equal(200, listStatus);
        Assert.Equal(3, list.GetProperty("count").GetInt32());
        Assert.Equal(3, list.GetProperty("next_marker").GetInt32());
        var versions = list.GetProperty("versions").EnumerateArray().Select(v => v.GetProperty("version").GetString()).ToList();
        Assert.Equal(["latest", "v1", byDefault.GetProperty("version").GetString()], versions);
        Assert.Equal(InvokerFixture.Urn("listed", "v1"), list.GetProperty("versions")[1].GetProperty("func_urn").GetString());

        var (_, page) = await SendAsync(HttpMethod.Get, FunctionPath("listed") + "/versions?marker=1&maxitems=1");
        Assert.Equal("v1", Assert.Single(page.GetProperty("versions").EnumerateArray()).GetProperty("version").GetString());
        Assert.Equal(2, page.GetProperty("next_marker").GetInt32());
        AssertError(await SendAsync(HttpMethod.Get, FunctionPath("listed") + "/versions?maxitems=0"), 400, "FSS.1001");
    }

    [Fact]
    public async Task Duplicates_bad_names_wrong_digests_and_a_21st_version_are_refused()
    {
        await _fx.CreateOkAsync("quota", Curl);
        for (var i = 1; i <= 20; i++)
        {
            await PublishOkAsync("quota", "v" + i);
        }

        AssertError(await PublishAsync("quota", "{\"version\":\"v3\"}"), 409, "FSS.1062");
        var (status, full) = await PublishAsync("quota", "{\"version\":\"v21\"}");
        AssertError((status, full), 403, "FSS.0403");
        Assert.Contains("20", full.GetProperty("error_msg").GetString());

        await SendAsync(HttpMethod.Delete, FunctionPath("quota", "v1"));
        AssertError(await PublishAsync("quota", "{\"version\":\"bad name\"}"), 400, "FSS.1015");
        AssertError(await PublishAsync("quota", "{\"version\":\"" + new string('v', 43) + "\"}"), 400, "FSS.1015");
        AssertError(await PublishAsync("quota", "{\"version\":\"latest\"}"), 400, "FSS.1015");
        var (digestStatus, digest) = await PublishAsync("quota", "{\"version\":\"v21\",\"digest\":\"0000\"}");
        AssertError((digestStatus, digest), 400, "FSS.0400");
        Assert.Contains("digest", digest.GetProperty("error_msg").GetString());
        await PublishOkAsync("quota", new string('v', 42));
        AssertError(await SendAsync(HttpMethod.Post, FunctionPath("quota", "v2") + "/versions", "{}"), 400, "FSS.0400");
    }

    [Fact]
    public async Task Unknown_versions_and_aliases_give_404()
    {
        await _fx.CreateOkAsync("unknown", Curl);
        await PublishOkAsync("unknown", "v1");

        var version = await _fx.InvokeAsync("unknown", "{}", qualifier: "v9");
        Assert.Equal((404, "FSS.1052"), (version.HttpStatus, version.ErrorCode));
        var bare = await _fx.InvokeAsync("unknown", "{}", qualifier: "nope");
        Assert.Equal((404, "FSS.1052"), (bare.HttpStatus, bare.ErrorCode));
        var alias = await _fx.InvokeAsync("unknown", "{}", qualifier: "!nope");
        Assert.Equal((404, "FSS.1053"), (alias.HttpStatus, alias.ErrorCode));
        AssertError(await SendAsync(HttpMethod.Delete, FunctionPath("unknown", "v9")), 404, "FSS.1052");
        AssertError(await SendAsync(HttpMethod.Get, FunctionPath("unknown") + "/aliases/nope"), 404, "FSS.1053");
        AssertError(await CreateAliasAsync("unknown", "{\"name\":\"prod\",\"version\":\"v9\"}"), 404, "FSS.1052");
        AssertError(await PublishAsync("nobody"), 404, "FSS.1051");
    }

    [Fact]
    public async Task Aliases_are_created_shown_listed_updated_and_deleted()
    {
        await _fx.CreateOkAsync("named", Curl);
        await PublishOkAsync("named", "v1");
        await PublishOkAsync("named", "v2");

        var (status, created) = await CreateAliasAsync("named", "{\"name\":\"prod\",\"version\":\"v1\",\"description\":\"production\"}");
        Assert.Equal(200, status);
        Assert.Equal(("prod", "v1", "production"), (created.GetProperty("name").GetString(), created.GetProperty("version").GetString(),
            created.GetProperty("description").GetString()));
        Assert.Equal(InvokerFixture.Urn("named", "!prod"), created.GetProperty("alias_urn").GetString());
        AssertError(await CreateAliasAsync("named", "{\"name\":\"prod\",\"version\":\"v2\"}"), 409, "FSS.1063");
        AssertError(await CreateAliasAsync("named", "{\"name\":\"1bad\",\"version\":\"v2\"}"), 400, "FSS.1014");
        AssertError(await CreateAliasAsync("named",
            "{\"name\":\"both\",\"version\":\"v1\",\"additional_version_weights\":{\"v2\":10},\"additional_version_strategy\":{\"v2\":{\"combine_type\":\"and\",\"rules\":[{\"rule_type\":\"header\",\"param\":\"x\",\"op\":\"=\",\"value\":\"1\"}]}}}"),
            400, "FSS.1014");
        AssertError(await CreateAliasAsync("named", "{\"name\":\"canary\",\"version\":\"v1\",\"additional_version_weights\":{\"latest\":10}}"), 400, "FSS.1014");

        await CreateAliasOkAsync("named", "{\"name\":\"canary\",\"version\":\"latest\",\"additional_version_weights\":{\"v2\":25}}");
        var (_, shown) = await SendAsync(HttpMethod.Get, FunctionPath("named") + "/aliases/canary");
        Assert.Equal("latest", shown.GetProperty("version").GetString());
        Assert.Equal(25, shown.GetProperty("additional_version_weights").GetProperty("v2").GetInt32());

        var (listStatus, list) = await SendAsync(HttpMethod.Get, FunctionPath("named") + "/aliases");
        Assert.Equal(200, listStatus);
        Assert.Equal(["canary", "prod"], list.EnumerateArray().Select(a => a.GetProperty("name").GetString()));

        var (updateStatus, updated) = await SendAsync(HttpMethod.Put, FunctionPath("named") + "/aliases/prod",
            "{\"version\":\"v2\",\"additional_version_strategy\":{\"v1\":{\"combine_type\":\"or\",\"rules\":[{\"rule_type\":\"Header\",\"param\":\"X-Old\",\"op\":\"in\",\"value\":\"a,b\"}]}}}");
        Assert.Equal(200, updateStatus);
        Assert.Equal("v2", updated.GetProperty("version").GetString());
        Assert.Equal("production", updated.GetProperty("description").GetString());
        var (_, reshown) = await SendAsync(HttpMethod.Get, FunctionPath("named") + "/aliases/prod");
        var strategy = reshown.GetProperty("additional_version_strategy").GetProperty("v1");
        Assert.Equal("or", strategy.GetProperty("combine_type").GetString());
        Assert.Equal("header", strategy.GetProperty("rules")[0].GetProperty("rule_type").GetString());

        using (var deleted = await _fx.Client.DeleteAsync(FunctionPath("named") + "/aliases/prod"))
        {
            Assert.Equal(204, (int)deleted.StatusCode);
        }
        AssertError(await SendAsync(HttpMethod.Get, FunctionPath("named") + "/aliases/prod"), 404, "FSS.1053");
        AssertError(await SendAsync(HttpMethod.Delete, FunctionPath("named") + "/aliases/prod"), 404, "FSS.1053");
        AssertError(await SendAsync(HttpMethod.Patch, FunctionPath("named") + "/aliases/canary", "{}"), 405, "FSS.0400");
    }

    [Fact]
    public async Task Aliases_route_invocations_by_bang_name_and_bare_name()
    {
        await _fx.CreateOkAsync("routed", Curl);
        await PublishOkAsync("routed", "v1");
        await PublishOkAsync("routed", "v2");
        await CreateAliasOkAsync("routed", "{\"name\":\"prod\",\"version\":\"v1\"}");
        await CreateAliasOkAsync("routed", "{\"name\":\"all\",\"version\":\"v1\",\"additional_version_weights\":{\"v2\":100}}");
        await CreateAliasOkAsync("routed", "{\"name\":\"edge\",\"version\":\"latest\"}");

        Assert.Equal("v1", await VersionServingAsync("routed", "!prod"));
        Assert.Equal("v1", await VersionServingAsync("routed", "prod"));
        Assert.Equal("v2", await VersionServingAsync("routed", "!all"));
        Assert.Equal("latest", await VersionServingAsync("routed", "edge"));

        Assert.Equal(200, (await SendAsync(HttpMethod.Put, FunctionPath("routed") + "/aliases/prod", "{\"version\":\"v2\"}")).Status);
        Assert.Equal("v2", await VersionServingAsync("routed", "!prod"));
    }

    [Fact]
    public async Task A_header_rule_sends_matching_requests_to_the_additional_version()
    {
        await _fx.CreateOkAsync("canary", Curl);
        await PublishOkAsync("canary", "v1");
        await PublishOkAsync("canary", "v2");
        await CreateAliasOkAsync("canary",
            "{\"name\":\"beta\",\"version\":\"v1\",\"additional_version_strategy\":{\"v2\":{\"combine_type\":\"and\",\"rules\":[{\"rule_type\":\"header\",\"param\":\"X-User-Group\",\"op\":\"in\",\"value\":\"beta,staff\"}]}}}");

        Assert.Equal("v2", await VersionServingAsync("canary", "!beta", ("X-User-Group", "beta")));
        Assert.Equal("v2", await VersionServingAsync("canary", "beta", ("x-user-group", "staff")));
        Assert.Equal("v1", await VersionServingAsync("canary", "!beta", ("X-User-Group", "public")));
        Assert.Equal("v1", await VersionServingAsync("canary", "!beta"));
    }

    [Fact]
    public async Task Deleting_a_version_deletes_the_aliases_that_point_at_it()
    {
        await _fx.CreateOkAsync("pruned", Curl);
        await PublishOkAsync("pruned", "v1");
        await PublishOkAsync("pruned", "v2");
        await CreateAliasOkAsync("pruned", "{\"name\":\"main\",\"version\":\"v1\"}");
        await CreateAliasOkAsync("pruned", "{\"name\":\"split\",\"version\":\"v2\",\"additional_version_weights\":{\"v1\":50}}");
        await CreateAliasOkAsync("pruned", "{\"name\":\"keep\",\"version\":\"v2\"}");
        Assert.Equal("v1", await VersionServingAsync("pruned", "v1"));

        AssertError(await SendAsync(HttpMethod.Delete, FunctionPath("pruned", "!keep")), 400, "FSS.0400");
        using (var deleted = await _fx.Client.DeleteAsync(FunctionPath("pruned", "v1")))
        {
            Assert.Equal(204, (int)deleted.StatusCode);
        }

        var (_, aliases) = await SendAsync(HttpMethod.Get, FunctionPath("pruned") + "/aliases");
        Assert.Equal(["keep"], aliases.EnumerateArray().Select(a => a.GetProperty("name").GetString()));
        var (_, versions) = await SendAsync(HttpMethod.Get, FunctionPath("pruned") + "/versions");
        Assert.Equal(["latest", "v2"], versions.GetProperty("versions").EnumerateArray().Select(v => v.GetProperty("version").GetString()));
        Assert.Equal(404, (await _fx.InvokeAsync("pruned", "{}", qualifier: "v1")).HttpStatus);
        Assert.Equal(404, (await _fx.InvokeAsync("pruned", "{}", qualifier: "!main")).HttpStatus);
        Assert.Equal("latest", await VersionServingAsync("pruned", "latest"));

        // Deleting the function takes its versions and aliases along.
        using (var gone = await _fx.Client.DeleteAsync(FunctionPath("pruned")))
        {
            Assert.Equal(204, (int)gone.StatusCode);
        }
        await _fx.CreateOkAsync("pruned", Curl);
        var (_, fresh) = await SendAsync(HttpMethod.Get, FunctionPath("pruned") + "/versions");
        Assert.Equal(1, fresh.GetProperty("count").GetInt32());
        var (_, noAliases) = await SendAsync(HttpMethod.Get, FunctionPath("pruned") + "/aliases");
        Assert.Empty(noAliases.EnumerateArray());
    }

    [Fact]
    public async Task Versions_and_aliases_survive_a_restart()
    {
        var data = _fx.DataDir;
        await _fx.CreateOkAsync("durable", Curl);
        await PublishOkAsync("durable", "v1", "kept");
        await CreateAliasOkAsync("durable", "{\"name\":\"prod\",\"version\":\"v1\",\"description\":\"kept alias\"}");
        var code = "{\"code_type\":\"zip\",\"func_code\":{\"file\":\"" + Convert.ToBase64String(NewCode) + "\"}}";
        Assert.Equal(200, (await SendAsync(HttpMethod.Put, FunctionPath("durable") + "/code", code)).Status);
        await _fx.Host.StopAsync();

        await using var again = await InvokerFixture.StartAsync(dataDir: data);
        var versions = JsonDocument.Parse(await again.Client.GetStringAsync(FunctionPath("durable") + "/versions")).RootElement;
        Assert.Equal(2, versions.GetProperty("count").GetInt32());
        Assert.Equal("kept", versions.GetProperty("versions")[1].GetProperty("version_description").GetString());
        var alias = JsonDocument.Parse(await again.Client.GetStringAsync(FunctionPath("durable") + "/aliases/prod")).RootElement;
        Assert.Equal("kept alias", alias.GetProperty("description").GetString());

        Assert.Equal("v1", (await again.InvokeAsync("durable", EnvVersion, qualifier: "v1")).Result);
        Assert.Equal("v1", (await again.InvokeAsync("durable", EnvVersion, qualifier: "!prod")).Result);
        Assert.Equal("new code", (await again.InvokeAsync("durable", EnvVersion)).Result);
    }

    [GeneratedRegex("^v[0-9]{8}-[0-9]{6}$")]
    private static partial Regex DefaultVersionName();
}
