using System.Net;
using System.Text;
using System.Text.Json;

namespace Fgs.Invoker.Tests.Integration;

/// <summary>Function management over HTTP: the SDK's paths and fields, errors in FunctionGraph's
/// shape, and durability across restarts.</summary>
public sealed class ManagementApiTests : IAsyncLifetime
{
    private InvokerFixture _fx = null!;

    public async ValueTask InitializeAsync() => _fx = await InvokerFixture.StartAsync();

    public async ValueTask DisposeAsync() => await _fx.DisposeAsync();

    private static byte[] Curl => TestRuntimes.Package("curl");

    private static async Task<(int Status, JsonElement Json)> Read(HttpResponseMessage r)
    {
        var text = await r.Content.ReadAsStringAsync();
        return ((int)r.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement);
    }

    [Fact]
    public async Task Create_get_update_list_and_delete_round_trip()
    {
        using (var created = await _fx.CreateAsync("crud", Curl, "\"description\":\"first\",\"user_data\":\"{\\\"A\\\":\\\"1\\\"}\""))
        {
            var (status, json) = await Read(created);
            Assert.Equal(200, status);
            Assert.Equal(InvokerFixture.Urn("crud"), json.GetProperty("func_urn").GetString());
            Assert.Equal("crud", json.GetProperty("func_name").GetString());
            Assert.Equal("Custom", json.GetProperty("runtime").GetString());
            Assert.Equal(128, json.GetProperty("memory_size").GetInt32());
            Assert.Equal("{\"A\":\"1\"}", json.GetProperty("user_data").GetString());
            Assert.Equal(128, json.GetProperty("digest").GetString()!.Length);
        }

        using (var dup = await _fx.CreateAsync("crud", Curl))
        {
            var (status, json) = await Read(dup);
            Assert.Equal(409, status);
            Assert.Equal("FSS.1061", json.GetProperty("error_code").GetString());
        }

        var urn = InvokerFixture.Urn("crud");
        using (var config = await _fx.Client.GetAsync($"{InvokerFixture.FunctionsPath}/{urn}/config"))
        {
            var (status, json) = await Read(config);
            Assert.Equal(200, status);
            Assert.Equal("first", json.GetProperty("description").GetString());
        }

        var update = """{"func_name":"crud","handler":"bootstrap","runtime":"Custom","memory_size":256,"timeout":60,"description":"second","user_data":"{\"B\":\"2\"}"}""";
        using (var put = await _fx.Client.PutAsync($"{InvokerFixture.FunctionsPath}/{urn}/config", new StringContent(update, Encoding.UTF8, "application/json")))
        {
            var (status, json) = await Read(put);
            Assert.Equal(200, status);
            Assert.Equal(256, json.GetProperty("memory_size").GetInt32());
            Assert.Equal(60, json.GetProperty("timeout").GetInt32());
        }
        var mem = await _fx.InvokeAsync("crud", "{\"env\":\"RUNTIME_MEMORY\"}");
        Assert.Equal("256", mem.Result);
        var b = await _fx.InvokeAsync("crud", "{\"env\":\"B\"}");
        Assert.Equal("2", b.Result);

        var newCode = InvokerFixture.ZipBootstrap("""
            #!/bin/bash
            API="http://${RUNTIME_API_ADDR}/v1/runtime/invocation"
            while true; do
              H=$(mktemp); curl -sS -D "$H" -o /dev/null "$API/request" || { sleep 0.05; continue; }
              ID=$(grep -i '^x-cff-request-id:' "$H" | cut -d: -f2- | tr -d '[:space:]')
              curl -sS -o /dev/null -X POST --data-binary "version two" "$API/response/$ID"; rm -f "$H"
            done
            """);
        var codeBody = "{\"code_type\":\"zip\",\"func_code\":{\"file\":\"" + Convert.ToBase64String(newCode) + "\"}}";
        using (var put = await _fx.Client.PutAsync($"{InvokerFixture.FunctionsPath}/{urn}/code", new StringContent(codeBody, Encoding.UTF8, "application/json")))
        {
            var (status, json) = await Read(put);
            Assert.Equal(200, status);
            Assert.Equal(newCode.Length, json.GetProperty("code_size").GetInt64());
        }
        Assert.Equal("version two", (await _fx.InvokeAsync("crud", "{}")).Result);

        using (var code = await _fx.Client.GetAsync($"{InvokerFixture.FunctionsPath}/{urn}/code"))
        {
            var (status, json) = await Read(code);
            Assert.Equal(200, status);
            Assert.Equal("zip", json.GetProperty("code_type").GetString());
        }

        await _fx.CreateOkAsync("crud-2", Curl);
        using (var list = await _fx.Client.GetAsync($"{InvokerFixture.FunctionsPath}?maxitems=1"))
        {
            var (status, json) = await Read(list);
            Assert.Equal(200, status);
            Assert.Equal(2, json.GetProperty("count").GetInt32());
            Assert.Single(json.GetProperty("functions").EnumerateArray());
            Assert.Equal(1, json.GetProperty("next_marker").GetInt32());
        }

        using (var del = await _fx.Client.DeleteAsync($"{InvokerFixture.FunctionsPath}/{InvokerFixture.Urn("crud", null)}"))
        {
            Assert.Equal(204, (int)del.StatusCode);
        }
        var gone = await _fx.InvokeAsync("crud", "{}");
        Assert.Equal(404, gone.HttpStatus);
        Assert.Equal("FSS.1051", gone.Json.GetProperty("error_code").GetString());
    }

    [Theory]
    [InlineData("\"func_name\":\"1bad\"", "FSS.1002")]
    [InlineData("\"func_name\":\"" + "a123456789a123456789a123456789a123456789a123456789a1234567890" + "\"", "FSS.1002")]
    [InlineData("\"memory_size\":100", "FSS.1007")]
    [InlineData("\"timeout\":2", "FSS.1008")]
    [InlineData("\"timeout\":259201", "FSS.1008")]
    [InlineData("\"runtime\":\"Cobol\"", "FSS.1005")]
    [InlineData("\"user_data\":\"{\\\"RUNTIME_X\\\":\\\"1\\\"}\"", "FSS.1009")]
    [InlineData("\"func_code\":{\"file\":\"%%%not-base64\"}", "FSS.1011")]
    public async Task Invalid_create_bodies_get_400_in_functiongraph_shape(string field, string code)
    {
        var body = new Dictionary<string, string>
        {
            ["func_name"] = "\"valid-name\"",
            ["package"] = "\"default\"",
            ["runtime"] = "\"Custom\"",
            ["handler"] = "\"bootstrap\"",
            ["memory_size"] = "128",
            ["timeout"] = "30",
            ["code_type"] = "\"zip\"",
            ["func_code"] = $"{{\"file\":\"{Convert.ToBase64String(Curl)}\"}}",
        };
        var key = field[1..field.IndexOf('"', 1)];
        body[key] = field[(field.IndexOf(':') + 1)..];
        var json = "{" + string.Join(",", body.Select(kv => $"\"{kv.Key}\":{kv.Value}")) + "}";
        using var r = await _fx.Client.PostAsync(InvokerFixture.FunctionsPath, new StringContent(json, Encoding.UTF8, "application/json"));
        var (status, error) = await Read(r);
        Assert.Equal(400, status);
        Assert.Equal(code, error.GetProperty("error_code").GetString());
        Assert.False(string.IsNullOrEmpty(error.GetProperty("error_msg").GetString()));
        using var list = await _fx.Client.GetAsync(InvokerFixture.FunctionsPath);
        Assert.Equal(0, (await Read(list)).Json.GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task Malformed_json_and_missing_bootstrap_are_rejected()
    {
        using (var r = await _fx.Client.PostAsync(InvokerFixture.FunctionsPath, new StringContent("{not json", Encoding.UTF8, "application/json")))
        {
            var (status, json) = await Read(r);
            Assert.Equal(400, status);
            Assert.StartsWith("FSS.", json.GetProperty("error_code").GetString());
        }
        using var zipWithoutBootstrap = new MemoryStream();
        using (var zip = new System.IO.Compression.ZipArchive(zipWithoutBootstrap, System.IO.Compression.ZipArchiveMode.Create, true))
        {
            using var s = zip.CreateEntry("index.py").Open();
            s.Write("print(1)"u8);
        }
        using var r2 = await _fx.CreateAsync("no-bootstrap", zipWithoutBootstrap.ToArray());
        var (status2, json2) = await Read(r2);
        Assert.Equal(400, status2);
        Assert.Contains("bootstrap", json2.GetProperty("error_msg").GetString());
    }

    [Fact]
    public async Task Unknown_function_version_and_alias_give_404()
    {
        Assert.Equal(404, (await _fx.InvokeAsync("nobody", "{}")).HttpStatus);
        await _fx.CreateOkAsync("versioned", Curl);
        var v = await _fx.InvokeAsync("versioned", "{}", qualifier: "v1");
        Assert.Equal(404, v.HttpStatus);
        Assert.Equal("FSS.1052", v.Json.GetProperty("error_code").GetString());
        var a = await _fx.InvokeAsync("versioned", "{}", qualifier: "!prod");
        Assert.Equal(404, a.HttpStatus);
    }

    [Fact]
    public async Task Invoke_body_over_6_MB_gets_413_and_6_MB_passes()
    {
        await _fx.CreateOkAsync("limit", Curl);
        var atLimit = "{\"echo\":\"" + new string('a', 6291456 - 11) + "\"}";
        Assert.Equal(6291456, atLimit.Length);
        var ok = await _fx.InvokeAsync("limit", atLimit);
        Assert.Equal(200, ok.Status);
        Assert.Equal(atLimit.Length, ok.Result!.Length);
        var over = await _fx.InvokeAsync("limit", atLimit + " ");
        Assert.Equal(413, over.HttpStatus);
        Assert.Equal("FSS.0413", over.Json.GetProperty("error_code").GetString());
    }

    [Fact]
    public async Task Functions_and_code_survive_a_restart()
    {
        var data = _fx.DataDir;
        await _fx.CreateOkAsync("durable", Curl, "\"description\":\"kept\"");
        await _fx.Host.StopAsync();

        await using var again = await InvokerFixture.StartAsync(dataDir: data);
        var config = await again.Client.GetStringAsync($"{InvokerFixture.FunctionsPath}/{InvokerFixture.Urn("durable")}/config");
        Assert.Contains("\"description\":\"kept\"", config);
        var r = await again.InvokeAsync("durable", "{\"echo\":\"after restart\"}");
        Assert.Equal("{\"echo\":\"after restart\"}", r.Result);
    }

    [Fact]
    public async Task Malformed_http_gets_400_and_the_server_keeps_serving()
    {
        using (var socket = new System.Net.Sockets.TcpClient())
        {
            await socket.ConnectAsync(_fx.Host.Endpoint!);
            var stream = socket.GetStream();
            await stream.WriteAsync("GARBAGE\r\n\r\n"u8.ToArray());
            var buffer = new byte[4096];
            var n = await stream.ReadAsync(buffer);
            var text = Encoding.ASCII.GetString(buffer, 0, n);
            Assert.StartsWith("HTTP/1.1 400", text);
            Assert.Contains("\"error_code\"", text);
            Assert.Equal(0, await stream.ReadAsync(buffer)); // closed
        }
        using var health = await _fx.Client.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task Inline_custom_code_becomes_the_bootstrap()
    {
        var script = "#!/bin/bash\nAPI=\"http://${RUNTIME_API_ADDR}/v1/runtime/invocation\"\nwhile true; do H=$(mktemp); curl -sS -D \"$H\" -o /dev/null \"$API/request\" || { sleep 0.05; continue; }; ID=$(grep -i '^x-cff-request-id:' \"$H\" | cut -d: -f2- | tr -d '[:space:]'); curl -sS -o /dev/null -X POST --data-binary inline-ok \"$API/response/$ID\"; rm -f \"$H\"; done\n";
        var body = "{\"func_name\":\"inline\",\"runtime\":\"Custom\",\"handler\":\"bootstrap\",\"code_type\":\"inline\",\"func_code\":{\"file\":\""
            + Convert.ToBase64String(Encoding.UTF8.GetBytes(script)) + "\"}}";
        using var r = await _fx.Client.PostAsync(InvokerFixture.FunctionsPath, new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(200, (int)r.StatusCode);
        Assert.Equal("inline-ok", (await _fx.InvokeAsync("inline", "{}")).Result);
    }

    [Fact]
    public async Task Runtimes_without_a_launcher_are_refused_up_front()
    {
        var body = "{\"func_name\":\"py\",\"runtime\":\"Python3.9\",\"handler\":\"index.handler\",\"code_type\":\"zip\",\"func_code\":{\"file\":\""
            + Convert.ToBase64String(Curl) + "\"}}";
        using var r = await _fx.Client.PostAsync(InvokerFixture.FunctionsPath, new StringContent(body, Encoding.UTF8, "application/json"));
        var (status, json) = await Read(r);
        Assert.Equal(400, status);
        Assert.Equal("FSS.1005", json.GetProperty("error_code").GetString());
        Assert.Contains("Python3.9", json.GetProperty("error_msg").GetString());
    }

    [Fact]
    public async Task List_filters_by_name_fragment_and_pages_to_the_end()
    {
        await _fx.CreateOkAsync("alpha-one", Curl);
        await _fx.CreateOkAsync("alpha-two", Curl);
        await _fx.CreateOkAsync("beta", Curl);
        using var filtered = await _fx.Client.GetAsync($"{InvokerFixture.FunctionsPath}?func_name=alpha");
        var (_, json) = await Read(filtered);
        Assert.Equal(2, json.GetProperty("count").GetInt32());
        Assert.Equal(2, json.GetProperty("next_marker").GetInt32()); // last page: the marker equals the count
        Assert.All(json.GetProperty("functions").EnumerateArray(), f => Assert.StartsWith("alpha", f.GetProperty("func_name").GetString()));
    }

    [Fact]
    public async Task Quotas_report_the_enforced_limits_and_their_use()
    {
        await _fx.CreateOkAsync("counted", Curl);
        using var r = await _fx.Client.GetAsync($"/v2/{InvokerFixture.Project}/fgs/quotas");
        var (status, json) = await Read(r);
        Assert.Equal(200, status);
        var resources = json.GetProperty("quotas").GetProperty("resources").EnumerateArray()
            .ToDictionary(e => e.GetProperty("type").GetString()!, e => (Quota: e.GetProperty("quota").GetInt64(), Used: e.GetProperty("used").GetInt64()));
        Assert.Equal((400L, 1L), resources["fgs_func_num"]);
        Assert.Equal(1000L, resources["fgs_on_demand_instance_limit"].Quota);
    }

    [Fact]
    public async Task Idle_instances_are_reclaimed_after_the_configured_keep_alive()
    {
        await using var fx = await InvokerFixture.StartAsync(o => o.KeepAlive = TimeSpan.FromSeconds(1));
        await fx.CreateOkAsync("short-lived", Curl);
        Assert.Equal(200, (await fx.InvokeAsync("short-lived", "{\"echo\":1}")).Status);
        Assert.Equal(1, fx.Host.Instances!.LiveInstances);
        // The policy itself is tested on a fake clock (InstancePoolTests); this checks the wiring.
        await InvocationLifecycleTests.WaitUntil(() => fx.Host.Instances!.LiveInstances == 0, TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Urn_of_another_region_is_refused()
    {
        await _fx.CreateOkAsync("regional", Curl);
        var other = InvokerFixture.Urn("regional").Replace("cn-north-4", "ap-southeast-1", StringComparison.Ordinal);
        using var r = await _fx.Client.GetAsync($"{InvokerFixture.FunctionsPath}/{other}/config");
        var (status, json) = await Read(r);
        Assert.Equal(400, status);
        Assert.Contains("region 'ap-southeast-1'", json.GetProperty("error_msg").GetString());
    }
}
